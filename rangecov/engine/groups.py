"""Dense origins seen from afar: origins in a hierarchy of groups, each bounded from one exact solve.

``docs/exactness.md``, step 3d. Where a target's search radius holds more
origins than the k-nearest queries of step 3 return (20,000 origins in a
kilometre seen from 2,000 km: the chord falls short of the geodesic by
kilometres, so every one of them is a candidate), the origins are searched
through a hierarchy instead of a ball query:

- the origins are split in halves along their widest ECEF axis, level by
  level, down to groups of about ``GROUP_LEAF``; every group has a centre,
  a chord radius, its largest reach and a reference origin (its member
  nearest the centre);
- a (target, group) pair is dropped when a lower bound on the distance to
  every member cannot beat the target's best: by chord (step 1) until the
  target is ``GROUP_OPEN`` radii away, then the group is *opened*: one
  Karney solve to its reference (an origin, so it may improve the best),
  and from then on every descendant group is bounded by
  :meth:`~rangecov.geodesy.Ellipsoid.lower_bound_around` in the frame of
  that reference (the geodesics from the reference to its members are solved
  once per group, on first use, and kept);
- the members of the leaves left are bounded one by one (step 3c from the
  reference, or steps 1–2) and those that can still win are measured.

Arrays in, arrays out; the hierarchy and the geodesics of opened groups
belong to the :class:`~rangecov.engine.search.Tree` searched (its ``cache``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..base.tuning import DENSE_ROWS, GROUP_LEAF, GROUP_OPEN
from ..geodesy.ellipsoid import PRUNE_SLACK_M, Ellipsoid
from .search import Points, SearchStats, Tree, measure, ragged

__all__ = ["Hierarchy", "hierarchy", "dense_search"]


@dataclass
class Plan:
    """The geodesics from the references of the opened groups of one level to their members.

    ``length``/``azimuth`` are per member (in the hierarchy's order, NaN for
    groups not opened yet); ``box`` per group of this level and below
    (``x_lo, x_hi, y_lo, y_hi, longest`` of ``v = L (sin az, cos az)`` in the
    frame of the group's ancestor at this level); ``ready`` per group of this
    level.
    """

    ready: NDArray[np.bool_]
    length: NDArray[np.float64]
    azimuth: NDArray[np.float64]
    box: NDArray[np.float64]


@dataclass
class Hierarchy:
    """Origins (positions in a :class:`Tree`) split in halves, level by level; group ``(level, i)`` is
    number ``2**level - 1 + i`` and holds ``order[(i * n) >> level : ((i + 1) * n) >> level]``."""

    depth: int
    order: NDArray[np.intp]
    centre: NDArray[np.float64]
    radius: NDArray[np.float64]
    reach: NDArray[np.float64]
    ref: NDArray[np.intp]
    plans: dict[int, Plan] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def bounds(self, level: int) -> NDArray[np.int64]:
        """Where each group of ``level`` starts in ``order``, and the end."""
        edges: NDArray[np.int64] = (np.arange(2**level + 1, dtype=np.int64) * self.order.size) >> level
        return edges


def hierarchy(sub: Tree) -> Hierarchy:
    """The tree's hierarchy of groups, built on first use and kept in ``sub.cache``."""
    found: Hierarchy | None = sub.cache.get("hierarchy")
    if found is None:
        found = sub.cache.setdefault("hierarchy", _build(sub))
    return found


def _build(sub: Tree) -> Hierarchy:
    xyz, n = sub.points.xyz, len(sub.points)
    depth = int(np.ceil(np.log2(n / GROUP_LEAF))) if n > GROUP_LEAF else 0
    order = np.arange(n)
    for level in range(depth):
        starts = ((np.arange(2**level + 1, dtype=np.int64) * n) >> level)[:-1]
        group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, n]))
        p = xyz[order]
        lo, hi = np.minimum.reduceat(p, starts, axis=0), np.maximum.reduceat(p, starts, axis=0)
        axis = np.argmax(hi - lo, axis=1)[group]
        width = (hi - lo)[group, axis]
        key = (p[np.arange(n), axis] - lo[group, axis]) / np.where(width > 0, width, 1.0)
        order = order[np.argsort(group + 0.5 * key, kind="stable")]  # each group sorted on its widest axis
    p, reach = xyz[order], sub.reach[order]
    centre, radius, top, ref = [], [], [], []
    for level in range(depth + 1):
        starts = ((np.arange(2**level + 1, dtype=np.int64) * n) >> level)[:-1]
        size = np.diff(np.r_[starts, n])
        c = np.add.reduceat(p, starts, axis=0) / size[:, None]
        d = np.sqrt(np.einsum("ij,ij->i", p - np.repeat(c, size, axis=0), p - np.repeat(c, size, axis=0)))
        nearest = np.repeat(np.minimum.reduceat(d, starts), size) == d
        ref.append(order[np.minimum.reduceat(np.where(nearest, np.arange(n), n), starts)])
        centre.append(c)
        radius.append(np.maximum.reduceat(d, starts) * (1.0 + 1e-12) + PRUNE_SLACK_M)
        top.append(np.maximum.reduceat(reach, starts))
    return Hierarchy(
        depth, order, np.concatenate(centre), np.concatenate(radius), np.concatenate(top), np.concatenate(ref)
    )


def _open(ell: Ellipsoid, sub: Tree, h: Hierarchy, level: int, groups: NDArray[np.intp]) -> Plan:
    """The plan of ``level`` with ``groups`` (numbers within the level) opened: one solve per member."""
    with h.lock:
        plan = h.plans.get(level)
        if plan is None:
            n = h.order.size
            nan = np.full(n, np.nan)
            plan = Plan(np.zeros(2**level, dtype=bool), nan, nan.copy(), np.full((h.ref.size, 5), np.nan))
            h.plans[level] = plan
        need = np.unique(groups[~plan.ready[groups]])
        if need.size == 0:
            return plan
        b = h.bounds(level)
        size = b[need + 1] - b[need]
        at = ragged(b[need], size)
        ref = np.repeat(h.ref[2**level - 1 + need], size)
        p = sub.points
        member = h.order[at]
        az, _, length = ell.inverse(p.lon[ref], p.lat[ref], p.lon[member], p.lat[member], workers=1)
        plan.length[at], plan.azimuth[at] = length, az
        x = plan.length * np.sin(np.radians(plan.azimuth))
        y = plan.length * np.cos(np.radians(plan.azimuth))
        for below in range(level, h.depth + 1):
            starts = h.bounds(below)[:-1]
            rows = slice(2**below - 1, 2 ** (below + 1) - 1)
            for col, (values, reduce) in enumerate(
                ((x, np.minimum), (x, np.maximum), (y, np.minimum), (y, np.maximum), (plan.length, np.maximum))
            ):
                plan.box[rows, col] = reduce.reduceat(values, starts)
        plan.ready[need] = True
    return plan


@dataclass
class _Best:
    """Each target's best so far (a margin to raise, or a ratio to lower), its origin and azimuth."""

    value: NDArray[np.float64]
    arg: NDArray[np.intp] | None
    toward: NDArray[np.float64] | None
    ratio: bool

    def may_win(self, lower: NDArray[np.float64], reach: NDArray[np.float64], t: NDArray[np.intp]) -> NDArray[np.bool_]:
        """Whether an origin (or group) of this ``reach`` (largest) at distance ``>= lower`` can beat the best."""
        if self.ratio:
            keep: NDArray[np.bool_] = lower - PRUNE_SLACK_M <= self.value[t] * reach
        else:
            keep = reach - lower >= self.value[t] - PRUNE_SLACK_M
        return keep

    def offer(
        self, t: NDArray[np.intp], cand: NDArray[np.intp], s: NDArray[np.float64], az: NDArray[np.float64], sub: Tree
    ) -> None:
        """Measured pairs: each target keeps the best, the lowest origin position on ties."""
        if t.size == 0:
            return
        score = s / sub.reach[cand] if self.ratio else s - sub.reach[cand]  # lower is better
        first = np.lexsort((cand, score, t))
        t, cand, score, az = t[first], cand[first], score[first], az[first]
        head = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
        t, cand, score, az = t[head], cand[head], score[head], az[head]
        if self.ratio:
            np.minimum.at(self.value, t, score)
            return
        assert self.arg is not None and self.toward is not None
        better = (-score > self.value[t]) | ((-score == self.value[t]) & (cand < self.arg[t]))
        t = t[better]
        self.value[t], self.arg[t], self.toward[t] = -score[better], cand[better], az[better]


def dense_search(
    ell: Ellipsoid,
    sub: Tree,
    targets: Points,
    *,
    best: NDArray[np.float64],
    arg: NDArray[np.intp] | None,
    toward: NDArray[np.float64] | None,
    stats: SearchStats,
    ratio: bool = False,
) -> None:
    """Improve each target's best over the origins of ``sub`` in place: every origin that can beat it is measured.

    ``best`` is a measured margin ``reach - s`` (raised, with ``arg``, the
    position in ``sub``, and ``toward``, the azimuth at that origin toward the
    target; lowest position on ties) or, with ``ratio``, a ratio ``s / reach``
    (lowered; ``arg`` and ``toward`` None, reach positive).
    """
    h = hierarchy(sub)
    for a in range(0, len(targets), DENSE_ROWS):
        part = slice(a, min(len(targets), a + DENSE_ROWS))
        rows = Points(targets.lon[part], targets.lat[part], targets.xyz[part])
        found = _Best(best[part], None if arg is None else arg[part], None if toward is None else toward[part], ratio)
        _search(ell, sub, h, rows, best=found, stats=stats)


def _search(ell: Ellipsoid, sub: Tree, h: Hierarchy, targets: Points, *, best: _Best, stats: SearchStats) -> None:
    """The descent for one batch of targets: (target, group) pairs, level by level (module docstring)."""
    t = np.arange(len(targets))
    group = np.zeros(t.size, dtype=np.intp)  # numbers over all levels
    opened = np.full(t.size, -1)  # the level of the opened ancestor, or -1
    s_ref, toward = np.zeros(t.size), np.zeros(t.size)
    for level in range(h.depth + 1):
        lower = _group_lower(ell, h, targets, level, t=t, group=group, opened=opened, s_ref=s_ref, toward=toward)
        keep = best.may_win(lower, h.reach[group], t)
        t, group, opened = t[keep], group[keep], opened[keep]
        s_ref, toward, lower = s_ref[keep], toward[keep], lower[keep]
        if level == h.depth:
            break
        shut = np.flatnonzero((opened < 0) & (h.radius[group] * GROUP_OPEN <= lower))
        if shut.size:
            plan = _open(ell, sub, h, level, group[shut] - (2**level - 1))
            ref = h.ref[group[shut]]
            p = sub.points
            az, _, s = ell.inverse(p.lon[ref], p.lat[ref], targets.lon[t[shut]], targets.lat[t[shut]], workers=1)
            stats.exact_solves += shut.size
            best.offer(t[shut], ref, s, az, sub)
            span = plan.box[group[shut], 4]
            valid = (span < s) & (s + span < 0.5 * np.pi * ell.b * (1.0 - 1e-9))
            now = shut[valid]
            opened[now], s_ref[now], toward[now] = level, s[valid], az[valid]
        child = 2 * group + 1
        group = np.column_stack((child, child + 1)).ravel()
        t, opened, s_ref, toward = np.repeat(t, 2), np.repeat(opened, 2), np.repeat(s_ref, 2), np.repeat(toward, 2)
    _leaves(ell, sub, h, targets, best=best, stats=stats, t=t, group=group, opened=opened, s_ref=s_ref, toward=toward)


def _group_lower(
    ell: Ellipsoid,
    h: Hierarchy,
    targets: Points,
    level: int,
    *,
    t: NDArray[np.intp],
    group: NDArray[np.intp],
    opened: NDArray[np.intp],
    s_ref: NDArray[np.float64],
    toward: NDArray[np.float64],
) -> NDArray[np.float64]:
    """A lower bound on the distance from each pair's target to every member of its group."""
    gap = targets.xyz[t] - h.centre[group]
    lower = ell.distance_lower(np.sqrt(np.einsum("ij,ij->i", gap, gap)) - h.radius[group])  # steps 1, 2a
    for at in np.unique(opened[opened >= 0]):
        sel = np.flatnonzero(opened == at)
        plan = h.plans[int(at)]
        box = plan.box[group[sel]]
        above = 2**at - 1 + ((group[sel] - (2**level - 1)) >> (level - at))  # the opened ancestor
        around = ell.lower_bound_around(
            s_ref[sel],
            toward[sel],
            box=(box[:, 0], box[:, 1], box[:, 2], box[:, 3]),
            longest=box[:, 4],
            span=plan.box[above, 4],
        )
        lower[sel] = np.maximum(lower[sel], around)
    return lower


def _leaves(
    ell: Ellipsoid,
    sub: Tree,
    h: Hierarchy,
    targets: Points,
    *,
    best: _Best,
    stats: SearchStats,
    t: NDArray[np.intp],
    group: NDArray[np.intp],
    opened: NDArray[np.intp],
    s_ref: NDArray[np.float64],
    toward: NDArray[np.float64],
) -> None:
    """The members of the leaves left, bounded one by one; those that can still win are measured."""
    b = h.bounds(h.depth)
    leaf = group - (2**h.depth - 1)
    size = b[leaf + 1] - b[leaf]
    at = ragged(b[leaf], size)
    pair = np.repeat(np.arange(t.size), size)
    tt, cand = t[pair], h.order[at]
    origins = sub.points
    lower = ell.lower_bound(targets.xyz[tt], origins.xyz[cand])
    for level in np.unique(opened[opened >= 0]):
        sel = np.flatnonzero(opened[pair] == level)
        plan = h.plans[int(level)]
        p = pair[sel]
        beside = ell.lower_bound_beside(s_ref[p], toward[p], plan.length[at[sel]], plan.azimuth[at[sel]])
        lower[sel] = np.maximum(lower[sel], beside)
    keep = best.may_win(lower, sub.reach[cand], tt)
    if best.arg is not None:
        keep &= cand != best.arg[tt]
    tt, cand = tt[keep], cand[keep]
    s, az = measure(ell, origins, targets.lon[tt], targets.lat[tt], cand, known=None, workers=1, stats=stats)
    best.offer(tt, cand, s, az, sub)
