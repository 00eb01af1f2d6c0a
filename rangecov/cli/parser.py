"""The ``rangecov`` argument parser: subcommands, options, their checks and the examples text."""

from __future__ import annotations

import argparse
from typing import NoReturn

from ..frontend import CHUNK_ROWS
from ..version import __version__
from .commands import cmd_coverage, cmd_demo
from .place import cmd_place
from .regions import cmd_area, cmd_reach, cmd_rings
from .steps import EXIT_USAGE

__all__ = ["FORMATS", "build_parser"]

FORMATS = ("table", "json", "csv", "geojson")


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (and exit code 2) instead of usage plus error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- argument types ---------------------------------------------------------------------------


def _share(text: str) -> float:
    """A share from the command line: 0.9 or 90% (0 allowed: a threshold may be 0)."""
    from ..units import parse_share

    try:
        return parse_share(text, zero=True)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1 (e.g. 0.9 or 90%)") from None


def _rows(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rows (0 or more)")
    return value


def _chunk_rows(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rows (a whole number, 1 or more)")
    return value


def _sites(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of sites (a whole number, 1 or more)")
    return value


def _distance(text: str) -> str:
    """Check a distance early so that a typo is a usage error, not a failure after reading files."""
    from ..units import ACCEPTED_UNITS, parse_distance

    try:
        parse_distance(text)
    except (ValueError, TypeError) as err:
        try:
            float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(str(err)) from None
        # A bare number: on the command line every distance is text, so it needs its unit.
        raise argparse.ArgumentTypeError(
            f'{text!r} has no unit; write e.g. "{text} km" or "{text} mi" (units: {ACCEPTED_UNITS})'
        ) from None
    return text


# -- the parser -------------------------------------------------------------------------------------

_EXAMPLES = {
    "coverage": """\
  rangecov coverage sites.csv airfields.geojson --reach "190 mi" --by role
  rangecov coverage sites.csv airfields.csv --reach "300 km" --format json --out result.json
  rangecov coverage sites.csv airfields.csv --band "180 mi" "200 mi" --max-share 10%
  rangecov coverage sites.csv fields.csv --reach "300 km" --origin-lat Lat --target-lat y
  rangecov coverage sites.csv airfields.csv --reach "190 mi" --nouns "launch sites" airfields --plot map.png
""",
    "reach": """\
  rangecov reach sites.csv --reach "190 mi" --out reach.geojson
  rangecov reach sites.csv --reach-column reach --by oblast --out reach.gpkg
  rangecov reach sites.csv --reach "190 mi" --plot reach.png --title "ATACMS, 190 mi"
""",
    "rings": """\
  rangecov rings sites.csv --distances "100 km" "200 km" "300 km" --out rings.geojson --plot rings.png
  rangecov rings sites.csv --interval "50 mi" --count 4 --radials 8 --out rings.gpkg
""",
    "area": """\
  rangecov area sites.csv regions.gpkg --reach "300 km"
  rangecov area sites.csv regions.gpkg --reach "300 km" --min-share 25% --format json
""",
    "place": """\
  rangecov place grid.csv airfields.geojson --reach "190 mi" --k 3
  rangecov place grid.csv places.csv --reach "300 km" --share 90% --weight population --format json
""",
    "demo": """\
  rangecov demo --plot kursk.png
""",
}
_EXIT_CODES = "exit codes: 0 success (threshold met), 1 threshold not met, 2 bad input or usage."
_NAMING = (
    'Rows are named by a unique "name" (else "id", "label", "site") column, or the one given by\n'
    "--origin-names/--target-names; else numbered from 0."
)


def _epilog(*commands: str) -> str:
    """Examples of ``commands``, the exit codes and the naming of rows: the foot of a --help."""
    examples = "".join(_EXAMPLES[c] for c in commands)
    return f"examples:\n{examples}\n{_EXIT_CODES}\n{_NAMING}\n"


def _common(
    p: argparse.ArgumentParser, *, reach_required: bool = True, origins: str = "ORIGINS"
) -> argparse._MutuallyExclusiveGroup:
    """The reach options; returns their group so that a command can add one (``--band``)."""
    g = p.add_argument_group("reach (one of)")
    group = g.add_mutually_exclusive_group(required=reach_required)
    group.add_argument("--reach", type=_distance, metavar="D", help='one reach for every origin, e.g. "190 mi"')
    group.add_argument("--reach-column", metavar="COL", help=f"a column of {origins} with a reach per row")
    return group


def _separator(text: str) -> str:
    """--sep: one character, or the words tab/space(s) (a tab is awkward to type in a shell)."""
    words = {"tab": "\t", "\\t": "\t", "space": r"\s+", "spaces": r"\s+", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = words.get(text.strip().lower(), text)
    if len(value) != 1 and value != r"\s+":
        raise argparse.ArgumentTypeError(f"{text!r} is not a separator; give one character (, ; |) or tab")
    return value


def _io_options(p: argparse.ArgumentParser, *, targets: str | None, origins: str = "ORIGINS") -> None:
    """Options of reading the input files: shared ones, and each file's own (``targets``: its argument name)."""
    g = p.add_argument_group(
        "reading the input files",
        "Tables (.csv, .tsv, .txt) take their points from longitude/latitude columns found by\n"
        "name (lon, lng, long, longitude, x / lat, latitude, y), in EPSG:4326 unless a CRS is given.\n"
        "Spatial files (GeoJSON, GeoPackage, ...) carry their own geometry and CRS.",
    )
    g.add_argument("--lon", metavar="COL", help="longitude column of every table input")
    g.add_argument("--lat", metavar="COL", help="latitude column of every table input")
    g.add_argument("--crs", metavar="CRS", help="CRS of every table input, and of a spatial file without one")
    g.add_argument("--sep", type=_separator, metavar="SEP", help="separator of table inputs (default: from the header)")
    files = [("origin", origins)] + ([("target", targets)] if targets else [])
    for prefix, name in files:
        g.add_argument(f"--{prefix}-lon", metavar="COL", help=f"longitude column of {name} (instead of --lon)")
        g.add_argument(f"--{prefix}-lat", metavar="COL", help=f"latitude column of {name} (instead of --lat)")
        g.add_argument(f"--{prefix}-crs", metavar="CRS", help=f"CRS of {name} (instead of --crs)")
        g.add_argument(
            f"--{prefix}-sep", type=_separator, metavar="SEP", help=f"separator of {name} (instead of --sep)"
        )
        g.add_argument(
            f"--{prefix}-layer", metavar="NAME", help=f"layer of {name} (a GeoPackage's, by name or 0-based)"
        )
        g.add_argument(
            f"--{prefix}-names",
            metavar="COL",
            help=f"column naming the rows of {name} (default: name, id, label or site)",
        )
    o = p.add_argument_group("other options")
    o.add_argument("--ellipsoid", default="WGS84", metavar="E", help="pyproj ellipsoid name (default WGS84)")
    o.add_argument("--tolerance", type=_distance, metavar="T", help="tolerance of drawn reach regions (default 10 m)")
    o.add_argument("--force", action="store_true", help="replace an existing output file")
    o.add_argument(
        "--allow-remote", action="store_true", help="read inputs given as URLs (https://, s3://, /vsicurl/, ...)"
    )
    o.add_argument("--quiet", action="store_true", help="no progress bars and no notes on stderr")
    o.add_argument("--debug", action="store_true", help="show the traceback of an error")


def _thresholds(p: argparse.ArgumentParser, what: str) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--min-share", type=_share, metavar="X", help=f"exit 1 unless the {what} is at least X (0.9 or 90%%)"
    )
    g.add_argument("--max-share", type=_share, metavar="X", help=f"exit 1 unless the {what} is at most X")


def _subcommand(sub, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    """A subcommand's parser, its --help ending in its own examples, the exit codes and the naming of rows."""
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        epilog=_epilog(name),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _map_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plot", metavar="FILE", help="also draw the map into FILE (.png, .svg or .pdf; needs matplotlib)")
    p.add_argument("--title", metavar="TEXT", help="the map's title (default: the headline)")
    p.add_argument("--graticule", action="store_true", help="draw meridians and parallels on the map")


def _coverage_parser(sub) -> None:
    """The ``coverage`` subcommand's options."""
    cov = _subcommand(
        sub,
        "coverage",
        "which targets are within reach, and what share",
        "Which TARGETS lie within geodesic reach of ORIGINS (exact, WGS84).",
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
        "--weight",
        metavar="COL",
        help="a number >= 0 per target in this column of TARGETS (aircraft, population): "
        "also report the weight in reach and the weighted share",
    )
    cov.add_argument(
        "--how",
        choices=("any", "all", "centroid", "area"),
        default="any",
        help="when a line/polygon target counts as in reach (default any)",
    )
    cov.add_argument("--format", choices=FORMATS, help="output format (default table, or by --out's extension)")
    cov.add_argument("--out", metavar="FILE", help="write to FILE (.json, .csv, .geojson, .gpkg, .fgb, .parquet)")
    cov.add_argument(
        "--rows", type=_rows, default=60, metavar="N", help="targets shown by --format table (default 60; 0 for none)"
    )
    cov.add_argument(
        "--chunk-rows",
        type=_chunk_rows,
        default=CHUNK_ROWS,
        metavar="N",
        help=f"TARGETS with more rows are read N at a time, in bounded memory (default {CHUNK_ROWS:,})",
    )
    cov.add_argument(
        "--nouns",
        nargs=2,
        metavar=("ORIGINS", "TARGETS"),
        help='what to call them in the headline and the map, e.g. --nouns "launch sites" airfields',
    )
    _map_options(cov)
    _thresholds(cov, "share of targets in reach")
    _io_options(cov, targets="TARGETS")
    cov.set_defaults(func=cmd_coverage)


def _rings_parser(sub) -> None:
    """The ``rings`` subcommand's options."""
    rin = _subcommand(
        sub,
        "rings",
        "concentric geodesic range rings around point origins",
        "Range rings (annuli) around each point of ORIGINS, each boundary within --tolerance.",
    )
    rin.add_argument("origins", metavar="ORIGINS", help="file of origins (points)")
    g = rin.add_argument_group("rings (one of)").add_mutually_exclusive_group(required=True)
    g.add_argument(
        "--distances", nargs="+", type=_distance, metavar="D", help='the rings\' outer radii, e.g. "100 km" "200 km"'
    )
    g.add_argument("--interval", type=_distance, metavar="D", help="rings D apart (with --count)")
    g.add_argument(
        "--max-range", type=_distance, metavar="D", help="one annulus out to D (from --min-range, default 0)"
    )
    rin.add_argument("--count", type=_chunk_rows, metavar="N", help="how many rings of --interval")
    rin.add_argument("--min-range", type=_distance, metavar="D", help="the inner radius of --max-range's annulus")
    rin.add_argument("--radials", type=_rows, default=0, metavar="N", help="also N radial lines per origin")
    rin.add_argument("--out", metavar="FILE", help="output file (.geojson, .gpkg, .parquet, .csv)")
    rin.add_argument("--format", choices=("geojson",), help=argparse.SUPPRESS)
    _map_options(rin)
    _io_options(rin, targets=None)
    rin.set_defaults(func=cmd_rings)


def _place_parser(sub) -> None:
    """The ``place`` subcommand's options."""
    pla = _subcommand(
        sub,
        "place",
        "choose sites: the k covering the most targets, or the fewest covering a share",
        "Choose sites among CANDIDATES (points) that cover the most TARGETS (--k) or the fewest that\n"
        "cover a share of them (--share): exact coverage sets, an integer program (HiGHS), a stated gap.",
    )
    pla.add_argument("candidates", metavar="CANDIDATES", help="file of candidate sites (points)")
    pla.add_argument("targets", metavar="TARGETS", help="file of targets")
    group = _common(pla, origins="CANDIDATES")
    group.add_argument(
        "--band", nargs=2, type=_distance, metavar=("LOW", "HIGH"), help="an uncertain reach: covered within LOW"
    )
    goal = pla.add_argument_group("goal (one of)").add_mutually_exclusive_group(required=True)
    goal.add_argument("--k", type=_sites, metavar="N", help="at most N sites covering the most weight")
    goal.add_argument("--share", type=_share, metavar="S", help="the fewest sites covering S of the weight (0.9, 90%%)")
    pla.add_argument("--fixed", metavar="COL", help="a True/False column of CANDIDATES: sites always chosen")
    pla.add_argument("--weight", metavar="COL", help="a number >= 0 per target in this column of TARGETS")
    pla.add_argument("--how", choices=("any", "centroid"), default="any", help="when a line/polygon target is covered")
    pla.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="seconds for the solver (default 60)")
    pla.add_argument("--method", choices=("exact", "greedy"), default="exact", help="integer program or greedy alone")
    pla.add_argument("--format", choices=FORMATS, help="output format (default table, or by --out's extension)")
    pla.add_argument("--out", metavar="FILE", help="write to FILE (.json, .csv, .geojson, .gpkg, .fgb, .parquet)")
    _io_options(pla, targets="TARGETS", origins="CANDIDATES")
    pla.set_defaults(func=cmd_place)


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``rangecov`` command, each subcommand's function set as its ``func`` default."""
    parser = _Parser(
        prog="rangecov",
        description="Exact geodesic reach coverage: which targets lie within reach of which origins.",
        epilog=_epilog("demo", "coverage", "reach", "rings", "area", "place"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rangecov {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    _coverage_parser(sub)

    rea = _subcommand(
        sub,
        "reach",
        "write the reach region (geodesic buffer, dissolved) to a file",
        "Write the region within reach of ORIGINS (drawn within --tolerance of the true boundary).",
    )
    rea.add_argument("origins", metavar="ORIGINS", help="file of origins (points, lines or polygons)")
    _common(rea)
    rea.add_argument("--by", metavar="COL", help="one region per value of this column of ORIGINS")
    rea.add_argument("--out", metavar="FILE", help="output file (.geojson, .gpkg, .parquet, .csv)")
    rea.add_argument("--format", choices=("geojson",), help=argparse.SUPPRESS)
    _map_options(rea)
    _io_options(rea, targets=None)
    rea.set_defaults(func=cmd_reach)

    area = _subcommand(
        sub,
        "area",
        "the share of each region's area within reach",
        "The area of each polygon in REGIONS and the part of it within reach of ORIGINS.",
    )
    area.add_argument("origins", metavar="ORIGINS", help="file of origins (points, lines or polygons)")
    area.add_argument("regions", metavar="REGIONS", help="file of polygons")
    _common(area)
    area.add_argument("--format", choices=FORMATS, help="output format (default table, or by --out's extension)")
    area.add_argument("--out", metavar="FILE", help="write to FILE (.json, .csv, .geojson, .gpkg, .parquet)")
    _thresholds(area, "covered share of the total area")
    _io_options(area, targets="REGIONS")
    area.set_defaults(func=cmd_area)

    _rings_parser(sub)
    _place_parser(sub)

    demo = sub.add_parser("demo", help="run the bundled ATACMS / Kursk (Nov 2024) scenario")
    demo.add_argument("--plot", metavar="FILE", help="also write the scenario map (.png, .svg or .pdf)")
    demo.add_argument("--force", action="store_true", help="replace an existing --plot file")
    demo.add_argument("--quiet", action="store_true", help="no notes on stderr")
    demo.add_argument("--debug", action="store_true", help="show the traceback of an error")
    demo.set_defaults(func=cmd_demo)
    return parser
