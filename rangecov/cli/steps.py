"""The steps every command shares: reading ORIGINS/TARGETS/REGIONS, naming their rows, checking
and writing the output, and notes on stderr.

Mistakes are raised as :class:`UsageError`, which :func:`rangecov.cli.main`
reports in one line with exit code 2. The library (and with it geopandas) is
imported inside the functions, so that ``rangecov --help`` stays quick.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, MissingCRSError, RangecovError
from ..frontend import format_share

__all__ = [
    "MAX_CELL",
    "threshold_exit",
    "check_plot",
    "save_plot",
    "progress_option",
    "nouns_option",
    "EXIT_OK",
    "EXIT_THRESHOLD",
    "EXIT_USAGE",
    "UsageError",
    "read_input",
    "as_flags",
    "file_options",
    "shared_flags",
    "file_prefix",
    "layer_argument",
    "refuse_degrees_as_metres",
    "require_column",
    "reach_argument",
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

# Printed tables cut labels and values to this many characters (ending "..."): pandas pads
# every cell of a column to its widest, so one name of 10⁷ characters would take gigabytes.
MAX_CELL = 100


class UsageError(InputError):
    """A mistake on the command line: reported in one line, exit code 2."""


# -- reading ------------------------------------------------------------------------------------


# The library's messages name its keyword arguments (lon='Lat', crs=...); the command has flags.
# lon/lat/crs/layer/sep become the file's own flags (--target-lat) where a message is about one file.
_PER_FILE = ("lon", "lat", "crs", "layer", "sep", "names")
_FLAGS = {
    "sep": "--sep",
    "how": "--how",
    "by": "--by",
    "weight": "--weight",
    "share": "--share",
    "k": "--k",
    "fixed": "--fixed",
    "method": "--method",
    "time_limit": "--time-limit",
    "tolerance": "--tolerance",
    "ellipsoid": "--ellipsoid",
}
_METAVARS = {
    "lon": "COL",
    "lat": "COL",
    "crs": "CRS",
    "layer": "NAME",
    "sep": "SEP",
    "names": "COL",
    "by": "COL",
    "weight": "COL",
}
_KEYWORD = re.compile(
    r"\b(?P<name>lon|lat|crs|layer|sep|names|how|by|weight|share|k|fixed|method|time_limit|tolerance|ellipsoid)="
    r"(?:'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\"|(?P<dots>\.\.\.)|(?P<word>[\w:.-]+))?"
)
_PYTHON = [
    (re.compile(r"\b(overwrite)=True"), "--force"),
    (re.compile(r"\bnames=None to number the rows"), "leave the flag out"),
    (re.compile(r"\b(allow_remote)=True"), "--allow-remote"),
    (
        re.compile(r"parse it with geopandas\.GeoSeries\.from_wkt"),
        "convert the file to GeoJSON or GeoPackage first (e.g. with ogr2ogr)",
    ),
]


def as_flags(message: str, prefix: str | None = None, shared: frozenset = frozenset()) -> str:
    """A library message with its keyword arguments written as the command's flags.

    ``prefix`` ("origin" or "target"): the message is about that file, so lon=/lat=/crs=/layer=
    become its own flags (``--target-lat COL``), except those in ``shared``, which the user gave
    in their shared form (``--lat``) and are named so; without a prefix, the shared ones.
    """

    def flag(m: re.Match) -> str:
        name = m["name"]
        own = prefix and name in _PER_FILE and name not in shared
        option = f"--{prefix}-{name}" if own else _FLAGS.get(name, f"--{name}")
        value = m["single"] if m["single"] is not None else m["double"] if m["double"] is not None else m["word"]
        if value is not None:
            return f"{option} {value}"
        return f"{option} {_METAVARS.get(name, 'VALUE')}" if m["dots"] else option

    # Whole phrases first ("names=None to number the rows"), then single keywords.
    for pattern, replacement in _PYTHON:
        message = pattern.sub(replacement, message)
    return _KEYWORD.sub(flag, message)


def file_prefix(what: str) -> str:
    """The prefix of an input file's own flags: "origin" for ORIGINS and CANDIDATES, "target" for TARGETS and REGIONS."""
    return "origin" if what in ("ORIGINS", "CANDIDATES") else "target"


def shared_flags(args: argparse.Namespace, what: str) -> frozenset:
    """The reading options of ``what`` that came from their shared flag (--lat), not the file's own."""
    prefix = file_prefix(what)
    return frozenset(
        name
        for name in _PER_FILE
        if getattr(args, f"{prefix}_{name}", None) is None and getattr(args, name, None) is not None
    )


def file_options(args: argparse.Namespace, what: str) -> dict:
    """read()'s lon/lat/crs/layer/sep/names for one input file: its own flags (--target-lat), else the shared ones (--lat)."""
    prefix = file_prefix(what)
    options = {}
    for name in _PER_FILE:
        own = getattr(args, f"{prefix}_{name}", None)
        options[name] = own if own is not None else getattr(args, name, None)
    options["layer"] = layer_argument(options["layer"])
    return options


def read_input(path: str, args: argparse.Namespace, what: str):
    """Read an input file for the command (``what`` names it in messages), its rows named by a column.

    A file without data rows is refused: on the command line an empty export is a mistake to
    report (exit 2), not a share of 0 of 0 to pass a threshold with.
    """
    from ..frontend import is_remote, refuse_remote
    from ..io import file_kind, read

    prefix = file_prefix(what)
    opts = file_options(args, what)
    # The rows are named as read() names them: by the column given, else by its "auto" rule.
    naming = {"names": opts.pop("names") or "auto"}
    # --lon/--lat/--crs/--sep describe table inputs; a spatial file carries its own
    # geometry and CRS, and takes --crs only when it has none.
    table = file_kind(path) == "table"
    remote = getattr(args, "allow_remote", False)
    crs = opts["crs"]
    try:
        if is_remote(path):
            refuse_remote(path, remote, flag="--allow-remote")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if table:
                # A layer given for a table is refused by read(), in words naming the flag.
                frame = read(path, **opts, **naming, allow_remote=remote)
            else:
                # The shared --lon/--lat/--sep describe tables; the file's own flags are refused by read() here.
                own = {name: getattr(args, f"{prefix}_{name}", None) for name in ("lon", "lat", "sep")}
                spatial = dict(own, layer=opts["layer"], allow_remote=remote, **naming)
                try:
                    frame = read(path, **spatial)
                except MissingCRSError:
                    if crs is None:
                        raise
                    frame = read(path, crs=crs, **spatial)
                if crs is not None and _projected_as_degrees(frame):
                    # A GeoJSON of projected numbers, read as degrees as its specification says: the CRS is theirs.
                    frame = read(path, crs=crs, **spatial)
    except RangecovError as err:  # anything else from inside is a bug, reported as one by main()
        shared = shared_flags(args, what)
        message = as_flags(str(err), prefix, shared)
        missing = [name for name in ("lon", "lat") if name in shared and f"--{name} " in message]
        if missing and "is not a column of" in message:
            # The usual slip: one shared --lat for two files that name the column differently.
            name = missing[0]
            message += (
                f" (--{name} applies to every table input; for one file only, give --origin-{name} or --target-{name})"
            )
        raise UsageError(f"{what}: {message}") from err
    for warning in caught:  # e.g. "several layers; reading the first": a note in the command's words
        note(f"{what}: {as_flags(str(warning.message), prefix, shared_flags(args, what))}", args)
    from ..io import label_columns

    if naming["names"] == "auto" and frame.index.name is None and len(frame) and not label_columns(frame.columns):
        # read() numbers such rows silently (Python users see the index); on the command line the
        # numbers would turn up in nearest_origin unexplained.
        note(
            f"{what}: rows are numbered from 0 (no complete, unique name, id, label or site column); "
            f"name them with --{prefix}-names COL",
            args,
        )
    _refuse_metres_as_degrees(frame, what, path)
    if len(frame) == 0:
        raise UsageError(f"{what} has no rows: {path} has no data rows (an empty export?)")
    if table and crs is not None:
        refuse_degrees_as_metres(frame, crs, what, path, args)
    return frame


def _projected_as_degrees(frame) -> bool:
    """Whether ``frame`` says it is in degrees but holds numbers of a projected CRS (beyond ±1000 in x and y)."""
    if frame.crs is None or not frame.crs.is_geographic or not len(frame):
        return False
    import numpy as np

    b = frame.total_bounds
    return bool(np.isfinite(b).all() and min(abs(b[1]), abs(b[3])) > 1000 and min(abs(b[0]), abs(b[2])) > 1000)


def _refuse_metres_as_degrees(frame, what: str, path: str) -> None:
    """Projected numbers read as degrees (a GeoJSON is, by its specification): name the file's --…-crs.

    The library says the same when it measures; here the message can name the flag.
    """
    if _projected_as_degrees(frame):
        b = frame.total_bounds
        own = f"--{file_prefix(what)}-crs"
        raise UsageError(
            f"{what}: {path} holds numbers such as {b[0]:g}, {b[1]:g}, which are not longitude/latitude "
            f"but projected coordinates (metres or feet); give the CRS they are in with {own} (e.g. {own} EPSG:32633)"
        )


def layer_argument(text: str | None):
    """--…-layer as read() takes it: a 0-based position when it is a number, else a name."""
    return int(text) if text is not None and text.isdigit() else text


def refuse_degrees_as_metres(frame, crs: str, what: str, path: str, args: argparse.Namespace) -> None:
    """A projected CRS given for a table of degrees: the usual slip when one --crs serves two files."""
    import pyproj

    if pyproj.CRS.from_user_input(crs).is_geographic:
        return
    b = frame.total_bounds
    if -180 <= b[0] and b[2] <= 180 and -90 <= b[1] and b[3] <= 90:
        own = f"--{file_prefix(what)}-crs"
        other = "--target-crs" if what == "ORIGINS" else "--origin-crs"
        if getattr(args, own[2:].replace("-", "_"), None) is not None:
            fix = f"leave {own} out"
        elif not hasattr(args, "target_crs"):  # reach, rings: one file, no other to give it to
            fix = "leave --crs out"
        else:
            fix = (
                f"--crs applies to every table input: give the projected CRS to the other file only, with {other} {crs}"
            )
        raise UsageError(
            f"{what}: {path} looks like longitude/latitude in degrees (all within ±180/±90), "
            f"but its CRS was given as {crs}, a projected one; {fix}"
        )


def reach_argument(args: argparse.Namespace, origins, what: str = "ORIGINS"):
    """The reach the flags give: --reach-column (checked against ``origins``, named ``what``), --band or --reach."""
    if args.reach_column is not None:
        require_column(origins, args.reach_column, "--reach-column", what)
        return args.reach_column
    if getattr(args, "band", None) is not None:
        return tuple(args.band)
    return args.reach


def require_column(frame, column: str, flag: str, what: str) -> None:
    """A usage error naming the flag and listing the columns when ``column`` is not one of ``frame``'s."""
    if column not in frame.columns:
        from ..io import list_columns  # "(none)" rather than nothing, and at most 30 names

        cols = list_columns(frame.columns.drop(frame.geometry.name, errors="ignore"))
        near = [c for c in frame.columns if isinstance(c, str) and c.strip().casefold() == column.strip().casefold()]
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise UsageError(f"{flag} {column!r} is not a column of {what}; columns: {cols}{hint}")


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
    from ..io import remove_file, temporary_beside

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


# -- shared by the commands: thresholds, maps, flags ----------------------------------------------


def threshold_exit(share: float, args: argparse.Namespace, what: str) -> int:
    """Exit code 1, with a one-line reason, when --min-share/--max-share is not met."""
    if (args.min_share is not None or args.max_share is not None) and math.isnan(share):
        print(f"rangecov: threshold not met: the {what} is undefined (nothing to measure)", file=sys.stderr)
        return EXIT_THRESHOLD
    if args.min_share is not None and not share >= args.min_share:
        print(
            f"rangecov: threshold not met: {what} {format_share(share)} is below --min-share {format_share(args.min_share)}",
            file=sys.stderr,
        )
        return EXIT_THRESHOLD
    if args.max_share is not None and not share <= args.max_share:
        print(
            f"rangecov: threshold not met: {what} {format_share(share)} is above --max-share {format_share(args.max_share)}",
            file=sys.stderr,
        )
        return EXIT_THRESHOLD
    return EXIT_OK


def check_plot(args: argparse.Namespace, inputs: tuple[str, ...]) -> None:
    """--plot refused early (before any work): a picture format, and no file replaced without --force."""
    if getattr(args, "plot", None) is None:
        return
    if Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"--plot {args.plot}: use a .png, .svg or .pdf file name")
    check_out(args.plot, args.force, "--plot", inputs=inputs)
    if args.out is not None and Path(args.out).resolve() == Path(args.plot).resolve():
        raise UsageError(f"--plot {args.plot} is also --out; give two files")


def save_plot(report, args: argparse.Namespace, **options) -> None:
    """The map of ``report`` into --plot, titled by --title (else the headline)."""
    from ..plot import save_map

    options.setdefault("title", args.title if args.title is not None else True)
    options.setdefault("graticule", args.graticule)
    save_map(report, args.plot, **options)
    note(f"wrote {args.plot}", args)


def progress_option(args: argparse.Namespace):
    return False if args.quiet else None


def nouns_option(args: argparse.Namespace):
    return tuple(args.nouns) if getattr(args, "nouns", None) else None
