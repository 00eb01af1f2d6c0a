"""Buffers of lines and polygons, and geodesic lines drawn in lon/lat.

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
from shapely.geometry.base import BaseGeometry

from . import _disk
from .geodesy import Ellipsoid, segment_distance

__all__: list[str] = []

# Beyond about a quarter meridian the right-angle geodesics leaving an edge
# start to meet (they all meet at the edge's pole on a sphere), and the
# sweep is no longer the strip between the edge and its offset curve.
MAX_SHAPE_DISTANCE_M = 9_000_000.0


def densify(
    ell: Ellipsoid, lon: np.ndarray, lat: np.ndarray, tol: float, *, closed: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Insert points on the geodesics between consecutive vertices (one line or ring).

    Afterwards every edge, read as a straight lon/lat line, has its midpoint
    within ``tol / 2`` of the geodesic midpoint, so the straight and the
    geodesic reading of the line agree to within the tolerance.
    """
    return densify_many(ell, [(lon, lat)], tol, closed=closed)[0]


def densify_many(ell: Ellipsoid, lines, tol: float, *, closed: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`densify` for many lines or rings at once (one set of geodesic calls for all)."""
    prepared = []
    for lon, lat in lines:
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        if closed and lon.size > 1 and lon[0] == lon[-1] and lat[0] == lat[-1]:
            lon, lat = lon[:-1], lat[:-1]
        prepared.append((lon, lat))
    n_edges = np.array([(lon.size if closed else lon.size - 1) if lon.size >= 2 else 0 for lon, _ in prepared])
    if n_edges.sum() == 0:
        return prepared
    base_lon = np.concatenate([lon[:k] for (lon, _), k in zip(prepared, n_edges)])
    base_lat = np.concatenate([lat[:k] for (_, lat), k in zip(prepared, n_edges)])
    end_lon = np.concatenate([np.r_[lon[1:], lon[:1]][:k] for (lon, _), k in zip(prepared, n_edges)])
    end_lat = np.concatenate([np.r_[lat[1:], lat[:1]][:k] for (_, lat), k in zip(prepared, n_edges)])
    az, _, length = ell.inverse(base_lon, base_lat, end_lon, end_lat)
    total = int(n_edges.sum())
    # Work on (edge, fraction) pairs; split an edge in half while the
    # straight and geodesic midpoints of a piece are more than tol/2 apart.
    edge = np.arange(total)
    f0 = np.zeros(total)
    f1 = np.ones(total)
    keep_e, keep_f = [np.arange(total)], [np.zeros(total)]
    for _ in range(40):
        if edge.size == 0:
            break
        a = ell.forward(base_lon[edge], base_lat[edge], az[edge], f0 * length[edge])
        b = ell.forward(base_lon[edge], base_lat[edge], az[edge], f1 * length[edge])
        _, _, sep, _ = _disk.edge_midpoints(ell, a[0], a[1], b[0], b[1])
        bad = sep > 0.5 * tol
        if not bad.any():
            break
        fm = 0.5 * (f0 + f1)
        keep_e.append(edge[bad])
        keep_f.append(fm[bad])
        edge = np.r_[edge[bad], edge[bad]]
        f0, f1 = np.r_[f0[bad], fm[bad]], np.r_[fm[bad], f1[bad]]
    e = np.concatenate(keep_e)
    f = np.concatenate(keep_f)
    order = np.lexsort((f, e))
    e, f = e[order], f[order]
    out_lon, out_lat, _ = ell.forward(base_lon[e], base_lat[e], az[e], f * length[e])
    # Original vertices are kept bit for bit.
    orig = f == 0.0
    out_lon[orig] = base_lon[e[orig]]
    out_lat[orig] = base_lat[e[orig]]
    owner = np.repeat(np.arange(len(prepared)), n_edges)[e]
    cuts = np.searchsorted(owner, np.arange(len(prepared) + 1))
    result = []
    for k, (lon, lat) in enumerate(prepared):
        if n_edges[k] == 0:
            result.append((lon, lat))
            continue
        x, y = out_lon[cuts[k] : cuts[k + 1]], out_lat[cuts[k] : cuts[k + 1]]
        if not closed:
            x, y = np.r_[x, lon[-1]], np.r_[y, lat[-1]]
        result.append((x, y))
    return result


def geodesic_line(ell: Ellipsoid, lon: float, lat: float, azimuth: float, length: float, tol: float) -> BaseGeometry:
    """The geodesic from a point along an azimuth, as a lon/lat LineString (split at ±180°)."""
    end_lon, end_lat, _ = ell.forward(lon, lat, azimuth, length)
    x, y = densify(ell, np.array([lon, float(end_lon[0])]), np.array([lat, float(end_lat[0])]), tol, closed=False)
    return _split_line(x, y)


def _split_line(x: np.ndarray, y: np.ndarray) -> BaseGeometry:
    """A line through lon/lat vertices, joined the short way round and cut at ±180°."""
    ux = x[0] + np.r_[0.0, np.cumsum(_disk._wrap(np.diff(x)))]
    return _disk.fold(shapely.LineString(np.column_stack((ux, y))))


def _parts(geom: BaseGeometry):
    """Vertices, edges (as coordinate pairs) and polygon fills of a geometry."""
    points, edges, fills = [], [], []
    for part in shapely.get_parts(geom):
        kind = part.geom_type
        if kind == "Point":
            points.append((part.x, part.y))
        elif kind == "LineString":
            c = np.asarray(part.coords)[:, :2]
            points.extend(map(tuple, c))
            edges.extend(zip(map(tuple, c[:-1]), map(tuple, c[1:])))
        elif kind == "Polygon":
            fills.append(part)
            for ring in [part.exterior, *part.interiors]:
                c = np.asarray(ring.coords)[:, :2]
                points.extend(map(tuple, c[:-1]))
                edges.extend(zip(map(tuple, c[:-1]), map(tuple, c[1:])))
    return points, edges, fills


def _offsets(ell, a, b, az, length, d, tol, side):
    """Adaptive offset curve of edge ``a -> b`` at distance ``d`` on one side (-90 left, +90 right)."""
    t = np.linspace(0.0, length, 3)
    for _ in range(40):
        q = ell.forward(np.full(t.size, a[0]), np.full(t.size, a[1]), np.full(t.size, az), t)
        off = ell.forward(q[0], q[1], q[2] + 180.0 + side, np.full(t.size, d))
        lon, lat = off[0], off[1]
        # Both readings of every edge between consecutive offset points.
        g_lon, g_lat, sep, chord = _disk.edge_midpoints(ell, lon[:-1], lat[:-1], lon[1:], lat[1:])
        k = g_lon.size
        ds, _ = segment_distance(
            ell, g_lon, g_lat, np.full(k, a[0]), np.full(k, a[1]), np.full(k, b[0]), np.full(k, b[1])
        )
        dev = np.where(chord > _disk.MAX_EDGE_M, np.inf, np.abs(ds - d) + sep)
        bad = np.flatnonzero(dev > _disk._MID_SHARE * tol)
        if bad.size == 0:
            return lon, lat, q
        t = np.sort(np.r_[t, 0.5 * (t[bad] + t[bad + 1])])
    raise RuntimeError("offset curve did not converge")  # pragma: no cover


def buffer_shape(ell: Ellipsoid, geom: BaseGeometry, d: float, tol: float) -> BaseGeometry:
    """Buffer of one lon/lat line or polygon geometry (edges read as geodesics)."""
    if d - tol > MAX_SHAPE_DISTANCE_M:
        raise NotImplementedError(
            f"buffers of lines and polygons are supported up to {MAX_SHAPE_DISTANCE_M / 1000:,.0f} km; "
            f"got {d / 1000:,.1f} km"
        )
    points, edges, fills = _parts(geom)
    pieces: list[BaseGeometry] = []
    if points:
        pts = np.unique(np.asarray(points, dtype=float), axis=0)
        pieces.extend(_disk.disks(ell, pts[:, 0], pts[:, 1], np.full(len(pts), d), np.full(len(pts), tol)))
    for a, b in edges:
        az, _, length = ell.inverse(a[0], a[1], b[0], b[1])
        az, length = float(az[0]), float(length[0])
        if length == 0.0 or length * length <= 2.0 * d * tol:
            # Without its sweeps an edge leaves only a sliver between the disks
            # of its ends: a point at distance d from the edge's middle is
            # within d + L²/(8d) of an end (spherical right triangle, with
            # cot(d/R) <= R/d below a quarter meridian), so the disks reach
            # to within L²/(8d) <= tol/4 of the true boundary. With the disks'
            # own tolerance (their samples stray up to tol/2) the boundary
            # stays within tol. Detailed outlines (thousands of 100 m edges)
            # then cost one disk per vertex instead of two sweeps per edge.
            continue
        seg_lon, seg_lat = densify(ell, np.array([a[0], b[0]]), np.array([a[1], b[1]]), tol, closed=False)
        for side in (-90.0, 90.0):
            lon, lat, q = _offsets(ell, a, b, az, length, d, tol, side)
            # The right-angle geodesics at both ends, drawn within the tolerance.
            s_lon, s_lat = densify(ell, np.array([a[0], lon[0]]), np.array([a[1], lat[0]]), tol, closed=False)
            e_lon, e_lat = densify(ell, np.array([lon[-1], b[0]]), np.array([lat[-1], b[1]]), tol, closed=False)
            ring_lon = np.r_[s_lon[:-1], lon[:-1], e_lon[:-1], seg_lon[::-1][:-1]]
            ring_lat = np.r_[s_lat[:-1], lat[:-1], e_lat[:-1], seg_lat[::-1][:-1]]
            # Walking out along the offset, the edge lies to the right of a
            # left (-90) offset: the interior is on the right.
            pieces.append(_disk.ring_polygon(ring_lon, ring_lat, interior_left=side > 0))
    for poly in fills:
        pieces.append(_fill(ell, poly, tol))
    merged = _disk._polygonal(shapely.union_all([shapely.make_valid(p) if not p.is_valid else p for p in pieces]))
    return _drop_specks(ell, merged, tol)


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
    return _disk._polygonal(shapely.union_all(out))


def earth_area(ell: Ellipsoid) -> float:
    """Total surface area of the ellipsoid in m²."""
    if ell.e2 == 0.0:
        return 4.0 * np.pi * ell.a**2
    e = np.sqrt(ell.e2)
    return float(2.0 * np.pi * ell.a**2 * (1.0 + (1.0 - ell.e2) / e * np.arctanh(e)))


def geodesic_area(ell: Ellipsoid, geom: BaseGeometry) -> float:
    """Area in m² of a lon/lat (Multi)Polygon with geodesic edges (GeographicLib's polygon area).

    Each part is oriented first (exterior counter-clockwise, holes
    clockwise), so its interior is on the left and holes subtract whatever
    direction they were drawn in. GeographicLib's signed area lies within
    half the Earth's area; a negative value for a counter-clockwise part
    means its region is the larger one, and the Earth's area is added back.
    """
    if geom is None or geom.is_empty:
        return 0.0
    total = 0.0
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon":
            continue
        if shapely.Polygon(part.exterior).equals(_disk.WORLD):
            # The whole lon/lat rectangle (the region of a reach beyond the
            # antipodal distance) runs up one side of ±180° and down the other:
            # as a geodesic ring it encloses nothing, so count it as the globe
            # and take its holes out.
            holes = [shapely.Polygon(ring) for ring in part.interiors]
            total += earth_area(ell) - sum(geodesic_area(ell, h) for h in holes)
            continue
        area, _ = ell.geod.geometry_area_perimeter(shapely.geometry.polygon.orient(part, 1.0))
        total += area if area >= 0 else area + earth_area(ell)
    return total


def _fill(ell: Ellipsoid, poly: BaseGeometry, tol: float) -> BaseGeometry:
    """A polygon with geodesic edges drawn in lon/lat within ``tol``.

    Edges take the short way round, as geodesics do, so a ring crossing
    ±180° is cut there (RFC 7946). A ring that winds once around the Earth
    (around a pole) splits it in two; the polygon is the smaller side,
    whichever way the ring runs (as GeographicLib's signed area, which lies
    within half the Earth's area, reads it).
    """
    return _fills(ell, [poly], tol)[0]


# --- exact distances between geometries -------------------------------------

# Lines and polygons are compared with their edges drawn within this of the
# geodesic, so that shapely's straight-line predicates (contains, intersects)
# answer for geodesic edges up to a millimetre.
EXACT_DRAW_M = 1e-3


_UNSET = object()


def fills_of(ell: Ellipsoid, geoms) -> list:
    """The polygons of each geometry drawn within 1 mm of their geodesic edges (None without polygons)."""
    return _fills(ell, geoms, EXACT_DRAW_M)


def _fills(ell: Ellipsoid, geoms, tol: float) -> list:
    """Polygons of each geometry drawn within ``tol``; all rings densified in one batch."""
    rings, where = [], []
    for k, geom in enumerate(geoms):
        for p, poly in enumerate(g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"):
            for r, ring in enumerate([poly.exterior, *poly.interiors]):
                c = np.asarray(ring.coords)[:, :2]
                rings.append((c[:, 0], c[:, 1]))
                where.append((k, p, r, c))
    dense = densify_many(ell, rings, tol, closed=True)
    polys: dict = {}
    for (k, p, r, c), (x, y) in zip(where, dense):
        # The signed geodesic area is positive when the smaller side is on the left.
        signed, _ = ell.geod.polygon_area_perimeter(c[:, 0], c[:, 1])
        polys.setdefault((k, p), []).append(_disk.ring_polygon(x, y, interior_left=signed >= 0))
    out: list = [None] * len(geoms)
    for (k, _), (shell, *holes) in polys.items():
        piece = shapely.difference(shell, shapely.union_all(holes)) if holes else shell
        out[k] = _disk._polygonal(piece) if out[k] is None else shapely.union_all([out[k], piece])
    return out


class Shape:
    """One lon/lat geometry prepared for exact point-to-geometry distances.

    Parts are its vertices (isolated points included), its geodesic edges
    and, for polygons, the polygon drawn with edges within 1 mm of the
    geodesics (for the inside test; pass ``fill`` when computed in a batch
    with :func:`fills_of`).
    """

    def __init__(self, ell: Ellipsoid, geom: BaseGeometry, fill=_UNSET) -> None:
        from scipy.spatial import cKDTree

        self.ell = ell
        self.geom = geom
        points, edges, _ = _parts(geom)
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
        self.etree = cKDTree(self.mid) if len(e) else None
        self.fill = fills_of(ell, [geom])[0] if fill is _UNSET else fill
        self.drawn = None

    def draw(self) -> BaseGeometry:
        """The geometry with edges drawn within 1 mm of the geodesics (for shapely predicates)."""
        if self.drawn is None:
            self.drawn = draw_many(self.ell, [self.geom], fills=[self.fill])[0]
        return self.drawn

    def distance_from(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Exact geodesic distance from each point to the geometry (0 inside a polygon)."""
        return distances_to_shapes(self.ell, px, py, [self])[:, 0]


def draw_many(ell: Ellipsoid, geoms, fills=None, tol: float = EXACT_DRAW_M) -> list[BaseGeometry]:
    """Each geometry drawn within ``tol`` (1 mm) of its geodesic edges, in one batch (points wrapped to ±180°).

    ``fills``: the geometries' :func:`fills_of`, when already at hand. A
    coarser ``tol`` is for pictures only (maps draw edges within 250 m).
    """
    fills = _fills(ell, geoms, tol) if fills is None else fills
    lines, where = [], []
    for k, geom in enumerate(geoms):
        for part in shapely.get_parts(geom):
            if part.geom_type == "LineString":
                c = np.asarray(part.coords)
                lines.append((c[:, 0], c[:, 1]))
                where.append(k)
    parts: list[list] = [[] for _ in geoms]
    for k, (x, y) in zip(where, densify_many(ell, lines, tol, closed=False)):
        parts[k].append(_split_line(x, y))
    for k, geom in enumerate(geoms):
        for part in shapely.get_parts(geom):
            if part.geom_type == "Point":
                parts[k].append(shapely.Point(float(_disk._wrap(np.array(part.x))), part.y))
        if fills[k] is not None:
            parts[k].append(fills[k])
    return [p[0] if len(p) == 1 else shapely.union_all(p) for p in parts]


def shapes_of(ell: Ellipsoid, geoms) -> list[Shape]:
    """:class:`Shape` for each geometry, with the polygon fills drawn in one batch."""
    return [Shape(ell, g, fill=f) for g, f in zip(geoms, fills_of(ell, geoms))]


def distances_to_shapes(ell: Ellipsoid, px: np.ndarray, py: np.ndarray, shapes: list[Shape]) -> np.ndarray:
    """Exact geodesic distances (n_points, n_shapes) from points to geometries (0 inside a polygon).

    Per geometry: an upper bound ``u`` is the exact distance to the vertex
    nearest by chord; other vertices can only win with chord ``<= c(u)``, an
    edge with midpoint ``M`` and length ``L`` only with
    ``chord(P, M) - L/2 <= c(u)``, where ``c(u) <= u`` is
    :meth:`Ellipsoid.chord_reach` (docs/exactness.md, steps 2a and 5). The survivors of
    all geometries are measured together.
    """
    px = _disk._wrap(np.asarray(px, dtype=float))  # the drawn fills lie in [-180, 180]
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
            rows, idx = _pairs(sh.vtree, xyz, ell.chord_reach(best[:, k]))
            keep = idx != near[k][rows]
            v_rows.append(rows[keep])
            v_cols.append(np.full(int(keep.sum()), k))
            v_x.append(sh.vx[idx[keep]])
            v_y.append(sh.vy[idx[keep]])
        if sh.etree is not None:
            reach = ell.chord_reach(best[:, k])
            rows, idx = _pairs(sh.etree, xyz, reach + sh.half.max())
            chord = np.linalg.norm(xyz[rows] - sh.mid[idx], axis=1)
            keep = chord - sh.half[idx] <= reach[rows]
            keep[keep] = ~_foot_outside(xyz[rows[keep]], sh.ea[idx[keep]], sh.eb[idx[keep]], sh.half[idx[keep]], ell.a)
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


def _foot_outside(p: np.ndarray, a: np.ndarray, b: np.ndarray, half: np.ndarray, radius: float) -> np.ndarray:
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
    ell: Ellipsoid, origins: np.ndarray, targets: np.ndarray, o_shapes: list | None = None
) -> np.ndarray:
    """Exact geodesic distances (n_targets, n_origins) between lon/lat geometries.

    The distance between two geometries is that between their nearest
    points: 0 if they meet, else attained at a vertex of one of them (two
    geodesic edges that do not cross are nearest at an end of one of them),
    so it is the smallest vertex-to-geometry distance either way.
    ``o_shapes`` may pass :func:`origin_shapes` of ``origins`` built once for
    several calls (targets handled in slices).
    """
    n_o, n_t = len(origins), len(targets)
    out = np.full((n_t, n_o), np.inf)
    if n_o == 0 or n_t == 0:
        return out
    o_point = np.asarray(shapely.get_type_id(origins)) == shapely.GeometryType.POINT
    t_point = np.asarray(shapely.get_type_id(targets)) == shapely.GeometryType.POINT
    t_xy, t_owner = _vertices(targets)
    o_xy, o_owner = _vertices(origins)
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
        d = distances_to_shapes(ell, t_xy[:, 0], t_xy[:, 1], o_shapes)
        for k, i in enumerate(o_idx):
            np.minimum.at(out[:, i], t_owner, d[:, k])
    # Origin vertices to every line/polygon target.
    if t_shapes:
        d = distances_to_shapes(ell, o_xy[:, 0], o_xy[:, 1], t_shapes)
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


def _vertices(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All vertices of the geometries and their owner positions (ring closings repeat; harmless)."""
    xy, owner = shapely.get_coordinates(values, return_index=True)
    return xy, owner


def _pairs(tree, xyz: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, item) pairs with chord <= radius[row], via the point engine's k-nearest escalation."""
    from .coverage import _FIRST_K, _query, _within_chord
    from .geodesy import _workers

    # Threads cost more than they save on small queries (one per geometry here).
    workers = _workers() if len(xyz) >= 20_000 else 1
    chord, idx = _query(tree, xyz, min(_FIRST_K, tree.n), workers)
    return _within_chord(tree, xyz, radius, workers, chord, idx)
