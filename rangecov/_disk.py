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

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .geodesy import Ellipsoid

__all__: list[str] = []

# Midpoint deviation allowed per edge, as a share of the tolerance. The
# deviation along an edge is a smooth bump vanishing at both ends; half the
# tolerance at its middle leaves room for a bump that is not a parabola.
_MID_SHARE = 0.5
_MIN_VERTICES = 16
_MAX_ROUNDS = 60

WORLD = shapely.box(-180.0, -90.0, 180.0, 90.0)


def _wrap(d: np.ndarray) -> np.ndarray:
    """Longitude differences reduced to [-180, 180)."""
    return np.remainder(d + 180.0, 360.0) - 180.0


def half_meridian(ell: Ellipsoid) -> float:
    """Distance between antipodal points: the largest geodesic distance on the ellipsoid."""
    return float(ell.geod.inv(0.0, 90.0, 0.0, -90.0)[2])


def cut_floor(ell: Ellipsoid) -> float:
    """A distance below which every geodesic from any point is the shortest path.

    ``pi * b`` on an oblate ellipsoid: the equatorial geodesic stops being
    shortest at longitude ``(1 - f) pi``, i.e. after ``a (1 - f) pi``; the
    oracle tests check the claim for random starts and azimuths.
    """
    return float(np.pi * ell.b)


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
    step = np.sqrt(8.0 * 0.9 * _MID_SHARE * tol / curv)
    # Keep edges under MAX_EDGE_M (boundary length per radian: R sin(rho)).
    step = np.minimum(step, 0.9 * MAX_EDGE_M / (r * np.sin(rho) + 1.0))
    return np.minimum(step, 2.0 * np.pi / _MIN_VERTICES)


# Edges longer than this are always split: the midpoint test below leans on
# the edge being short against the Earth's radius.
MAX_EDGE_M = 30_000.0
# The surface point below the chord midpoint lies on the geodesic to well
# under a micrometre for edges up to 30 km (tested); this covers it.
_MIDPOINT_SLACK_M = 1e-5


def edge_midpoints(ell: Ellipsoid, lon1, lat1, lon2, lat2, p1=None, p2=None):
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
    s_lon = lon1 + 0.5 * _wrap(lon2 - lon1)
    s_lat = 0.5 * (lat1 + lat2)
    # The two midpoints are metres apart at most: their distance is the
    # local-tangent-plane norm of the lon/lat difference (radii of curvature
    # M and N at their mean latitude) to a relative O(sep / R); 1e-3 covers it.
    phi = np.radians(0.5 * (s_lat + g_lat))
    w2 = 1.0 - ell.e2 * np.sin(phi) ** 2
    n_rad = ell.a / np.sqrt(w2)
    m_rad = n_rad * (1.0 - ell.e2) / w2
    dx = np.radians(_wrap(s_lon - g_lon)) * n_rad * np.cos(phi)
    dy = np.radians(s_lat - g_lat) * m_rad
    sep = np.hypot(dx, dy) * (1.0 + 1e-3)
    return g_lon, g_lat, sep + _MIDPOINT_SLACK_M, chord


def _deviation(ell, clon, clat, s, lon1, lat1, lon2, lat2, p1=None, p2=None) -> np.ndarray:
    """A bound on both midpoint deviations of edges (lon/lat-straight and geodesic)."""
    g_lon, g_lat, sep, chord = edge_midpoints(ell, lon1, lat1, lon2, lat2, p1, p2)
    dev = np.abs(ell.distance(clon, clat, g_lon, g_lat) - s) + sep
    return np.where(chord > MAX_EDGE_M, np.inf, dev)


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
    # ok[i]: the edge from vertex i to i + 1 passed (the 180° vertex has none).
    ok = alpha == 180.0
    for _ in range(_MAX_ROUNDS):
        todo = np.flatnonzero(~ok)
        if todo.size == 0:
            break
        j = todo + 1
        o = owner[todo]
        p1 = ell.ecef(lon[todo], lat[todo])
        p2 = ell.ecef(lon[j], lat[j])
        dev = _deviation(ell, clon[o], clat[o], s[o], lon[todo], lat[todo], lon[j], lat[j], p1, p2)
        bad = dev > _MID_SHARE * tol[o]
        ok[todo[~bad]] = True
        split = todo[bad]
        if split.size == 0:
            break
        new_alpha = 0.5 * (alpha[split] + alpha[split + 1])
        new_owner = owner[split]
        nlon, nlat, _ = ell.forward(clon[new_owner], clat[new_owner], new_alpha, s[new_owner])
        owner, alpha, lon, lat, ok = _merge(
            (owner, alpha, lon, lat, ok), (new_owner, new_alpha, nlon, nlat, np.zeros(split.size, dtype=bool))
        )
    else:  # pragma: no cover - only reachable for a boundary through a pole
        raise RuntimeError("disk boundary did not converge; a boundary through a pole?")
    # Mirror 180° < alpha < 360° from 0° < alpha < 180°.
    inner = (alpha > 0.0) & (alpha < 180.0)
    m_owner = owner[inner][::-1]
    m_alpha = 360.0 - alpha[inner][::-1]
    m_lon = clon[m_owner] - _wrap(lon[inner][::-1] - clon[m_owner])
    m_lat = lat[inner][::-1]
    owner, alpha, lon, lat = (
        np.concatenate(v) for v in ((owner, m_owner), (alpha, m_alpha), (lon, m_lon), (lat, m_lat))
    )
    order = np.lexsort((alpha, owner))
    return owner[order], alpha[order], _wrap(lon[order]), lat[order]


def _merge(old, new):
    cols = [np.concatenate((a, b)) for a, b in zip(old, new)]
    order = np.lexsort((cols[1], cols[0]))
    return tuple(c[order] for c in cols)


def crossing(ell, clon, clat, s, a1, a2, target_lon):
    """Azimuths in [a1, a2] at which the boundary meets meridian ``target_lon``, by bisection.

    ``lon(a1)`` and ``lon(a2)`` must lie on opposite sides of the meridian
    (measured as wrapped differences). 60 halvings of at most a few degrees
    leave ~1e-18 degrees of azimuth: the crossing vertex is on the boundary
    (it is a Direct point) and on the meridian to well under a nanometre.
    """
    lo, hi = a1.copy(), a2.copy()
    lon_lo, _, _ = ell.forward(clon, clat, lo, s)
    side_lo = _wrap(lon_lo - target_lon) < 0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        m_lon, _, _ = ell.forward(clon, clat, mid, s)
        same = (_wrap(m_lon - target_lon) < 0) == side_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    mid = 0.5 * (lo + hi)
    lon, lat, _ = ell.forward(clon, clat, mid, s)
    return mid, lat


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
    pieces = []
    for k in range(k0, k1 + 1):
        piece = shapely.intersection(geom, shapely.box(-180.0 + 360 * k, -90.0, 180.0 + 360 * k, 90.0))
        if not piece.is_empty:
            pieces.extend(shapely.get_parts(shapely.affinity.translate(piece, xoff=-360.0 * k)))
    if geom.geom_type in ("LineString", "MultiLineString"):
        lines = [p for p in pieces if p.geom_type == "LineString"]
        return shapely.MultiLineString(lines) if len(lines) > 1 else lines[0]
    return _polygonal(shapely.union_all(pieces))


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Drop slivers of lower dimension that clipping can leave behind."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def disks(ell: Ellipsoid, clon: np.ndarray, clat: np.ndarray, s: np.ndarray, tol: np.ndarray) -> list[BaseGeometry]:
    """Polygons (EPSG:4326) of the geodesic disks of radius ``s`` about each centre."""
    clon = np.asarray(clon, dtype=float)
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
        out[i] = _polygonal(shapely.difference(WORLD, _far_hole(ell, clon[i], clat[i], s[i], tol[i])))
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
        args = (ell, clon[i], clat[i], s[i], alpha[sl], lon[sl], lat[sl])
        if north[k] and south[k]:
            out[i] = _both_poles(*args)
        elif north[k] or south[k]:
            out[i] = _one_pole(*args)  # ring_polygon finds which pole from the winding
        else:
            out[i] = _no_pole(*args)
    return out


def _insert_crossings(ell, clon, clat, s, alpha, lon, ulon, lat, meridian):
    """Add exact vertices where the unwrapped boundary crosses ``meridian + 360 k``.

    ``ulon`` is the unwrapped longitude of each vertex. Returns new
    (alpha, ulon, lat) arrays, with crossing vertices set exactly on the meridian.
    """
    nxt = np.r_[np.arange(1, alpha.size), 0]
    u1, u2 = ulon, ulon[nxt]
    # The closing edge of a one-pole boundary wraps by 360; compare it in
    # unwrapped terms too by shifting the next vertex by the edge's own step.
    u2 = u1 + _wrap(lon[nxt] - lon)
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
    ca, clat_x = crossing(ell, np.full(n, clon), np.full(n, clat), np.full(n, s), a1, a2, meridian)
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
    steps = _wrap(raw)
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


def _around(ell, clon, clat, s, alpha, lon, lat, ref):
    """The region a pole-free boundary encloses, unwrapped about longitude ``ref`` and cut at ±180°.

    Off the poles the boundary's longitude stays within 180° of the centre's
    (reaching 180° would put a pole on the minimising meridian, inside); seen
    from the antipode the same holds for the hole of a disk holding both poles.
    """
    ulon = ref + _wrap(lon - ref)
    if ulon.max() > 180.0 or ulon.min() < -180.0:
        meridian = 180.0 if ulon.max() > 180.0 else -180.0
        alpha, ulon, lat = _insert_crossings(ell, clon, clat, s, alpha, lon, ulon, lat, meridian)
    return fold(shapely.Polygon(np.column_stack((ulon, lat))))


def _no_pole(ell, clon, clat, s, alpha, lon, lat):
    return _around(ell, clon, clat, s, alpha, lon, lat, clon)


def _one_pole(ell, clon, clat, s, alpha, lon, lat):
    # Unwrap along the boundary: it winds once around the pole, 360° in all.
    steps = _wrap(np.diff(np.r_[lon, lon[0]]))
    ulon = lon[0] + np.r_[0.0, np.cumsum(steps[:-1])]
    alpha, ulon, lat = _insert_crossings(ell, clon, clat, s, alpha, lon, ulon, lat, 180.0)
    # Azimuth grows clockwise seen from above, so the disk is on the right.
    return ring_polygon(ulon - 360.0 * np.round(ulon / 360.0), lat, interior_left=False)


def _both_poles(ell, clon, clat, s, alpha, lon, lat):
    # The globe minus the pole-free region around the antipode.
    hole = _around(ell, clon, clat, s, alpha, lon, lat, clon + 180.0)
    return _polygonal(shapely.difference(WORLD, hole))


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
    alon = float(_wrap(np.array(clon + 180.0)))
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

    beta = np.linspace(0.0, 360.0, 65)[:-1]
    _, lon, lat = radius(beta)
    ok = np.zeros(beta.size, dtype=bool)
    for _ in range(_MAX_ROUNDS):
        todo = np.flatnonzero(~ok)
        if todo.size == 0:
            break
        j = np.where(todo + 1 == beta.size, 0, todo + 1)
        n = todo.size
        dev = _deviation(ell, np.full(n, clon), np.full(n, clat), np.full(n, s), lon[todo], lat[todo], lon[j], lat[j])
        bad = dev > _MID_SHARE * tol
        ok[todo[~bad]] = True
        split = todo[bad]
        if split.size == 0:
            break
        b2 = np.where(split + 1 == beta.size, 360.0, beta[np.minimum(split + 1, beta.size - 1)])
        new_beta = 0.5 * (beta[split] + b2)
        _, nlon, nlat = radius(new_beta)
        beta = np.r_[beta, new_beta]
        lon = np.r_[lon, nlon]
        lat = np.r_[lat, nlat]
        ok = np.r_[ok, np.zeros(split.size, dtype=bool)]
        order = np.argsort(beta, kind="stable")
        beta, lon, lat, ok = beta[order], lon[order], lat[order], ok[order]
    # Azimuth grows clockwise seen from above: the hole is on the right.
    return ring_polygon(lon, lat, interior_left=False)
