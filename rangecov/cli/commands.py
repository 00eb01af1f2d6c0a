"""The subcommands of ``rangecov``: coverage, reach, area and demo.

Each takes the parsed arguments and returns the exit code: 0, or 1 when a
``--min-share`` / ``--max-share`` threshold is not met.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import MissingCRSError, RangecovError
from ..frontend import (
    COVERED_SHARE,
    COVERING_ORIGIN,
    DISTANCE_M,
    MARGIN_M,
    NEAREST_ORIGIN,
    SHARE,
    STATUS,
    WEIGHT_IN,
    WEIGHT_MARGINAL,
    WEIGHT_TOTAL,
    WEIGHTED_SHARE,
    format_share,
    format_weight,
)
from .steps import (
    EXIT_OK,
    MAX_CELL,
    UsageError,
    as_flags,
    check_out,
    check_plot,
    emit,
    file_options,
    note,
    nouns_option,
    out_format,
    progress_option,
    reach_argument,
    read_input,
    refuse_degrees_as_metres,
    require_column,
    save_plot,
    shared_flags,
    threshold_exit,
    write_or_print,
)

__all__ = ["cmd_coverage", "cmd_demo"]
# Targets are labelled on a --plot map up to this many; more would bury it.
_MAX_MAP_LABELS = 40


# -- coverage ------------------------------------------------------------------------------------


def _shown_summary(summary):
    """A summary as the table prints it: shares as percentages, weights as the headline writes them."""
    for column in (SHARE, WEIGHTED_SHARE):
        if column in summary:
            summary[column] = summary[column].map(format_share)
    for column in (WEIGHT_TOTAL, WEIGHT_IN, WEIGHT_MARGINAL):
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
    table[STATUS] = t[STATUS].astype(str)
    table["distance_km"] = (t[DISTANCE_M] / 1000).round(1)
    table["margin_km"] = (t[MARGIN_M] / 1000).round(1)
    table[NEAREST_ORIGIN] = t[NEAREST_ORIGIN]
    if report.reach_kind == "column":
        # With a reach per origin the margin belongs to the covering origin, not the nearest.
        table[COVERING_ORIGIN] = t[COVERING_ORIGIN]
    if COVERED_SHARE in t.columns:
        table[COVERED_SHARE] = t[COVERED_SHARE].round(3)
    return table


def cmd_coverage(args: argparse.Namespace) -> int:
    """``rangecov coverage``: which targets are within reach, and what share."""
    from .. import coverage
    from ..io import rows_beyond

    fmt = out_format(args, ("json", "csv", "geojson", "gpkg", "fgb", "parquet"))
    check_out(args.out, args.force, inputs=(args.origins, args.targets))
    check_plot(args, (args.origins, args.targets))
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
        progress=progress_option(args),
        nouns=nouns_option(args),
        weight=args.weight,
    )
    if args.plot is not None:
        save_plot(report, args, labels=True if report.total <= _MAX_MAP_LABELS else None)
    if fmt == "table":
        import pandas as pd

        lines = [repr(report), ""]
        summary = _shown_summary(report.summary(by=args.by))
        lines.append(summary.to_string(max_colwidth=MAX_CELL))
        if args.rows > 0:
            lines.append("")
            table = _target_table(report, args.by)
            with pd.option_context("display.width", 120):
                # The first --rows rows, then how many more (pandas' max_rows would show rows - 1).
                lines.append(table.head(args.rows).to_string(max_colwidth=MAX_CELL))
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
    return threshold_exit(report.share, args, "share in reach")


def _check_first_rows(args: argparse.Namespace, opts: dict) -> None:
    """read_input's check of a table read with a projected CRS, made on the first rows of a streamed one."""
    from ..io import open_chunks

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
    from .. import stream_coverage

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
            progress=progress_option(args),
            nouns=nouns_option(args),
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
        emit("\n".join([repr(result), "", summary.to_string(max_colwidth=MAX_CELL)]), args)
        note(
            f"TARGETS read in {result.chunks} chunks of up to {args.chunk_rows:,} rows; rows are written only with --out",
            args,
        )
    elif fmt == "json":
        emit(json.dumps(result.to_dict(by=args.by), indent=2, allow_nan=False), args)
    else:
        note(f"wrote {args.out}", args)
        note(repr(result), args)
    return threshold_exit(result.share, args, "share in reach")


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
