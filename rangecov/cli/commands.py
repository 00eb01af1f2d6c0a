"""The subcommands of ``rangecov``: coverage, reach, area and demo.

Each takes the parsed arguments and returns the exit code: 0, or 1 when a
``--min-share`` / ``--max-share`` threshold is not met.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from ..errors import MissingCRSError, RangecovError
from ..version import __version__
from .steps import (
    EXIT_OK,
    EXIT_THRESHOLD,
    UsageError,
    as_flags,
    check_out,
    emit,
    file_options,
    note,
    out_format,
    reach_argument,
    read_input,
    refuse_degrees_as_metres,
    require_column,
    shared_flags,
    write_or_print,
    write_output,
)

__all__ = ["AREA_SCHEMA", "cmd_coverage", "cmd_reach", "cmd_rings", "cmd_area", "cmd_demo"]
# Targets are labelled on a --plot map up to this many; more would bury it.
_MAX_MAP_LABELS = 40

AREA_SCHEMA = "rangecov.area/1"
# Printed tables cut labels and values to this many characters (ending "..."): pandas pads
# every cell of a column to its widest, so one name of 10⁷ characters would take gigabytes.
_MAX_CELL = 100


# -- shared steps ---------------------------------------------------------------------------


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
    from ..results.totals import format_share

    return format_share(x)


def _check_plot(args: argparse.Namespace, inputs: tuple[str, ...]) -> None:
    """--plot refused early (before any work): a picture format, and no file replaced without --force."""
    if getattr(args, "plot", None) is None:
        return
    if Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"--plot {args.plot}: use a .png, .svg or .pdf file name")
    check_out(args.plot, args.force, "--plot", inputs=inputs)
    if args.out is not None and Path(args.out).resolve() == Path(args.plot).resolve():
        raise UsageError(f"--plot {args.plot} is also --out; give two files")


def _save_map(report, args: argparse.Namespace, **options) -> None:
    """The map of ``report`` into --plot, titled by --title (else the headline)."""
    from ..plot import save_map

    options.setdefault("title", args.title if args.title is not None else True)
    options.setdefault("graticule", args.graticule)
    save_map(report, args.plot, **options)
    note(f"wrote {args.plot}", args)


def _progress(args: argparse.Namespace):
    return False if args.quiet else None


def _nouns(args: argparse.Namespace):
    return tuple(args.nouns) if getattr(args, "nouns", None) else None


# -- coverage ------------------------------------------------------------------------------------


def _shown_summary(summary):
    """A summary as the table prints it: shares as percentages, weights as the headline writes them."""
    from ..results.totals import format_weight

    for column in ("share", "weighted_share"):
        if column in summary:
            summary[column] = summary[column].map(_pct)
    for column in ("weight_total", "weight_in", "weight_marginal"):
        if column in summary:
            summary[column] = summary[column].map(format_weight)
    return summary


def _target_table(report, by: str | None):
    """The targets as a readable table: labels, status, distances and margins in km."""
    import pandas as pd

    t = report.targets
    table = pd.DataFrame(index=t.index)
    if by is not None:
        table[by] = t[by]
    if report.weight is not None and report.weight != by:
        table[report.weight] = t[report.weight]
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


def cmd_coverage(args: argparse.Namespace) -> int:
    """``rangecov coverage``: which targets are within reach, and what share."""
    from ..cover.entry import coverage
    from ..io.chunk_reader import rows_beyond

    fmt = out_format(args, ("json", "csv", "geojson", "gpkg", "fgb", "parquet"))
    check_out(args.out, args.force, inputs=(args.origins, args.targets))
    _check_plot(args, (args.origins, args.targets))
    origins = read_input(args.origins, args, "ORIGINS")
    if Path(args.targets).is_file() and rows_beyond(
        args.targets, args.chunk_rows, file_options(args, "TARGETS")["sep"]
    ):
        return _coverage_streamed(args, origins, fmt)
    targets = read_input(args.targets, args, "TARGETS")
    for flag, column in (("--by", args.by), ("--weight", args.weight)):
        if column is not None:
            require_column(targets, column, flag, "TARGETS")
    report = coverage(
        origins,
        targets,
        reach_argument(args, origins),
        how=args.how,
        tolerance=args.tolerance,
        ellipsoid=args.ellipsoid,
        progress=_progress(args),
        nouns=_nouns(args),
        weight=args.weight,
    )
    if args.plot is not None:
        _save_map(report, args, labels=True if report.total <= _MAX_MAP_LABELS else None)
    if fmt == "table":
        import pandas as pd

        lines = [repr(report), ""]
        summary = _shown_summary(report.summary(by=args.by))
        lines.append(summary.to_string(max_colwidth=_MAX_CELL))
        if args.rows > 0:
            lines.append("")
            table = _target_table(report, args.by)
            with pd.option_context("display.width", 120):
                # The first --rows rows, then how many more (pandas' max_rows would show rows - 1).
                lines.append(table.head(args.rows).to_string(max_colwidth=_MAX_CELL))
            if len(table) > args.rows:
                more = len(table) - args.rows
                lines.append(
                    f"... and {more:,} more {report.nouns.of(more, 'target')} "
                    f"(--rows {len(table)} shows all; --out FILE.csv writes them)"
                )
        emit("\n".join(lines), args)
    elif fmt == "json":
        emit(json.dumps(report.to_dict(by=args.by, targets=True), indent=2, allow_nan=False), args)
    else:
        write_or_print(report.targets, fmt, args)
        if args.out is not None:
            note(repr(report), args)
    return _threshold(report.share, args, "share in reach")


def _check_first_rows(args: argparse.Namespace, opts: dict) -> None:
    """read_input's check of a table read with a projected CRS, made on the first rows of a streamed one."""
    from ..io.chunk_reader import open_chunks

    source = open_chunks(
        args.targets, chunk_rows=1000, lon=opts["lon"], lat=opts["lat"], crs=opts["crs"], sep=opts["sep"]
    )
    first = next(iter(source), None)
    if first is not None and len(first):
        refuse_degrees_as_metres(first.frame(), opts["crs"], "TARGETS", args.targets, args)


def _coverage_streamed(args: argparse.Namespace, origins, fmt: str) -> int:
    """TARGETS with more rows than --chunk-rows: read and answered a chunk at a time (docs/cli.md, "Large files").

    Prints the totals and the summary, never per-target rows: those go to --out only.
    """
    from ..cover.streaming import stream_coverage

    rows_out = fmt not in ("table", "json")
    if args.plot is not None:
        raise UsageError(
            f"--plot draws every target, but TARGETS has more than --chunk-rows {args.chunk_rows:,} rows and is "
            "read in chunks; raise --chunk-rows to hold it in memory, or map a sample of it"
        )
    if rows_out and args.out is None:
        raise UsageError(
            f"TARGETS has more than --chunk-rows {args.chunk_rows:,} rows, so it is read in chunks and its rows "
            f"are written only to a file: give --out FILE.{fmt} (or .parquet, .gpkg, .fgb)"
        )
    from ..io import file_kind

    def run(**reading):
        return stream_coverage(
            origins,
            args.targets,
            reach_argument(args, origins),
            by=args.by,
            out=args.out if rows_out else None,
            overwrite=args.force,
            chunk_size=args.chunk_rows,
            how=args.how,
            tolerance=args.tolerance,
            ellipsoid=args.ellipsoid,
            progress=_progress(args),
            nouns=_nouns(args),
            weight=args.weight,
            **reading,
        )

    opts = file_options(args, "TARGETS")
    try:
        # As read_input reads: --lon/--lat/--crs describe tables; a spatial file takes --crs only if it has none.
        if file_kind(args.targets) == "table":
            if opts["crs"] is not None:
                _check_first_rows(args, opts)
            result = run(lon=opts["lon"], lat=opts["lat"], crs=opts["crs"], sep=opts["sep"])
        else:
            layer = opts["layer"]
            try:
                result = run(layer=layer)
            except MissingCRSError:
                if opts["crs"] is None:
                    raise
                result = run(crs=opts["crs"], layer=layer)
    except RangecovError as err:  # anything else from inside is a bug, reported as one by main()
        raise UsageError(f"TARGETS: {as_flags(str(err), 'target', shared_flags(args, 'TARGETS'))}") from err
    if fmt == "table":
        summary = _shown_summary(result.summary(by=args.by))
        emit("\n".join([repr(result), "", summary.to_string(max_colwidth=_MAX_CELL)]), args)
        note(
            f"TARGETS read in {result.chunks} chunks of up to {args.chunk_rows:,} rows; rows are written only with --out",
            args,
        )
    elif fmt == "json":
        emit(json.dumps(result.to_dict(by=args.by), indent=2, allow_nan=False), args)
    else:
        note(f"wrote {args.out}", args)
        note(repr(result), args)
    return _threshold(result.share, args, "share in reach")


# -- reach ------------------------------------------------------------------------------------------


def cmd_reach(args: argparse.Namespace) -> int:
    """``rangecov reach``: write the reach region (geodesic buffer, dissolved) to a file."""
    import numpy as np

    from ..geodesy.ellipsoid import get_ellipsoid
    from ..geometry.drawing import geodesic_area
    from ..regions.buffering import reach

    _need_out_or_plot(args)
    out_format(args, ("geojson", "gpkg", "parquet", "csv"))
    check_out(args.out, args.force, inputs=(args.origins,))
    _check_plot(args, (args.origins,))
    origins = read_input(args.origins, args, "ORIGINS")
    if args.by is not None:
        require_column(origins, args.by, "--by", "ORIGINS")
    distance = reach_argument(args, origins)
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
    if args.out is not None:
        write_output(frame, args)
    if len(frame) > 1:
        import shapely

        from ..base.lonlat import polygonal

        # Regions of different groups overlap: the area in all is that of their union, counted once.
        total = geodesic_area(ell, polygonal(shapely.union_all(regions.values))) / 1e6
        summed = (
            f" (the regions' own areas add up to {float(np.sum(frame['area_km2'])):,.0f} km², overlaps counted twice)"
        )
    else:
        total, summed = float(np.sum(frame["area_km2"])), ""
    if args.tolerance is None:
        from ..inputs.frames import per_row_distance
        from ..inputs.reach_spec import common_tolerance
        from ..units import format_distance

        # The default tolerance of the smallest reach, which every region is drawn within.
        metres = per_row_distance(distance, origins, len(origins), "reach", positive=True)
        tol = format_distance(common_tolerance(None, metres)) if len(metres) else "-"
    else:
        tol = args.tolerance
    note(f"{len(frame)} region(s), {total:,.0f} km² in all{summed}, within {tol} of the true boundary", args)
    if args.plot is not None:
        report = _origins_only(origins, distance, args)
        title = f"Within {report.reach} of {report.n_origins} origin{'s' if report.n_origins != 1 else ''}: {total:,.0f} km²"
        groups = frame.reset_index() if args.by is not None else None
        _save_map(
            report,
            args,
            title=args.title if args.title is not None else title,
            background=groups,
            background_labels=args.by if groups is not None else None,
        )
    return EXIT_OK


def _need_out_or_plot(args: argparse.Namespace) -> None:
    if args.out is None and args.plot is None:
        raise UsageError("give --out FILE (the regions as a file), --plot FILE (a map), or both")


def _origins_only(origins, distance, args: argparse.Namespace):
    """A coverage report without targets: what a map of the origins and their reach region draws."""
    import geopandas as gpd

    from ..cover.entry import coverage

    nothing = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return coverage(origins, nothing, distance, tolerance=args.tolerance, ellipsoid=args.ellipsoid, progress=False)


def cmd_rings(args: argparse.Namespace) -> int:
    """``rangecov rings``: concentric range rings around point origins, into a file and/or a map."""
    from ..regions.buffering import rings

    _need_out_or_plot(args)
    out_format(args, ("geojson", "gpkg", "parquet", "csv"))
    check_out(args.out, args.force, inputs=(args.origins,))
    _check_plot(args, (args.origins,))
    if args.interval is not None and args.count is None:
        raise UsageError("--interval needs --count N (how many rings)")
    if args.count is not None and args.interval is None:
        raise UsageError("--count goes with --interval D (how far apart)")
    if args.min_range is not None and args.max_range is None:
        raise UsageError("--min-range goes with --max-range D (the annulus' outer radius)")
    origins = read_input(args.origins, args, "ORIGINS")
    table = rings(
        origins,
        distances=args.distances,
        interval=args.interval,
        count=args.count,
        min_range=(args.min_range or "0 m") if args.max_range is not None else None,
        max_range=args.max_range,
        radials=args.radials,
        tolerance=args.tolerance,
        ellipsoid=args.ellipsoid,
    )
    if args.out is not None:
        write_output(table, args)
    ring_rows = table[table["kind"] == "ring"]
    radii = sorted(set(ring_rows["outer_m"]))
    note(f"{len(ring_rows)} ring(s) around {len(origins)} origin(s), out to {radii[-1] / 1000:,.1f} km", args)
    if args.plot is not None:
        from ..units import format_distance

        report = _origins_only(origins, float(ring_rows["outer_m"].max()), args)
        # In the user's own units where they wrote them (--distances "190 mi"), else measured.
        shown = list(args.distances) if args.distances else [format_distance(r) for r in radii]
        title = f"Range rings of {', '.join(shown[:6])}" + (", ..." if len(shown) > 6 else "")
        _save_map(report, args, title=args.title if args.title is not None else title, background=table)
    return EXIT_OK


# -- area -------------------------------------------------------------------------------------------


def cmd_area(args: argparse.Namespace) -> int:
    """``rangecov area``: the share of each region's area within reach."""
    from ..regions.area import area_coverage

    fmt = out_format(args, ("json", "csv", "geojson", "gpkg", "parquet"))
    check_out(args.out, args.force, inputs=(args.origins, args.regions))
    origins = read_input(args.origins, args, "ORIGINS")
    regions = read_input(args.regions, args, "REGIONS")
    distance = reach_argument(args, origins)
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
        emit(head + "\n\n" + shown.to_string(max_colwidth=_MAX_CELL), args)
    elif fmt == "json":
        emit(json.dumps(_area_dict(table, args, area, covered, share, len(origins)), indent=2, allow_nan=False), args)
    else:
        write_or_print(table, fmt, args)
    return _threshold(share, args, "covered share of the area")


def _reach_text(args: argparse.Namespace) -> str:
    return f"column {args.reach_column!r}" if args.reach_column else str(args.reach)


def _area_dict(table, args, area, covered, share, n_origins) -> dict:
    from ..results.report import json_number, json_value

    return {
        "schema": AREA_SCHEMA,
        "rangecov_version": __version__,
        "reach": _reach_text(args),
        "ellipsoid": args.ellipsoid,
        "origins": n_origins,
        "area_km2": json_number(area),
        "covered_km2": json_number(covered),
        "covered_share": json_number(share),
        "regions": [
            {
                "id": json_value(i),
                "area_km2": json_number(a),
                "covered_km2": json_number(c),
                "covered_share": json_number(s),
            }
            for i, a, c, s in zip(table.index, table["area_km2"], table["covered_km2"], table["covered_share"])
        ],
    }


# -- demo -------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    """``rangecov demo``: run the bundled ATACMS / Kursk (Nov 2024) scenario, and draw its map."""
    from ..demo import run_demo

    if args.plot is not None:
        if Path(args.plot).suffix.lower() not in (".png", ".svg", ".pdf"):
            raise UsageError(f"--plot {args.plot}: use a .png, .svg or .pdf file name")
        check_out(args.plot, args.force, "--plot")
    print(run_demo())
    if args.plot is not None:
        from ..demo import save_demo_map

        save_demo_map(args.plot)
        note(f"wrote {args.plot}", args)
    return EXIT_OK
