"""Geodesic edges drawn in longitude/latitude: midpoints in both readings, densifying, refinement.

An edge between two vertices can be read as a straight line in lon/lat (as
shapely, GeoJSON and geopandas read it) or as a geodesic (as rangecov and
GeographicLib read it). Everything that draws a curve or a geodesic edge within
a tolerance (disk boundaries, the far patch near an antipode, offset curves of
line buffers, densified edges) uses the midpoint test here and the one
refinement loop, :func:`refine`, that splits edges until they pass it
(docs/exactness.md, step 6).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from ..base.lonlat import split_line, wrap
from ..base.tuning import MAX_ROUNDS, MAX_VERTICES
from ..errors import UnsupportedError
from ..geodesy.ellipsoid import Ellipsoid

__all__ = [
    "MAX_EDGE_M",
    "MID_SHARE",
    "edge_midpoints",
    "curve_deviation",
    "refine",
    "densify",
    "densify_many",
    "geodesic_line",
]


# Midpoint deviation allowed per edge, as a share of the tolerance. The
# deviation along an edge is a smooth bump vanishing at both ends; half the
# tolerance at its middle leaves room for a bump that is not a parabola.
MID_SHARE = 0.5


# Edges longer than this are always split: the midpoint test below leans on
# the edge being short against the Earth's radius.
MAX_EDGE_M = 30_000.0


# The surface point below the chord midpoint lies on the geodesic to well
# under a micrometre for edges up to 30 km (tested); this covers it.
_MIDPOINT_SLACK_M = 1e-5


def edge_midpoints(
    ell: Ellipsoid,
    lon1: NDArray[np.float64],
    lat1: NDArray[np.float64],
    lon2: NDArray[np.float64],
    lat2: NDArray[np.float64],
    *,
    p1: NDArray[np.float64] | None = None,
    p2: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Midpoints of edges in both readings, cheaply.

    Returns ``(g_lon, g_lat, sep, chord)``: the geodesic reading's midpoint
    (the surface point below the ECEF chord's midpoint), an upper bound on
    the distance from it to the straight lon/lat reading's midpoint, and the
    chord length. By the triangle inequality a point's deviation from any
    boundary changes by at most ``sep`` between the two midpoints, so
    ``deviation(g) + sep`` bounds both readings at once.
    """
    p1 = ell.ecef(lon1, lat1) if p1 is None else p1
    p2 = ell.ecef(lon2, lat2) if p2 is None else p2
    chord = np.linalg.norm(p2 - p1, axis=1)
    g_lon, g_lat = ell.surface_below(0.5 * (p1 + p2))
    s_lon = lon1 + 0.5 * wrap(lon2 - lon1)
    s_lat = 0.5 * (lat1 + lat2)
    # The two midpoints are metres apart at most: their distance is the
    # local-tangent-plane norm of the lon/lat difference (radii of curvature
    # M and N at their mean latitude) to a relative O(sep / R); 1e-3 covers it.
    phi = np.radians(0.5 * (s_lat + g_lat))
    w2 = 1.0 - ell.e2 * np.sin(phi) ** 2
    n_rad = ell.a / np.sqrt(w2)
    m_rad = n_rad * (1.0 - ell.e2) / w2
    dx = np.radians(wrap(s_lon - g_lon)) * n_rad * np.cos(phi)
    dy = np.radians(s_lat - g_lat) * m_rad
    sep = np.hypot(dx, dy) * (1.0 + 1e-3)
    return g_lon, g_lat, sep + _MIDPOINT_SLACK_M, chord


def curve_deviation(
    ell: Ellipsoid,
    clon: NDArray[np.float64],
    clat: NDArray[np.float64],
    s: NDArray[np.float64],
    *,
    lon1: NDArray[np.float64],
    lat1: NDArray[np.float64],
    lon2: NDArray[np.float64],
    lat2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """A bound on both midpoint deviations (lon/lat-straight and geodesic) of edges drawn along
    the curve at distance ``s`` from ``C`` (a disk's boundary); infinite for edges over ``MAX_EDGE_M``."""
    g_lon, g_lat, sep, chord = edge_midpoints(ell, lon1, lat1, lon2, lat2)
    dev = np.abs(ell.distance(clon, clat, g_lon, g_lat) - s) + sep
    out: NDArray[np.float64] = np.where(chord > MAX_EDGE_M, np.inf, dev)
    return out


def refine(
    owner: NDArray[np.intp],
    t: NDArray[np.float64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    trace: Callable[[NDArray[np.intp], NDArray[np.float64]], tuple[NDArray[np.float64], NDArray[np.float64]]],
    deviation: Callable[
        [NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
        NDArray[np.float64],
    ],
    limit: NDArray[np.float64],
    max_vertices: int = MAX_VERTICES,
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Split edges of traced curves at their parameter midpoint until each passes the midpoint test.

    Parameters
    ----------
    owner, t, lon, lat : arrays
        Vertices of one or more open curves, sorted by ``owner`` then by the
        curve parameter ``t`` (an azimuth, say). Edges join consecutive
        vertices of the same owner; a closed curve repeats its first vertex at
        the end.
    trace : callable ``(owner, t) -> (lon, lat)``
        Points on the curves at new parameters.
    deviation : callable ``(owner, lon1, lat1, lon2, lat2) -> array``
        A bound on how far each edge's midpoint strays, in both readings.
    limit : array
        The deviation allowed per owner.
    max_vertices : int
        Vertices one curve may reach (or 8 times its start, if more):
        beyond, UnsupportedError asks for a larger tolerance.

    Returns
    -------
    owner, t, lon, lat
        With vertices added where needed, in the same order.
    """
    ok = np.r_[owner[1:] != owner[:-1], True]  # an owner's last vertex starts no edge
    most = max(max_vertices, 8 * np.bincount(owner).max()) if owner.size else max_vertices
    for _ in range(MAX_ROUNDS):
        if owner.size and np.bincount(owner).max() > most:
            raise UnsupportedError(
                f"drawing this boundary within its tolerance needs more than {most:,} vertices on one curve; "
                "use a larger tolerance"
            )
        todo = np.flatnonzero(~ok)
        if todo.size == 0:
            return owner, t, lon, lat
        nxt = todo + 1
        o = owner[todo]
        bad = deviation(o, lon[todo], lat[todo], lon[nxt], lat[nxt]) > limit[o]
        ok[todo[~bad]] = True
        split = todo[bad]
        if split.size == 0:
            return owner, t, lon, lat
        new_owner = owner[split]
        new_t = 0.5 * (t[split] + t[split + 1])
        new_lon, new_lat = trace(new_owner, new_t)
        cols = [
            np.concatenate(pair)
            for pair in zip((owner, t, lon, lat, ok), (new_owner, new_t, new_lon, new_lat, np.zeros(split.size, bool)))
        ]
        order = np.lexsort((cols[1], cols[0]))
        owner, t, lon, lat, ok = (c[order] for c in cols)
    raise RuntimeError("edge refinement did not converge; a boundary through a pole?")


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

    # Each edge is a curve in its fraction f (0 to 1) along the geodesic; a
    # piece is split while its straight and geodesic midpoints are more than
    # tol/2 apart.
    def trace(e, f):
        return ell.forward(base_lon[e], base_lat[e], az[e], f * length[e])[:2]

    def deviation(e, x1, y1, x2, y2):
        return edge_midpoints(ell, x1, y1, x2, y2)[2]

    start = np.repeat(np.arange(total), 2)
    frac = np.tile([0.0, 1.0], total)
    lon0, lat0 = trace(start, frac)
    e, f, out_lon, out_lat = refine(
        start, frac, lon0, lat0, trace=trace, deviation=deviation, limit=np.full(total, 0.5 * tol)
    )
    # Each edge's far end is the next edge's start (or the line's last vertex).
    keep = f < 1.0
    e, f, out_lon, out_lat = e[keep], f[keep], out_lon[keep], out_lat[keep]
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


def geodesic_line(ell: Ellipsoid, lon: float, lat: float, azimuth: float, length: float, *, tol: float) -> BaseGeometry:
    """The geodesic from a point along an azimuth, as a lon/lat LineString (split at ±180°)."""
    end_lon, end_lat, _ = ell.forward(lon, lat, azimuth, length)
    x, y = densify(ell, np.array([lon, float(end_lon[0])]), np.array([lat, float(end_lat[0])]), tol, closed=False)
    return split_line(x, y)
