"""Geodesic disks as lon/lat polygons with a guaranteed boundary tolerance.

The boundary of the disk of radius ``s`` about ``C`` is traced by the direct
geodesic problem, ``B(alpha) = Direct(C, alpha, s)``: every vertex lies on the
true boundary (to Karney's ~15 nm). Vertices are inserted where an edge, read
either as a straight line in lon/lat or as a geodesic, strays more than half
the tolerance from the boundary at its midpoint (see docs/exactness.md,
"Buffers"), so the vertex count follows the tolerance, the radius and the
latitude instead of a fixed number.

The deviation of a point ``P`` from the boundary is ``|dist(C, P) - s|``:
walking from ``P`` along the geodesic from ``C`` reaches the boundary after
exactly that distance, and no path is shorter (triangle inequality).

Disks touching the antimeridian are split there into a MultiPolygon, with an
exact boundary vertex on ±180°. A disk containing one pole is closed along
that pole's latitude; a disk containing both poles is the globe minus a hole
around the antipode of ``C``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from ..base.lonlat import WORLD, fold, polygonal, reduce_exactly, ring_polygon, wrap
from ..geodesy.ellipsoid import Ellipsoid, cut_floor, half_meridian
from .edges import MAX_EDGE_M, MID_SHARE, curve_deviation, refine

__all__ = ["disks", "boundary", "crossing"]

# A disk boundary starts from at least this many vertices (edges of at most 22.5° about the centre),
# however loose the tolerance, before the midpoint test (docs/exactness.md, step 6) refines it.
_MIN_VERTICES = 16


def _initial_step(ell: Ellipsoid, s: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """Azimuth step (radians) whose spherical sagitta is the allowed midpoint deviation."""
    r = ell.a
    rho = np.minimum(s / r, np.pi - s / r)
    # Sagitta of a geodesic chord on a sphere: m M / 8 * dalpha^2 with
    # m = R sin(rho), M = cos(rho); floor the product so a radius near a
    # quarter circumference (a great circle on the sphere, not on the
    # ellipsoid) still starts from a finite step.
    curv = np.maximum(np.abs(r * np.sin(rho) * np.cos(rho)), 3.0 * ell.f * r * np.sin(rho))
    # Aim a little under the limit so that few edges need a second look.
    step = np.sqrt(8.0 * 0.9 * MID_SHARE * tol / curv)
    # Keep edges under MAX_EDGE_M (boundary length per radian: R sin(rho)).
    step = np.minimum(step, 0.9 * MAX_EDGE_M / (r * np.sin(rho) + 1.0))
    return np.minimum(step, 2.0 * np.pi / _MIN_VERTICES)


def boundary(
    ell: Ellipsoid, clon: np.ndarray, clat: np.ndarray, s: np.ndarray, tol: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Adaptive boundary vertices of many disks at once.

    Returns ``(owner, alpha, lon, lat)`` sorted by owner then azimuth
    (degrees, in [0, 360)); ``lon`` in [-180, 180]. Requires ``s < cut_floor``.

    Only azimuths 0–180° are traced and tested: reflection in the centre's
    meridian plane is an isometry of the ellipsoid that maps straight lon/lat
    lines to straight lon/lat lines, so azimuth ``360 - alpha`` gives the
    mirror image of every vertex and edge, with the same deviations.
    """
    n = clon.size
    step = np.degrees(_initial_step(ell, s, tol))
    halves = np.ceil(180.0 / step).astype(np.intp)
    counts = halves + 1  # both 0° and 180°
    owner = np.repeat(np.arange(n), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    k = np.arange(owner.size) - first
    alpha = np.where(k == halves[owner], 180.0, k * np.repeat(180.0 / halves, counts))
    lon, lat, _ = ell.forward(clon[owner], clat[owner], alpha, s[owner])

    def trace(o, a):
        return ell.forward(clon[o], clat[o], a, s[o])[:2]

    def deviation(o, lon1, lat1, lon2, lat2):
        return curve_deviation(ell, clon[o], clat[o], s[o], lon1=lon1, lat1=lat1, lon2=lon2, lat2=lat2)

    owner, alpha, lon, lat = refine(owner, alpha, lon, lat, trace=trace, deviation=deviation, limit=MID_SHARE * tol)
    # Mirror 180° < alpha < 360° from 0° < alpha < 180°.
    inner = (alpha > 0.0) & (alpha < 180.0)
    m_owner = owner[inner][::-1]
    m_alpha = 360.0 - alpha[inner][::-1]
    m_lon = clon[m_owner] - wrap(lon[inner][::-1] - clon[m_owner])
    m_lat = lat[inner][::-1]
    owner, alpha, lon, lat = (
        np.concatenate(v) for v in ((owner, m_owner), (alpha, m_alpha), (lon, m_lon), (lat, m_lat))
    )
    order = np.lexsort((alpha, owner))
    return owner[order], alpha[order], wrap(lon[order]), lat[order]


def crossing(
    ell: Ellipsoid,
    clon: NDArray[np.float64],
    clat: NDArray[np.float64],
    s: NDArray[np.float64],
    *,
    a1: NDArray[np.float64],
    a2: NDArray[np.float64],
    target_lon: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Azimuths in [a1, a2] at which the boundary meets meridian ``target_lon``, by bisection.

    ``lon(a1)`` and ``lon(a2)`` must lie on opposite sides of the meridian
    (measured as wrapped differences). 60 halvings of at most a few degrees
    leave ~1e-18 degrees of azimuth: the crossing vertex is on the boundary
    (it is a Direct point) and on the meridian to well under a nanometre.
    """
    lo, hi = a1.copy(), a2.copy()
    lon_lo, _, _ = ell.forward(clon, clat, lo, s)
    side_lo = wrap(lon_lo - target_lon) < 0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        m_lon, _, _ = ell.forward(clon, clat, mid, s)
        same = (wrap(m_lon - target_lon) < 0) == side_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    mid = 0.5 * (lo + hi)
    lon, lat, _ = ell.forward(clon, clat, mid, s)
    return mid, lat


class _Disk(NamedTuple):
    """One disk being drawn: its ellipsoid, centre and radius, which travel together through the tracing."""

    ell: Ellipsoid
    clon: float
    clat: float
    s: float


def disks(ell: Ellipsoid, clon: np.ndarray, clat: np.ndarray, s: np.ndarray, tol: np.ndarray) -> list[BaseGeometry]:
    """Polygons (EPSG:4326) of the geodesic disks of radius ``s`` about each centre."""
    # A centre may carry any number of turns; the polygon is drawn about the exact reduction
    # (unwrapped about 1e300, the boundary would lose every digit; fuzzing found it).
    clon = reduce_exactly(clon)
    clat = np.asarray(clat, dtype=float)
    s = np.asarray(s, dtype=float)
    tol = np.asarray(tol, dtype=float)
    n = clon.size
    out: list[BaseGeometry] = [shapely.Polygon()] * n
    hm = half_meridian(ell)
    globe = s >= hm
    for i in np.flatnonzero(globe):
        out[i] = WORLD
    band = ~globe & (s >= cut_floor(ell))
    for i in np.flatnonzero(band):
        out[i] = polygonal(shapely.difference(WORLD, _far_hole(ell, clon[i], clat[i], s[i], tol[i])))
    todo = np.flatnonzero(~globe & ~band)
    if todo.size == 0:
        return out
    # Which poles each disk contains (distance to a pole along the meridian).
    to_north = ell.distance(clon[todo], clat[todo], clon[todo], np.full(todo.size, 90.0))
    to_south = ell.distance(clon[todo], clat[todo], clon[todo], np.full(todo.size, -90.0))
    north = to_north < s[todo]
    south = to_south < s[todo]
    owner, alpha, lon, lat = boundary(ell, clon[todo], clat[todo], s[todo], tol[todo])
    starts = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1, owner.size]
    for k, i in enumerate(todo):
        sl = slice(starts[k], starts[k + 1])
        lon_k, lat_k = _pole_vertices(clon[i], lon[sl], lat[sl], north[k], south[k])
        if north[k] and south[k]:
            draw = _both_poles
        elif north[k] or south[k]:
            draw = _one_pole  # ring_polygon finds which pole from the winding
        else:
            draw = _no_pole
        out[i] = draw(_Disk(ell, float(clon[i]), float(clat[i]), float(s[i])), alpha=alpha[sl], lon=lon_k, lat=lat_k)
    return out


# Vertices this close to a pole (in degrees of latitude, about 1.1 µm) are put on it. pyproj's
# direct solution is good to ~15 nm, so a boundary that passes a pole closer than that may come
# back on either side of it; 1.1 µm is far beyond that rounding and 0.1% of the finest
# tolerance (reaches.MIN_TOLERANCE_M), so the move costs nothing of the error budget.
POLE_SNAP_DEG = 1e-11


def _pole_vertices(
    clon: float, lon: np.ndarray, lat: np.ndarray, north: bool, south: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes with every vertex on (or within rounding of) a pole put on the
    pole, on the side the disk has there.

    A boundary reaches a pole only along the centre's meridian (azimuth 0 or
    180), when the radius equals the pole's distance to within rounding. The
    vertex then has no longitude of its own (pyproj may give the centre's or
    the opposite one), but the polygon reads one: the disk lies toward the
    centre, so the vertex belongs on the centre's meridian, unless the pole
    counts as inside (distance below the radius), when the boundary passes
    just beyond it, on the opposite meridian. Left arbitrary, a boundary
    through the pole winds the wrong way round it and the disk comes back
    inside-out. The same holds for a vertex a few nanometres from the pole
    (a radius from another solver, differing in the last digits): it is
    moved onto the pole first (by at most POLE_SNAP_DEG).
    """
    at_pole = 90.0 - np.abs(lat) <= POLE_SNAP_DEG
    if not at_pole.any():
        return lon, lat
    inside = np.where(lat[at_pole] > 0, north, south)
    lon, lat = lon.copy(), lat.copy()
    lon[at_pole] = wrap(clon + np.where(inside, 180.0, 0.0))
    lat[at_pole] = np.copysign(90.0, lat[at_pole])
    return lon, lat


def _insert_crossings(
    disk: _Disk,
    *,
    alpha: NDArray[np.float64],
    lon: NDArray[np.float64],
    ulon: NDArray[np.float64],
    lat: NDArray[np.float64],
    meridian: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Add exact vertices where the unwrapped boundary crosses ``meridian + 360 k``.

    ``ulon`` is the unwrapped longitude of each vertex. Returns new
    (alpha, ulon, lat) arrays, with crossing vertices set exactly on the meridian.
    """
    ell, clon, clat, s = disk
    nxt = np.r_[np.arange(1, alpha.size), 0]
    u1, u2 = ulon, ulon[nxt]
    # The closing edge of a one-pole boundary wraps by 360; compare it in
    # unwrapped terms too by shifting the next vertex by the edge's own step.
    u2 = u1 + wrap(lon[nxt] - lon)
    k1 = np.floor((u1 - meridian) / 360.0)
    k2 = np.floor((u2 - meridian) / 360.0)
    hits = np.flatnonzero(k1 != k2)
    on = np.flatnonzero(np.remainder(u1 - meridian, 360.0) == 0.0)
    if hits.size == 0:
        return alpha, ulon, lat
    a1 = alpha[hits]
    a2 = alpha[nxt[hits]]
    a2 = np.where(a2 <= a1, a2 + 360.0, a2)
    n = hits.size
    ca, clat_x = crossing(ell, np.full(n, clon), np.full(n, clat), np.full(n, s), a1=a1, a2=a2, target_lon=meridian)
    kk = np.maximum(k1[hits], k2[hits])
    cross_u = meridian + 360.0 * kk
    # A vertex already exactly on the meridian needs no crossing after it.
    fresh = ~np.isin(hits, on) & ~np.isin(nxt[hits], on)
    # Insert each crossing right after its edge's first vertex.
    pos = hits[fresh] + 1
    alpha = np.insert(alpha, pos, np.remainder(ca[fresh], 360.0))
    ulon = np.insert(ulon, pos, cross_u[fresh])
    lat = np.insert(lat, pos, clat_x[fresh])
    return alpha, ulon, lat


def _around(
    disk: _Disk,
    *,
    alpha: NDArray[np.float64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    ref: float,
) -> BaseGeometry:
    """The region a pole-free boundary encloses, unwrapped about longitude ``ref`` and cut at ±180°.

    Off the poles the boundary's longitude stays within 180° of the centre's
    (reaching 180° would put a pole on the minimising meridian, inside); seen
    from the antipode the same holds for the hole of a disk holding both poles.
    """
    ulon = ref + wrap(lon - ref)
    if ulon.max() > 180.0 or ulon.min() < -180.0:
        meridian = 180.0 if ulon.max() > 180.0 else -180.0
        alpha, ulon, lat = _insert_crossings(disk, alpha=alpha, lon=lon, ulon=ulon, lat=lat, meridian=meridian)
    return fold(shapely.Polygon(np.column_stack((ulon, lat))))


def _no_pole(
    disk: _Disk,
    *,
    alpha: NDArray[np.float64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
) -> BaseGeometry:
    return _around(disk, alpha=alpha, lon=lon, lat=lat, ref=disk.clon)


def _one_pole(
    disk: _Disk,
    *,
    alpha: NDArray[np.float64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
) -> BaseGeometry:
    # Unwrap along the boundary: it winds once around the pole, 360° in all.
    steps = wrap(np.diff(np.r_[lon, lon[0]]))
    ulon = lon[0] + np.r_[0.0, np.cumsum(steps[:-1])]
    alpha, ulon, lat = _insert_crossings(disk, alpha=alpha, lon=lon, ulon=ulon, lat=lat, meridian=180.0)
    # Azimuth grows clockwise seen from above, so the disk is on the right.
    return ring_polygon(ulon - 360.0 * np.round(ulon / 360.0), lat, interior_left=False)


def _both_poles(
    disk: _Disk,
    *,
    alpha: NDArray[np.float64],
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
) -> BaseGeometry:
    # The globe minus the pole-free region around the antipode.
    hole = _around(disk, alpha=alpha, lon=lon, lat=lat, ref=disk.clon + 180.0)
    return polygonal(shapely.difference(WORLD, hole))


def _far_hole(ell: Ellipsoid, clon: float, clat: float, s: float, tol: float) -> BaseGeometry:
    """The points farther than ``s`` from ``C``, for ``cut_floor <= s <`` the antipodal distance.

    Beyond ``pi * b`` some geodesics from ``C`` stop being shortest before
    they reach ``s``, so ``Direct(C, alpha, s)`` no longer traces the
    boundary. The region beyond ``s`` is then a small patch around the
    antipode ``A`` of ``C`` (tens of kilometres across on WGS84), traced by
    rays from ``A``: along each, the distance from ``C`` falls from its
    maximum at ``A``, and bisection finds where it crosses ``s``. Edges get
    the same midpoint test as disk boundaries.
    """
    alon = float(wrap(np.array(clon + 180.0)))
    alat = -clat

    def radius(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = beta.size
        ax, ay = np.full(n, alon), np.full(n, alat)
        cx, cy = np.full(n, clon), np.full(n, clat)
        far = lambda r: ell.distance(cx, cy, *ell.forward(ax, ay, beta, r)[:2]) > s  # noqa: E731
        lo = np.zeros(n)
        # Within hm - s of A every point is beyond s (triangle inequality).
        hi = np.full(n, max(2.0 * (half_meridian(ell) - s), 1_000.0))
        for _ in range(60):
            grow = far(hi)
            if not grow.any():
                break
            lo = np.where(grow, hi, lo)
            hi = np.where(grow, 2.0 * hi, hi)
        for _ in range(64):
            mid = 0.5 * (lo + hi)
            f = far(mid)
            lo = np.where(f, mid, lo)
            hi = np.where(f, hi, mid)
        r = 0.5 * (lo + hi)
        x, y, _ = ell.forward(ax, ay, beta, r)
        return r, x, y

    # A closed curve: the ray at 360° repeats the one at 0° (dropped after refining).
    beta = np.linspace(0.0, 360.0, 65)
    _, lon, lat = radius(beta)
    lon[-1], lat[-1] = lon[0], lat[0]
    n = beta.size

    def deviation(o, lon1, lat1, lon2, lat2):
        k = o.size
        full = (np.full(k, clon), np.full(k, clat), np.full(k, s))
        return curve_deviation(ell, *full, lon1=lon1, lat1=lat1, lon2=lon2, lat2=lat2)

    _, beta, lon, lat = refine(
        np.zeros(n, dtype=np.intp),
        beta,
        lon,
        lat,
        trace=lambda o, b: radius(b)[1:],
        deviation=deviation,
        limit=np.array([MID_SHARE * tol]),
    )
    lon, lat = lon[:-1], lat[:-1]
    # Azimuth grows clockwise seen from above: the hole is on the right.
    return ring_polygon(lon, lat, interior_left=False)
