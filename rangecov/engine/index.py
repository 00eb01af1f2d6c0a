"""`OriginIndex`: origins indexed once, queried exactly from many targets (see the package docstring)."""

from __future__ import annotations

import itertools
import numbers
import threading
from collections.abc import Callable
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from ..base.tuning import DENSE_ROWS, MAX_REACH_GROUPS
from ..errors import InputError, InputTypeError
from ..geodesy.ellipsoid import PRUNE_SLACK_M, Ellipsoid, default_workers, ellipsoid_names, get_ellipsoid
from .cells import Cells, best_margin_by_cells, make_cells, parts, run_stages
from .counts import count_within
from .groups import dense_search
from .search import Known, Points, SearchStats, Tree, first_unique, pairs_or_dense

__all__ = ["OriginIndex"]


def _as_coordinates(
    lon: ArrayLike, lat: ArrayLike, what: str, copy: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """1-D float arrays of longitude and latitude, checked (finite, |lat| <= 90, same length).

    Targets are only read, so float arrays are used as they are; the index
    keeps its own copy of the origins (``copy=True``).
    """
    try:
        x = np.array(lon, dtype=float, ndmin=1, copy=True if copy else None)
        y = np.array(lat, dtype=float, ndmin=1, copy=True if copy else None)
    except (TypeError, ValueError):
        raise InputTypeError(f"{what} longitudes and latitudes must be arrays of numbers (degrees)") from None
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise InputError(
            f"{what} longitudes and latitudes must be 1-D arrays of the same length, got shapes {x.shape} and {y.shape}"
        )
    bad = np.flatnonzero(~(np.isfinite(x) & np.isfinite(y)))
    if bad.size:
        raise InputError(f"{what} coordinates must be finite; NaN or infinity at positions {bad[:5].tolist()}")
    off = np.flatnonzero(np.abs(y) > 90.0)
    if off.size:
        raise InputError(
            f"{what} latitudes must be within ±90°; got {y[off[:5]].tolist()} at positions {off[:5].tolist()}"
        )
    return x, y


def _as_reach(reach: ArrayLike | None, n: int, what: str) -> NDArray[np.float64]:
    if isinstance(reach, (bool, str, bytes)) or reach is None:
        raise InputTypeError(f"{what} must be metres, a number or one per origin, got {type(reach).__name__}")
    try:
        r = np.array(reach, dtype=float, ndmin=1)
    except (TypeError, ValueError):
        raise InputTypeError(f"{what} must be metres, a number or one per origin (numbers)") from None
    if r.size == 1 and n != 1:
        r = np.full(n, float(r[0]))
    if r.shape != (n,):
        raise InputError(f"{what} must be one number or one per origin ({n}), got {r.size} values")
    if not np.all(np.isfinite(r) & (r >= 0)):
        raise InputError(f"{what} must be finite and not negative (metres)")
    return r


class OriginIndex:
    """Origins on the ellipsoid, indexed once for exact geodesic queries from many targets.

    Parameters
    ----------
    lon, lat : array_like of float
        Origin longitudes (any real value; reduced exactly) and latitudes
        (within ±90°) in degrees on the chosen ellipsoid.
    reach : float or array_like, optional
        Reach in metres, one for all origins or one per origin; used by
        :meth:`pairs_within` when it gets none, and by :meth:`max_margin`,
        :meth:`count_within` and :meth:`min_ratio`.
    ellipsoid : str or Ellipsoid, default "WGS84"
        Any ``ellps`` name pyproj knows, or an :class:`~rangecov.geodesy.Ellipsoid`.
    workers : int, optional
        Threads for k-d queries and geodesic solves (default: the cores, at
        most 8; 1 runs everything on the calling thread).

    Notes
    -----
    Model: points on the surface of the ellipsoid (height 0), geodesic distances.

    Error bound: every distance returned is Karney's geodesic distance
    (pyproj's C port of GeographicLib), within 15 nm of the true ellipsoidal
    distance; which origin is nearest, and which pairs are within reach, is
    decided on those distances, never on a bound (``docs/exactness.md``,
    steps 0–4; tested against the pure-Python ``geographiclib``). Ties in
    distance go to the lowest origin position.

    The index is read-only after construction, so one index may be queried
    from several threads at once; queries share no state (statistics are
    returned per call). It pickles to its coordinates, reach, ellipsoid
    name and workers; its trees are rebuilt on the first query after
    unpickling, as on the first query after construction.
    """

    def __init__(
        self,
        lon: ArrayLike,
        lat: ArrayLike,
        *,
        reach: ArrayLike | None = None,
        ellipsoid: str | Ellipsoid = "WGS84",
        workers: int | None = None,
    ) -> None:
        if isinstance(ellipsoid, Ellipsoid):
            # Pickles carry the name: only an ellipsoid the name gives back can travel.
            if ellipsoid.name not in ellipsoid_names() or get_ellipsoid(ellipsoid.name) != ellipsoid:
                raise InputError(
                    f"ellipsoid must be a name pyproj knows or rangecov.get_ellipsoid(name), got {ellipsoid!r}"
                )
            self.ellipsoid = ellipsoid
        else:
            self.ellipsoid = get_ellipsoid(ellipsoid)
        x, y = _as_coordinates(lon, lat, "origin", copy=True)
        self.reach = None if reach is None else _as_reach(reach, x.size, "reach")
        if workers is not None and (
            isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1
        ):
            raise InputError(f"workers must be a whole number of threads >= 1 (or None), got {workers!r}")
        self.workers = default_workers() if workers is None else int(workers)
        for a in (x, y) + (() if self.reach is None else (self.reach,)):
            a.flags.writeable = False
        self._points = Points(x, y, self.ellipsoid.ecef(x, y))
        self._trees: dict[str, Any] = {}  # a Tree per key, and the list of margin groups
        self._lock = threading.Lock()

    # -- pickling: arrays only; trees are rebuilt where the index lands ---------------

    def __getstate__(self) -> dict[str, Any]:
        p = self._points
        return {
            "lon": p.lon,
            "lat": p.lat,
            "reach": self.reach,
            "ellipsoid": self.ellipsoid.name,
            "workers": self.workers,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        OriginIndex.__init__(
            self,
            state["lon"],
            state["lat"],
            reach=state["reach"],
            ellipsoid=state["ellipsoid"],
            workers=state["workers"],
        )

    def __len__(self) -> int:
        return len(self._points)

    def __repr__(self) -> str:
        reach = "no reach" if self.reach is None else f"reach {self.reach.min():g}–{self.reach.max():g} m"
        return f"OriginIndex({len(self)} origins, {reach}, {self.ellipsoid.name})"

    @property
    def lon(self) -> NDArray[np.float64]:
        """Origin longitudes in degrees, as given (read-only)."""
        return self._points.lon

    @property
    def lat(self) -> NDArray[np.float64]:
        """Origin latitudes in degrees (read-only)."""
        return self._points.lat

    # -- trees, built on first use and then shared ----------------------------------------

    def _tree(self, key: str, members_and_reach: Callable[[], tuple[NDArray[np.intp], NDArray[np.float64]]]) -> Tree:
        tree: Tree | None = self._trees.get(key)
        if tree is None:
            with self._lock:
                tree = self._trees.get(key)
                if tree is None:
                    members, reach = members_and_reach()
                    tree = Tree.of(self._points, members, reach)
                    self._trees[key] = tree
        return tree

    def _unique_tree(self, key: str, subset: NDArray[np.intp]) -> Tree:
        """A tree of the distinct locations among ``subset`` (positions), reach 0."""

        def build() -> tuple[NDArray[np.intp], NDArray[np.float64]]:
            p = self._points
            keep = subset[first_unique(p.lon[subset], p.lat[subset])]
            return keep, np.zeros(keep.size)

        return self._tree(key, build)

    def _require_reach(self, what: str) -> NDArray[np.float64]:
        if self.reach is None:
            raise InputError(f"{what} needs the origins' reach: OriginIndex(lon, lat, reach=...)")
        return self.reach

    def _targets(self, lon: ArrayLike, lat: ArrayLike) -> Points:
        x, y = _as_coordinates(lon, lat, "target")
        return Points(x, y, self.ellipsoid.ecef(x, y))

    def _best(
        self,
        sub: Tree,
        lon: NDArray[np.float64],
        lat: NDArray[np.float64],
        *,
        stats: SearchStats,
        groups: list[Tree] | None = None,
        known: Known | None = None,
        cells: Cells | None = None,
    ) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
        """``max_j (reach_j - s_j)`` over ``sub`` per target (checked coordinates), its position in ``sub``
        and the azimuth at that origin toward the target."""
        return best_margin_by_cells(
            self.ellipsoid, sub, lon, lat, workers=self.workers, stats=stats, groups=groups, known=known, cells=cells
        )

    # -- queries ---------------------------------------------------------------------------

    @overload
    def nearest(
        self, lon: ArrayLike, lat: ArrayLike, *, return_stats: Literal[False] = False
    ) -> tuple[NDArray[np.intp], NDArray[np.float64]]: ...

    @overload
    def nearest(
        self, lon: ArrayLike, lat: ArrayLike, *, return_stats: Literal[True]
    ) -> tuple[NDArray[np.intp], NDArray[np.float64], SearchStats]: ...

    def nearest(
        self, lon: ArrayLike, lat: ArrayLike, *, return_stats: bool = False
    ) -> tuple[NDArray[np.intp], NDArray[np.float64]] | tuple[NDArray[np.intp], NDArray[np.float64], SearchStats]:
        """The nearest origin of each target and the exact geodesic distance to it.

        Parameters
        ----------
        lon, lat : array_like of float
            Target coordinates in degrees.
        return_stats : bool, default False
            Also return a :class:`SearchStats` saying which search paths ran.

        Returns
        -------
        origin_position : ndarray of intp
            Position of the nearest origin (the lowest among equally near ones);
            -1 when there are no origins.
        distance_m : ndarray of float
            Exact geodesic distance in metres (``inf`` without origins).
        stats : SearchStats
            Only with ``return_stats=True``.
        """
        x, y = _as_coordinates(lon, lat, "target")
        stats = SearchStats()
        n_t = x.size
        if len(self) == 0 or n_t == 0:
            pos, dist = np.full(n_t, -1, dtype=np.intp), np.full(n_t, np.inf)
        else:
            pos, dist, _ = self._nearest(x, y, stats)
        return (pos, dist, stats) if return_stats else (pos, dist)

    def _nearest(
        self, x: NDArray[np.float64], y: NDArray[np.float64], stats: SearchStats, cells: Cells | None = None
    ) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
        sub = self._unique_tree("nearest", np.arange(len(self)))
        neg, arg, toward = self._best(sub, x, y, stats=stats, cells=cells)
        return sub.members[arg], 0.0 - neg, toward  # not -neg: a target on an origin is at 0.0, not -0.0

    def max_margin(self, lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """``max_j (reach_j - s_j)`` per target, exactly, and the origin attaining it.

        The margin is ``>= 0`` when some origin reaches the target; with one
        reach for all it is that reach minus the nearest distance. Ties go
        to the lowest origin position. Without origins: ``-inf`` and -1.
        """
        self._require_reach("max_margin")
        x, y = _as_coordinates(lon, lat, "target")
        n_t = x.size
        margin = np.full(n_t, -np.inf)
        arg = np.full(n_t, -1, dtype=np.intp)
        if len(self) == 0 or n_t == 0:
            return margin, arg
        sub, groups = self._margin_trees()
        m, a, _ = self._best(sub, x, y, stats=SearchStats(), groups=groups)
        return m, sub.members[a]

    def nearest_and_margin(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
        """:meth:`nearest` and :meth:`max_margin` in one call, sharing their exact solves.

        Returns ``(origin_position, distance_m, margin_m, margin_origin)``,
        each exactly as the two methods give them. Where the origin best by
        margin sits where the nearest one does, its distance is not solved
        again, so per-origin reach costs less than the two calls.
        """
        self._require_reach("nearest_and_margin")
        x, y = _as_coordinates(lon, lat, "target")
        n_t = x.size
        if len(self) == 0 or n_t == 0:
            none = np.full(n_t, -1, dtype=np.intp)
            return none, np.full(n_t, np.inf), np.full(n_t, -np.inf), none.copy()
        cells = make_cells(self.ellipsoid, x, y)  # the same targets: one binning for both searches
        pos, dist, toward = self._nearest(x, y, SearchStats(), cells)
        p = self._points
        sub, groups = self._margin_trees()
        known = Known(p.lon[pos], p.lat[pos], dist, toward)
        m, a, _ = self._best(sub, x, y, stats=SearchStats(), groups=groups, known=known, cells=cells)
        return pos, dist, m, sub.members[a]

    def _margin_trees(self) -> tuple[Tree, list[Tree]]:
        """The distinct (location, reach) origins, and their groups by reach for the candidate search.

        One group per reach value up to ``MAX_REACH_GROUPS`` values, else that
        many bands of about equally many origins: within a group of one reach
        the search is a nearest-origin search, and a group whose reach cannot
        beat what another group already gives a cell is not searched there.
        """
        reach = self.reach
        assert reach is not None

        def build() -> tuple[NDArray[np.intp], NDArray[np.float64]]:
            p = self._points
            every = np.arange(reach.size)
            keep = every[first_unique(p.lon, p.lat, reach)]
            return keep, reach[keep]

        sub = self._tree("margin:all", build)
        groups: list[Tree] | None = self._trees.get("margin:groups")
        if groups is None:
            values = np.unique(sub.reach)
            if values.size <= MAX_REACH_GROUPS:
                cuts = values[1:]
            else:
                ordered = np.sort(sub.reach)
                cuts = np.unique(ordered[np.linspace(0, ordered.size, MAX_REACH_GROUPS + 1).astype(int)[1:-1]])
            band = np.searchsorted(cuts, sub.reach, side="right")
            groups = []
            for b in np.unique(band):
                members = np.flatnonzero(band == b)
                groups.append(Tree.of(sub.points, members, sub.reach[members]))
            with self._lock:
                self._trees.setdefault("margin:groups", groups)
        return sub, self._trees["margin:groups"]

    def pairs_within(
        self, lon: ArrayLike, lat: ArrayLike, reach: ArrayLike | None = None
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
        """Every (origin, target) pair within reach, with its exact distance: a sparse answer.

        Parameters
        ----------
        lon, lat : array_like of float
            Target coordinates in degrees.
        reach : float or array_like, optional
            Metres, one for all origins or one per origin; default: the index's reach.

        Returns
        -------
        origin_position, target_position : ndarray of intp
        distance_m : ndarray of float
            The pairs with geodesic distance ``<= reach`` of their origin
            (inclusive), sorted by target then origin position.

        Notes
        -----
        Candidates are the targets within chord ``C(reach)`` of each origin
        (step 2a, which no pair within reach can exceed); every candidate is
        measured exactly and kept only if its distance is within reach.
        """
        r = self._require_reach("pairs_within") if reach is None else _as_reach(reach, len(self), "reach")
        targets = self._targets(lon, lat)
        if len(self) == 0 or len(targets) == 0:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty(0)
        tree = cKDTree(targets.xyz)
        o = self._points
        lists = tree.query_ball_point(o.xyz, self.ellipsoid.chord_reach(r), workers=self.workers, return_sorted=False)
        lengths = np.fromiter(map(len, lists), dtype=np.intp, count=len(lists))
        po = np.repeat(np.arange(len(self)), lengths)
        pt = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.intp, count=int(lengths.sum()))
        s = self.ellipsoid.distance(o.lon[po], o.lat[po], targets.lon[pt], targets.lat[pt], workers=self.workers)
        keep = s <= r[po]
        po, pt, s = po[keep], pt[keep], s[keep]
        order = np.lexsort((po, pt))
        return po[order], pt[order], s[order]

    def count_within(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.int64]:
        """For each origin, the number of targets within its own reach (inclusive), exactly."""
        reach = self._require_reach("count_within")
        x, y = _as_coordinates(lon, lat, "target")
        return count_within(self.ellipsoid, self._points, reach, x, y, workers=self.workers)

    def min_ratio(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
        """For each target, ``min_j s_j / reach_j`` exactly: the factor by which every origin's reach
        must be scaled for the target to come within reach.

        An origin of reach 0 gives 0 for a target on it and infinity
        otherwise; without origins, infinity. The search mirrors
        :meth:`max_margin`: an upper bound ``f = s / reach`` from the nearest
        origin among those with positive reach, then only origins with chord
        ``<= C(f * max(reach))`` (step 2a) whose lower bound is
        ``<= f * reach_j`` are measured (docs/exactness.md, step 3,
        "per-origin factor").
        """
        reach = self._require_reach("min_ratio")
        targets = self._targets(lon, lat)
        n_t = len(targets)
        out = np.full(n_t, np.inf)
        if len(self) == 0 or n_t == 0:
            return out
        ell, workers = self.ellipsoid, self.workers
        zero = reach <= 0
        if zero.any():
            sub = self._unique_tree("ratio:zero", np.flatnonzero(zero))
            neg, _, _ = self._best(sub, targets.lon, targets.lat, stats=SearchStats())
            out[neg == 0] = 0.0
        pos = np.flatnonzero(~zero)
        if pos.size == 0:
            return out
        sub = self._unique_tree("ratio:positive", pos)
        neg, j, _ = self._best(sub, targets.lon, targets.lat, stats=SearchStats())
        bound: NDArray[np.float64] = np.minimum(out, (0.0 - neg) / reach[sub.members[j]])
        todo = np.flatnonzero(np.isfinite(bound) & (bound > 0))
        if todo.size == 0 or pos.size == 1:
            return bound
        every = self._tree("ratio:all-positive", lambda: (pos, reach[pos]))
        radius = ell.chord_reach(bound[todo] * reach[pos].max())
        row, cand, crowded = pairs_or_dense(every.tree, targets.xyz[todo], radius, workers)
        tgt = todo[row]
        lower = ell.lower_bound(targets.xyz[tgt], every.points.xyz[cand])
        keep = lower - PRUNE_SLACK_M <= bound[tgt] * every.reach[cand]
        tgt, cand = tgt[keep], cand[keep]
        s = ell.distance(
            targets.lon[tgt], targets.lat[tgt], every.points.lon[cand], every.points.lat[cand], workers=workers
        )
        np.minimum.at(bound, tgt, s / every.reach[cand])
        if crowded.size:
            # Radii holding more than MORE_K origins: the hierarchy of groups (step 3d), slice by slice.
            rows = todo[crowded]
            dense, found = targets.take(rows), bound[rows]

            def run(part: slice) -> None:
                view = Points(dense.lon[part], dense.lat[part], dense.xyz[part])
                dense_search(ell, every, view, best=found[part], arg=None, toward=None, stats=SearchStats(), ratio=True)

            run_stages(workers, (run, parts(rows.size, DENSE_ROWS)))
            bound[rows] = found
        return bound
