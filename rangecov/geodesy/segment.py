"""Exact geodesic distance from points to geodesic segments (the edges of lines and polygons).

The distance along a segment from a point has its minima at the segment's
ends or where the angle between the segment and the geodesic to the point
passes a right angle; ``segment_distance`` finds those on a grid of cells and
narrows each to a micrometre, and for points far from the segment certifies
by branch and bound that no other minimum hides between the grid points
(docs/exactness.md, step 5, where the proof is).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..base.tuning import FAR_BATCH_ROWS, FAR_MAX_CELLS, FAR_ROUNDS
from ..errors import UnsupportedError
from .ellipsoid import PRUNE_SLACK_M, Ellipsoid

__all__ = ["segment_distance", "Slope", "Grid", "certify_far", "cell_lower_bound"]


# Grid spacing for the search of the nearest point of a geodesic segment; see
# docs/exactness.md ("Distance to a geodesic segment") for why one minimum of
# the distance per cell is all there can be.
_SEGMENT_GRID_M = 1_000_000.0


def narrow(
    slope: Slope,
    r: NDArray[np.intp],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    *,
    g_lo: NDArray[np.float64],
    g_hi: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Narrow brackets ``g(lo) > 0 >= g(hi)`` of ``g = cos(beta)`` to 1 micrometre of ``t``.

    The Illinois variant of regula falsi (the kept end's ``g`` halved when the
    same end is kept twice), with every third step a bisection so the bracket
    at least halves every three steps whatever ``g`` does (it jumps from +1 to
    -1 where ``P`` lies on the segment). Every step keeps a bracket, so the
    root found is the one bisection alone would find, within the same 1 µm,
    in about 8 Karney solves instead of 40.
    """
    g_lo, g_hi = g_lo.astype(float).copy(), g_hi.astype(float).copy()
    kept = np.zeros(lo.size, dtype=np.int8)  # +1: lo kept last step, -1: hi kept, 0: neither yet
    for step in range(150):
        active = np.flatnonzero((hi - lo) > 1e-6)
        if active.size == 0:
            break
        a, b, ga, gb = lo[active], hi[active], g_lo[active], g_hi[active]
        if step % 3 == 2:
            t = 0.5 * (a + b)
        else:
            t = (a * gb - b * ga) / (gb - ga)
            # Inside the bracket by at least a quarter of a micrometre, or the bracket could stall at an end.
            t = np.clip(t, a + 2.5e-7, b - 2.5e-7)
        gt, _ = slope(r[active], t)
        up = gt > 0
        # The end that moves takes g(t); the end kept twice in a row has its g halved (Illinois).
        lo[active[up]], g_lo[active[up]] = t[up], gt[up]
        hi[active[~up]], g_hi[active[~up]] = t[~up], gt[~up]
        twice_hi = up & (kept[active] == -1)
        twice_lo = ~up & (kept[active] == 1)
        g_hi[active[twice_hi]] *= 0.5
        g_lo[active[twice_lo]] *= 0.5
        kept[active] = np.where(up, -1, 1)
    return lo, hi


class Slope:
    """Along segments from ``A`` at azimuth ``az``: ``g = cos(beta)`` and the distance to ``P`` at ``t``.

    ``slope(rows, t)`` for the given rows (Karney's direct problem for the
    point at ``t``, the inverse problem from there to ``P``).
    """

    def __init__(
        self,
        ell: Ellipsoid,
        plon: NDArray[np.float64],
        plat: NDArray[np.float64],
        *,
        alon: NDArray[np.float64],
        alat: NDArray[np.float64],
        az: NDArray[np.float64],
    ) -> None:
        self.ell, self.plon, self.plat, self.alon, self.alat, self.az = ell, plon, plat, alon, alat, az

    def __call__(
        self, rows: NDArray[np.intp], t: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        qlon, qlat, back = self.ell.forward(self.alon[rows], self.alat[rows], self.az[rows], t)
        az_qp, _, s = self.ell.inverse(qlon, qlat, self.plon[rows], self.plat[rows])
        g = np.cos(np.radians(az_qp - (back + 180.0)))
        g_at: NDArray[np.float64] = np.where(s == 0.0, 0.0, g)
        return g_at, s


def segment_distance(
    ell: Ellipsoid,
    plon: ArrayLike,
    plat: ArrayLike,
    *,
    alon: ArrayLike,
    alat: ArrayLike,
    blon: ArrayLike,
    blat: ArrayLike,
    cap: ArrayLike | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Geodesic distance from points ``P`` to geodesic segments ``AB`` (paired), exactly.

    ``cap`` (per pair, optional): a distance known already (say to another
    part of the same geometry). Where the segment's distance is not below it,
    the result is only guaranteed not to be below ``cap`` less 0.1 mm, so
    ``min(cap, result)`` is exact; it spares certifying segments that cannot win.

    Returns ``(distance, t)``: the distance in metres and the distance from
    ``A`` along the segment of the nearest point.

    The distance ``phi(t)`` from ``P`` to the point ``Q(t)`` at distance ``t``
    along the segment has ``phi'(t) = -cos(beta)``, ``beta`` being the angle at
    ``Q`` between the segment and the geodesic to ``P``. Its minima are at the
    ends or where ``cos(beta)`` falls through zero. The segment is cut into
    cells of at most 1,000 km; each cell whose ends bracket such a change is
    narrowed to 1 micrometre of ``t`` (a safeguarded regula falsi, keeping the
    bracket; Karney's direct and inverse problems at every step), and the
    smallest of the candidates wins.

    A minimum the grid misses shares its cell with a maximum of the
    distance, and maxima lie at least ``pi b / 2`` (9,985 km on WGS84) from
    ``P`` (Hessian comparison), so a result below ``pi b / 2`` less the cell
    length is exact as it stands. Beyond, the cells are split until lower
    bounds from the comparison (or the absence of minima beyond
    ``pi a**2 / (2 b)``) show that nothing in them is nearer than the result
    by more than 1 micrometre (docs/exactness.md, step 5).
    """
    plon, plat, alon, alat, blon, blat = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (plon, plat, alon, alat, blon, blat))
    )
    shape = plon.shape
    plon, plat, alon, alat, blon, blat = (v.ravel() for v in (plon, plat, alon, alat, blon, blat))
    n = plon.size
    if n == 0:
        return np.empty(shape), np.empty(shape)
    az, _, length = ell.inverse(alon, alat, blon, blat)
    slope = Slope(ell, plon, plat, alon=alon, alat=alat, az=az)

    # Grid points, both ends included, are the first candidates.
    cells = np.maximum(1, np.ceil(length / _SEGMENT_GRID_M)).astype(np.intp)
    row = np.repeat(np.arange(n), cells + 1)
    first = np.repeat(np.cumsum(cells + 1) - (cells + 1), cells + 1)
    k = np.arange(row.size) - first
    t_grid = np.where(k == cells[row], length[row], length[row] * k / cells[row])
    g, s = slope(row, t_grid)
    cand_row, cand_t, cand_s = [row], [t_grid], [s]
    # Brackets: g > 0 at a cell's start (moving closer) and g <= 0 at its end.
    same = row[1:] == row[:-1]
    start = np.flatnonzero(same & (g[:-1] > 0) & (g[1:] <= 0))
    if start.size:
        r = row[start]
        lo, hi = narrow(slope, r, t_grid[start].copy(), t_grid[start + 1].copy(), g_lo=g[start], g_hi=g[start + 1])
        t_star = 0.5 * (lo + hi)
        _, s_star = slope(r, t_star)
        cand_row.append(r)
        cand_t.append(t_star)
        cand_s.append(s_star)
    cr, ct, cs = (np.concatenate(v) for v in (cand_row, cand_t, cand_s))
    order = np.lexsort((cs, cr))
    head = order[np.r_[True, cr[order][1:] != cr[order][:-1]]]
    best_s, best_t = cs[head], ct[head]
    # A missed minimum lies at least pi b / 2 less its cell's length from P: results below that stand.
    cell = length / cells
    limit = best_s if cap is None else np.minimum(best_s, np.broadcast_to(np.asarray(cap, dtype=float), shape).ravel())
    far = np.flatnonzero(limit >= (0.5 * np.pi * ell.b - cell) * (1.0 - 1e-12) - PRUNE_SLACK_M)
    # Certified a batch of rows at a time, so that the cells held at once stay bounded however many
    # far (point, edge) pairs one call brings (a detailed outline seen from another continent).
    roots_row = cand_row[-1] if start.size else np.empty(0, dtype=np.intp)
    roots_t = cand_t[-1] if start.size else np.empty(0)
    batches = [far[lo : lo + FAR_BATCH_ROWS] for lo in range(0, far.size, FAR_BATCH_ROWS)]
    while batches:
        batch = batches.pop()
        keep = np.isin(row, batch)
        roots = np.isin(roots_row, batch)
        grid = Grid(row[keep], t_grid[keep], g[keep], s[keep])
        done = certify_far(
            ell, slope, grid, roots=(roots_row[roots], roots_t[roots]), best_s=best_s, best_t=best_t, limit=limit
        )
        if done is None:  # too many cells open at once: the batch again in halves, down to one row
            if batch.size == 1:
                raise UnsupportedError(
                    "could not certify a distance from a point more than 8,985 km from a segment to 0.1 mm "
                    f"within {FAR_ROUNDS} rounds of {FAR_MAX_CELLS:,} cells"
                )
            batches += [batch[: batch.size // 2], batch[batch.size // 2 :]]
            continue
        best_s[batch], best_t[batch] = done[0][batch], done[1][batch]
    return best_s.reshape(shape), best_t.reshape(shape)


# Branch and bound for points far from a segment: cells are dropped once a lower bound shows nothing in
# them is nearer than the best distance found less this (0.1 mm), and split otherwise.
FAR_SLACK_M = 1e-4


class Grid(NamedTuple):
    """Points along the rows' segments, sorted by row then ``t``: ``g = cos(beta)`` and the distance ``s`` there."""

    row: NDArray[np.intp]
    t: NDArray[np.float64]
    g: NDArray[np.float64]
    s: NDArray[np.float64]


def certify_far(
    ell: Ellipsoid,
    slope: Slope,
    grid: Grid,
    *,
    roots: tuple[NDArray[np.intp], NDArray[np.float64]],
    best_s: NDArray[np.float64],
    best_t: NDArray[np.float64],
    limit: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Lower ``best_s`` (and move ``best_t``) until no point of the rows' segments is nearer by over 0.1 mm.

    Returns the new ``(best_s, best_t)``, or None when more than
    ``FAR_MAX_CELLS`` cells stay open or ``FAR_ROUNDS`` pass (the caller
    then certifies fewer rows at a time).

    ``grid``: the grid points of the rows (sorted by row, then t),
    with ``g = cos(beta)`` and the distance there; ``roots``: the narrowed
    minima ``(row, t)`` found in them, which become cell ends too. Along
    the segment ``phi'' >= sin^2(beta) cot(phi / b) / b`` where ``phi < pi b``
    (Hessian comparison with the greatest curvature ``1/b**2``), so from an
    end with ``phi_0`` and ``phi'(0) = gamma``, ``phi(u) >= phi_0 +
    ln(cosh(h u) + gamma sinh(h u)) / h`` with ``h`` the least
    ``cot(phi / b) / b`` over the cell; each half of a cell is bounded from
    its own end. A cell is also dropped where ``phi`` surely exceeds
    ``pi a**2 / (2 b)``: beyond it ``phi`` has no interior minimum (the
    comparison with the least curvature ``b**2 / a**4`` makes ``phi'' < 0``
    at every critical point).
    """
    best_s, best_t = best_s.copy(), best_t.copy()
    # Cells are dropped against the least of the best found and the caller's cap (see segment_distance).
    limit = best_s.copy() if limit is None else np.minimum(limit, best_s)
    row, t, g, s = grid
    r_row, r_t = roots
    if r_row.size:
        r_g, r_s = slope(r_row, r_t)
        row, t = np.concatenate((row, r_row)), np.concatenate((t, r_t))
        g, s = np.concatenate((g, r_g)), np.concatenate((s, r_s))
        order = np.lexsort((t, row))
        row, t, g, s = row[order], t[order], g[order], s[order]
    same = row[1:] == row[:-1]
    lo = np.flatnonzero(same)
    # The rows (intp), then the cells' ends, distances and slopes (float).
    cells: tuple[NDArray[Any], ...] = (row[lo], t[lo], t[lo + 1], s[lo], s[lo + 1], g[lo], g[lo + 1])
    no_minimum_beyond = 0.5 * np.pi * ell.a * ell.a / ell.b
    for _ in range(FAR_ROUNDS):
        c_row, t0, t1, s0, s1, g0, g1 = cells
        if c_row.size == 0:
            return best_s, best_t
        width = t1 - t0
        low = np.maximum(cell_lower_bound(ell, width, s0, s1, g0=g0, g1=g1), 0.5 * (s0 + s1 - width))
        open_ = (low < limit[c_row] - FAR_SLACK_M) & (0.5 * (s0 + s1 - width) <= no_minimum_beyond) & (width > 1e-6)
        c_row, t0, t1, s0, s1, g0, g1 = (v[open_] for v in cells)
        if c_row.size > FAR_MAX_CELLS:  # counted after the drop: only cells still open are held
            break
        tm = 0.5 * (t0 + t1)
        gm, sm = slope(c_row, tm)
        better = sm < best_s[c_row]
        # Several cells of one row may improve it; the least wins.
        order = np.lexsort((sm[better], c_row[better]))
        r, v, at = c_row[better][order], sm[better][order], tm[better][order]
        first = np.r_[True, r[1:] != r[:-1]] if r.size else np.zeros(0, dtype=bool)
        best_s[r[first]], best_t[r[first]] = v[first], at[first]
        limit[r[first]] = np.minimum(limit[r[first]], v[first])
        cells = tuple(
            np.concatenate(pair)
            for pair in ((c_row, c_row), (t0, tm), (tm, t1), (s0, sm), (sm, s1), (g0, gm), (gm, g1))
        )
    return None


def cell_lower_bound(
    ell: Ellipsoid,
    width: NDArray[np.float64],
    s0: NDArray[np.float64],
    s1: NDArray[np.float64],
    *,
    g0: NDArray[np.float64],
    g1: NDArray[np.float64],
) -> NDArray[np.float64]:
    """A lower bound on the distance over cells of a segment, from both ends (see :func:`certify_far`).

    Each half is bounded from its own end: from the start the distance
    begins to change at ``-g0``, from the end (going back) at ``+g1``.
    ``-inf`` where the comparison does not hold (the cell may reach ``pi b``
    from ``P``, or pass within the cell of it).
    """
    top = 0.5 * (s0 + s1 + width)  # the distance nowhere exceeds this in the cell (1-Lipschitz)
    # Away from P, and 1,000 km short of pi b (no cut point of P, and |h u| stays below 1).
    ok = (top < np.pi * ell.b - 1e6) & (np.minimum(s0, s1) > width)
    h = 1.0 / (ell.b * np.tan(np.where(ok, top, ell.b) / ell.b))
    h = np.where(np.abs(h) < 1e-300, 1e-300, h)
    half = 0.5 * width
    out = np.minimum(half_bound(s0, -g0, h, half), half_bound(s1, g1, h, half))
    return np.where(ok, out - 1e-12 * top, -np.inf)


def half_bound(
    s0: NDArray[np.float64], gamma: NDArray[np.float64], h: NDArray[np.float64], span: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``min over u in [0, span]`` of ``s0 + ln(cosh(h u) + gamma sinh(h u)) / h`` (``|gamma| <= 1``)."""
    gamma = np.clip(gamma, -1.0, 1.0)

    def at(u: NDArray[np.float64]) -> NDArray[np.float64]:
        # ln(cosh(x) + gamma sinh(x)) / h without cancellation for small x = h u (as step 3c).
        x = h * u
        return s0 + np.log1p(2.0 * np.sinh(x / 2.0) ** 2 + gamma * np.sinh(x)) / h

    ends = np.minimum(at(np.zeros_like(span)), at(span))
    # With h > 0 and gamma < 0 the bound dips to its least where tanh(h u) = -gamma.
    with np.errstate(divide="ignore", invalid="ignore"):
        u_star = np.arctanh(np.clip(-gamma, 0.0, 1.0 - 1e-16)) / h
    inside = (h > 0) & (gamma < 0) & (u_star < span)
    return np.where(inside, np.minimum(ends, at(np.where(inside, u_star, 0.0))), ends)
