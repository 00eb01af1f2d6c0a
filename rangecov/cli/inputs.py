"""The steps every command shares: reading ORIGINS/TARGETS/REGIONS, naming their rows, checking
and writing the output, and notes on stderr.

Mistakes are raised as :class:`UsageError`, which :func:`rangecov.cli.main`
reports in one line with exit code 2. The library (and with it geopandas) is
imported inside the functions, so that ``rangecov --help`` stays quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, MissingCRSError, RangecovError

__all__ = [
    "EXIT_OK",
    "EXIT_THRESHOLD",
    "EXIT_USAGE",
    "LABEL_COLUMNS",
    "UsageError",
    "read_input",
    "refuse_degrees_as_metres",
    "require_column",
    "out_format",
    "check_out",
    "emit",
    "write_output",
    "write_or_print",
    "note",
]

EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE = 0, 1, 2
# --out's extension picks the format when --format is not given.
_OUT_FORMATS = {
    ".json": "json",
    ".csv": "csv",
    ".geojson": "geojson",
    ".gpkg": "gpkg",
    ".fgb": "fgb",
    ".parquet": "parquet",
}

# Rows are labelled by the first of these columns that is present and unique, so
# that results name origins and targets ("nearest_origin": "Sumy") not row numbers.
LABEL_COLUMNS = ("name", "id", "label", "site")


class UsageError(InputError):
    """A mistake on the command line: reported in one line, exit code 2."""


# -- reading ------------------------------------------------------------------------------------


def read_input(path: str, args: argparse.Namespace, what: str, names: str | None = None):
    """Read an input file for the command (``what`` names it in messages), its rows named by a column."""
    from ..io import file_kind, read
    from ..io.reader import is_remote, refuse_remote

    # --lon/--lat/--crs describe table inputs; a spatial file carries its own
    # geometry and CRS, and takes --crs only when it has none.
    table = file_kind(path) == "table"
    remote = getattr(args, "allow_remote", False)
    try:
        if is_remote(path):
            refuse_remote(path, remote, flag="--allow-remote")
        try:
            if table:
                frame = read(path, lon=args.lon, lat=args.lat, crs=args.crs, allow_remote=remote)
            else:
                frame = read(path, allow_remote=remote)
        except MissingCRSError:
            if args.crs is None:
                raise
            frame = read(path, crs=args.crs, allow_remote=remote)
    except RangecovError as err:  # anything else from inside is a bug, reported as one by main()
        raise UsageError(f"{what}: {err}") from err
    if table and args.crs is not None and len(frame):
        refuse_degrees_as_metres(frame, args.crs, what, path)
    if names is not None:
        flag = "--origin-names" if what == "ORIGINS" else "--target-names"
        require_column(frame, names, flag, what)
        if not (frame[names].notna().all() and frame[names].is_unique):
            raise UsageError(f"{flag} {names!r}: the column has blanks or repeated values; names must be unique")
        return frame.set_index(names)
    for name in LABEL_COLUMNS:
        match = [c for c in frame.columns if isinstance(c, str) and c.strip().lower() == name]
        if not match:
            continue
        if frame[match[0]].notna().all() and frame[match[0]].is_unique:
            return frame.set_index(match[0])
        note(f"{what}: column {match[0]!r} is not unique (or has blanks), so rows are named by position", args)
    return frame


def refuse_degrees_as_metres(frame, crs: str, what: str, path: str) -> None:
    """--crs applies to every table input; catch a table of degrees read as projected metres."""
    import pyproj

    if pyproj.CRS.from_user_input(crs).is_geographic:
        return
    b = frame.total_bounds
    if -180 <= b[0] and b[2] <= 180 and -90 <= b[1] and b[3] <= 90:
        raise UsageError(
            f"{what}: {path} looks like longitude/latitude in degrees (all within ±180/±90), but --crs {crs} "
            "is projected and applies to every table input; convert the other table, or leave --crs out"
        )


def require_column(frame, column: str, flag: str, what: str) -> None:
    """A usage error naming the flag and listing the columns when ``column`` is not one of ``frame``'s."""
    if column not in frame.columns:
        from ..writing import list_columns  # "(none)" rather than nothing, and at most 30 names

        cols = list_columns(frame.columns.drop(frame.geometry.name, errors="ignore"))
        raise UsageError(f"{flag} {column!r} is not a column of {what}; columns: {cols}")


# -- output -------------------------------------------------------------------------------------


def out_format(args: argparse.Namespace, allowed: Sequence[str]) -> str:
    """The format to write: --format if given, else by --out's extension, else a table."""
    if args.out is None:
        return args.format or "table"
    ext = Path(args.out).suffix.lower()
    by_ext = _OUT_FORMATS.get(ext)
    if by_ext is None or by_ext not in allowed:
        exts = ", ".join(e for e, f in _OUT_FORMATS.items() if f in allowed)
        raise UsageError(f"--out {args.out}: unknown extension {ext or '(none)'!r}; use one of {exts}")
    if args.format is not None and args.format != by_ext:
        raise UsageError(f"--format {args.format} does not match --out {args.out} (a {by_ext} file); drop one")
    return by_ext


def check_out(path: str | None, force: bool, flag: str = "--out", inputs: Sequence[str] = ()) -> None:
    """Refuse early (before any work) to replace a file without --force, and an input ever."""
    if path is None:
        return
    p = Path(path)
    for given in inputs:
        if Path(given).exists() and p.exists() and p.resolve() == Path(given).resolve():
            raise UsageError(f"{flag} {path} is one of the input files; write the result elsewhere")
    if p.is_dir():
        raise UsageError(f"{flag} {path} is a folder; give a file name")
    if p.exists() and not force:
        raise UsageError(f"{flag} {path} exists; pass --force to replace it")
    if not p.parent.exists():
        raise UsageError(f"{flag} {path}: folder {p.parent} does not exist")


def emit(text: str, args: argparse.Namespace) -> None:
    """Write text to --out (refusing to overwrite without --force) or to stdout."""
    if args.out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    check_out(args.out, args.force)
    from ..writing import remove_file, temporary_beside

    # Beside the output and moved into place, so that a failed write (a full disk) leaves nothing.
    path = Path(args.out)
    temporary = temporary_beside(path)
    try:
        temporary.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        remove_file(temporary)
    note(f"wrote {args.out}", args)


def write_output(frame, args: argparse.Namespace) -> None:
    """Write a GeoDataFrame to --out, in the format its extension names."""
    from ..io import write_frame

    write_frame(frame, args.out, overwrite=args.force)
    note(f"wrote {args.out}", args)


def write_or_print(frame, fmt: str, args: argparse.Namespace) -> None:
    """CSV/GeoJSON text on stdout, or any format into --out."""
    if fmt in ("csv", "geojson") and args.out is None:
        from ..io import frame_text

        sys.stdout.write(frame_text(frame, fmt))
    else:
        write_output(frame, args)


def note(text: str, args: argparse.Namespace) -> None:
    """Informational lines go to stderr, so stdout stays pure data; --quiet drops them."""
    if not args.quiet:
        print(text, file=sys.stderr)
