"""``rangecov reach``, ``rangecov rings`` and ``rangecov area``: the commands that draw or measure regions."""

from __future__ import annotations

import argparse
import json

from ..frontend import (
    AREA_JSON,
    AREA_KM2,
    AREA_SCHEMA,
    COVERED_KM2,
    COVERED_SHARE,
    OUTER_M,
    REGION_JSON,
    format_share,
    json_number,
    json_value,
)
from ..version import __version__
from .steps import (
    EXIT_OK,
    MAX_CELL,
    UsageError,
    check_out,
    check_plot,
    emit,
    note,
    out_format,
    progress_option,
    reach_argument,
    read_input,
    require_column,
    save_plot,
    threshold_exit,
    write_or_print,
    write_output,
)

__all__ = ["cmd_reach", "cmd_rings", "cmd_area"]
# -- reach ------------------------------------------------------------------------------------------


def cmd_reach(args: argparse.Namespace) -> int:
    """``rangecov reach``: write the reach region (geodesic buffer, dissolved) to a file."""
    import numpy as np

    from .. import get_ellipsoid, reach
    from ..frontend import geodesic_area

    _need_out_or_plot(args)
    out_format(args, ("geojson", "gpkg", "parquet", "csv"))
    check_out(args.out, args.force, inputs=(args.origins,))
    check_plot(args, (args.origins,))
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
        progress=progress_option(args),
    )
    frame = regions.to_frame()
    frame.index.name = args.by or "region"
    ell = get_ellipsoid(args.ellipsoid)
    frame.insert(0, AREA_KM2, [geodesic_area(ell, g) / 1e6 for g in regions.values])
    if args.out is not None:
        write_output(frame, args)
    if len(frame) > 1:
        import shapely

        from ..frontend import polygonal

        # Regions of different groups overlap: the area in all is that of their union, counted once.
        total = geodesic_area(ell, polygonal(shapely.union_all(regions.values))) / 1e6
        summed = (
            f" (the regions' own areas add up to {float(np.sum(frame[AREA_KM2])):,.0f} km², overlaps counted twice)"
        )
    else:
        total, summed = float(np.sum(frame[AREA_KM2])), ""
    if args.tolerance is None:
        from ..frontend import common_tolerance, format_distance, per_row_distance

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
        save_plot(
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

    from .. import coverage

    nothing = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return coverage(origins, nothing, distance, tolerance=args.tolerance, ellipsoid=args.ellipsoid, progress=False)


def cmd_rings(args: argparse.Namespace) -> int:
    """``rangecov rings``: concentric range rings around point origins, into a file and/or a map."""
    from .. import rings

    _need_out_or_plot(args)
    out_format(args, ("geojson", "gpkg", "parquet", "csv"))
    check_out(args.out, args.force, inputs=(args.origins,))
    check_plot(args, (args.origins,))
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
    radii = sorted(set(ring_rows[OUTER_M]))
    note(f"{len(ring_rows)} ring(s) around {len(origins)} origin(s), out to {radii[-1] / 1000:,.1f} km", args)
    if args.plot is not None:
        from ..frontend import format_distance

        report = _origins_only(origins, float(ring_rows[OUTER_M].max()), args)
        # In the user's own units where they wrote them (--distances "190 mi"), else measured.
        shown = list(args.distances) if args.distances else [format_distance(r) for r in radii]
        title = f"Range rings of {', '.join(shown[:6])}" + (", ..." if len(shown) > 6 else "")
        save_plot(report, args, title=args.title if args.title is not None else title, background=table)
    return EXIT_OK


# -- area -------------------------------------------------------------------------------------------


def cmd_area(args: argparse.Namespace) -> int:
    """``rangecov area``: the share of each region's area within reach."""
    from .. import area_coverage

    fmt = out_format(args, ("json", "csv", "geojson", "gpkg", "parquet"))
    check_out(args.out, args.force, inputs=(args.origins, args.regions))
    origins = read_input(args.origins, args, "ORIGINS")
    regions = read_input(args.regions, args, "REGIONS")
    distance = reach_argument(args, origins)
    table = area_coverage(
        origins, regions, distance, tolerance=args.tolerance, ellipsoid=args.ellipsoid, progress=progress_option(args)
    )
    area = float(table[AREA_KM2].sum())
    covered = float(table[COVERED_KM2].sum())
    share = covered / area if area > 0 else float("nan")
    if fmt == "table":
        shown = table.drop(columns=[table.geometry.name]).copy()
        shown = shown[
            [c for c in shown.columns if c not in (AREA_KM2, COVERED_KM2, COVERED_SHARE)]
            + [AREA_KM2, COVERED_KM2, COVERED_SHARE]
        ]
        shown[AREA_KM2] = shown[AREA_KM2].round(1)
        shown[COVERED_KM2] = shown[COVERED_KM2].round(1)
        shown[COVERED_SHARE] = shown[COVERED_SHARE].map(format_share)
        n_o = len(origins)
        head = (
            f"{covered:,.1f} of {area:,.1f} km² ({format_share(share)}) within {_reach_text(args)} "
            f"of {n_o} origin{'s' if n_o != 1 else ''}"
        )
        emit(head + "\n\n" + shown.to_string(max_colwidth=MAX_CELL), args)
    elif fmt == "json":
        emit(
            json.dumps(
                _area_dict(table, args, area=area, covered=covered, share=share, n_origins=len(origins)),
                indent=2,
                allow_nan=False,
            ),
            args,
        )
    else:
        write_or_print(table, fmt, args)
    return threshold_exit(share, args, "covered share of the area")


def _reach_text(args: argparse.Namespace) -> str:
    return f"column {args.reach_column!r}" if args.reach_column else str(args.reach)


def _area_dict(table, args, *, area, covered, share, n_origins) -> dict:
    regions = REGION_JSON.rows(
        id=map(json_value, table.index),
        area_km2=map(json_number, table[AREA_KM2]),
        covered_km2=map(json_number, table[COVERED_KM2]),
        covered_share=map(json_number, table[COVERED_SHARE]),
    )
    return AREA_JSON.record(
        schema=AREA_SCHEMA,
        rangecov_version=__version__,
        reach=_reach_text(args),
        ellipsoid=args.ellipsoid,
        origins=n_origins,
        area_km2=json_number(area),
        covered_km2=json_number(covered),
        covered_share=json_number(share),
        regions=regions,
    )
