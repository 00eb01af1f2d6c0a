"""The ``rangecov`` command line (also ``python -m rangecov``).

Exit codes: 0 success (and the share threshold met), 1 a ``--min-share`` /
``--max-share`` threshold not met, 2 bad input or usage, each with a one-line
message on stderr (``--debug`` shows the traceback instead). The JSON output
follows the schemas in ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import traceback
from pathlib import Path
from typing import Sequence

from . import __version__

__all__ = ["main"]

EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE = 0, 1, 2
FORMATS = ("table", "json", "csv", "geojson")
# --out's extension picks the format when --format is not given.
_OUT_FORMATS = {".json": "json", ".csv": "csv", ".geojson": "geojson", ".gpkg": "gpkg", ".parquet": "parquet"}
AREA_SCHEMA = "rangecov.area/1"


class UsageError(ValueError):
    """A mistake on the command line: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (and exit code 2) instead of usage plus error."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- shared steps ---------------------------------------------------------------------------


# Rows are labelled by the first of these columns that is present and unique, so
# that results name origins and targets ("nearest_origin": "Sumy") not row numbers.
LABEL_COLUMNS = ("name", "id", "label", "site")


def _read(path: str, args: argparse.Namespace, what: str, names: str | None = None):
    from .io import _kind, _NoCRS, read

    # --lon/--lat/--crs describe table inputs; a spatial file carries its own
    # geometry and CRS, and takes --crs only when it has none.
    table = _kind(Path(path)) == "table"
    try:
        try:
            frame = read(path, lon=args.lon, lat=args.lat, crs=args.crs) if table else read(path)
        except _NoCRS:
            if args.crs is None:
                raise
            frame = read(path, crs=args.crs)
    except (ValueError, TypeError, FileNotFoundError) as err:
        raise UsageError(f"{what}: {err}") from err
    if table and args.crs is not None and len(frame):
        _refuse_degrees_as_metres(frame, args.crs, what, path)
    if names is not None:
        flag = "--origin-names" if what == "ORIGINS" else "--target-names"
        _require_column(frame, names, flag, what)
        if not (frame[names].notna().all() and frame[names].is_unique):
            raise UsageError(f"{flag} {names!r}: the column has blanks or repeated values; names must be unique")
        return frame.set_index(names)
    for name in LABEL_COLUMNS:
        match = [c for c in frame.columns if isinstance(c, str) and c.strip().lower() == name]
        if not match:
            continue
        if frame[match[0]].notna().all() and frame[match[0]].is_unique:
            return frame.set_index(match[0])
        _note(f"{what}: column {match[0]!r} is not unique (or has blanks), so rows are named by position", args)
    return frame


def _refuse_degrees_as_metres(frame, crs: str, what: str, path: str) -> None:
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


# The library's messages name keyword arguments (crs='EPSG:4326'); on the
# command line the same advice reads as flags (--crs EPSG:4326).
_KEYWORD = re.compile(r"\b(lon|lat|crs|how)=(?:'([^']*)'|\"([^\"]*)\")")


def _as_flags(message: str) -> str:
    """A library error message with its keyword arguments written as the command's flags."""
    return _KEYWORD.sub(lambda m: f"--{m.group(1)} {m.group(2) if m.group(2) is not None else m.group(3)}", message)


def _share(text: str) -> float:
    """A share from the command line: 0.9 or 90%."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share (use e.g. 0.9 or 90%)") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1 (or 0% and 100%)")
    return value


def _rows(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rows (0 or more)")
    return value


def _distance(text: str) -> str:
    """Check a distance early so that a typo is a usage error, not a failure after reading files."""
    from .units import parse_distance

    try:
        parse_distance(text)
    except (ValueError, TypeError) as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def _out_format(args: argparse.Namespace, allowed: Sequence[str]) -> str:
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


def _check_out(path: str | None, force: bool, flag: str = "--out", inputs: Sequence[str] = ()) -> None:
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


def _emit(text: str, args: argparse.Namespace) -> None:
    """Write text to --out (refusing to overwrite without --force) or to stdout."""
    if args.out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    _check_out(args.out, args.force)
    Path(args.out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    _note(f"wrote {args.out}", args)


def _write_frame(frame, args: argparse.Namespace) -> None:
    from .io import write_frame

    write_frame(frame, args.out, overwrite=args.force)
    _note(f"wrote {args.out}", args)


def _note(text: str, args: argparse.Namespace) -> None:
    """Informational lines go to stderr, so stdout stays pure data; --quiet drops them."""
    if not args.quiet:
        print(text, file=sys.stderr)


def _threshold(share: float, args: argparse.Namespace, what: str) -> int:
    """Exit code 1, with a one-line reason, when --min-share/--max-share is not met."""
    if (args.min_share is not None or args.max_share is not None) and math.isnan(share):
        print(f"rangecov: threshold not met: the {what} is undefined (nothing to measure)", file=sys.stderr)
        return EXIT_THRESHOLD
    if args.min_share is not None and not share >= args.min_share:
        print(
            f"rangecov: threshold not met: {what} {_pct(share)} is below --min-share {_pct(args.min_share)}",
            file=sys.stderr,
        )
        return EXIT_THRESHOLD
    if args.max_share is not None and not share <= args.max_share:
        print(
            f"rangecov: threshold not met: {what} {_pct(share)} is above --max-share {_pct(args.max_share)}",
            file=sys.stderr,
        )
        return EXIT_THRESHOLD
    return EXIT_OK


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def _progress(args: argparse.Namespace):
    return False if args.quiet else None


# -- coverage ------------------------------------------------------------------------------------


def _require_column(frame, column: str, flag: str, what: str) -> None:
    """A usage error naming the flag and listing the columns when ``column`` is not one of ``frame``'s."""
    if column not in frame.columns:
        cols = ", ".join(map(str, frame.columns.drop(frame.geometry.name, errors="ignore")))
        raise UsageError(f"{flag} {column!r} is not a column of {what}; columns: {cols}")


def _write_or_print(frame, fmt: str, args: argparse.Namespace) -> None:
    """CSV/GeoJSON text on stdout, or any format into --out."""
    if fmt in ("csv", "geojson") and args.out is None:
        from .io import frame_text

        sys.stdout.write(frame_text(frame, fmt))
    else:
        _write_frame(frame, args)


def _reach_argument(args: argparse.Namespace, origins):
    if args.reach_column is not None:
        _require_column(origins, args.reach_column, "--reach-column", "ORIGINS")
        return args.reach_column
    if getattr(args, "band", None) is not None:
        return tuple(args.band)
    return args.reach


def _target_table(report, by: str | None):
    """The targets as a readable table: labels, status, distances and margins in km."""
    import pandas as pd

    t = report.targets
    table = pd.DataFrame(index=t.index)
    if by is not None:
        table[by] = t[by]
    table["status"] = t["status"].astype(str)
    table["distance_km"] = (t["distance_m"] / 1000).round(1)
    table["margin_km"] = (t["margin_m"] / 1000).round(1)
    table["nearest_origin"] = t["nearest_origin"]
    if report.reach_kind == "column":
        # With a reach per origin the margin belongs to the covering origin, not the nearest.
        table["covering_origin"] = t["covering_origin"]
    if "covered_share" in t.columns:
        table["covered_share"] = t["covered_share"].round(3)
    return table


def _cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import coverage

    fmt = _out_format(args, ("json", "csv", "geojson", "gpkg", "parquet"))
    _check_out(args.out, args.force, inputs=(args.origins, args.targets))
    origins = _read(args.origins, args, "ORIGINS", args.origin_names)
    targets = _read(args.targets, args, "TARGETS", args.target_names)
    if args.by is not None:
        _require_column(targets, args.by, "--by", "TARGETS")
    report = coverage(
        origins,
        targets,
        _reach_argument(args, origins),
        how=args.how,
        tolerance=args.tolerance,
        ellipsoid=args.ellipsoid,
        progress=_progress(args),
    )
    if fmt == "table":
        import pandas as pd

        lines = [repr(report), ""]
        summary = report.summary(by=args.by)
        summary["share"] = summary["share"].map(_pct)
        lines.append(summary.to_string())
        if args.rows > 0:
            lines.append("")
            with pd.option_context("display.width", 120):
                lines.append(_target_table(report, args.by).to_string(max_rows=args.rows))
        _emit("\n".join(lines), args)
    elif fmt == "json":
        _emit(json.dumps(report.to_dict(by=args.by, targets=True), indent=2, allow_nan=False), args)
    else:
        _write_or_print(report.targets, fmt, args)
    return _threshold(report.share, args, "share in reach")


# -- reach ------------------------------------------------------------------------------------------


def _cmd_reach(args: argparse.Namespace) -> int:
    import numpy as np

    from ._shapes import geodesic_area
    from .buffer import reach
    from .geodesy import get_ellipsoid

    _out_format(args, ("geojson", "gpkg", "parquet", "csv"))
    _check_out(args.out, args.force, inputs=(args.origins,))
    origins = _read(args.origins, args, "ORIGINS", args.origin_names)
    if args.by is not None:
        _require_column(origins, args.by, "--by", "ORIGINS")
    distance = _reach_argument(args, origins)
    regions = reach(
        origins,
        distance,
        tolerance=args.tolerance,
        by=args.by,
        ellipsoid=args.ellipsoid,
        progress=_progress(args),
    )
    frame = regions.to_frame()
    frame.index.name = args.by or "region"
    ell = get_ellipsoid(args.ellipsoid)
    frame.insert(0, "area_km2", [geodesic_area(ell, g) / 1e6 for g in regions.values])
    _write_frame(frame, args)
    total = float(np.sum(frame["area_km2"]))
    if args.tolerance is None:
        from ._frames import per_row_distance
        from .buffer import default_tolerance
        from .units import format_distance

        metres = per_row_distance(distance, origins, len(origins), "reach", positive=True)
        tol = format_distance(default_tolerance(metres.min())) if len(metres) else "-"
    else:
        tol = args.tolerance
    _note(f"{len(frame)} region(s), {total:,.0f} km² in all, within {tol} of the true boundary", args)
    return EXIT_OK


# -- area -------------------------------------------------------------------------------------------


def _cmd_area(args: argparse.Namespace) -> int:
    from .area import area_coverage

    fmt = _out_format(args, ("json", "csv", "geojson", "gpkg", "parquet"))
    _check_out(args.out, args.force, inputs=(args.origins, args.regions))
    origins = _read(args.origins, args, "ORIGINS", args.origin_names)
    regions = _read(args.regions, args, "REGIONS", args.target_names)
    distance = _reach_argument(args, origins)
    table = area_coverage(
        origins, regions, distance, tolerance=args.tolerance, ellipsoid=args.ellipsoid, progress=_progress(args)
    )
    area = float(table["area_km2"].sum())
    covered = float(table["covered_km2"].sum())
    share = covered / area if area > 0 else float("nan")
    if fmt == "table":
        shown = table.drop(columns=[table.geometry.name]).copy()
        shown = shown[
            [c for c in shown.columns if c not in ("area_km2", "covered_km2", "covered_share")]
            + ["area_km2", "covered_km2", "covered_share"]
        ]
        shown["area_km2"] = shown["area_km2"].round(1)
        shown["covered_km2"] = shown["covered_km2"].round(1)
        shown["covered_share"] = shown["covered_share"].map(_pct)
        n_o = len(origins)
        head = (
            f"{covered:,.1f} of {area:,.1f} km² ({_pct(share)}) within {_reach_text(args)} "
            f"of {n_o} origin{'s' if n_o != 1 else ''}"
        )
        _emit(head + "\n\n" + shown.to_string(), args)
    elif fmt == "json":
        _emit(json.dumps(_area_dict(table, args, area, covered, share, len(origins)), indent=2, allow_nan=False), args)
    else:
        _write_or_print(table, fmt, args)
    return _threshold(share, args, "covered share of the area")


def _reach_text(args: argparse.Namespace) -> str:
    return f"column {args.reach_column!r}" if args.reach_column else str(args.reach)


def _area_dict(table, args, area, covered, share, n_origins) -> dict:
    from .report import _json_number, _json_value

    return {
        "schema": AREA_SCHEMA,
        "rangecov_version": __version__,
        "reach": _reach_text(args),
        "ellipsoid": args.ellipsoid,
        "origins": n_origins,
        "area_km2": _json_number(area),
        "covered_km2": _json_number(covered),
        "covered_share": _json_number(share),
        "regions": [
            {
                "id": _json_value(i),
                "area_km2": _json_number(a),
                "covered_km2": _json_number(c),
                "covered_share": _json_number(s),
            }
            for i, a, c, s in zip(table.index, table["area_km2"], table["covered_km2"], table["covered_share"])
        ],
    }


# -- demo -------------------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    if args.plot is not None:
        if Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
            raise UsageError(f"--plot {args.plot}: use a .png, .svg or .pdf file name")
        _check_out(args.plot, args.force, "--plot")
    print(run_demo())
    if args.plot is not None:
        from .demo import save_demo_map

        save_demo_map(args.plot)
        _note(f"wrote {args.plot}", args)
    return EXIT_OK


# -- the parser -------------------------------------------------------------------------------------

_EXAMPLES = """\
examples:
  rangecov demo --plot kursk.png
  rangecov coverage sites.csv airfields.geojson --reach "190 mi" --by role
  rangecov coverage sites.csv airfields.csv --reach "300 km" --format json --out result.json
  rangecov coverage sites.csv airfields.csv --band "180 mi" "200 mi" --max-share 10%
  rangecov reach sites.csv --reach "190 mi" --out reach.geojson
  rangecov area sites.csv regions.gpkg --reach "300 km"

exit codes: 0 success (threshold met), 1 threshold not met, 2 bad input or usage.
Inputs: anything geopandas reads (GeoJSON, GeoPackage, Shapefile, GeoParquet), or
CSV/TSV/Parquet tables with lon/lat columns (EPSG:4326 unless --crs says otherwise).
Rows are named by a unique "name" (else "id", "label", "site") column, or the one given by
--origin-names/--target-names; else numbered from 0.
"""


def _common(p: argparse.ArgumentParser, *, reach_required: bool = True) -> None:
    g = p.add_argument_group("reach (one of)")
    group = g.add_mutually_exclusive_group(required=reach_required)
    group.add_argument("--reach", type=_distance, metavar="D", help='one reach for every origin, e.g. "190 mi"')
    group.add_argument("--reach-column", metavar="COL", help="a column of ORIGINS with a reach per origin")
    return group


def _io_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lon", metavar="COL", help="longitude column of every table input (default: found by name)")
    p.add_argument("--lat", metavar="COL", help="latitude column of every table input (default: found by name)")
    p.add_argument("--origin-names", metavar="COL", help="column naming the origins (default: name, id, label or site)")
    if p.prog.split()[-1] != "reach":
        p.add_argument(
            "--target-names", metavar="COL", help="column naming the targets/regions (default: name, id, label or site)"
        )
    p.add_argument(
        "--crs", metavar="CRS", help="CRS of every table input (default EPSG:4326), and of a spatial file without one"
    )
    p.add_argument("--ellipsoid", default="WGS84", metavar="E", help="pyproj ellipsoid name (default WGS84)")
    p.add_argument("--tolerance", type=_distance, metavar="T", help="tolerance of drawn reach regions (default 10 m)")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.add_argument("--quiet", action="store_true", help="no progress bars and no notes on stderr")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error")


def _thresholds(p: argparse.ArgumentParser, what: str) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--min-share", type=_share, metavar="X", help=f"exit 1 unless the {what} is at least X (0.9 or 90%%)"
    )
    g.add_argument("--max-share", type=_share, metavar="X", help=f"exit 1 unless the {what} is at most X")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rangecov",
        description="Exact geodesic reach coverage: which targets lie within reach of which origins.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rangecov {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    cov = sub.add_parser(
        "coverage",
        help="which targets are within reach, and what share",
        description="Which TARGETS lie within geodesic reach of ORIGINS (exact, WGS84).",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cov.add_argument("origins", metavar="ORIGINS", help="file of origins (points, lines or polygons)")
    cov.add_argument("targets", metavar="TARGETS", help="file of targets")
    group = _common(cov)
    group.add_argument(
        "--band",
        nargs=2,
        type=_distance,
        metavar=("LOW", "HIGH"),
        help="an uncertain reach: in within LOW, marginal up to HIGH",
    )
    cov.add_argument("--by", metavar="COL", help="summarise by this column of TARGETS")
    cov.add_argument(
        "--how",
        choices=("any", "all", "centroid", "area"),
        default="any",
        help="when a line/polygon target counts as in reach (default any)",
    )
    cov.add_argument("--format", choices=FORMATS, help="output format (default table, or by --out's extension)")
    cov.add_argument("--out", metavar="FILE", help="write to FILE (.json, .csv, .geojson, .gpkg, .parquet)")
    cov.add_argument(
        "--rows", type=_rows, default=60, metavar="N", help="targets shown by --format table (default 60; 0 for none)"
    )
    _thresholds(cov, "share of targets in reach")
    _io_options(cov)
    cov.set_defaults(func=_cmd_coverage)

    rea = sub.add_parser(
        "reach",
        help="write the reach region (geodesic buffer, dissolved) to a file",
        description="Write the region within reach of ORIGINS (drawn within --tolerance of the true boundary).",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rea.add_argument("origins", metavar="ORIGINS")
    _common(rea)
    rea.add_argument("--by", metavar="COL", help="one region per value of this column of ORIGINS")
    rea.add_argument("--out", metavar="FILE", required=True, help="output file (.geojson, .gpkg, .parquet, .csv)")
    rea.add_argument("--format", choices=("geojson",), help=argparse.SUPPRESS)
    _io_options(rea)
    rea.set_defaults(func=_cmd_reach)

    area = sub.add_parser(
        "area",
        help="the share of each region's area within reach",
        description="The area of each polygon in REGIONS and the part of it within reach of ORIGINS.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    area.add_argument("origins", metavar="ORIGINS")
    area.add_argument("regions", metavar="REGIONS", help="file of polygons")
    _common(area)
    area.add_argument("--format", choices=FORMATS, help="output format (default table, or by --out's extension)")
    area.add_argument("--out", metavar="FILE", help="write to FILE (.json, .csv, .geojson, .gpkg, .parquet)")
    _thresholds(area, "covered share of the total area")
    _io_options(area)
    area.set_defaults(func=_cmd_area)

    demo = sub.add_parser("demo", help="run the bundled ATACMS / Kursk (Nov 2024) scenario")
    demo.add_argument("--plot", metavar="FILE", help="also write the scenario map (.png, .svg or .pdf)")
    demo.add_argument("--force", action="store_true", help="replace an existing --plot file")
    demo.add_argument("--quiet", action="store_true", help="no notes on stderr")
    demo.add_argument("--debug", action="store_true", help="show the traceback of an error")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("rangecov: interrupted", file=sys.stderr)
        return 130
    except (UsageError, ValueError, TypeError, KeyError, OSError, ImportError, NotImplementedError) as err:
        if args.debug:
            traceback.print_exc()
            return EXIT_USAGE  # not Python's 1, which would read as "threshold not met"
        message = _as_flags(" ".join(str(err).split()) or type(err).__name__)
        print(f"rangecov {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as err:  # a bug: still exit 2, never 1, which would read as "threshold not met"
        if args.debug:
            traceback.print_exc()
            return EXIT_USAGE
        message = " ".join(str(err).split())
        print(
            f"rangecov {args.command}: internal error ({type(err).__name__}: {message}); "
            "rerun with --debug and report it",
            file=sys.stderr,
        )
        return EXIT_USAGE
