"""Lines and polygons with geodesic edges drawn in longitude/latitude, and their areas.

rangecov reads every edge as a geodesic, the short way round, and a ring
around a pole as enclosing the smaller side. shapely reads edges as straight
lon/lat lines. The functions here draw a geometry so that shapely's reading
agrees with rangecov's within a tolerance (1 mm for decisions, coarser for
pictures), and measure areas of such drawings on the ellipsoid.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from ..base.lonlat import WORLD, polygonal, ring_polygon, split_line, wrap
from ..geodesy.ellipsoid import Ellipsoid, earth_area
from .edges import densify_many

__all__ = [
    "EXACT_DRAW_M",
    "geometry_parts",
    "draw_polygon",
    "draw_polygons",
    "exact_fills",
    "draw_many",
    "geodesic_area",
]


# Lines and polygons are compared with their edges drawn within this of the
# geodesic, so that shapely's straight-line predicates (contains, intersects)
# answer for geodesic edges up to a millimetre.
EXACT_DRAW_M = 1e-3


def geometry_parts(
    geom: BaseGeometry,
) -> tuple[list[tuple[float, ...]], list[tuple[tuple[float, ...], tuple[float, ...]]], list[BaseGeometry]]:
    """Vertices, edges (as coordinate pairs) and polygon fills of a geometry."""
    points: list[tuple[float, ...]] = []
    edges: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
    fills: list[BaseGeometry] = []
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


def vertices_and_edges(
    geoms: Sequence[BaseGeometry] | NDArray[np.object_],
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
    """Every vertex (isolated points included; rings' closing repeats left out) and every edge
    (lon1, lat1, lon2, lat2) of the geometries, each with the position of its geometry, in order."""
    parts, owner = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    kind = np.asarray(shapely.get_type_id(parts))
    if np.isin(
        kind,
        [
            shapely.GeometryType.MULTIPOINT,
            shapely.GeometryType.MULTILINESTRING,
            shapely.GeometryType.MULTIPOLYGON,
            shapely.GeometryType.GEOMETRYCOLLECTION,
        ],
    ).any():
        # Collections inside collections: one geometry at a time, flattened by geometry_parts.
        return nested_vertices_and_edges(geoms)
    polys = kind == shapely.GeometryType.POLYGON
    rings, ring_owner = shapely.get_rings(parts[polys], return_index=True)
    chains = np.concatenate([parts[kind == shapely.GeometryType.LINESTRING], rings])
    chain_owner = np.concatenate([owner[kind == shapely.GeometryType.LINESTRING], owner[polys][ring_owner]])
    xy, at = shapely.get_coordinates(chains, return_index=True)
    is_ring = np.r_[np.zeros(len(chains) - len(rings), dtype=bool), np.ones(len(rings), dtype=bool)]
    follows = np.r_[at[1:] == at[:-1], False]  # an edge starts here
    last = ~follows
    keep_v = ~(last & is_ring[at])  # a ring's closing coordinate repeats its first
    point = kind == shapely.GeometryType.POINT
    p_xy, p_at = shapely.get_coordinates(parts[point], return_index=True)  # empty points have none
    p_owner = owner[point][p_at]
    v_own = np.concatenate([chain_owner[at[keep_v]], p_owner])
    v = np.concatenate([xy[keep_v], p_xy])
    k = np.flatnonzero(follows)
    e_own = chain_owner[at[k]]
    e = np.column_stack((xy[k], xy[k + 1]))
    order = np.argsort(e_own, kind="stable")
    return v_own, v, e_own[order], e[order]


def nested_vertices_and_edges(
    geoms: Sequence[BaseGeometry] | NDArray[np.object_],
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
    """:func:`vertices_and_edges` through :func:`geometry_parts`, one geometry at a time."""
    v_own, v, e_own, e = [], [], [], []
    for k, g in enumerate(geoms):
        points, edges, _ = geometry_parts(g)
        vertex_xy = np.asarray(points, dtype=float).reshape(-1, 2)
        edge_xy = np.asarray(edges, dtype=float).reshape(-1, 4)
        v_own.append(np.full(len(vertex_xy), k))
        v.append(vertex_xy)
        e_own.append(np.full(len(edge_xy), k))
        e.append(edge_xy)
    cat = np.concatenate
    return (
        cat(v_own or [np.empty(0)]),
        cat(v or [np.empty((0, 2))]),
        cat(e_own or [np.empty(0)]),
        cat(e or [np.empty((0, 4))]),
    )


def draw_polygon(ell: Ellipsoid, poly: BaseGeometry, tol: float) -> BaseGeometry:
    """A polygon with geodesic edges drawn in lon/lat within ``tol``.

    Edges take the short way round, as geodesics do, so a ring crossing
    ±180° is cut there (RFC 7946). A ring that winds once around the Earth
    (around a pole) splits it in two; the polygon is the smaller side,
    whichever way the ring runs (as GeographicLib's signed area, which lies
    within half the Earth's area, reads it).
    """
    return draw_polygons(ell, [poly], tol)[0]


def exact_fills(ell: Ellipsoid, geoms) -> list:
    """The polygons of each geometry drawn within 1 mm of their geodesic edges (None without polygons)."""
    return draw_polygons(ell, geoms, EXACT_DRAW_M)


def draw_polygons(ell: Ellipsoid, geoms, tol: float) -> list:
    """Polygons of each geometry drawn within ``tol``; all rings densified in one batch."""
    rings, where = [], []
    for k, geom in enumerate(geoms):
        for p, poly in enumerate(g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"):
            for ring in [poly.exterior, *poly.interiors]:
                c = np.asarray(ring.coords)[:, :2]
                rings.append((c[:, 0], c[:, 1]))
                where.append((k, p, c))
    dense = densify_many(ell, rings, tol, closed=True)
    polys: dict = {}
    for (k, p, c), (x, y) in zip(where, dense):
        # The signed geodesic area is positive when the smaller side is on the left.
        signed, _ = ell.geod.polygon_area_perimeter(c[:, 0], c[:, 1])
        polys.setdefault((k, p), []).append(ring_polygon(x, y, interior_left=signed >= 0))
    out: list = [None] * len(geoms)
    for (k, _), (shell, *holes) in polys.items():
        piece = shapely.difference(shell, shapely.union_all(holes)) if holes else shell
        out[k] = polygonal(piece) if out[k] is None else shapely.union_all([out[k], piece])
    return out


def draw_many(ell: Ellipsoid, geoms, fills=None, tol: float = EXACT_DRAW_M) -> list[BaseGeometry]:
    """Each geometry drawn within ``tol`` (1 mm) of its geodesic edges, in one batch (points wrapped to ±180°).

    ``fills``: the geometries' :func:`exact_fills`, when already at hand. A
    coarser ``tol`` is for pictures only (maps draw edges within 250 m).
    """
    fills = draw_polygons(ell, geoms, tol) if fills is None else fills
    lines, where = [], []
    for k, geom in enumerate(geoms):
        for part in shapely.get_parts(geom):
            if part.geom_type == "LineString":
                c = np.asarray(part.coords)
                lines.append((c[:, 0], c[:, 1]))
                where.append(k)
    parts: list[list] = [[] for _ in geoms]
    for k, (x, y) in zip(where, densify_many(ell, lines, tol, closed=False)):
        parts[k].append(split_line(x, y))
    for k, geom in enumerate(geoms):
        for part in shapely.get_parts(geom):
            if part.geom_type == "Point":
                parts[k].append(shapely.Point(float(wrap(np.array(part.x))), part.y))
        if fills[k] is not None:
            parts[k].append(fills[k])
    return [p[0] if len(p) == 1 else shapely.union_all(p) for p in parts]


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
        if shapely.Polygon(part.exterior).equals(WORLD):
            # The whole lon/lat rectangle (the region of a reach beyond the
            # antipodal distance) runs up one side of ±180° and down the other:
            # as a geodesic ring it encloses nothing, so count it as the globe
            # and take its holes out.
            holes = [shapely.Polygon(ring) for ring in part.interiors]
            total += earth_area(ell) - sum(geodesic_area(ell, h) for h in holes)
            continue
        # Exterior counter-clockwise, holes clockwise (as shapely's orient(part, 1.0)), each ring's
        # signed area from its coordinates (pyproj's geometry_area_perimeter would copy them point by point).
        area = 0.0
        for k, ring in enumerate([part.exterior, *part.interiors]):
            xy = shapely.get_coordinates(ring)
            if ring.is_ccw != (k == 0):
                xy = xy[::-1]
            area += ell.geod.polygon_area_perimeter(xy[:, 0], xy[:, 1])[0]
        total += area if area >= 0 else area + earth_area(ell)
    return total
