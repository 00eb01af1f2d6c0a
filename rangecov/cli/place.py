"""``rangecov place``: choose sites among CANDIDATES that cover the most TARGETS, or the fewest covering a share."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import UnreachableShareError
from ..frontend import IS_FIXED, MARGINAL_WEIGHT, RANK
from .steps import (
    EXIT_OK,
    EXIT_THRESHOLD,
    as_flags,
    check_out,
    emit,
    note,
    out_format,
    reach_argument,
    read_input,
    require_column,
    write_or_print,
)

__all__ = ["cmd_place"]


def cmd_place(args: argparse.Namespace) -> int:
    """Exit 0 with the chosen sites; 1 when --share cannot be reached by all candidates together."""
    from .. import place

    fmt = out_format(args, ("json", "csv", "geojson", "gpkg", "fgb", "parquet"))
    check_out(args.out, args.force, inputs=(args.candidates, args.targets))
    candidates = read_input(args.candidates, args, "CANDIDATES")
    targets = read_input(args.targets, args, "TARGETS")
    if args.fixed is not None:
        require_column(candidates, args.fixed, "--fixed", "CANDIDATES")
    if args.weight is not None:
        require_column(targets, args.weight, "--weight", "TARGETS")
    reach = reach_argument(args, candidates, "CANDIDATES")
    try:
        result = place(
            candidates,
            targets,
            reach,
            k=args.k,
            share=args.share,
            fixed=args.fixed,
            weight=args.weight,
            how=args.how,
            time_limit=args.time_limit,
            method=args.method,
            ellipsoid=args.ellipsoid,
        )
    except UnreachableShareError as err:
        print(f"rangecov place: {as_flags(str(err))}", file=sys.stderr)
        return EXIT_THRESHOLD
    if fmt == "table":
        emit(_table(result), args)
    elif fmt == "json":
        emit(json.dumps(result.to_dict(), indent=2, allow_nan=False), args)
    else:
        write_or_print(result.chosen, fmt, args)
        if args.out is not None:
            note(repr(result), args)
    return EXIT_OK


def _table(result) -> str:
    """The headline, the chosen sites and the solver's account."""
    import pandas as pd

    from ..frontend import format_weight, point_lonlat

    chosen = result.chosen
    lon, lat = point_lonlat(chosen, "chosen")
    shown = pd.DataFrame(
        {
            RANK: chosen[RANK].to_numpy(),
            "fixed": chosen[IS_FIXED].map({True: "yes", False: ""}).to_numpy(),
            "adds": [format_weight(v) for v in chosen[MARGINAL_WEIGHT]],
            "lon": lon.round(5),
            "lat": lat.round(5),
        },
        index=chosen.index,
    )
    bound = "none (greedy)" if result.bound is None else format_weight(result.bound)
    gap = "" if result.gap is None else f", gap {result.gap:.2%}"
    lines = [
        repr(result),
        "",
        shown.to_string(max_colwidth=100),
        "",
        f"objective {format_weight(result.objective)}, bound {bound}{gap}, status {result.status}",
    ]
    return "\n".join(lines)
