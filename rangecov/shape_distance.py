"""Exact geodesic distances from points to lines and polygons, and between geometries.

A :class:`Shape` holds one line or polygon ready for queries: its vertices and
edge midpoints in k-d trees over Earth-centred coordinates, and its polygons
drawn within 1 mm for the inside test. The pruning that keeps the number of
exact solves small is proved in docs/exactness.md (steps 2a and 5).
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from .drawing import draw_many, exact_fills, geometry_parts
from .engine.search import pairs_within_chord
from .geodesy import Ellipsoid, segment_distance
from .lonlat import wrap

__all__ = ["Shape", "shapes_of", "origin_shapes", "distances_to_shapes", "distance_matrix"]

_UNSET = object()


class Shape:
    """One lon/lat geometry prepared for exact point-to-geometry distances.

    Parts are its vertices (isolated points included), its geodesic edges
    and, for polygons, the polygon drawn with edges within 1 mm of the
    geodesics (for the inside test; pass ``fill`` when computed in a batch
    with :func:`exact_fills`).
    """

    def __init__(self, ell: Ellipsoid, geom: BaseGeometry, fill=_UNSET) -> None:
        self.ell = ell
        self.geom = geom
        points, edges, _ = geometry_parts(geom)
        v = np.unique(np.asarray(points, dtype=float).reshape(-1, 2), axis=0)
        self.vx, self.vy = v[:, 0], v[:, 1]
        self.vtree = cKDTree(ell.ecef(self.vx, self.vy))
        e = np.asarray(edges, dtype=float).reshape(-1, 4)
        if e.size:
            az, _, length = ell.inverse(e[:, 0], e[:, 1], e[:, 2], e[:, 3])
            keep = length > 0
            e, az, length = e[keep], az[keep], length[keep]
            mlon, mlat, _ = ell.forward(e[:, 0], e[:, 1], az, 0.5 * length)
            self.mid = ell.ecef(mlon, mlat)
        else:
            length = np.empty(0)
            self.mid = np.empty((0, 3))
        self.edges = e
        self.ea = ell.ecef(e[:, 0], e[:, 1]) if len(e) else np.empty((0, 3))
        self.eb = ell.ecef(e[:, 2], e[:, 3]) if len(e) else np.empty((0, 3))
        # Every point of an edge is within half its length (geodesic, so
        # also by chord) of its midpoint.
        self.half = 0.5 * length
        # Edges in classes of half-length (each 4 times the last, from 64 m): a class is searched
        # out to the reach plus its own longest half, so a detailed outline's 100 m edges are not
        # gathered as far out as its few long ones would need.
        self.edge_classes = []
        if len(e):
            cls = np.maximum(0, np.ceil(np.log(np.maximum(self.half, 1e-9) / 64.0) / np.log(4.0))).astype(np.intp)
            for c in np.unique(cls):
                members = np.flatnonzero(cls == c)
                self.edge_classes.append((members, cKDTree(self.mid[members]), float(self.half[members].max())))
        self.fill = exact_fills(ell, [geom])[0] if fill is _UNSET else fill
        self.drawn = None

    def draw(self) -> BaseGeometry:
        """The geometry with edges drawn within 1 mm of the geodesics (for shapely predicates)."""
        if self.drawn is None:
            self.drawn = draw_many(self.ell, [self.geom], fills=[self.fill])[0]
        return self.drawn

    def distance_from(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Exact geodesic distance from each point to the geometry (0 inside a polygon)."""
        return distances_to_shapes(self.ell, px, py, [self])[:, 0]


def shapes_of(ell: Ellipsoid, geoms) -> list[Shape]:
    """:class:`Shape` for each geometry, with the polygon fills drawn in one batch."""
    return [Shape(ell, g, fill=f) for g, f in zip(geoms, exact_fills(ell, geoms))]


def distances_to_shapes(
    ell: Ellipsoid, px: np.ndarray, py: np.ndarray, shapes: list[Shape], *, end_pruning: bool = True
) -> np.ndarray:
    """Exact geodesic distances (n_points, n_shapes) from points to geometries (0 inside a polygon).

    Per geometry: an upper bound ``u`` is the exact distance to the vertex
    nearest by chord; other vertices can only win with chord ``<= c(u)``, an
    edge with midpoint ``M`` and length ``L`` only with
    ``chord(P, M) - L/2 <= c(u)``, where ``c(u) <= u`` is
    :meth:`Ellipsoid.chord_reach` (docs/exactness.md, steps 2a and 5). The survivors of
    all geometries are measured together. ``end_pruning=False`` also measures
    the edges that :func:`foot_outside` proves are nearest at an end (slower,
    same distances; for testing that rule).
    """
    px = wrap(np.asarray(px, dtype=float))  # the drawn fills lie in [-180, 180]
    py = np.asarray(py, dtype=float)
    n, m = px.size, len(shapes)
    best = np.full((n, m), np.inf)
    if n == 0 or m == 0:
        return best
    xyz = ell.ecef(px, py)
    near = [sh.vtree.query(xyz)[1] for sh in shapes]
    nx = np.concatenate([sh.vx[k] for sh, k in zip(shapes, near)])
    ny = np.concatenate([sh.vy[k] for sh, k in zip(shapes, near)])
    best[:] = ell.distance(np.tile(px, m), np.tile(py, m), nx, ny).reshape(m, n).T
    v_rows, v_cols, v_x, v_y = [], [], [], []
    e_rows, e_cols, e_seg = [], [], []
    for k, sh in enumerate(shapes):
        if sh.vx.size > 1:
            rows, idx = pairs_within_chord(sh.vtree, xyz, ell.chord_reach(best[:, k]))
            keep = idx != near[k][rows]
            v_rows.append(rows[keep])
            v_cols.append(np.full(int(keep.sum()), k))
            v_x.append(sh.vx[idx[keep]])
            v_y.append(sh.vy[idx[keep]])
        if sh.edge_classes:
            reach = ell.chord_reach(best[:, k])
            found = [pairs_within_chord(tree, xyz, reach + longest) for _, tree, longest in sh.edge_classes]
            rows = np.concatenate([r for r, _ in found])
            idx = np.concatenate([members[i] for (members, _, _), (_, i) in zip(sh.edge_classes, found)])
            chord = np.linalg.norm(xyz[rows] - sh.mid[idx], axis=1)
            keep = chord - sh.half[idx] <= reach[rows]
            if end_pruning:
                keep[keep] = ~foot_outside(
                    xyz[rows[keep]], sh.ea[idx[keep]], sh.eb[idx[keep]], sh.half[idx[keep]], ell.a
                )
            e_rows.append(rows[keep])
            e_cols.append(np.full(int(keep.sum()), k))
            e_seg.append(sh.edges[idx[keep]])
    if v_rows:
        rows, cols = np.concatenate(v_rows), np.concatenate(v_cols)
        if rows.size:
            d = ell.distance(px[rows], py[rows], np.concatenate(v_x), np.concatenate(v_y))
            np.minimum.at(best, (rows, cols), d)
    if e_rows:
        rows, cols, seg = np.concatenate(e_rows), np.concatenate(e_cols), np.concatenate(e_seg)
        if rows.size:
            d, _ = segment_distance(ell, px[rows], py[rows], seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3])
            np.minimum.at(best, (rows, cols), d)
    for k, sh in enumerate(shapes):
        if sh.fill is not None:
            # On the boundary counts: a point on ±180° where the fill is cut is inside.
            best[shapely.intersects_xy(sh.fill, px, py), k] = 0.0
    return best


def foot_outside(p: np.ndarray, a: np.ndarray, b: np.ndarray, half: np.ndarray, radius: float) -> np.ndarray:
    """Edges whose nearest point to ``p`` is surely an end (so the vertex distances decide).

    At an end, if the chord to ``p`` and the chord along the edge make an
    obtuse angle with margin (cosine below -0.01), the geodesic leaves that end
    moving away from ``p`` (at A) or arrives still approaching it (at B): the
    distance along an edge of at most 1,000 km then has no interior minimum
    (docs/exactness.md, step 5). Only applied within half an Earth radius,
    where chord and geodesic directions agree to well under 0.01 rad.
    """
    ab = b - a
    ap = p - a
    bp = p - b
    n_ab = np.linalg.norm(ab, axis=1)
    n_ap = np.linalg.norm(ap, axis=1)
    n_bp = np.linalg.norm(bp, axis=1)
    away_a = np.einsum("ij,ij->i", ab, ap) < -0.01 * n_ab * n_ap
    on_at_b = np.einsum("ij,ij->i", -ab, bp) < -0.01 * n_ab * n_bp
    close = (n_ap < 0.5 * radius) & (n_bp < 0.5 * radius) & (2.0 * half <= 1_000_000.0)
    return (away_a | on_at_b) & close


def distance_matrix(
    ell: Ellipsoid,
    origins: np.ndarray,
    targets: np.ndarray,
    o_shapes: list | None = None,
    *,
    end_pruning: bool = True,
) -> np.ndarray:
    """Exact geodesic distances (n_targets, n_origins) between lon/lat geometries.

    The distance between two geometries is that between their nearest
    points: 0 if they meet, else attained at a vertex of one of them (two
    geodesic edges that do not cross are nearest at an end of one of them),
    so it is the smallest vertex-to-geometry distance either way.
    ``o_shapes`` may pass :func:`origin_shapes` of ``origins`` built once for
    several calls (targets handled in slices). ``end_pruning`` as in
    :func:`distances_to_shapes`.
    """
    n_o, n_t = len(origins), len(targets)
    out = np.full((n_t, n_o), np.inf)
    if n_o == 0 or n_t == 0:
        return out
    o_point = np.asarray(shapely.get_type_id(origins)) == shapely.GeometryType.POINT
    t_point = np.asarray(shapely.get_type_id(targets)) == shapely.GeometryType.POINT
    # All vertices and their owner positions (ring closings repeat; harmless).
    t_xy, t_owner = shapely.get_coordinates(targets, return_index=True)
    o_xy, o_owner = shapely.get_coordinates(origins, return_index=True)
    o_idx, t_idx = np.flatnonzero(~o_point), np.flatnonzero(~t_point)
    if o_shapes is None:
        o_shapes = origin_shapes(ell, origins)
    t_shapes = shapes_of(ell, targets[t_idx])
    # Target vertices to every origin.
    if o_point.any():
        ox, oy = shapely.get_x(origins[o_point]), shapely.get_y(origins[o_point])
        cols = np.flatnonzero(o_point)
        d = ell.distance(
            np.repeat(t_xy[:, 0], cols.size),
            np.repeat(t_xy[:, 1], cols.size),
            np.tile(ox, len(t_xy)),
            np.tile(oy, len(t_xy)),
        ).reshape(len(t_xy), cols.size)
        for k, c in enumerate(cols):
            np.minimum.at(out[:, c], t_owner, d[:, k])
    if o_shapes:
        d = distances_to_shapes(ell, t_xy[:, 0], t_xy[:, 1], o_shapes, end_pruning=end_pruning)
        for k, i in enumerate(o_idx):
            np.minimum.at(out[:, i], t_owner, d[:, k])
    # Origin vertices to every line/polygon target.
    if t_shapes:
        d = distances_to_shapes(ell, o_xy[:, 0], o_xy[:, 1], t_shapes, end_pruning=end_pruning)
        for k, j in enumerate(t_idx):
            np.minimum.at(out[j], o_owner, d[:, k])
    # Lines and polygons that meet are at distance 0 (edges drawn within 1 mm).
    if o_shapes and t_shapes:
        tree = shapely.STRtree([sh.draw() for sh in t_shapes])
        o_hit, t_hit = tree.query([sh.draw() for sh in o_shapes], predicate="intersects")
        out[t_idx[t_hit], o_idx[o_hit]] = 0.0
    return out


def origin_shapes(ell: Ellipsoid, origins: np.ndarray) -> list:
    """The :class:`Shape` of every line/polygon origin, in order (points are measured directly)."""
    o_point = np.asarray(shapely.get_type_id(origins)) == shapely.GeometryType.POINT
    return shapes_of(ell, origins[np.flatnonzero(~o_point)])
