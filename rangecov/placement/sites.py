"""Where to put sites: the k candidates covering the most (weighted) targets, or the fewest covering a share.

Coverage sets are exact (the engine's pairs within reach, or exact distances
to lines and polygons); the choice is an integer program solved by HiGHS
through :func:`scipy.optimize.milp` (:mod:`rangecov.placement.mclp`), beside greedy.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Literal, get_args

import geopandas as gpd
import numpy as np
import pandas as pd

from ..base.schema import (
    CHOSEN_COLUMNS,
    CHOSEN_JSON,
    COVERED_WEIGHT,
    IS_FIXED,
    MARGINAL_WEIGHT,
    PLACE_JSON,
    PLACE_SCHEMA,
    RANK,
    SHARE,
    STATUS,
    format_share,
    format_weight,
    json_number,
    json_value,
)
from ..base.sums import exact_ratio, exact_sum
from ..cover.entry import coverage
from ..errors import InputError, InputTypeError, UnreachableShareError
from ..geodesy.ellipsoid import get_ellipsoid
from ..inputs import frames
from ..inputs.options import check_weight_name, parse_reach
from ..inputs.weights import weight_column, weight_values
from ..io.writer import list_columns
from ..units import Reach, parse_share, share_fraction
from . import mclp
from .candidates import coverage_sets, group_targets

__all__ = ["place", "Placement"]

#: ``method=`` of :func:`place`: the integer program (with greedy as its start), or greedy alone.
Method = Literal["exact", "greedy"]
METHODS: tuple[Method, ...] = get_args(Method)
#: ``how=`` of :func:`place`: the values of :data:`rangecov.inputs.options.How` decided on pairs of a site and a target.
PlaceHow = Literal["any", "centroid"]
_PAIRWISE: tuple[PlaceHow, ...] = get_args(PlaceHow)


class Placement:
    """The result of :func:`place`.

    Attributes
    ----------
    chosen : GeoDataFrame
        The chosen candidate rows (the caller's columns, index and CRS), fixed
        ones first, then in order of marginal gain, with ``rank`` (1, 2, ...),
        ``is_fixed`` and ``marginal_weight`` (the weight each adds to those
        before it) appended.
    report : CoverageReport
        :func:`rangecov.coverage` of the chosen sites (with the weight, if given).
    objective : float
        With ``k``: the covered weight (the number of targets without a
        weight); with ``share``: the number of sites.
    bound : float or None
        A proven upper bound on the covered weight (``k``), or lower bound on
        the number of sites (``share``); None for ``method="greedy"``.
    gap : float or None
        ``(bound - objective) / bound`` for ``k``, ``(objective - bound) /
        objective`` for ``share``; 0 when proven optimal.
    status : str
        ``"optimal"`` (proven), ``"time limit"`` (the limit bound; the best
        placement found is returned) or ``"greedy"``.
    share : float
        The covered share of the total weight.
    marginal_only : int
        Targets within the high end of a band reach of some candidate but
        within the low end of none: counted as not covered.
    """

    def __init__(
        self,
        *,
        chosen: gpd.GeoDataFrame,
        report: Any,
        solution: mclp.Solution,
        mode: str,
        goal: int | float,
        total: Fraction,
        method: Method,
        marginal_only: int,
        problem: dict,
    ) -> None:
        self.chosen = chosen
        self.report = report
        self.objective = solution.objective
        self.bound = solution.bound
        self.status = solution.status
        self.mode = mode
        self.goal = goal
        self.method = method
        self.marginal_only = marginal_only
        self.covered_weight = float(solution.covered)
        self.total_weight = float(total)
        self.share = exact_ratio(solution.covered, total)
        self._problem = problem

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        if self.mode == "k":
            return (self.bound - self.objective) / self.bound if self.bound > 0 else 0.0
        return (self.objective - self.bound) / self.objective if self.objective > 0 else 0.0

    def __repr__(self) -> str:
        n = len(self.chosen)
        what = "targets" if self.report.weight is None else self.report.weight
        goal = (
            f"at most {self.goal} site{'s' if self.goal != 1 else ''}"
            if self.mode == "k"
            else f"the fewest sites covering {self.goal:.1%}"
        )
        share = format_share(self.share)
        text = (
            f"{n} site{'s' if n != 1 else ''} ({goal}) cover{'s' if n == 1 else ''} {format_weight(self.covered_weight)} of "
            f"{format_weight(self.total_weight)} {what} ({share}) within {self.report.reach}; {self.status}"
        )
        if self.bound is not None and self.status != "optimal":
            text += f", bound {format_weight(self.bound)} (gap {self.gap:.2%})"
        if self.status == "greedy":
            text += f" ({self.guarantee})"
        if self.marginal_only:
            text += f"; {self.marginal_only} target(s) only marginal, counted as not covered"
        return text

    @property
    def guarantee(self) -> str:
        """What greedy alone promises: (1 - 1/e) of the optimum for ``k``, H(m) times the fewest sites for ``share``."""
        if self.mode == "k":
            return "greedy: at least 1 - 1/e = 63.2% of the optimal covered weight"
        m = self._problem["most_per_site"]
        harmonic = math.fsum(1.0 / i for i in range(1, m + 1)) if m else 1.0
        return f"greedy: at most H({m}) = {harmonic:.2f} times the fewest sites (the bound for unit weights)"

    def curve(self, k_max: int | None = None) -> pd.DataFrame:
        """The best coverage for k = 1, 2, ..., ``k_max`` sites (default: this placement's number of sites).

        One row per k: ``k``, ``covered_weight``, ``share``, ``bound`` and
        ``status`` (``"optimal"`` when proven, ``"time limit"``, or
        ``"greedy"``: the greedy placement's first k sites, whose guarantee is
        (1 - 1/e) of the optimum). Each exact row is a solve of its own (with
        this placement's time limit).
        """
        p = self._problem
        k_max = len(self.chosen) if k_max is None else _positive_int(k_max, "k_max")
        n_fixed = int(p["fixed"].sum())
        rows = []
        for k in range(max(1, n_fixed), k_max + 1):
            sol = mclp.solve(
                p["cover"], p["weights"], p["fixed"], k=k, time_limit=p["time_limit"], exact=self.method == "exact"
            )
            rows.append(
                {
                    "k": k,
                    COVERED_WEIGHT: float(sol.covered),
                    SHARE: exact_ratio(sol.covered, p["total_weight"]),
                    "bound": np.nan if sol.bound is None else sol.bound,
                    STATUS: sol.status,
                }
            )
        return pd.DataFrame(rows, columns=["k", COVERED_WEIGHT, SHARE, "bound", STATUS])

    def plot_curve(self, ax: Any = None, k_max: int | None = None) -> Any:
        """The best covered share against the number of sites (matplotlib); see :meth:`curve`."""
        from ..plot import plot_placement_curve

        return plot_placement_curve(self.curve(k_max), ax=ax, reach=self.report.reach)

    def to_dict(self) -> dict:
        """The result as plain JSON-serialisable Python (``rangecov place --format json``; docs/cli.md)."""
        lon, lat = frames.point_lonlat(self.chosen, "chosen")
        rows = self.chosen
        chosen = CHOSEN_JSON.rows(
            id=map(json_value, rows.index),
            rank=map(int, rows[RANK]),
            fixed=map(bool, rows[IS_FIXED]),
            marginal_weight=map(json_number, rows[MARGINAL_WEIGHT]),
            lon=map(float, lon),
            lat=map(float, lat),
        )
        return PLACE_JSON.record(
            schema=PLACE_SCHEMA,
            headline=repr(self),
            mode=self.mode,
            k=self.goal if self.mode == "k" else None,
            share_goal=self.goal if self.mode == "share" else None,
            method=self.method,
            status=self.status,
            guarantee=self.guarantee if self.status == "greedy" else None,
            objective=json_number(self.objective),
            bound=None if self.bound is None else json_number(self.bound),
            gap=None if self.gap is None else json_number(self.gap),
            reach=self.report.reach,
            weight=self.report.weight,
            total_weight=json_number(self.total_weight),
            covered_weight=json_number(self.covered_weight),
            share=json_number(self.share),
            marginal_only=self.marginal_only,
            chosen=chosen,
        )


def place(
    candidates: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: gpd.GeoDataFrame | gpd.GeoSeries,
    reach: Reach,
    *,
    k: int | None = None,
    share: float | str | None = None,
    fixed: str | list | None = None,
    weight: str | None = None,
    how: PlaceHow = "any",
    time_limit: float = 60,
    method: Method = "exact",
    ellipsoid: str = "WGS84",
) -> Placement:
    """Choose sites among candidates: at most ``k`` covering the most weight, or the fewest covering ``share``.

    Parameters
    ----------
    candidates : GeoDataFrame or GeoSeries of points
        Where sites may go, any CRS. Index labels may repeat (rows are told
        apart by position); ``fixed`` labels must then name one row each.
    targets : GeoDataFrame or GeoSeries
        Points, lines or polygons, any CRS.
    reach : distance, column name or (low, high)
        As for :func:`rangecov.coverage` (a column of ``candidates`` for a
        reach per candidate). With a band, a target covered only within
        ``high`` counts as not covered (``Placement.marginal_only`` says how
        many).
    k : int, optional
        Maximise the covered weight with at most ``k`` sites, fixed ones included.
    share : float or str, optional
        The fewest sites whose covered weight is at least ``share`` of the
        total weight of all targets (``0.9`` or ``"90%"``).
    fixed : str or list, optional
        A boolean column of ``candidates``, or a list of their index labels:
        always chosen (and counted in ``k``).
    weight : str, optional
        A column of ``targets`` with a weight >= 0 per target (default: each 1).
    how : {"any", "centroid"}, default "any"
        When a line or polygon target is covered: any part of it within
        reach of one site, or its centroid. (``"all"`` and ``"area"`` depend
        on the union of sites, not on pairs, so they are refused.)
    time_limit : float, default 60
        Seconds for the integer program (each solve of :meth:`Placement.curve`
        too). HiGHS checks it between its steps, not inside the root LP, so a
        large instance can overrun it (measured: 208 s for 60 s with 1,000
        candidates × 100,000 targets, bench/RESULTS.md); a limit that binds is
        stated in ``status``, with the best placement found and a proven bound.
    method : {"exact", "greedy"}, default "exact"
        ``"greedy"`` alone: within (1 - 1/e) of the optimum for ``k``; for
        ``share``, at most H(m) ≈ ln m + 1 times the fewest sites (m: the most
        targets one candidate covers; the classic bound for unit weights).
    ellipsoid : str, default "WGS84"

    Returns
    -------
    Placement
        ``chosen``, ``report``, ``objective``, ``bound``, ``gap``, ``status``, ``curve()``.

    Notes
    -----
    Coverage sets are exact: a candidate covers a target when their geodesic
    distance (Karney's, or exact to 1 mm to lines and polygons) is within the
    candidate's reach. The integer program (maximal covering, or set covering
    of a share) is solved to a proven optimum (HiGHS, relative gap 0) unless
    the time limit binds ("proven" to HiGHS's tolerances: the exact covered
    weight is within 1e-9 relative of the solver's dual bound). Greedy runs first; the better of the two is
    returned, and on a tie greedy's placement (fixed sites, then the largest
    gain, equal gains to the lower position), so the same input and options
    give the same answer whenever it is proven optimal. Covered weights are
    summed exactly from the chosen sites, never taken from the solver.

    Examples
    --------
    >>> from rangecov import datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> best = place(s.launch_sites, s.airfields, s.reach, k=2)
    >>> best
    2 sites (at most 2 sites) cover 5 of 17 targets (29.4%) within 190 mi (305.8 km); optimal
    >>> best.chosen.index.tolist()
    ['Kupiansk', 'Shostka']
    """
    ell = get_ellipsoid(ellipsoid)
    mode, goal = _goal(k, share)
    _check_options(how, method, time_limit)
    weight = check_weight_name(weight)
    c_lon, c_lat = _candidate_points(candidates)
    frames.check_frame(targets, "targets")
    if len(targets) == 0:
        raise InputError("targets is empty: there is nothing to cover")
    is_fixed = _fixed(candidates, fixed)
    if mode == "k" and is_fixed.sum() > goal:
        raise InputError(f"fixed names {int(is_fixed.sum())} candidates but k={goal}: k counts the fixed sites")
    w = np.ones(len(targets)) if weight is None else weight_values(weight_column(targets, weight), weight)
    spec = parse_reach(reach, candidates, len(candidates))
    cover_full, marginal_only = coverage_sets(ell, c_lon, c_lat, candidates, targets, spec=spec, how=how)
    cover, group_weights = group_targets(cover_full, w)
    total = exact_sum(w)
    need = None
    if mode == "share":
        if total == 0:
            raise InputError("the targets weigh 0 in all: no share of them can be asked for")
        need = share_fraction(goal) * total
        every = mclp.covered_weight(cover, group_weights, np.arange(cover.shape[0]))
        if every < need:
            best = exact_ratio(every, total)
            raise UnreachableShareError(
                f"share={goal:g} cannot be reached: all {len(candidates)} candidates together cover {best:.4%} "
                f"of the {'weight' if weight else 'targets'} within reach",
                best,
            )
    solution = mclp.solve(
        cover,
        group_weights,
        is_fixed,
        k=goal if mode == "k" else None,
        need=need,
        time_limit=time_limit,
        exact=method == "exact",
    )
    chosen = _chosen_rows(candidates, solution.chosen, is_fixed, cover, group_weights)
    report = coverage(
        chosen.drop(columns=list(CHOSEN_COLUMNS)), targets, reach, how=how, weight=weight, ellipsoid=ellipsoid
    )
    problem = {
        "cover": cover,
        "weights": group_weights,
        "fixed": is_fixed,
        "total_weight": total,
        "time_limit": time_limit,
        # The most targets one candidate covers: greedy's guarantee for share= is H(m).
        "most_per_site": int(cover_full.sum(axis=1).max()) if cover_full.nnz else 0,
    }
    return Placement(
        chosen=chosen,
        report=report,
        solution=solution,
        mode=mode,
        goal=goal,
        total=total,
        method=method,
        marginal_only=marginal_only,
        problem=problem,
    )


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InputError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def _goal(k, share) -> tuple[str, Any]:
    if (k is None) == (share is None):
        raise InputError("give exactly one of k= (the most weight with at most k sites) or share= (the fewest sites)")
    if k is not None:
        return "k", _positive_int(k, "k")
    try:
        value = parse_share(share)
    except (TypeError, ValueError) as err:
        message = str(err)
        raise InputError(message if message.startswith("share") else f"share: {message}") from None
    if not 0 < value <= 1:
        raise InputError(f"share must be in (0, 1], got {share!r}")
    return "share", value


def _check_options(how, method, time_limit) -> None:
    if how not in _PAIRWISE:
        why = (
            "with how='all' or 'area' whether a target is covered depends on the union of the sites, not on pairs of "
            "a site and a target; "
            if how in ("all", "area")
            else ""
        )
        raise InputError(f"how={how!r}: {why}place takes how='any' or 'centroid'")
    if method not in METHODS:
        raise InputError(f"method={method!r} is not one of {', '.join(map(repr, METHODS))}")
    if isinstance(time_limit, bool) or not isinstance(time_limit, numbers.Real) or not float(time_limit) > 0:
        raise InputError(f"time_limit={time_limit!r} is not a positive number of seconds")


def _candidate_points(candidates) -> tuple[np.ndarray, np.ndarray]:
    frames.check_frame(candidates, "candidates")
    if len(candidates) == 0:
        raise InputError("candidates is empty: there is nowhere to place a site")
    kinds = frames.point_kinds(candidates)
    others = frames.non_points(candidates, kinds)[1]
    if others.size:
        raise InputError(
            f"candidates must be points (sites); found other geometry at {frames.describe_labels(candidates.index[others])}"
        )
    return frames.point_lonlat(candidates, "candidates", kinds=kinds)


def _fixed(candidates, fixed) -> np.ndarray:
    """A boolean per candidate: always chosen."""
    n = len(candidates)
    if fixed is None:
        return np.zeros(n, dtype=bool)
    if isinstance(fixed, str):
        column = frames.named_column(candidates, fixed)
        if column is None:
            columns = list_columns(frames.attribute_columns(candidates))
            raise InputError(f"fixed={fixed!r} is not a column of the candidates; columns: {columns}")
        if not pd.api.types.is_bool_dtype(column.dtype) or column.isna().any():
            raise InputTypeError(
                f"fixed={fixed!r} must be a column of True/False (no missing values), got {column.dtype}"
            )
        return column.to_numpy(dtype=bool)
    if not isinstance(fixed, (list, tuple, pd.Index, np.ndarray)):
        raise InputTypeError(f"fixed must be a boolean column name or a list of candidate labels, got {fixed!r}")
    out = np.zeros(n, dtype=bool)
    index = candidates.index
    for label in fixed:
        if isinstance(label, (bool, np.bool_)):
            raise InputTypeError(
                "fixed holds True/False: give a list of candidate labels, or the name of a boolean column of the "
                "candidates (candidates.assign(keep=mask), fixed='keep')"
            )
        try:
            hits = np.flatnonzero(index.isin([label]))
        except TypeError:
            raise InputTypeError(f"fixed: {label!r} cannot be an index label (labels are hashable)") from None
        if hits.size == 0:
            raise InputError(f"fixed: {label!r} is not a label of the candidates")
        if hits.size > 1:
            raise InputError(
                f"fixed: {label!r} names {hits.size} candidates (their labels repeat); use a boolean column instead"
            )
        out[hits[0]] = True
    return out


def _chosen_rows(candidates, chosen: np.ndarray, is_fixed: np.ndarray, cover, weights) -> gpd.GeoDataFrame:
    rows = frames.as_frame(candidates, "candidates", CHOSEN_COLUMNS).iloc[chosen]
    gains, seen = [], np.zeros(cover.shape[1], dtype=bool)
    for j in chosen:
        new = np.zeros(cover.shape[1], dtype=bool)
        new[cover[j].indices] = True
        new &= ~seen
        gains.append(float(weights.sum(new)))
        seen |= new
    rows[RANK] = np.arange(1, len(chosen) + 1)
    rows[IS_FIXED] = is_fixed[chosen]
    rows[MARGINAL_WEIGHT] = gains
    return rows
