"""Longitude/latitude helpers: wrapping, cutting at ±180°, rings around a pole, centroids.

Geometry in rangecov's output is in longitude/latitude (EPSG:4326), cut at the
antimeridian into pieces that lie in [-180, 180] (RFC 7946). These helpers are
the one place that convention is written down; they know nothing of the
ellipsoid.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "WORLD",
    "MAX_LONGITUDE",
    "reduce_exactly",
    "wrap",
    "fold",
    "polygonal",
    "ring_polygon",
    "split_line",
    "centroids",
]

WORLD = shapely.box(-180.0, -90.0, 180.0, 90.0)
# Beyond one and a half turns a "longitude" in a table is not one (metres of a projected CRS);
# the table reader refuses it, and so does frames for lines, polygons and multi-points. A point
# may carry any finite longitude: it is reduced exactly.
MAX_LONGITUDE = 540.0


def reduce_exactly(lon: np.ndarray) -> np.ndarray:
    """Longitudes reduced to [-180, 180] without rounding, however many turns they hold (as GeographicLib
    reduces them): ``fmod`` is exact, and so is the one step of 360 after it (Sterbenz).

    >>> reduce_exactly(np.array([360.0 * 1e12 + 0.25, -190.0, 180.0]))
    array([   0.25,  170.  ,  180.  ])
    """
    r = np.fmod(np.asarray(lon, dtype=float), 360.0)
    return np.where(r > 180.0, r - 360.0, np.where(r < -180.0, r + 360.0, r))


def wrap(d: np.ndarray) -> np.ndarray:
    """Longitude differences reduced to [-180, 180)."""
    return np.remainder(d + 180.0, 360.0) - 180.0


def fold(geom: BaseGeometry) -> BaseGeometry:
    """Cut a polygon or line drawn in unwrapped longitude into [-180, 180] pieces.

    Polygon pieces are merged (a MultiPolygon where the cut separates them);
    line pieces become a MultiLineString.
    """
    minx, _, maxx, _ = geom.bounds
    k0 = int(np.floor((minx + 180.0) / 360.0))
    k1 = int(np.floor((maxx + 180.0) / 360.0))
    if k0 == k1 == 0:
        return geom
    pieces: list[BaseGeometry] = []
    if geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_valid:
        # A ring through a pole (an edge ending on it, swept) can touch itself where its longitudes
        # meet at the pole; GEOS refuses to cut an invalid polygon ("side location conflict").
        geom = shapely.make_valid(geom)
    for k in range(k0, k1 + 1):
        piece = shapely.intersection(geom, shapely.box(-180.0 + 360 * k, -90.0, 180.0 + 360 * k, 90.0))
        if not piece.is_empty:
            pieces.extend(shapely.get_parts(shapely.affinity.translate(piece, xoff=-360.0 * k)))
    if geom.geom_type in ("LineString", "MultiLineString"):
        lines = [p for p in pieces if type(p) is shapely.LineString]
        if not lines:
            # The line runs along the cut meridian itself (±180°, within rounding: a radial due north
            # from 179.99999999999997°), so cutting leaves only points of it. It is that meridian:
            # brought into [-180, 180] whole.
            xy = shapely.get_coordinates(geom)
            x = np.clip(xy[:, 0] - 360.0 * np.round(np.mean(xy[:, 0]) / 360.0), -180.0, 180.0)
            return shapely.LineString(np.column_stack((x, xy[:, 1])))
        return shapely.MultiLineString(lines) if len(lines) > 1 else lines[0]
    return polygonal(shapely.union_all(pieces))


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Drop slivers of lower dimension that clipping can leave behind."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def ring_polygon(lon: np.ndarray, lat: np.ndarray, *, interior_left: bool) -> BaseGeometry:
    """A closed ring of surface points (no repeat of the first) as a lon/lat (Multi)Polygon.

    Consecutive vertices are joined the short way round in longitude. A ring
    that does not wind around a pole becomes the region it encloses, cut at
    the antimeridian. A ring winding once around the Earth encloses the pole
    on its interior side (``interior_left``: the interior is on the left
    when walking the ring) and is closed along that pole's latitude. Vertices
    exactly on ±180° are kept; where an edge crosses ±180° between vertices a
    vertex is put on the edge (read as a straight lon/lat line).
    """
    raw = np.diff(np.r_[lon, lon[0]])
    steps = wrap(raw)
    # Whole turns added exactly, so a vertex on ±180° stays exactly on it.
    turns = np.r_[0.0, np.cumsum(np.round((steps - raw) / 360.0)[:-1])]
    ulon = lon + 360.0 * turns
    winding = float(steps.sum())
    if abs(winding) < 180.0:
        return fold(shapely.Polygon(np.column_stack((ulon, lat))))
    pole = 90.0 if (winding > 0) == interior_left else -90.0
    # Make sure a vertex sits on the antimeridian, then start the ring there.
    u2 = ulon + steps
    k1 = np.floor((ulon - 180.0) / 360.0)
    k2 = np.floor((u2 - 180.0) / 360.0)
    on = np.remainder(ulon - 180.0, 360.0) == 0.0
    hits = np.flatnonzero((k1 != k2) & ~on & ~np.r_[on[1:], on[0]])
    if hits.size:
        cross = 180.0 + 360.0 * np.maximum(k1[hits], k2[hits])
        frac = (cross - ulon[hits]) / steps[hits]
        y = lat[hits] + frac * (np.r_[lat[1:], lat[0]][hits] - lat[hits])
        ulon = np.insert(ulon, hits + 1, cross)
        lat = np.insert(lat, hits + 1, y)
    at = np.flatnonzero(np.remainder(ulon - 180.0, 360.0) == 0.0)
    # Start at the crossing nearest the enclosed pole, so that the closing
    # edges along ±180° cannot meet the ring again.
    start = at[np.argmax(lat[at])] if pole > 0 else at[np.argmin(lat[at])]
    order = np.r_[start : ulon.size, 0:start]
    turn = 360.0 if winding > 0 else -360.0
    x = (ulon[order] + np.where(order < start, turn, 0.0)) - ulon[start] + (-180.0 if winding > 0 else 180.0)
    y = lat[order]
    end = x[0] + (360.0 if winding > 0 else -360.0)
    ring = np.column_stack((np.r_[x, end, end, x[0]], np.r_[y, y[0], pole, pole]))
    return fold(shapely.Polygon(ring))


def split_line(x: np.ndarray, y: np.ndarray) -> BaseGeometry:
    """A line through lon/lat vertices, joined the short way round and cut at ±180°."""
    ux = x[0] + np.r_[0.0, np.cumsum(wrap(np.diff(x)))]
    return fold(shapely.LineString(np.column_stack((ux, y))))


def centroids(values: np.ndarray) -> np.ndarray:
    """shapely's lon/lat centroids, taken after unwrapping geometries cut at ±180°.

    A geometry whose parts span more than 180° of longitude is assumed to be
    cut at the antimeridian: its western longitudes are moved by +360° first,
    and the centroid is wrapped back into [-180, 180].
    """
    out = np.asarray(shapely.centroid(values), dtype=object)
    b = shapely.bounds(values)
    for k in np.flatnonzero(b[:, 2] - b[:, 0] > 180.0):
        moved = shapely.transform(
            values[k], lambda xy: np.column_stack((np.where(xy[:, 0] < 0, xy[:, 0] + 360.0, xy[:, 0]), xy[:, 1]))
        )
        c = shapely.centroid(moved)
        out[k] = shapely.Point(float(wrap(np.array(c.x))), c.y)
    return out
