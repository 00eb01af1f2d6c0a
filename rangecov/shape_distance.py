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
from scipy.spatial.distance import cdist
from shapely.geometry.base import BaseGeometry

from .drawing import draw_many, exact_fills, geometry_parts
from .engine.search import pairs_within_chord
from .geodesy import Ellipsoid, segment_distance
from .lonlat import wrap

__all__ = ["Shape", "shapes_of", "origin_shapes", "distances_to_shapes", "distance_matrix"]

_UNSET = object()

# Shapes with at most this many vertices plus edges are searched by brute force, all of one call
# at once (a box, a district); larger ones through k-d trees (an oblast's outline).
SMALL_SHAPE = 256

# (point, vertex or edge) pairs of the brute-force search held at once: bounds its memory.
PAIRS_PER_BATCH = 2_000_000


class Shape:
    """One lon/lat geometry prepared for exact point-to-geometry distances.

    Parts are its vertices (isolated points included), its geodesic edges
    and, for polygons, the polygon drawn with edges within 1 mm of the
    geodesics (for the inside test), drawn when first needed. Build many at
    once with :func:`shapes_of`, which solves all their edges in one batch.
    """

    def __init__(self, ell: Ellipsoid, geom: BaseGeometry, fill=_UNSET, *, parts=None) -> None:
        self.ell = ell
        self.geom = geom
        points, edges, length, mid = edge_parts(ell, [geom])[0] if parts is None else parts
        v = np.unique(points, axis=0)
        self.vx, self.vy = v[:, 0], v[:, 1]
        self.vxyz = ell.ecef(self.vx, self.vy)
        keep = length > 0
        e = edges[keep]
        self.edges = e
        self.mid = mid[keep]
        self.ea = ell.ecef(e[:, 0], e[:, 1]) if len(e) else np.empty((0, 3))
        self.eb = ell.ecef(e[:, 2], e[:, 3]) if len(e) else np.empty((0, 3))
        # Every point of an edge is within half its length (geodesic, so
        # also by chord) of its midpoint.
        self.half = 0.5 * length[keep]
        self.small = self.vx.size + len(e) <= SMALL_SHAPE
        self.polygonal = any(part.geom_type == "Polygon" for part in shapely.get_parts(geom))
        self.box = lonlat_box(ell, self.vx, self.vy, edges, length)
        self.fill = fill
        self.drawn = None
        self.trees = None

    def fill_geometry(self) -> BaseGeometry | None:
        """The polygons drawn within 1 mm (None without polygons); drawn on first use."""
        if self.fill is _UNSET:
            self.fill = exact_fills(self.ell, [self.geom])[0]
        return self.fill

    def search_trees(self):
        """k-d trees of the vertices and, per class of half-length, of the edge midpoints (built on first use).

        Edges come in classes of half-length (each 4 times the last, from 64 m): a class is searched out
        to the reach plus its own longest half, so a detailed outline's 100 m edges are not gathered as
        far out as its few long ones would need.
        """
        if self.trees is None:
            classes = []
            if len(self.edges):
                cls = np.ceil(np.log(np.maximum(self.half, 1e-9) / 64.0) / np.log(4.0))
                cls = np.maximum(0, cls).astype(np.intp)
                for c in np.unique(cls):
                    members = np.flatnonzero(cls == c)
                    classes.append((members, cKDTree(self.mid[members]), float(self.half[members].max())))
            self.trees = (cKDTree(self.vxyz), classes)
        return self.trees

    def draw(self) -> BaseGeometry:
        """The geometry with edges drawn within 1 mm of the geodesics (for shapely predicates)."""
        if self.drawn is None:
            self.drawn = draw_many(self.ell, [self.geom], fills=[self.fill_geometry()])[0]
        return self.drawn

    def distance_from(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Exact geodesic distance from each point to the geometry (0 inside a polygon)."""
        return distances_to_shapes(self.ell, px, py, [self])[:, 0]


def edge_parts(ell: Ellipsoid, geoms) -> list:
    """Per geometry: vertices (n, 2), edges (m, 4), edge lengths and ECEF edge midpoints, solved in one batch."""
    parts = [geometry_parts(g) for g in geoms]
    pts = [np.asarray(p, dtype=float).reshape(-1, 2) for p, _, _ in parts]
    eds = [np.asarray(e, dtype=float).reshape(-1, 4) for _, e, _ in parts]
    e = np.concatenate(eds) if eds else np.empty((0, 4))
    if len(e):
        az, _, length = ell.inverse(e[:, 0], e[:, 1], e[:, 2], e[:, 3])
        mlon, mlat, _ = ell.forward(e[:, 0], e[:, 1], az, 0.5 * length)
        mid = ell.ecef(mlon, mlat)
    else:
        length, mid = np.empty(0), np.empty((0, 3))
    cut = np.cumsum([len(x) for x in eds])[:-1]
    return list(zip(pts, eds, np.split(length, cut), np.split(mid, cut)))


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


def in_box(box, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Points that may lie in a :func:`lonlat_box` (all of them where there is none)."""
    if box is None:
        return np.ones(px.size, dtype=bool)
    west, width, south, north = box
    return (np.remainder(px - west, 360.0) <= width) & (py >= south) & (py <= north)


def shapes_of(ell: Ellipsoid, geoms) -> list[Shape]:
    """:class:`Shape` for each geometry, with all their edges solved in one batch."""
    return [Shape(ell, g, parts=p) for g, p in zip(geoms, edge_parts(ell, geoms))]


def distances_to_shapes(
    ell: Ellipsoid, px: np.ndarray, py: np.ndarray, shapes: list[Shape], *, end_pruning: bool = True
) -> np.ndarray:
    """Exact geodesic distances (n_points, n_shapes) from points to geometries (0 inside a polygon).

    Per geometry: an upper bound ``u`` is the exact distance to the vertex
    nearest by chord; other vertices can only win with chord ``<= c(u)``, an
    edge with midpoint ``M`` and length ``L`` only with
    ``chord(P, M) - L/2 <= c(u)``, where ``c(u) <= u`` is
    :meth:`Ellipsoid.chord_reach` (docs/exactness.md, steps 2a and 5). Small
    geometries are searched by brute force, together; large ones through
    k-d trees; the same pairs pass either way. The survivors are measured
    together. ``end_pruning=False`` also measures the edges that
    :func:`foot_outside` proves are nearest at an end (slower, same
    distances; for testing that rule).
    """
    px = wrap(np.asarray(px, dtype=float))  # the drawn fills lie in [-180, 180]
    py = np.asarray(py, dtype=float)
    n, m = px.size, len(shapes)
    best = np.full((n, m), np.inf)
    if n == 0 or m == 0:
        return best
    xyz = ell.ecef(px, py)
    found: list = []
    small = [k for k, sh in enumerate(shapes) if sh.small and sh.vx.size]
    if small:
        found += small_candidates(ell, px, py, xyz, [shapes[k] for k in small], np.asarray(small), best, end_pruning)
    for k, sh in enumerate(shapes):
        if not sh.small:
            found.append(tree_candidates(ell, px, py, xyz, sh, k, best, end_pruning))
    rows = np.concatenate([r for r, _, _ in found]) if found else np.empty(0, dtype=np.intp)
    if rows.size:
        cols = np.concatenate([c for _, c, _ in found])
        seg = np.concatenate([e for _, _, e in found])
        d, _ = segment_distance(ell, px[rows], py[rows], seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3])
        np.minimum.at(best, (rows, cols), d)
    inside_to_zero(ell, px, py, shapes, best)
    return best


def nearest_vertices(ell: Ellipsoid, px, py, rows, cols, vx, vy, best) -> None:
    """Lower ``best[rows, cols]`` to the exact distances from the points to the vertices ``(vx, vy)``."""
    if rows.size:
        np.minimum.at(best, (rows, cols), ell.distance(px[rows], py[rows], vx, vy))


def edge_survivors(ell, xyz, rows, chord, reach, ea, eb, half, end_pruning: bool) -> np.ndarray:
    """Which (point, edge) pairs may hold a point nearer than the bound (docs/exactness.md, step 5)."""
    keep = chord - half <= reach
    if end_pruning:
        keep[keep] = ~foot_outside(xyz[rows[keep]], ea[keep], eb[keep], half[keep], ell.a)
    return keep


def small_candidates(ell, px, py, xyz, shapes, cols, best, end_pruning: bool) -> list:
    """Vertices measured and edges to measure for small shapes, by brute force over all their parts.

    The same tests as :func:`tree_candidates`, on every (point, part) pair:
    the vertex nearest by chord of each shape is measured, then the other
    vertices within ``c(u)``, and the edges passing the midpoint test are
    returned as (rows, columns, edges).
    """
    nv = np.array([sh.vx.size for sh in shapes])
    ne = np.array([len(sh.edges) for sh in shapes])
    v_col = np.repeat(np.arange(len(shapes)), nv)
    e_col = np.repeat(np.arange(len(shapes)), ne)
    vxyz = np.concatenate([sh.vxyz for sh in shapes])
    vx = np.concatenate([sh.vx for sh in shapes])
    vy = np.concatenate([sh.vy for sh in shapes])
    mid = np.concatenate([sh.mid for sh in shapes])
    half = np.concatenate([sh.half for sh in shapes])
    ea = np.concatenate([sh.ea for sh in shapes])
    eb = np.concatenate([sh.eb for sh in shapes])
    seg = np.concatenate([sh.edges for sh in shapes])
    starts = np.r_[0, np.cumsum(nv)[:-1]]
    out = []
    step = max(1, PAIRS_PER_BATCH // (vx.size + half.size))
    for lo in range(0, px.size, step):
        at = np.arange(lo, min(px.size, lo + step))
        u = np.full((at.size, len(shapes)), np.inf)
        c = cdist(xyz[at], vxyz)
        # The vertex nearest by chord of each shape (ties all measured) gives u.
        first = c <= np.minimum.reduceat(c, starts, axis=1)[:, v_col]
        r, v = np.nonzero(first)
        nearest_vertices(ell, px[at], py[at], r, v_col[v], vx[v], vy[v], u)
        r, v = np.nonzero((c <= ell.chord_reach(u)[:, v_col]) & ~first)
        nearest_vertices(ell, px[at], py[at], r, v_col[v], vx[v], vy[v], u)
        best[at[:, None], cols[None, :]] = u
        if half.size:
            r, e = np.nonzero(cdist(xyz[at], mid) - half[None, :] <= ell.chord_reach(u)[:, e_col])
            chord = np.linalg.norm(xyz[at][r] - mid[e], axis=1)
            keep = edge_survivors(
                ell, xyz[at], r, chord, ell.chord_reach(u[r, e_col[e]]), ea[e], eb[e], half[e], end_pruning
            )
            out.append((at[r[keep]], cols[e_col[e[keep]]], seg[e[keep]]))
    return out


def tree_candidates(ell, px, py, xyz, sh: Shape, k: int, best, end_pruning: bool):
    """Vertices measured and edges to measure for one large shape, through its k-d trees."""
    vtree, classes = sh.search_trees()
    near = vtree.query(xyz)[1]
    best[:, k] = ell.distance(px, py, sh.vx[near], sh.vy[near])
    reach = ell.chord_reach(best[:, k])
    rows, idx = pairs_within_chord(vtree, xyz, reach)
    keep = idx != near[rows]
    nearest_vertices(ell, px, py, rows[keep], np.full(int(keep.sum()), k), sh.vx[idx[keep]], sh.vy[idx[keep]], best)
    if not classes:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty((0, 4))
    reach = ell.chord_reach(best[:, k])
    found = [pairs_within_chord(tree, xyz, reach + longest) for _, tree, longest in classes]
    rows = np.concatenate([r for r, _ in found])
    idx = np.concatenate([members[i] for (members, _, _), (_, i) in zip(classes, found)])
    chord = np.linalg.norm(xyz[rows] - sh.mid[idx], axis=1)
    keep = edge_survivors(ell, xyz, rows, chord, reach[rows], sh.ea[idx], sh.eb[idx], sh.half[idx], end_pruning)
    return rows[keep], np.full(int(keep.sum()), k), sh.edges[idx[keep]]


def inside_to_zero(ell: Ellipsoid, px, py, shapes: list[Shape], best) -> None:
    """Set to 0 the distances of points inside a polygon (its fill drawn within 1 mm; on the boundary counts).

    Only points in a shape's :func:`lonlat_box` are tested, and only the
    shapes that have such points are drawn (in one batch).
    """
    maybe = {k: np.flatnonzero(in_box(sh.box, px, py)) for k, sh in enumerate(shapes) if sh.polygonal}
    maybe = {k: rows for k, rows in maybe.items() if rows.size}
    todo = [k for k in maybe if shapes[k].fill is _UNSET]
    for k, fill in zip(todo, exact_fills(ell, [shapes[k].geom for k in todo])):
        shapes[k].fill = fill
    for k, rows in maybe.items():
        # A point on ±180° where the fill is cut counts as inside.
        if shapes[k].fill is not None:
            best[rows[shapely.intersects_xy(shapes[k].fill, px[rows], py[rows])], k] = 0.0


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
    # Point targets to every point origin (a line or polygon target is measured from the origins below).
    if o_point.any() and t_point.any():
        ox, oy = shapely.get_x(origins[o_point]), shapely.get_y(origins[o_point])
        tx, ty = shapely.get_x(targets[t_point]), shapely.get_y(targets[t_point])
        d = ell.distance(np.repeat(tx, ox.size), np.repeat(ty, ox.size), np.tile(ox, tx.size), np.tile(oy, tx.size))
        out[np.ix_(np.flatnonzero(t_point), np.flatnonzero(o_point))] = d.reshape(tx.size, ox.size)
    # Target vertices to every line/polygon origin.
    if o_shapes:
        d = distances_to_shapes(ell, t_xy[:, 0], t_xy[:, 1], o_shapes, end_pruning=end_pruning)
        for k, i in enumerate(o_idx):
            np.minimum.at(out[:, i], t_owner, d[:, k])
    # Origin vertices (point origins included) to every line/polygon target.
    if t_shapes:
        d = distances_to_shapes(ell, o_xy[:, 0], o_xy[:, 1], t_shapes, end_pruning=end_pruning)
        for k, j in enumerate(t_idx):
            np.minimum.at(out[j], o_owner, d[:, k])
    # Lines and polygons that meet are at distance 0 (edges drawn within 1 mm); only shapes whose
    # boxes overlap can meet, and only those are drawn.
    if o_shapes and t_shapes:
        o_hit, t_hit = overlapping_boxes([sh.box for sh in o_shapes], [sh.box for sh in t_shapes])
        if o_hit.size:
            o_drawn = draw_shapes(ell, [o_shapes[i] for i in np.unique(o_hit)])
            t_drawn = draw_shapes(ell, [t_shapes[j] for j in np.unique(t_hit)])
            o_geom = np.asarray(o_drawn, dtype=object)[np.searchsorted(np.unique(o_hit), o_hit)]
            t_geom = np.asarray(t_drawn, dtype=object)[np.searchsorted(np.unique(t_hit), t_hit)]
            meet = shapely.intersects(o_geom, t_geom)
            out[t_idx[t_hit[meet]], o_idx[o_hit[meet]]] = 0.0
    return out


def overlapping_boxes(a: list, b: list) -> tuple[np.ndarray, np.ndarray]:
    """All pairs ``(i, j)`` whose :func:`lonlat_box` es may overlap (a missing box overlaps everything)."""

    def arrays(boxes):
        none = np.array([x is None for x in boxes])
        v = np.array([(0.0, 360.0, -90.0, 90.0) if x is None else x for x in boxes], dtype=float).reshape(-1, 4)
        return v, none

    (va, _), (vb, _) = arrays(a), arrays(b)
    i, j = np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
    i, j = i.ravel(), j.ravel()
    lon = (np.remainder(vb[j, 0] - va[i, 0], 360.0) <= va[i, 1]) | (
        np.remainder(va[i, 0] - vb[j, 0], 360.0) <= vb[j, 1]
    )
    lat = (va[i, 2] <= vb[j, 3]) & (vb[j, 2] <= va[i, 3])
    keep = lon & lat
    return i[keep], j[keep]


def draw_shapes(ell: Ellipsoid, shapes: list[Shape]) -> list[BaseGeometry]:
    """Each shape's :meth:`Shape.draw`, the missing fills and drawings made in one batch."""
    todo = [sh for sh in shapes if sh.fill is _UNSET]
    for sh, fill in zip(todo, exact_fills(ell, [sh.geom for sh in todo])):
        sh.fill = fill
    todo = [sh for sh in shapes if sh.drawn is None]
    for sh, drawn in zip(todo, draw_many(ell, [sh.geom for sh in todo], fills=[sh.fill for sh in todo])):
        sh.drawn = drawn
    return [sh.drawn for sh in shapes]


def origin_shapes(ell: Ellipsoid, origins: np.ndarray) -> list:
    """The :class:`Shape` of every line/polygon origin, in order (points are measured directly)."""
    o_point = np.asarray(shapely.get_type_id(origins)) == shapely.GeometryType.POINT
    return shapes_of(ell, origins[np.flatnonzero(~o_point)])
