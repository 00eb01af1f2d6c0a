"""The exact search behind :class:`rangecov.engine.OriginIndex`: candidates by chord, then Karney.

Steps 1–3 of ``docs/exactness.md``: k-nearest queries over Earth-centred
coordinates collect every origin whose chord is within ``C(s)`` of a target
(step 2a), lower bounds drop those that cannot win (steps 1 and 2), and the
rest are measured exactly (step 0). Arrays in, arrays out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from ..base.tuning import DENSE_MAX_CHORD, DENSE_MIN_ORIGINS, FIRST_K, MORE_K, PARALLEL_MIN
from ..geodesy.ellipsoid import PRUNE_SLACK_M, Ellipsoid, default_workers

__all__ = [
    "SearchStats",
    "Points",
    "Tree",
    "best_margin",
    "settle",
    "pairs_within_chord",
    "first_unique",
    "ragged",
]


@dataclass
class SearchStats:
    """Which paths of the search ran, counted over one query (``return_stats=True``).

    Attributes
    ----------
    targets : int
        Targets queried.
    first_k : int
        Targets that took the per-target search: its first k-nearest query
        (``FIRST_K`` origins). Only targets whose cell had more than
        ``cells.CELL_MAX`` candidates do.
    more_k : int
        Targets asked again for ``MORE_K`` origins: their search radius held
        more than ``FIRST_K`` origins.
    ball : int
        Targets whose radius held more than ``MORE_K`` origins (dense
        clusters of origins): searched through the hierarchy of groups of
        origins (docs/exactness.md, step 3d), or by a ball query where no
        such search is given.
    exact_solves : int
        Karney inverse solutions computed (one per target, plus the
        candidates no bound could rule out, plus the geodesics between pairs
        of origins that step 3c uses; distances reused from an earlier
        search are not counted).
    cells : int
        Cells of targets whose candidate origins were looked up at once
        (docs/exactness.md, step 3b).
    single : int
        Targets whose cell had a single candidate origin: one Karney solve,
        no chords.

    Targets in cells with more than ``CELL_MAX`` candidates take the
    per-target search (``first_k``, ``more_k``, ``ball``).
    """

    targets: int = 0
    first_k: int = 0
    more_k: int = 0
    ball: int = 0
    exact_solves: int = 0
    cells: int = 0
    single: int = 0

    def add(self, other: SearchStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Points:
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    xyz: NDArray[np.float64]

    def take(self, idx: NDArray[np.integer[Any]]) -> Points:
        return Points(self.lon[idx], self.lat[idx], np.take(self.xyz, idx, axis=0))

    def __len__(self) -> int:
        return self.lon.size


@dataclass
class Tree:
    """Some of the origins (``members``, positions into the index) with their reach and k-d tree."""

    members: NDArray[np.intp]
    points: Points
    reach: NDArray[np.float64]
    tree: cKDTree = field(repr=False)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # what is built on first use

    @classmethod
    def of(cls, points: Points, members: NDArray[np.intp], reach: NDArray[np.float64]) -> Tree:
        sub = points.take(members)
        return cls(members, sub, reach, cKDTree(sub.xyz))

    def whole(self) -> Tree:
        """The same origins as one group of themselves (members: positions in this tree), sharing the cache."""
        return Tree(np.arange(len(self.points)), self.points, self.reach, self.tree, self.cache)


@dataclass
class Known:
    """One measured origin per target: its coordinates, the distance, and the azimuth at it toward the target.

    A search handed these (for the same targets) reuses the distance instead
    of solving again wherever a candidate sits at that origin's coordinates.
    """

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    s: NDArray[np.float64]
    toward: NDArray[np.float64]

    def take(self, idx: NDArray[np.integer[Any]] | slice) -> Known:
        return Known(self.lon[idx], self.lat[idx], self.s[idx], self.toward[idx])


def measure(
    ell: Ellipsoid,
    origins: Points,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    cand: NDArray[np.integer[Any]],
    *,
    known: Known | None,
    workers: int,
    stats: SearchStats,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Karney's distance and the azimuth at the origin toward the target, for paired targets and origins.

    ``known`` (aligned with the pairs) supplies the pairs already measured.
    """
    if known is None:
        stats.exact_solves += cand.size
        return _solve(ell, origins, lon, lat, cand, workers=workers)
    same = (origins.lon[cand] == known.lon) & (origins.lat[cand] == known.lat)
    s, toward = known.s.copy(), known.toward.copy()
    new = np.flatnonzero(~same)
    if new.size:
        s[new], toward[new] = _solve(ell, origins, lon[new], lat[new], cand[new], workers=workers)
        stats.exact_solves += new.size
    return s, toward


def _solve(
    ell: Ellipsoid,
    origins: Points,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    cand: NDArray[np.integer[Any]],
    *,
    workers: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Distance and azimuth at the origin toward the target; on one thread without copying the inputs."""
    if workers != 1 or cand.size < 64:
        _, toward, s = ell.inverse(lon, lat, origins.lon[cand], origins.lat[cand], workers=workers)
        return s, toward
    # From the origin's end the forward azimuth is the one wanted; the gathers are ours to overwrite.
    lat = np.asarray(lat, dtype=float)
    if not (lat.flags.writeable and lat.flags.c_contiguous):  # pyproj wants writable buffers, even for lat2
        lat = lat.copy()
    toward, _, s = ell.inverse_consuming(origins.lon[cand], origins.lat[cand], np.array(lon, dtype=float), lat)
    return s, toward


def _query(
    tree: cKDTree, xyz: NDArray[np.float64], k: int, workers: int
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    chord, idx = tree.query(xyz, k=k, workers=workers)
    return np.reshape(chord, (len(xyz), k)), np.reshape(idx, (len(xyz), k))


def _within_chord(
    tree: cKDTree,
    xyz: NDArray[np.float64],
    radius: NDArray[np.float64],
    *,
    chord: NDArray[np.float64],
    idx: NDArray[np.intp],
    workers: int,
    stats: SearchStats,
    dense: bool = False,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """All (row, origin) pairs with chord ``<= radius[row]``, each row's pairs contiguous, and the dense rows.

    ``chord``/``idx`` are the k nearest origins of each row (sorted by chord,
    as ``cKDTree.query`` returns them). A row whose k-th chord is still inside
    its radius may have more candidates and is asked again with a larger k,
    then with a ball query; its pairs then come only from that later answer.
    With ``dense``, rows that would take the ball query get no pairs and are
    returned instead (third array), for the search of :mod:`rangecov.engine.groups`.
    """
    k = chord.shape[1]
    inside = chord <= radius[:, None]
    more = np.flatnonzero(inside[:, -1]) if k < tree.n else np.empty(0, dtype=np.intp)
    inside[more] = False
    row, col = np.nonzero(inside)
    pairs_row, pairs_origin = [row], [idx[row, col]]
    crowded = np.empty(0, dtype=np.intp)
    if more.size and k < MORE_K:
        stats.more_k += more.size
        chord_k, idx_k = _query(tree, xyz[more], min(MORE_K, tree.n), workers)
        r, o, d = _within_chord(
            tree, xyz[more], radius[more], chord=chord_k, idx=idx_k, workers=workers, stats=stats, dense=dense
        )
        pairs_row.append(more[r])
        pairs_origin.append(o)
        crowded = more[d]
    elif more.size:
        stats.ball += more.size
        if dense and tree.n >= DENSE_MIN_ORIGINS:
            # Beyond DENSE_MAX_CHORD no group can be opened (step 3d): the ball query is faster there,
            # and so it is among a few origins (a ball of them costs less than opening groups).
            crowded = more[radius[more] <= DENSE_MAX_CHORD]
            more = more[radius[more] > DENSE_MAX_CHORD]
        lists = tree.query_ball_point(xyz[more], radius[more], workers=workers, return_sorted=False)
        lengths = np.fromiter(map(len, lists), dtype=np.intp, count=len(lists))
        pairs_row.append(np.repeat(more, lengths))
        pairs_origin.append(np.fromiter(itertools.chain.from_iterable(lists), dtype=np.intp, count=int(lengths.sum())))
    return np.concatenate(pairs_row), np.concatenate(pairs_origin), crowded


def pairs_within_chord(
    tree: cKDTree, xyz: NDArray[np.float64], radius: NDArray[np.float64], workers: int | None = None
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(row, item) pairs with chord ``<= radius[row]`` between query points and a tree's points.

    The candidate search of the point engine (k-nearest escalation, then a
    ball query), for any k-d tree over ECEF coordinates: the line and
    polygon distances use it for vertices and edge midpoints. Threads are
    used only for large queries (``workers`` default: one thread below
    20,000 rows, :func:`rangecov.geodesy.default_workers` above).
    """
    if workers is None:
        workers = default_workers() if len(xyz) >= PARALLEL_MIN else 1
    chord, idx = _query(tree, xyz, min(FIRST_K, tree.n), workers)
    row, item, _ = _within_chord(tree, xyz, radius, chord=chord, idx=idx, workers=workers, stats=SearchStats())
    return row, item


def pairs_or_dense(
    tree: cKDTree, xyz: NDArray[np.float64], radius: NDArray[np.float64], workers: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """:func:`pairs_within_chord`, but the rows whose radius holds more than ``MORE_K`` items get no pairs
    and are returned (third array) for the search of :mod:`rangecov.engine.groups`."""
    chord, idx = _query(tree, xyz, min(FIRST_K, tree.n), workers)
    return _within_chord(tree, xyz, radius, chord=chord, idx=idx, workers=workers, stats=SearchStats(), dense=True)


# The search of the dense rows: (ell, sub, targets, best=, arg=, toward=, stats=), improving best in place.
DenseSearch = Callable[..., None]


def best_margin(
    ell: Ellipsoid,
    sub: Tree,
    targets: Points,
    *,
    workers: int,
    stats: SearchStats,
    known: Known | None = None,
    dense: DenseSearch | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
    """For each target, ``max_j (reach_j - s_j)`` over ``sub``, the ``j`` (position in ``sub``) attaining it,
    and the azimuth at that origin toward the target.

    With ``reach`` all zero this is minus the nearest geodesic distance. Ties
    go to the lowest position. ``known``: see :class:`Known`. ``dense``: the
    search for targets whose radius holds more than ``MORE_K`` origins
    (:func:`rangecov.engine.groups.dense_search`); without it, a ball query.
    """
    origins, reach, tree = sub.points, sub.reach, sub.tree
    n_o = len(origins)
    chord, idx = _query(tree, targets.xyz, min(FIRST_K, n_o), workers)
    stats.targets += len(targets)
    stats.first_k += len(targets)
    first = idx[:, 0]
    s1, toward = measure(ell, origins, targets.lon, targets.lat, first, known=known, workers=workers, stats=stats)
    best = reach[first] - s1
    arg = first.copy()
    if n_o == 1:
        return best, arg, toward

    # An origin that beats `best` has s_j < reach_j - best <= max_reach - best,
    # so its chord is within C(max_reach - best) (docs/exactness.md, step 2a).
    radius = ell.chord_reach(reach.max() - best)
    todo = np.flatnonzero(chord[:, 1] <= radius)
    if todo.size == 0:
        return best, arg, toward
    row, cand, crowded = _within_chord(
        tree,
        targets.xyz[todo],
        radius[todo],
        chord=chord[todo],
        idx=idx[todo],
        workers=workers,
        stats=stats,
        dense=dense is not None,
    )
    tgt = todo[row]
    keep = cand != first[tgt]
    settle(
        ell,
        sub,
        targets,
        best=best,
        arg=arg,
        toward=toward,
        s1=s1,
        tgt=tgt[keep],
        cand=cand[keep],
        workers=workers,
        stats=stats,
        known=known,
    )
    if dense is not None and crowded.size:
        rows = todo[crowded]
        b, a, az = best[rows], arg[rows], toward[rows]
        dense(ell, sub, targets.take(rows), best=b, arg=a, toward=az, stats=stats)
        best[rows], arg[rows], toward[rows] = b, a, az
    return best, arg, toward


def settle(
    ell: Ellipsoid,
    sub: Tree,
    targets: Points,
    *,
    best: NDArray[np.float64],
    arg: NDArray[np.integer[Any]],
    toward: NDArray[np.float64],
    s1: NDArray[np.float64],
    tgt: NDArray[np.intp],
    cand: NDArray[np.integer[Any]],
    workers: int,
    stats: SearchStats,
    known: Known | None = None,
) -> None:
    """Measure the candidate pairs no lower bound rules out; keep each target's best margin (in place).

    ``best``/``arg``/``toward`` hold each target's measured margin, its
    origin (position in ``sub``) and the azimuth at that origin toward the
    target, ``s1`` that origin's distance; ``tgt``/``cand`` are further
    (target, origin) pairs, each target's pairs contiguous. A pair is
    measured only if ``reach - L`` can reach ``best - ε``, with ``L`` the
    chord and angle bounds (steps 1 and 2), then the bound beside the first
    origin (step 3c); the winner is the largest margin, the lowest origin
    position on ties.
    """
    origins, reach = sub.points, sub.reach
    if tgt.size == 0:
        return
    cand = cand.astype(np.intp, copy=False)  # the tie rule below needs room for intp's largest value
    lower = ell.lower_bound(np.take(targets.xyz, tgt, axis=0), np.take(origins.xyz, cand, axis=0))
    keep = reach[cand] - lower >= best[tgt] - PRUNE_SLACK_M
    tgt, cand = tgt[keep], cand[keep]
    if tgt.size == 0:
        return
    beside = _beside_first(ell, sub, arg[tgt], cand, s1=s1[tgt], toward=toward[tgt], stats=stats)
    keep = reach[cand] - beside >= best[tgt] - PRUNE_SLACK_M
    tgt, cand = tgt[keep], cand[keep]
    if tgt.size == 0:
        return
    s, az = measure(
        ell,
        origins,
        targets.lon[tgt],
        targets.lat[tgt],
        cand,
        known=None if known is None else known.take(tgt),
        workers=workers,
        stats=stats,
    )
    value = reach[cand] - s
    # Each target's candidates are contiguous, so a segmented max finds its
    # best, lowest origin position first on ties, which then competes with
    # the measured best on the same rule.
    head = np.flatnonzero(np.r_[True, tgt[1:] != tgt[:-1]])
    length = np.diff(np.r_[head, value.size])
    top = np.maximum.reduceat(value, head)
    at_top = value == np.repeat(top, length)
    top_cand = np.minimum.reduceat(np.where(at_top, cand, np.iinfo(np.intp).max), head)
    win = np.flatnonzero(at_top & (cand == np.repeat(top_cand, length)))  # one per target, in order
    t = tgt[head]
    better = (top > best[t]) | ((top == best[t]) & (top_cand < arg[t]))
    best[t[better]] = top[better]
    arg[t[better]] = top_cand[better]
    toward[t[better]] = az[win[better]]


def _beside_first(
    ell: Ellipsoid,
    sub: Tree,
    one: NDArray[np.integer[Any]],
    other: NDArray[np.integer[Any]],
    *,
    s1: NDArray[np.float64],
    toward: NDArray[np.float64],
    stats: SearchStats,
) -> NDArray[np.float64]:
    """Lower bounds on ``s(T, other)`` from ``s1 = s(T, one)`` and the geodesic from ``one`` to ``other`` (step 3c).

    Each distinct (one, other) pair of origins is solved once.
    """
    n = len(sub.points)
    pairs, back = np.unique(one.astype(np.intp) * n + other, return_inverse=True)  # intp: no overflow
    a, b = np.divmod(pairs, n)
    p = sub.points
    heading, _, step = ell.inverse(p.lon[a], p.lat[a], p.lon[b], p.lat[b], workers=1)
    stats.exact_solves += pairs.size
    return ell.lower_bound_beside(s1, toward, step[back], heading[back])


def first_unique(*columns: NDArray[Any]) -> NDArray[np.intp]:
    """Positions of the first occurrence of each distinct row, in original order."""
    if columns[0].size == 0:
        return np.empty(0, dtype=np.intp)
    _, first = np.unique(np.column_stack(columns), axis=0, return_index=True)
    return np.sort(first)


def ragged(start: NDArray[np.integer[Any]], count: NDArray[np.integer[Any]]) -> NDArray[np.intp]:
    """``concatenate([arange(s, s + c) for s, c in zip(start, count)])`` without a Python loop: the
    positions of runs of ``count[i]`` consecutive items from ``start[i]`` (a cell's targets, a group's
    members, a list's entries)."""
    count = np.asarray(count, dtype=np.intp)
    total = int(count.sum())
    ranks = np.arange(total, dtype=np.intp) - np.repeat(np.cumsum(count) - count, count)
    out: NDArray[np.intp] = np.repeat(np.asarray(start, dtype=np.intp), count) + ranks
    return out
