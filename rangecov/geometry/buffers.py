"""Buffers of points, lines and polygons, and their dissolved union (the reach region).

The buffer of a geometry ``G`` (edges read as geodesics) is the union of

- the disks of radius ``d`` about its vertices,
- for every edge ``AB``, the two *sweeps*: the geodesics of length ``d``
  leaving each point of the edge at right angles, to the left and to the right,
- and, for polygons, the polygon itself.

Every point within ``d`` of ``G`` is in one of them: its nearest point of
``G`` is a vertex, or inside an edge, where the geodesic to it meets the edge
at a right angle (first variation of length), or it lies inside a polygon.
Every point of them is within ``d`` of ``G``. The union is therefore exact;
only its drawing carries the tolerance (docs/exactness.md, "Buffers").
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from ..base import progress as progress_bars
from ..base.lonlat import polygonal, ring_polygon
from ..base.tuning import POINT_BATCH
from ..errors import UnsupportedError
from ..geodesy.ellipsoid import Ellipsoid
from ..geodesy.segment import segment_distance
from .disks import disks
from .drawing import draw_many, draw_polygon, geometry_parts
from .edges import MAX_EDGE_M, MID_SHARE, densify_many, edge_midpoints, refine

__all__ = ["MAX_SHAPE_DISTANCE_M", "buffer_shape", "buffer_values", "dissolve"]


# Beyond about a quarter meridian the right-angle geodesics leaving an edge
# start to meet (they all meet at the edge's pole on a sphere), and the
# sweep is no longer the strip between the edge and its offset curve. The one
# limit on lines and polygons (docs/exactness.md, step 6): their distances
# (rangecov.geodesy.segment) hold at any separation, their buffers only up to here.
MAX_SHAPE_DISTANCE_M = 9_000_000.0


def _offsets(
    ell: Ellipsoid,
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    az: NDArray[np.float64],
    length: NDArray[np.float64],
    *,
    d: float,
    tol: float,
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Adaptive offset curves at distance ``d`` of edges ``a[i] -> b[i]``, both sides, in one refinement.

    Curve ``2 i`` is edge ``i``'s left offset (azimuth -90 from the edge), ``2 i + 1`` its right one.
    Returns one (lon, lat) pair of arrays per curve. All curves share one set of geodesic calls, so a
    detailed outline costs a few large solves rather than thousands of small ones.
    """
    n = 2 * a.shape[0]
    edge = np.arange(n) // 2
    side = np.where(np.arange(n) % 2 == 0, -90.0, 90.0)

    def trace(o, t):
        e = edge[o]
        q = ell.forward(a[e, 0], a[e, 1], az[e], t)
        return ell.forward(q[0], q[1], q[2] + 180.0 + side[o], np.full(t.size, d))[:2]

    def deviation(o, lon1, lat1, lon2, lat2):
        # Both readings of every edge between consecutive offset points.
        e = edge[o]
        g_lon, g_lat, sep, chord = edge_midpoints(ell, lon1, lat1, lon2, lat2)
        ds, _ = segment_distance(ell, g_lon, g_lat, alon=a[e, 0], alat=a[e, 1], blon=b[e, 0], blat=b[e, 1])
        return np.where(chord > MAX_EDGE_M, np.inf, np.abs(ds - d) + sep)

    owner = np.repeat(np.arange(n), 3)
    t = np.tile([0.0, 0.5, 1.0], n) * length[edge][owner]
    lon0, lat0 = trace(owner, t)
    owner, _, lon, lat = refine(
        owner, t, lon0, lat0, trace=trace, deviation=deviation, limit=np.full(n, MID_SHARE * tol)
    )
    cuts = np.searchsorted(owner, np.arange(n + 1))
    return [(lon[cuts[k] : cuts[k + 1]], lat[cuts[k] : cuts[k + 1]]) for k in range(n)]


def buffer_shape(ell: Ellipsoid, geom: BaseGeometry, d: float, tol: float) -> BaseGeometry:
    """Buffer of one lon/lat line or polygon geometry (edges read as geodesics)."""
    if d - tol > MAX_SHAPE_DISTANCE_M:
        raise UnsupportedError(
            f"buffers of lines and polygons are supported up to {MAX_SHAPE_DISTANCE_M / 1000:,.0f} km; "
            f"got {d / 1000:,.1f} km"
        )
    parts = geometry_parts(geom)
    try:
        merged = shapely.union_all(_shape_pieces(ell, parts, d, tol))
    except shapely.errors.GEOSException:
        # GEOS's overlay can fail on nearly coincident edges (fuzzing: a vertex at 1e-308°, "found
        # non-noded intersection"). Snap-rounding to a grid is robust; it moves vertices by less
        # than SNAP_MOVE_M, so the pieces are drawn that much inside the tolerance first.
        pieces = shapely.set_precision(_shape_pieces(ell, parts, d, tol - SNAP_MOVE_M), SNAP_GRID_DEG)
        merged = shapely.union_all(pieces, grid_size=SNAP_GRID_DEG)
    return _drop_specks(ell, polygonal(merged), tol)


# The fallback union's snap-rounding grid, in degrees, and how far it may move a vertex: half a cell
# per coordinate, 0.5e-10° x 111.4 km/° x sqrt(2) < 8 µm, rounded up. Tolerances start at 1 mm.
SNAP_GRID_DEG = 1e-10
SNAP_MOVE_M = 1e-5


def _shape_pieces(ell: Ellipsoid, parts, d: float, tol: float) -> list[BaseGeometry]:
    """Disks of the points, sweeps of the edges and the fills of one geometry's parts, valid."""
    points, edges, fills = parts
    pieces: list[BaseGeometry] = []
    if points:
        pts = np.unique(np.asarray(points, dtype=float), axis=0)
        pieces.extend(disks(ell, pts[:, 0], pts[:, 1], np.full(len(pts), d), np.full(len(pts), tol)))
    pieces.extend(_sweeps(ell, edges, d, tol))
    for poly in fills:
        pieces.append(draw_polygon(ell, poly, tol))
    return [shapely.make_valid(p) if not p.is_valid else p for p in pieces]


def _sweeps(ell: Ellipsoid, edges, d: float, tol: float) -> list[BaseGeometry]:
    """The two sweeps of every edge long enough to need them, as polygons (all edges at once)."""
    if not edges:
        return []
    a = np.array([e[0] for e in edges], dtype=float).reshape(-1, 2)
    b = np.array([e[1] for e in edges], dtype=float).reshape(-1, 2)
    az, _, length = ell.inverse(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    # Without its sweeps an edge leaves only a sliver between the disks of its ends: a point at
    # distance d from the edge's middle is within d + L²/(8d) of an end (spherical right
    # triangle, with cot(d/R) <= R/d below a quarter meridian), so the disks reach to within
    # L²/(8d) <= tol/4 of the true boundary. With the disks' own tolerance (their samples stray
    # up to tol/2) the boundary stays within tol. Detailed outlines (thousands of 100 m edges)
    # then cost one disk per vertex instead of two sweeps per edge.
    need = (length > 0.0) & (length * length > 2.0 * d * tol)
    if not need.any():
        return []
    a, b, az, length = a[need], b[need], az[need], length[need]
    curves = _offsets(ell, a, b, az, length, d=d, tol=tol)
    # The edge itself and the right-angle geodesics at both ends of each sweep, drawn within the tolerance.
    lines = [(np.array([a[i, 0], b[i, 0]]), np.array([a[i, 1], b[i, 1]])) for i in range(len(a))]
    for k, (lon, lat) in enumerate(curves):
        i = k // 2
        lines.append((np.array([a[i, 0], lon[0]]), np.array([a[i, 1], lat[0]])))
        lines.append((np.array([lon[-1], b[i, 0]]), np.array([lat[-1], b[i, 1]])))
    drawn = densify_many(ell, lines, tol, closed=False)
    pieces = []
    for k, (lon, lat) in enumerate(curves):
        seg_lon, seg_lat = drawn[k // 2]
        s_lon, s_lat = drawn[len(a) + 2 * k]
        e_lon, e_lat = drawn[len(a) + 2 * k + 1]
        ring_lon = np.r_[s_lon[:-1], lon[:-1], e_lon[:-1], seg_lon[::-1][:-1]]
        ring_lat = np.r_[s_lat[:-1], lat[:-1], e_lat[:-1], seg_lat[::-1][:-1]]
        # Walking out along the offset, the edge lies to the right of a left (-90) offset: the
        # interior is on the right.
        pieces.append(ring_polygon(ring_lon, ring_lat, interior_left=k % 2 == 1))
    return pieces


def _drop_specks(ell: Ellipsoid, geom: BaseGeometry, tol: float) -> BaseGeometry:
    """Remove holes thinner than the tolerance.

    Pieces that share an edge (a polygon and the sweeps of its edges) can
    leave floating-point slivers where GEOS nodes them. A hole's mean width,
    ``2 * area / perimeter``, bounds how far its inside is from its edge for
    the thin shapes at issue; a hole thinner than ``tol`` is filled, which
    moves no returned boundary point and loses no feature wider than ``tol``.
    """
    out = []
    changed = False
    for poly in shapely.get_parts(geom):
        keep = []
        for ring in poly.interiors:
            area, perimeter = ell.geod.geometry_area_perimeter(shapely.Polygon(ring))
            if perimeter == 0.0 or 2.0 * abs(area) / perimeter < tol:
                changed = True
            else:
                keep.append(ring)
        out.append(shapely.Polygon(poly.exterior, keep))
    if not changed:
        return geom
    return polygonal(shapely.union_all(out))


def buffer_values(
    ell: Ellipsoid, values: np.ndarray, dist: np.ndarray, tol: np.ndarray, progress=False
) -> list[BaseGeometry]:
    """Buffers of lon/lat shapely geometries (already checked)."""
    kinds = np.asarray(shapely.get_type_id(values))
    is_point = kinds == shapely.GeometryType.POINT
    out: list[BaseGeometry] = [shapely.Polygon()] * len(values)  # every slot is filled below
    pts = np.flatnonzero(is_point)
    others = np.flatnonzero(~is_point)
    with progress_bars.bar(len(values), desc="buffers", unit="geom", progress=progress) as pb:
        for start in range(0, pts.size, POINT_BATCH):
            batch = pts[start : start + POINT_BATCH]
            x = shapely.get_x(values[batch])
            y = shapely.get_y(values[batch])
            for k, g in zip(batch, disks(ell, x, y, dist[batch], tol[batch])):
                out[k] = g
            pb.update(batch.size)
        for k in others:
            out[k] = buffer_shape(ell, values[k], float(dist[k]), float(tol[k]))
            pb.update(1)
    return out


def dissolve(
    ell: Ellipsoid,
    values: np.ndarray,
    dist: np.ndarray,
    tol,
    *,
    groups: np.ndarray | None = None,
    n_groups: int = 1,
    progress=False,
) -> list[BaseGeometry]:
    """The union of the buffers of lon/lat geometries at their own distances, one per group.

    This is the one place reach regions are dissolved (``rangecov.reach``,
    ``coverage(how="all"/"area")``, ``area_coverage`` and the maps).

    Parameters
    ----------
    values : array of shapely geometries
        Checked lon/lat points, lines and polygons.
    dist : array of float
        Distance per geometry in metres. A geometry whose distance is not
        positive contributes itself, drawn within 1 mm (the points within 0
        of it).
    tol : float or array of float
        Tolerance of the drawn boundaries, per geometry or for all.
    groups : array of int, optional
        Group code per geometry, in ``range(n_groups)``; default: one group.
    progress : bool or None
        A bar over the buffers (see :mod:`rangecov.base.progress`).

    Returns
    -------
    list of BaseGeometry
        One union per group (an empty Polygon for a group without members),
        each boundary within its members' tolerance of the true one.
        Identical (geometry, distance, group) rows are buffered once.
    """
    n = len(values)
    codes = np.zeros(n, dtype=np.intp) if groups is None else np.asarray(groups, dtype=np.intp)
    tol = np.broadcast_to(np.asarray(tol, dtype=float), (n,))
    seen: set[tuple[bytes, float, int]] = set()
    kept: list[int] = []
    for i, key in enumerate(zip(shapely.to_wkb(values), dist, codes)):
        if key not in seen:
            seen.add(key)
            kept.append(i)
    first = np.asarray(kept, dtype=np.intp)
    pos, zero = first[dist[first] > 0], first[dist[first] <= 0]
    pieces = buffer_values(ell, values[pos], dist[pos], tol[pos], progress) if pos.size else []
    pieces += draw_many(ell, values[zero]) if zero.size else []
    owner = codes[np.r_[pos, zero]]
    out = []
    for g in range(n_groups):
        members = [p for p, c in zip(pieces, owner) if c == g]
        union = shapely.union_all(members) if members else shapely.Polygon()
        # Only drawn origins at distance 0 can leave points or lines in a union.
        out.append(polygonal(union) if not np.isin(g, codes[zero]) else union)
    return out
