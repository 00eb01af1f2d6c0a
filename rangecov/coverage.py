"""Exact point coverage: which targets lie within geodesic reach of which origins.

The search (why it is exact is written out in ``docs/exactness.md``):

1. Origins and targets are placed in Earth-centred Cartesian coordinates and
   the origins go into a k-d tree (``scipy.spatial.cKDTree``).
2. For each target the tree gives the origins nearest by chord. The exact
   geodesic ``s1`` to the first is computed (Karney's algorithm).
3. Every other origin has geodesic ``>= chord``. If the second chord exceeds
   ``s1``, the first origin is the geodesic-nearest and the target is
   settled. Otherwise every origin with chord ``<= s1`` is collected (from the
   4 nearest, else the 16 nearest, else a ball query), those whose lower bound
   ``max(chord, b * theta)`` exceeds ``s1`` are dropped, and the rest are
   measured exactly.

So every target gets its exact nearest geodesic distance, with one Karney
solve per target plus a few for the rare ties. Per-origin reach maximises
``reach_j - s_j`` instead of minimising ``s_j``, with the same bounds.
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass
from typing import Union

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from . import _frames, _progress
from .geodesy import PRUNE_SLACK_M, Ellipsoid, _workers, get_ellipsoid
from .report import STATUS_CATEGORIES, TARGET_COLUMNS, CoverageReport
from .units import format_distance, parse_distance

__all__ = ["coverage"]

Distance = Union[float, int, str]
Reach = Union[Distance, tuple]

# Up to this many distinct per-origin reach values, each value gets its own
# tree (the search is then a pure nearest-origin search per value). Beyond it,
# one tree with the reach-aware bound serves all.
_MAX_REACH_GROUPS = 16


@dataclass(frozen=True)
class _ReachSpec:
    kind: str  # "scalar", "column" or "band"
    low: np.ndarray  # per origin, metres; "in" is judged against this
    high: np.ndarray  # per origin, metres; "out" is judged against this
    label: str  # how the repr names it: "190 mi (305.8 km)"

    @property
    def uniform(self) -> bool:
        return self.low.size == 0 or bool(np.all(self.low == self.low[0]))


def _label(value, metres: float) -> str:
    if isinstance(value, str):
        text = " ".join(value.split())
        km = format_distance(metres)
        same = text.replace(" ", "").replace(",", "") == km.replace(" ", "").replace(",", "")
        return text if same else f"{text} ({km})"
    return format_distance(metres)


def _parse_reach(reach, origins, n_origins: int) -> _ReachSpec:
    """Read ``reach``: a distance, a column of ``origins`` or a (low, high) band."""
    columns = list(origins.columns) if isinstance(origins, gpd.GeoDataFrame) else []
    if isinstance(reach, str) and reach in columns:
        values = origins[reach]
        low = _frames.per_row_distance(reach, origins, n_origins, "reach")
        if low.size and np.all(low == low[0]):
            text = _label(values.iloc[0], low[0])
            label = f"{text[:-1]}; column {reach!r})" if text.endswith(")") else f"{text} (column {reach!r})"
        else:
            label = f"per-origin reach (column {reach!r})"
        return _ReachSpec("column", low, low, label)
    if isinstance(reach, (list, np.ndarray, pd.Series)):
        raise TypeError(
            f"reach as a {type(reach).__name__} is ambiguous: for a (low, high) band pass a tuple, "
            "e.g. reach=('180 mi', '200 mi'); for a reach per origin put the values in a column "
            "of origins and pass its name, e.g. reach='reach'"
        )
    if isinstance(reach, tuple):
        if len(reach) != 2:
            raise ValueError(
                f"reach as a band must be a (low, high) pair of distances, got {len(reach)} values: {reach!r}"
            )
        lo, hi = (parse_distance(v) for v in reach)
        if lo > hi:
            raise ValueError(f"reach band {reach!r}: low ({lo:g} m) must not exceed high ({hi:g} m)")
        label = f"{_label(reach[0], lo)} to {_label(reach[1], hi)}"
        return _ReachSpec("band", np.full(n_origins, lo), np.full(n_origins, hi), label)
    if isinstance(reach, str):
        try:
            metres = parse_distance(reach)
        except ValueError as err:
            where = f"; origins has columns: {', '.join(map(str, columns))}" if columns else ""
            raise ValueError(f"reach {reach!r} is neither a column of origins nor a distance ({err}){where}") from None
    elif isinstance(reach, numbers.Real) and not isinstance(reach, bool):
        metres = parse_distance(reach)
    else:
        raise TypeError(
            "reach must be a distance (metres, or a string such as '190 mi'), the name of a column "
            f"of origins, or a (low, high) tuple of distances; got {type(reach).__name__} {reach!r}"
        )
    every = np.full(n_origins, metres)
    return _ReachSpec("scalar", every, every, _label(reach, metres))


@dataclass
class _Points:
    lon: np.ndarray
    lat: np.ndarray
    xyz: np.ndarray

    def take(self, idx: np.ndarray) -> "_Points":
        return _Points(self.lon[idx], self.lat[idx], self.xyz[idx])

    def __len__(self) -> int:
        return self.lon.size


def _first_unique(*columns: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct row, in original order."""
    if columns[0].size == 0:
        return np.empty(0, dtype=np.intp)
    _, first = np.unique(np.column_stack(columns), axis=0, return_index=True)
    return np.sort(first)


# Candidates come from vectorised k-nearest queries: first the FIRST_K nearest
# for every target, then MORE_K for the few whose search radius holds more
# origins than that. Only targets in dense clusters of origins fall back to a
# ball query, whose Python lists are slow in bulk.
_FIRST_K = 4
_MORE_K = 16


def _query(tree: cKDTree, xyz: np.ndarray, k: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    chord, idx = tree.query(xyz, k=k, workers=workers)
    return chord.reshape(len(xyz), k), idx.reshape(len(xyz), k)


def _within_chord(
    tree: cKDTree, xyz: np.ndarray, radius: np.ndarray, workers: int, chord: np.ndarray, idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All (row, origin) pairs with chord ``<= radius[row]``, each row's pairs contiguous.

    ``chord``/``idx`` are the k nearest origins of each row (sorted by chord,
    as ``cKDTree.query`` returns them). A row whose k-th chord is still inside
    its radius may have more candidates and is asked again with a larger k,
    then with a ball query; its pairs then come only from that later answer.
    """
    k = chord.shape[1]
    inside = chord <= radius[:, None]
    more = np.flatnonzero(inside[:, -1]) if k < tree.n else np.empty(0, dtype=np.intp)
    inside[more] = False
    row, col = np.nonzero(inside)
    pairs_row, pairs_origin = [row], [idx[row, col]]
    if more.size and k < _MORE_K:
        r, o = _within_chord(
            tree, xyz[more], radius[more], workers, *_query(tree, xyz[more], min(_MORE_K, tree.n), workers)
        )
        pairs_row.append(more[r])
        pairs_origin.append(o)
    elif more.size:
        lists = tree.query_ball_point(xyz[more], radius[more], workers=workers, return_sorted=False)
        lengths = np.fromiter(map(len, lists), dtype=np.intp, count=len(lists))
        pairs_row.append(np.repeat(more, lengths))
        pairs_origin.append(np.fromiter(itertools.chain.from_iterable(lists), dtype=np.intp, count=int(lengths.sum())))
    return np.concatenate(pairs_row), np.concatenate(pairs_origin)


def _best(ell: Ellipsoid, origins: _Points, reach: np.ndarray, targets: _Points) -> tuple[np.ndarray, np.ndarray]:
    """For each target, ``max_j (reach_j - s_j)`` and the ``j`` attaining it, exactly.

    With ``reach`` all zero this is minus the nearest geodesic distance. Ties
    go to the lowest origin position.
    """
    n_o = len(origins)
    workers = _workers()
    tree = cKDTree(origins.xyz)
    chord, idx = _query(tree, targets.xyz, min(_FIRST_K, n_o), workers)
    first = idx[:, 0]
    best = reach[first] - ell.distance(targets.lon, targets.lat, origins.lon[first], origins.lat[first])
    arg = first.copy()
    if n_o == 1:
        return best, arg

    # An origin that beats `best` has s_j < reach_j - best <= max_reach - best,
    # so its chord is within C(max_reach - best) (docs/exactness.md, step 2a).
    radius = ell.chord_reach(reach.max() - best)
    todo = np.flatnonzero(chord[:, 1] <= radius)
    if todo.size == 0:
        return best, arg
    row, cand = _within_chord(tree, targets.xyz[todo], radius[todo], workers, chord[todo], idx[todo])
    tgt = todo[row]
    keep = cand != first[tgt]
    tgt, cand = tgt[keep], cand[keep]
    lower = ell.lower_bound(targets.xyz[tgt], origins.xyz[cand])
    keep = reach[cand] - lower >= best[tgt] - PRUNE_SLACK_M
    tgt, cand = tgt[keep], cand[keep]
    if tgt.size == 0:
        return best, arg
    value = reach[cand] - ell.distance(targets.lon[tgt], targets.lat[tgt], origins.lon[cand], origins.lat[cand])
    # Each target's candidates are contiguous (see _within_chord), so a
    # segmented max finds its best, lowest origin position first on ties,
    # which then competes with the first guess on the same rule.
    head = np.flatnonzero(np.r_[True, tgt[1:] != tgt[:-1]])
    top = np.maximum.reduceat(value, head)
    at_top = value == np.repeat(top, np.diff(np.r_[head, value.size]))
    top_cand = np.minimum.reduceat(np.where(at_top, cand, np.iinfo(np.intp).max), head)
    t = tgt[head]
    better = (top > best[t]) | ((top == best[t]) & (top_cand < arg[t]))
    best[t[better]] = top[better]
    arg[t[better]] = top_cand[better]
    return best, arg


def _nearest(ell: Ellipsoid, origins: _Points, targets: _Points) -> tuple[np.ndarray, np.ndarray]:
    """Exact geodesic distance to the nearest origin and its position."""
    keep = _first_unique(origins.lon, origins.lat)
    neg, arg = _best(ell, origins.take(keep), np.zeros(keep.size), targets)
    return 0.0 - neg, keep[arg]  # not -neg: a target on an origin is at 0.0, not -0.0


def _max_margin(ell: Ellipsoid, origins: _Points, reach: np.ndarray, targets: _Points) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``max_j (reach_j - s_j)`` over origins with differing reach, and its position."""
    values = np.unique(reach)
    groups = (
        [np.flatnonzero(reach == v) for v in values] if values.size <= _MAX_REACH_GROUPS else [np.arange(reach.size)]
    )
    margin = np.full(len(targets), -np.inf)
    arg = np.zeros(len(targets), dtype=np.intp)
    for members in groups:
        sub = origins.take(members)
        keep = members[_first_unique(sub.lon, sub.lat, reach[members])]
        m, a = _best(ell, origins.take(keep), reach[keep], targets)
        a = keep[a]
        better = (m > margin) | ((m == margin) & (a < arg))
        margin[better] = m[better]
        arg[better] = a[better]
    return margin, arg


def _min_ratio(ell: Ellipsoid, origins: _Points, reach: np.ndarray, targets: _Points) -> np.ndarray:
    """For each target, ``min_j s_j / reach_j`` exactly: the factor by which every origin's reach
    must be scaled for the target to come within reach.

    An origin of reach 0 gives 0 for a target on it and infinity otherwise.
    The search mirrors :func:`_best`: an upper bound ``f`` from the nearest
    origin, then only origins with chord ``<= C(f * max(reach))`` (step 2a)
    whose lower bound is ``<= f * reach_j`` are measured (docs/exactness.md,
    step 3, "per-origin factor").
    """
    n_t = len(targets)
    out = np.full(n_t, np.inf)
    if len(origins) == 0 or n_t == 0:
        return out
    zero = reach <= 0
    if zero.any():
        keep = np.flatnonzero(zero)
        s, _ = _nearest(ell, origins.take(keep), targets)
        out[s == 0] = 0.0
    pos = np.flatnonzero(~zero)
    if pos.size == 0:
        return out
    sub, r = origins.take(pos), reach[pos]
    s, j = _nearest(ell, sub, targets)
    bound = np.minimum(out, s / r[j])
    todo = np.flatnonzero(np.isfinite(bound) & (bound > 0))
    if todo.size == 0 or pos.size == 1:
        return bound
    workers = _workers()
    tree = cKDTree(sub.xyz)
    radius = ell.chord_reach(bound[todo] * r.max())
    row, cand = _within_chord(
        tree, targets.xyz[todo], radius, workers, *_query(tree, targets.xyz[todo], min(_FIRST_K, len(sub)), workers)
    )
    tgt = todo[row]
    lower = ell.lower_bound(targets.xyz[tgt], sub.xyz[cand])
    keep = lower - PRUNE_SLACK_M <= bound[tgt] * r[cand]
    tgt, cand = tgt[keep], cand[keep]
    ratio = ell.distance(targets.lon[tgt], targets.lat[tgt], sub.lon[cand], sub.lat[cand]) / r[cand]
    np.minimum.at(bound, tgt, ratio)
    return bound


def _leaves(tree: cKDTree) -> tuple[np.ndarray, np.ndarray]:
    """Start and end positions (into ``tree.indices``) of the tree's leaves, in order."""
    starts, ends = [], []
    stack = [tree.tree]
    while stack:
        node = stack.pop()
        if node.split_dim == -1:
            starts.append(node.start_idx)
            ends.append(node.end_idx)
        else:
            stack.extend((node.lesser, node.greater))
    order = np.argsort(starts)
    return np.asarray(starts, dtype=np.intp)[order], np.asarray(ends, dtype=np.intp)[order]


def _count_within(ell: Ellipsoid, origins: _Points, reach: np.ndarray, targets: _Points) -> np.ndarray:
    """For each origin, the number of targets with geodesic distance ``<= reach_j``, exactly.

    The targets go into a k-d tree whose leaves are treated as boxes. A box
    wholly within the chord that surely keeps ``s <= reach`` (bound 3) is
    counted whole; a box wholly beyond chord ``C(reach)`` (step 2a) is skipped;
    points of the boxes in between are tested by chord, and the few in the
    ambiguous band between the two chords are measured exactly.
    """
    n_o, n_t = len(origins), len(targets)
    counts = np.zeros(n_o, dtype=np.int64)
    if n_o == 0 or n_t == 0:
        return counts
    tree = cKDTree(targets.xyz, leafsize=64)
    starts, ends = _leaves(tree)
    sizes = ends - starts
    pts = targets.xyz[tree.indices]
    lo = np.minimum.reduceat(pts, starts, axis=0)
    hi = np.maximum.reduceat(pts, starts, axis=0)
    inner = ell.chord_surely_within(reach)
    outer = ell.chord_reach(reach)
    pair_o, pair_t = [], []
    chunk = max(1, 500_000 // starts.size)
    for c0 in range(0, n_o, chunk):
        js = np.arange(c0, min(n_o, c0 + chunk))
        o = origins.xyz[js][:, None, :]
        gap = np.maximum(0.0, np.maximum(lo[None] - o, o - hi[None]))
        dmin = np.sqrt(np.einsum("ijk,ijk->ij", gap, gap))
        far = np.maximum(np.abs(o - lo[None]), np.abs(o - hi[None]))
        dmax = np.sqrt(np.einsum("ijk,ijk->ij", far, far))
        full = dmax <= inner[js, None]
        counts[js] += (full * sizes[None]).sum(axis=1)
        jj, ll = np.nonzero((dmin <= outer[js, None]) & ~full)
        if jj.size == 0:
            continue
        lens = sizes[ll]
        total = int(lens.sum())
        offset = np.repeat(np.cumsum(lens) - lens, lens)
        pos = np.repeat(starts[ll], lens) + (np.arange(total) - offset)
        jj = js[np.repeat(jj, lens)]
        chord = np.linalg.norm(pts[pos] - origins.xyz[jj], axis=1)
        sure = chord <= inner[jj]
        counts += np.bincount(jj[sure], minlength=n_o)
        maybe = ~sure & (chord <= outer[jj])
        pair_o.append(jj[maybe])
        pair_t.append(tree.indices[pos[maybe]])
    if pair_o:
        po = np.concatenate(pair_o)
        pt = np.concatenate(pair_t)
        s = ell.distance(origins.lon[po], origins.lat[po], targets.lon[pt], targets.lat[pt])
        counts += np.bincount(po[s <= reach[po]], minlength=n_o)
    return counts


HOW = ("any", "all", "centroid", "area")


def _is_point_frame(obj) -> bool:
    """True when every present, non-empty geometry is a point (the fast engine's case)."""
    values = np.asarray(obj.geometry.values if isinstance(obj, gpd.GeoDataFrame) else obj.values, dtype=object)
    kinds = np.asarray(shapely.get_type_id(values))
    ok = (kinds == shapely.GeometryType.POINT) | (kinds == -1) | np.asarray(shapely.is_empty(values))
    return bool(ok.all())


def coverage(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: gpd.GeoDataFrame | gpd.GeoSeries,
    reach: Reach,
    *,
    how: str = "any",
    min_covered: float = 0.5,
    tolerance=None,
    ellipsoid: str = "WGS84",
    progress: bool | None = None,
) -> CoverageReport:
    """Which targets lie within geodesic reach of the origins, exactly.

    Parameters
    ----------
    origins : GeoDataFrame or GeoSeries
        Points, lines or polygons (and multi-parts, mixed), in any CRS
        pyproj knows. The distance to a line or polygon is to its nearest
        point, with edges read as geodesics (the short way, also across
        ±180°); a target inside an origin polygon is at distance 0. A ring
        around a pole encloses the smaller of the two sides it makes,
        whichever way it runs. Not modified.
    targets : GeoDataFrame or GeoSeries
        Points, lines or polygons (mixed allowed). Not modified.
    reach : distance, column name or (low, high)
        A distance (a number is metres; a string carries its unit, e.g.
        ``"190 mi"``, see :func:`rangecov.parse_distance`); or the name of a
        column of ``origins`` holding a distance per origin (mixed systems);
        or a ``(low, high)`` pair for an uncertain reach: a target is
        ``"in"`` when some origin is within ``low``, ``"out"`` when none is
        within ``high``, and ``"marginal"`` otherwise (both ends inclusive).
    how : {"any", "all", "centroid", "area"}, default "any"
        When a line or polygon target counts as in reach: any part of it
        within reach; all of it; its centroid (shapely's, in lon/lat, taken
        after unwrapping geometries cut at ±180°); or
        the covered share of its area (polygons only; ``covered_share``
        column, ``"in"`` when the share is at least ``min_covered``). For
        point targets the first three agree.
    min_covered : float, default 0.5
        With ``how="area"``: the share of a target's area that must be in
        reach, in (0, 1].
    tolerance : distance, optional
        With ``how="all"`` or ``"area"``: the tolerance of the reach regions
        the decision is drawn from (:func:`rangecov.buffer`); default 10 m or
        1% of the smallest reach.
    ellipsoid : str, default "WGS84"
        Any ``ellps`` name pyproj knows, including ``"sphere"``.
    progress : bool or None, default None
        A tqdm bar on stderr: ``None`` shows one only when stderr is a
        terminal and the work lasts more than about a second; ``True``
        always (needs ``tqdm``); ``False`` never.

    Returns
    -------
    CoverageReport
        ``report.targets`` is the caller's targets (same index, order, columns
        and CRS) plus ``distance_m`` (to the nearest point of the target;
        for ``how="centroid"`` of its centroid), ``nearest_origin``,
        ``margin_m``, ``covering_origin``, ``in_reach`` and ``status`` (and
        ``covered_share`` for ``how="area"``); ``report.origins`` adds
        ``targets_in_reach`` (targets any part of which is within that
        origin's own reach; centroids for ``how="centroid"``);
        ``report.count``, ``report.share`` and ``report.summary()`` give the
        totals. For ``how="all"`` and ``"area"`` the decision may rest on
        several origins together, so ``margin_m`` is NaN and
        ``covering_origin`` is None.

    Notes
    -----
    Model: geodesics on the chosen ellipsoid, points on its surface (height 0).

    Error bound: ``distance_m`` is exact. For points it is Karney's geodesic
    distance (pyproj's C port of GeographicLib, within 15 nm of the true
    ellipsoidal distance); to lines and polygons it is exact to 1 mm
    (``docs/exactness.md``, "Distance to a geodesic segment"). With
    ``how="any"`` or ``"centroid"`` the in/out decision is made on it, so it
    agrees with GeographicLib except within those bounds of the boundary.

    With ``how="all"`` and ``"area"`` the decision rests on reach regions
    drawn within ``tolerance`` of the true boundary: drawn at ``reach -
    tolerance`` they lie inside the true region, drawn at ``reach +
    tolerance`` they contain it. A target is ``"in"`` only if it qualifies
    against the inner drawing, ``"out"`` only if it fails against the outer
    one, and ``"marginal"`` (not counted in ``count``) when the two
    disagree, i.e. when the answer depends on the boundary within the
    tolerance. ``covered_share`` is measured against the region drawn at the
    reach itself; its error is at most ``tolerance`` times the length of the
    reach boundary inside the target, divided by the target's area.

    When two origins are equally near (bit-for-bit equal distances, or equal
    margins), the lower position in ``origins`` is reported.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> origins = gpd.GeoSeries([Point(34.80, 50.91)], index=["Sumy"], crs="EPSG:4326")
    >>> targets = gpd.GeoDataFrame(
    ...     {"name": ["Kursk-Khalino", "Engels-2"]},
    ...     geometry=[Point(36.2956, 51.7506), Point(46.21, 51.48)], crs="EPSG:4326")
    >>> report = coverage(origins, targets, "190 mi")
    >>> report
    1 of 2 targets (50.0%) within 190 mi (305.8 km) of 1 origin
    >>> report.targets[["name", "status"]]
                name status
    0  Kursk-Khalino     in
    1       Engels-2    out
    """
    ell = get_ellipsoid(ellipsoid)
    _progress.check(progress)
    if how not in HOW:
        raise ValueError(f"how={how!r} is not one of {', '.join(map(repr, HOW))}")
    if isinstance(min_covered, bool) or not isinstance(min_covered, numbers.Real) or not 0 < min_covered <= 1:
        raise ValueError(f"min_covered must be a share in (0, 1], got {min_covered!r}")
    _frames.check_frame(origins, "origins")
    _frames.check_frame(targets, "targets")
    if how != "area" and _is_point_frame(origins) and _is_point_frame(targets):
        return _point_coverage(ell, origins, targets, reach, progress)
    from . import _areal

    return _areal.shape_coverage(
        ell, origins, targets, reach, how=how, min_covered=min_covered, tolerance=tolerance, progress=progress
    )


# Targets per slice of the point engine (one progress step).
_SLICE = 1 << 17


def _point_coverage(ell: Ellipsoid, origins, targets, reach, progress) -> CoverageReport:
    """The exact point engine: k-d tree search plus one Karney solve per target."""
    o_lon, o_lat = _frames.point_lonlat(origins, "origins")
    t_lon, t_lat = _frames.point_lonlat(targets, "targets")
    spec = _parse_reach(reach, origins, o_lon.size)

    o_pts = _Points(o_lon, o_lat, ell.ecef(o_lon, o_lat))
    t_pts = _Points(t_lon, t_lat, ell.ecef(t_lon, t_lat))
    n_t = t_lon.size

    if o_lon.size == 0:
        distance = np.full(n_t, np.inf)
        margin = np.full(n_t, -np.inf)
        high_margin = margin
        nearest = covering = None
    elif n_t == 0:
        distance = margin = high_margin = np.empty(0)
        nearest = covering = np.empty(0, dtype=np.intp)
    else:
        distance, nearest = np.empty(n_t), np.empty(n_t, dtype=np.intp)
        margin, covering = (distance, nearest) if spec.uniform else (np.empty(n_t), np.empty(n_t, dtype=np.intp))
        # Each target's answer is independent of the others, so slicing the
        # targets changes nothing but lets a bar advance. Slices are large
        # (and at least eight times the origins) so rebuilding the origins' tree
        # per slice stays a small share of the work.
        size = max(_SLICE, 8 * o_lon.size)
        for part in _progress.chunks(n_t, size, desc="coverage", unit="target", progress=progress):
            sub = t_pts.take(np.arange(part.start, part.stop))
            distance[part], nearest[part] = _nearest(ell, o_pts, sub)
            if not spec.uniform:
                margin[part], covering[part] = _max_margin(ell, o_pts, spec.low, sub)
        if spec.uniform:
            margin = spec.low[0] - distance
            high_margin = spec.high[0] - distance
            covering = nearest
        else:
            high_margin = margin  # per-origin reach has no band

    # Codes into STATUS_CATEGORIES ("in", "marginal", "out"); building the
    # categorical from codes avoids a million-string detour.
    status = np.where(margin >= 0, 0, np.where(high_margin >= 0, 1, 2)).astype(np.int8)
    return _report(
        ell,
        origins,
        targets,
        spec,
        distance=distance,
        nearest=nearest,
        margin=margin,
        covering=covering,
        status=status,
        count_origins=lambda: _count_within(ell, o_pts, spec.low, t_pts),
        factors=lambda: _min_ratio(ell, o_pts, spec.low, t_pts),
        how="any",
        tolerance=None,
    )


def _report(
    ell: Ellipsoid,
    origins,
    targets,
    spec: _ReachSpec,
    *,
    distance,
    nearest,
    margin,
    covering,
    status,
    count_origins,
    factors,
    how: str,
    tolerance,
    extra: dict | None = None,
) -> CoverageReport:
    """Append the result columns to a copy of the targets and wrap it in a report.

    ``nearest``/``covering`` are origin positions (or None for "no origin";
    -1 for rows without a single one);
    ``status`` holds codes into STATUS_CATEGORIES; ``extra`` adds columns
    after ``status`` (e.g. ``covered_share``). ``count_origins`` and
    ``factors`` are computed only when the report is asked for them.
    """
    extra = extra or {}
    n_t = len(targets)
    out = _frames.as_frame(targets, "targets", TARGET_COLUMNS + tuple(extra))

    def labels(pos):
        if pos is None:
            return pd.Series([None] * n_t, index=out.index, dtype=object)
        pos = np.asarray(pos)
        series = pd.Series(origins.index.take(np.maximum(pos, 0)), index=out.index)
        # -1: no single origin (e.g. a polygon covered by several together).
        return series.astype(object).where(pos >= 0, None) if (pos < 0).any() else series

    out["distance_m"] = distance
    out["nearest_origin"] = labels(nearest)
    out["margin_m"] = margin
    out["covering_origin"] = labels(covering)
    out["in_reach"] = status == 0
    out["status"] = pd.Categorical.from_codes(status, categories=STATUS_CATEGORIES)
    for name, values in extra.items():
        out[name] = values
    return CoverageReport(
        targets=out,
        origins_input=origins,
        spec=spec,
        how=how,
        tolerance=tolerance,
        ellipsoid=ell,
        count_origins=count_origins,
        factors=factors,
    )
