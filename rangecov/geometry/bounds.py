"""Bounds on distances between lon/lat geometries, so that only the pairs that matter are measured.

A geometry drawn with geodesic edges lies in a longitude/latitude box
(:func:`lonlat_box`); a point's distance to a geometry lies between bounds
from the chord to its nearest vertex (:class:`Nearness`); and coverage needs
exact distances only for the (target, origin) pairs those bounds cannot rule
out (:func:`wanted_pairs`). The exact measuring is :mod:`rangecov.geometry.distance`'s.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial.distance import cdist

from ..base.lonlat import wrap
from ..base.tuning import NEAR_PER_CELL, PAIRS_PER_BATCH, PARALLEL_MIN, SHAPE_CELL_MAX_M, SHAPE_CELLS_FROM
from ..engine.cells import make_cells
from ..geodesy.ellipsoid import PRUNE_SLACK_M, Ellipsoid, default_workers

__all__ = [
    "lonlat_box",
    "box_array",
    "in_boxes",
    "reach_ratio",
    "overlapping_boxes",
    "slices",
    "Nearness",
    "wanted_pairs",
]


def lonlat_box(ell: Ellipsoid, vx: np.ndarray, vy: np.ndarray, edges: np.ndarray, length: np.ndarray):
    """``(west, width, south, north)`` in degrees holding the geometry drawn with geodesic edges, or None.

    Along a geodesic the longitude moves one way only (Clairaut: the sign of
    ``sin(azimuth)`` never changes), so an edge taken the short way stays
    between its ends' longitudes; every point of it is within half its
    length of an end, and the latitude changes by at most ``a / b**2`` radians
    per metre (the least meridian radius of curvature is ``b**2 / a``). A
    ring that does not wind around a pole is drawn as the region it encloses,
    inside the same box. None (no box claimed) where the longitudes cannot be
    unwrapped consistently (a ring around a pole, edges of 179.9° or more) or
    the box would reach within 1° of a pole.
    """
    if vx.size == 0:
        return None
    ref = vx[0]
    ux = ref + wrap(vx - ref)
    if len(edges):
        step = wrap(edges[:, 2] - edges[:, 0])
        a_u = ref + wrap(edges[:, 0] - ref)
        b_u = ref + wrap(edges[:, 2] - ref)
        if np.any(np.abs(step) >= 179.9) or np.any(np.abs(a_u + step - b_u) > 1e-9):
            return None
        grow = np.degrees(0.5 * float(length.max()) * ell.a / ell.b**2)
    else:
        grow = 0.0
    west, east = float(ux.min()), float(ux.max())
    south, north = float(vy.min()) - grow - 1e-9, float(vy.max()) + grow + 1e-9
    if east - west >= 180.0 or south <= -89.0 or north >= 89.0:
        return None
    return (west - 1e-9, east - west + 2e-9, south, north)


def box_array(boxes: list) -> np.ndarray:
    """:func:`lonlat_box` es as an (n, 4) array, a missing box (None) as the whole world."""
    return np.array([(0.0, 360.0, -90.0, 90.0) if b is None else b for b in boxes], dtype=float).reshape(-1, 4)


def in_boxes(boxes: list, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """(n_points, n_boxes): which points may lie in each :func:`lonlat_box` (all where a box is None)."""
    v = box_array(boxes)
    px, py = np.asarray(px, dtype=float)[:, None], np.asarray(py, dtype=float)[:, None]
    return (np.remainder(px - v[:, 0], 360.0) <= v[:, 1]) & (py >= v[:, 2]) & (py <= v[:, 3])


def reach_ratio(dist: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """``dist / reach`` per (target, origin) column; a reach of 0 gives 0 on the origin, infinity off it."""
    reach = np.asarray(reach, dtype=float).reshape(1, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(reach > 0, dist / np.where(reach > 0, reach, 1.0), np.where(dist == 0, 0.0, np.inf))


def slices(rows: np.ndarray, parts: int):
    """``rows`` in slices of at most ``PAIRS_PER_BATCH`` (row, part) pairs."""
    step = max(1, PAIRS_PER_BATCH // max(parts, 1))
    for lo in range(0, len(rows), step):
        yield rows[lo : lo + step]


class Nearness:
    """Bounds on the distance from points to shapes, from the chord to each shape's nearest vertex.

    ``shapes`` are :class:`rangecov.geometry.distance.Shape` objects.

    ``low`` (n, m): no point of the shape is nearer (0 where the point may lie
    inside a polygon); ``high``: the vertex nearest by chord is no farther
    (docs/exactness.md, step 4), so neither is the shape; ``near``: for large
    shapes, that vertex's position and the chord to the second nearest
    (reused by :func:`distances_to_shapes`).
    """

    def __init__(self, ell: Ellipsoid, px: np.ndarray, py: np.ndarray, shapes: list) -> None:
        px = wrap(np.asarray(px, dtype=float))
        py = np.asarray(py, dtype=float)
        xyz = ell.ecef(px, py)
        n, m = px.size, len(shapes)
        chord = np.full((n, m), np.inf)
        self.near: list = [None] * m
        small = [k for k, sh in enumerate(shapes) if sh.small and sh.vx.size]
        if small:
            vxyz = np.concatenate([shapes[k].vxyz for k in small])
            starts = np.r_[0, np.cumsum([shapes[k].vx.size for k in small])[:-1]]
            for rows in slices(np.arange(n), vxyz.shape[0]):
                chord[np.ix_(rows, small)] = np.minimum.reduceat(cdist(xyz[rows], vxyz), starts, axis=1)
        large = [k for k, sh in enumerate(shapes) if not sh.small]
        chord_hi = chord.copy()
        cells = make_cells(ell, px, py, per_cell=NEAR_PER_CELL) if large and n >= SHAPE_CELLS_FROM else None
        # Only where the cells are small: a wide cell's bounds are loose, and send more pairs to be measured.
        if cells is not None and np.median(cells.radius) <= SHAPE_CELL_MAX_M:
            # Per cell of points (docs/exactness.md, step 5b): from the centre X, the nearest vertex V
            # at chord d gives every point T of the cell a nearest chord between d - |T - X| and |T - V|.
            centre = ell.ecef(cells.lon, cells.lat)
            off = np.linalg.norm(xyz - centre[cells.of_target], axis=1)
            for k in large:
                frame, tree, _ = shapes[k].search_trees()
                d, i = tree.query(centre @ frame.T, k=1)
                chord[:, k] = np.maximum(np.asarray(d)[cells.of_target] - off - PRUNE_SLACK_M, 0.0)
                chord_hi[:, k] = np.linalg.norm(xyz - shapes[k].vxyz[np.asarray(i)[cells.of_target]], axis=1)
        else:
            for k in large:
                workers = default_workers() if n >= PARALLEL_MIN else 1
                frame, tree, _ = shapes[k].search_trees()
                c, i = tree.query(xyz @ frame.T, k=min(2, tree.n), workers=workers)
                c, i = c.reshape(n, -1), i.reshape(n, -1)
                chord[:, k] = chord_hi[:, k] = c[:, 0]
                # The two vertices nearest by chord: when the second lies beyond the search radius of
                # the first's distance, no other vertex needs measuring.
                self.near[k] = (i[:, 0], c[:, -1] if c.shape[1] > 1 else np.full(n, np.inf))
        longest = np.array([sh.half.max() if sh.half.size else 0.0 for sh in shapes])
        # Every point of an edge is within half its length of an end, a vertex (steps 1 and 5).
        low = np.maximum(chord - longest[None, :] - PRUNE_SLACK_M, 0.0)
        polygonal = np.flatnonzero([sh.polygonal for sh in shapes])
        if polygonal.size:
            inside = in_boxes([shapes[k].box for k in polygonal], px, py)
            low[:, polygonal] = np.where(inside, 0.0, low[:, polygonal])
        self.low = low
        self.high = ell.distance_upper(chord_hi)


def wanted_pairs(
    exact: NDArray[np.float64],
    *,
    near_a: Nearness | None,
    near_b: Nearness | None,
    a_at: tuple[NDArray[np.intp], NDArray[np.intp]],
    b_at: tuple[NDArray[np.intp], NDArray[np.intp]],
    reach: tuple[ArrayLike, ArrayLike],
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Which (target, origin) pairs :func:`distance_matrix` must measure for coverage (see there).

    ``exact`` holds the pairs measured already (points to points), infinite
    elsewhere; ``near_a`` and ``near_b`` are :class:`Nearness` of target
    vertices to origin shapes and of origin vertices to target shapes, and
    ``a_at``/``b_at`` the (target, origin) of each of their entries
    (broadcast to their shape). Pairs of lines and polygons that meet are
    found apart from this (their distance 0 set whether measured or not).

    Returns ``(want, stand_in)``: the pairs to measure, and for pairs surely
    within both reaches that can win nothing else, an upper bound on their
    distance to stand in for it (infinite elsewhere).
    """
    low_reach, high_reach = (np.asarray(r, dtype=float)[None, :] for r in reach)
    measured = np.isfinite(exact)
    lo = np.where(measured, exact, np.inf)
    hi = lo.copy()
    for near, (ti, oi) in ((near_a, a_at), (near_b, b_at)):
        if near is not None:
            ti, oi = (x.ravel() for x in np.broadcast_arrays(ti, oi))
            np.minimum.at(lo, (ti, oi), near.low.ravel())
            np.minimum.at(hi, (ti, oi), near.high.ravel())
    best_high = (high_reach - hi).max(axis=1, keepdims=True)
    best_low = (low_reach - hi).max(axis=1, keepdims=True)
    ratio_hi, ratio_lo = reach_ratio(hi, low_reach), reach_ratio(lo, low_reach)
    # May be the nearest, hold the best margin under either reach, or the least ratio.
    may_win = (
        (lo <= hi.min(axis=1, keepdims=True))
        | (high_reach - lo >= best_high)
        | (low_reach - lo >= best_low)
        | (ratio_lo <= ratio_hi.min(axis=1, keepdims=True))
    )
    # Within both reaches for sure, and winning nothing: its upper bound answers "within" and loses
    # every comparison the true distance loses.
    surely_within = ~measured & ~may_win & (hi <= np.minimum(low_reach, high_reach))
    want = measured | may_win | ((lo <= high_reach) & ~surely_within)
    return want, np.where(surely_within, hi, np.inf)


def overlapping_boxes(a: list, b: list) -> tuple[np.ndarray, np.ndarray]:
    """All pairs ``(i, j)`` whose :func:`lonlat_box` es may overlap (a missing box overlaps everything)."""

    va, vb = box_array(a), box_array(b)
    grid_i, grid_j = np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
    i, j = grid_i.ravel(), grid_j.ravel()
    lon = (np.remainder(vb[j, 0] - va[i, 0], 360.0) <= va[i, 1]) | (
        np.remainder(va[i, 0] - vb[j, 0], 360.0) <= vb[j, 1]
    )
    lat = (va[i, 2] <= vb[j, 3]) & (vb[j, 2] <= va[i, 3])
    keep = lon & lat
    return i[keep], j[keep]
