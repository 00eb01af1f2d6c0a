"""The ellipsoid model, exact geodesic distances and the chord bounds that prune them.

Everything that touches the shape of the Earth lives here, so that the search
code in :mod:`rangecov.engine` only sees three facts (proved in
``docs/exactness.md``):

1. ``c <= s``: the straight ECEF chord ``c`` never exceeds the geodesic ``s``.
2. ``b * theta <= s``: the geocentric angle ``theta`` between the two points,
   times the polar semi-axis ``b``, never exceeds ``s`` (radial projection onto
   the inscribed sphere shortens every path).
3. ``s <= 2 rho asin(c / (2 rho))`` with ``rho = b**2 / a`` whenever
   ``c < 2 rho`` (Schur's comparison theorem applied to the geodesic).

Exact distances come from Karney's algorithm (``pyproj.Geod.inv``, the
C implementation of GeographicLib), accurate to about 15 nanometres on WGS84.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyproj
from numpy.typing import ArrayLike, NDArray

from ..base.tuning import PARALLEL_MIN
from ..errors import InputError, InputTypeError

__all__ = [
    "Ellipsoid",
    "get_ellipsoid",
    "ellipsoid_names",
    "default_workers",
    "half_meridian",
    "cut_floor",
    "earth_area",
]

# Slack added to every pruning comparison: far above the ~1e-8 m rounding of
# chords and Karney distances, far below anything that matters, and it only ever
# admits more candidates to the exact test, never fewer.
PRUNE_SLACK_M = 1e-3


def ellipsoid_names() -> list[str]:
    """Names accepted by ``ellipsoid=`` (the ``ellps`` names pyproj knows)."""
    return sorted(pyproj.get_ellps_map())


@dataclass(frozen=True)
class Ellipsoid:
    """An oblate ellipsoid of revolution (or a sphere) with its geodesic solver.

    Attributes
    ----------
    name : str
        The pyproj ``ellps`` name, e.g. ``"WGS84"`` or ``"sphere"``.
    a, b : float
        Equatorial and polar semi-axes in metres.
    f : float
        Flattening ``(a - b) / a``.
    """

    name: str
    a: float
    b: float
    f: float
    geod: pyproj.Geod = field(repr=False, compare=False)

    @property
    def e2(self) -> float:
        """First eccentricity squared."""
        return self.f * (2.0 - self.f)

    @property
    def rho(self) -> float:
        """Smallest principal radius of curvature, ``b**2 / a`` (meridian at the equator)."""
        return self.b * self.b / self.a

    def ecef(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
        """Earth-centred Cartesian coordinates (n, 3) of points on the surface, in metres."""
        # Reduce first, exactly (a floating-point remainder is exact), as Karney's
        # solver does; radians() of a huge longitude would lose millimetres.
        lon_r = np.radians(np.remainder(np.asarray(lon, dtype=float), 360.0))
        lat_r = np.radians(np.asarray(lat, dtype=float))
        sin_lat = np.sin(lat_r)
        cos_lat = np.cos(lat_r)
        n = self.a / np.sqrt(1.0 - self.e2 * sin_lat * sin_lat)
        out = np.empty((lon_r.size, 3))
        out[:, 0] = n * cos_lat * np.cos(lon_r)
        out[:, 1] = n * cos_lat * np.sin(lon_r)
        out[:, 2] = n * (1.0 - self.e2) * sin_lat
        return out

    def surface_below(self, xyz: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Longitude and geodetic latitude (degrees) of the surface points below ECEF points.

        Fixed-point iteration on the latitude; four rounds converge to well
        under a nanoradian for points within kilometres of the surface.
        """
        x, y, z = xyz[:, 0], xyz[:, 1], xyz[:, 2]
        p = np.hypot(x, y)
        lon = np.degrees(np.arctan2(y, x))
        e2 = self.e2
        lat = np.arctan2(z, p * (1.0 - e2))
        for _ in range(4):
            s = np.sin(lat)
            n = self.a / np.sqrt(1.0 - e2 * s * s)
            lat = np.arctan2(z + e2 * n * s, p)
        return lon, np.degrees(lat)

    def distance(
        self, lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike, *, workers: int | None = None
    ) -> NDArray[np.float64]:
        """Exact geodesic distances in metres between paired points (Karney 2013).

        Large inputs are split over threads; pyproj releases the GIL inside
        the C loop, so this scales with cores (``workers`` threads; default
        :func:`default_workers`).
        """
        return self.inverse(lon1, lat1, lon2, lat2, workers=workers)[2]

    def inverse(
        self, lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike, *, workers: int | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Exact inverse problem: forward azimuth, back azimuth (degrees) and distance (m)."""
        return _threaded(self.geod.inv, lon1, lat1, lon2, lat2, workers=workers)

    def inverse_consuming(
        self, lon1: NDArray[np.float64], lat1: NDArray[np.float64], lon2: NDArray[np.float64], lat2: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """:meth:`inverse` on the calling thread, writing its results over its inputs.

        For the engine's hot path: all four arrays must be float64,
        contiguous and writable (pyproj asks for writable buffers), and
        ``lon1``, ``lat1`` and ``lon2`` the caller's own (fresh gathers): they
        come back holding the forward azimuth, the back azimuth and the
        distance; ``lat2``'s values are left as they were. No copies are made.
        """
        az12, az21, s = self.geod.inv(lon1, lat1, lon2, lat2, inplace=True)
        return az12, az21, s

    def forward(
        self, lon: ArrayLike, lat: ArrayLike, azimuth: ArrayLike, distance: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Exact direct problem: end longitude, latitude and back azimuth (degrees).

        Longitudes come back in [-180, 180].
        """
        return _threaded(self.geod.fwd, lon, lat, azimuth, distance)

    def lower_bound(self, p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
        """A lower bound on the geodesic distance between ECEF points ``p`` and ``q``.

        ``max(chord, b * theta)``: the chord is the better bound for near pairs,
        the geocentric angle for near-antipodal ones.
        """
        d = p - q
        chord: NDArray[np.float64] = np.sqrt(np.einsum("ij,ij->i", d, d))
        pu = p / np.sqrt(np.einsum("ij,ij->i", p, p))[:, None]
        qu = q / np.sqrt(np.einsum("ij,ij->i", q, q))[:, None]
        # Kahan's angle formula: well conditioned at 0 and at pi alike.
        diff, summ = pu - qu, pu + qu
        theta = 2.0 * np.arctan2(np.sqrt(np.einsum("ij,ij->i", diff, diff)), np.sqrt(np.einsum("ij,ij->i", summ, summ)))
        bound: NDArray[np.float64] = np.maximum(chord, self.b * theta)
        return bound

    def chord_reach(self, s: ArrayLike) -> NDArray[np.float64]:
        """Largest chord between surface points whose geodesic distance may be ``<= s``.

        Every pair with ``geodesic <= s`` has ``chord <= s`` (bound 1) and
        geocentric angle ``theta <= s / b`` (bound 2, ``s >= b theta``); for
        points at radii in ``[b, a]`` and angle ``theta <= pi`` the chord is
        at most ``sqrt((a - b)^2 + (2 a sin(theta / 2))^2)``
        (docs/exactness.md, step 2a). Far from the origins this is much
        tighter than ``s`` (8,321 km against 9,000 km), which keeps the
        candidate search small for targets far from every origin. Grown by a
        relative 1e-12 and ``PRUNE_SLACK_M`` so that rounding can only keep a
        candidate, never drop one.
        """
        s = np.asarray(s, dtype=float)
        theta = np.minimum(np.maximum(s, 0.0) / self.b, np.pi)
        by_angle = np.hypot(self.a - self.b, 2.0 * self.a * np.sin(theta / 2.0))
        chord: NDArray[np.float64] = np.minimum(s, by_angle) * (1.0 + 1e-12) + PRUNE_SLACK_M
        return chord

    def distance_lower(self, chord: ArrayLike) -> NDArray[np.float64]:
        """A lower bound on the geodesic distance of a pair whose chord is at least ``chord``: step 2a inverted.

        ``c <= sqrt((a - b)^2 + (2 a sin(theta / 2))^2)`` and ``s >= b theta``
        (docs/exactness.md, step 2a), so
        ``s >= max(c, 2 b asin(sqrt(c^2 - (a - b)^2) / 2a))``: far tighter than
        the chord near the antipode. The argument of ``asin`` is shrunk by a
        relative 1e-9 (``asin`` magnifies rounding near 1) and the result by a
        relative 1e-12 and ``PRUNE_SLACK_M``.
        """
        c = np.maximum(np.asarray(chord, dtype=float), 0.0)
        x = np.sqrt(np.maximum(c * c - (self.a - self.b) ** 2, 0.0)) / (2.0 * self.a)
        by_angle = 2.0 * self.b * np.arcsin(np.minimum(x * (1.0 - 1e-9), 1.0))
        bound: NDArray[np.float64] = np.maximum(c, by_angle) * (1.0 - 1e-12) - PRUNE_SLACK_M
        return bound

    @property
    def chord_limit(self) -> float:
        """Chords below this have ``s <= pi rho``, where bound 3 holds (docs/exactness.md, step 4a)."""
        return min(2.0 * self.rho, 2.0 * self.b * float(np.sin(np.pi * self.rho / (2.0 * self.a))))

    def chord_surely_within(self, reach: NDArray[np.float64]) -> NDArray[np.float64]:
        """Largest chord ``c`` for which ``s <= reach`` is certain (bound 3).

        ``2 rho asin(c / 2 rho) <= reach``  iff  ``c <= 2 rho sin(reach / 2 rho)``
        for ``reach <= pi rho``; beyond that every chord below the domain
        limit qualifies. The result is shrunk by a relative 1e-12 and by
        ``PRUNE_SLACK_M`` so that rounding can only send a pair to the exact
        test, never past it.
        """
        reach = np.asarray(reach, dtype=float)
        two_rho = 2.0 * self.rho
        arc = np.minimum(reach, np.pi * self.rho)
        inner = np.minimum(two_rho * np.sin(arc / two_rho), self.chord_limit)
        return inner * (1.0 - 1e-12) - PRUNE_SLACK_M

    def distance_upper(self, chord: ArrayLike) -> NDArray[np.float64]:
        """An upper bound on the geodesic distance of a pair with this chord (bound 3).

        ``2 rho asin(c / 2 rho)`` for chords below :attr:`chord_limit`
        (docs/exactness.md, step 4), infinity beyond. ``asin`` magnifies the
        chord's rounding (~1e-9 m) by ``1 / sqrt(1 - x^2)``, so the bound is
        only used up to a millionth below the limit (magnification at most
        ~700), and grown by a relative 1e-12 and ``PRUNE_SLACK_M`` so that
        rounding can only weaken it.
        """
        c = np.asarray(chord, dtype=float)
        inside = c < self.chord_limit * (1.0 - 1e-6)
        two_rho = 2.0 * self.rho
        s = two_rho * np.arcsin(np.clip(np.where(inside, c, 0.0) / two_rho, 0.0, 1.0))
        return np.where(inside, s * (1.0 + 1e-12) + PRUNE_SLACK_M, np.inf)

    def lower_bound_beside(
        self, s: ArrayLike, toward: ArrayLike, step: ArrayLike, heading: ArrayLike
    ) -> NDArray[np.float64]:
        """A lower bound on ``s(T, Q)`` from a measured ``s = s(T, O)`` and the geodesic from ``O`` to ``Q``.

        ``toward`` is the azimuth at ``O`` of the geodesic to ``T`` (degrees),
        ``step`` and ``heading`` the length and initial azimuth of a geodesic
        from ``O`` to ``Q``. Along that geodesic ``f(u) = s(T, γ(u))`` has
        ``f'(0) = g0 = -cos(heading - toward)`` and, by the Hessian comparison
        theorem with the largest Gaussian curvature ``1/b**2``,
        ``f'' >= h (1 - f'^2)`` with ``h = cot((s + step) / b) / b``; so
        ``f' >= tanh(h u + atanh(g0))`` and
        ``s(T, Q) >= s + ln(cosh(h L) + g0 sinh(h L)) / h``
        (docs/exactness.md, step 3c). Valid where ``step < s`` (the path
        keeps away from ``T``) and ``s + step < pi b / 2`` (``h > 0``);
        ``-inf`` elsewhere. Shrunk by a relative 1e-12 and ``PRUNE_SLACK_M``.
        """
        s, toward, step, heading = np.broadcast_arrays(
            *(np.asarray(v, dtype=float) for v in (s, toward, step, heading))
        )
        ok = (step < s) & (s + step < 0.5 * np.pi * self.b * (1.0 - 1e-9))
        far = np.where(ok, s + step, 1.0)
        h = np.where(ok, 1.0 / (self.b * np.tan(far / self.b)), 1.0)
        x = np.where(ok, h * step, 0.0)  # x < 1 where ok: h <= 1 / (s + step)
        g0 = -np.cos(np.radians(heading - toward))
        gain = np.log1p(2.0 * np.sinh(x / 2.0) ** 2 + g0 * np.sinh(x)) / h
        bound = (s + gain) - 1e-12 * far - PRUNE_SLACK_M
        return np.where(ok, bound, -np.inf)

    def lower_bound_around(
        self,
        s: ArrayLike,
        toward: ArrayLike,
        *,
        box: tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike],
        longest: ArrayLike,
        span: ArrayLike,
    ) -> NDArray[np.float64]:
        """A lower bound on ``s(T, Q)`` for every ``Q`` of a group, from one measured ``s = s(T, R)``.

        Each ``Q`` is given by the geodesic from ``R`` to it (length ``L``,
        initial azimuth ``alpha``) as ``v = L (sin alpha, cos alpha)``;
        ``box = (x_lo, x_hi, y_lo, y_hi)`` holds every such ``v``,
        ``longest`` bounds their ``L`` and ``span`` (``>= longest``) sets the
        curvature term ``h = cot((s + span) / b) / b``. With ``d`` the unit
        vector of ``toward`` (the azimuth at ``R`` toward ``T``), ``u = <v, d>``
        and ``w`` the component across, step 3c gives
        ``s(T, Q) >= s - u + h w^2 Phi(h L)`` with ``Phi(x) = (2x - 1 + exp(-2x)) / (4x^2)``
        (decreasing, ``1/2`` at 0), so ``s - max u + h Phi(h longest) min w^2``
        over the box bounds them all (docs/exactness.md, step 3d). Valid where
        ``span < s`` and ``s + span < pi b / 2``; ``-inf`` elsewhere. Shrunk by
        a relative 1e-12 and ``PRUNE_SLACK_M``.
        """
        s, toward, longest, span = (np.asarray(v, dtype=float) for v in (s, toward, longest, span))
        x_lo, x_hi, y_lo, y_hi = (np.asarray(v, dtype=float) for v in box)
        ok = (span < s) & (s + span < 0.5 * np.pi * self.b * (1.0 - 1e-9))
        far = np.where(ok, s + span, 1.0)
        h = np.where(ok, 1.0 / (self.b * np.tan(far / self.b)), 0.0)
        beta = np.radians(toward)
        dx, dy = np.sin(beta), np.cos(beta)
        cx, cy = (x_lo + x_hi) / 2.0, (y_lo + y_hi) / 2.0
        hx, hy = (x_hi - x_lo) / 2.0, (y_hi - y_lo) / 2.0
        u_max = cx * dx + cy * dy + hx * np.abs(dx) + hy * np.abs(dy)
        w_min = np.maximum(np.abs(cx * dy - cy * dx) - (hx * np.abs(dy) + hy * np.abs(dx)), 0.0)
        x = h * longest
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = np.where(x < 1e-3, 0.5 - x / 3.0, (2.0 * x + np.expm1(-2.0 * x)) / (4.0 * x * x))
        bound = (s - u_max + h * phi * w_min * w_min) - 1e-12 * far - PRUNE_SLACK_M
        return np.where(ok, bound, -np.inf)

    def box_chord(
        self, lat: ArrayLike, half_lat: ArrayLike, half_lon: ArrayLike, lat_equatorward: ArrayLike
    ) -> NDArray[np.float64]:
        """Largest chord from the centre of a longitude/latitude box to any surface point in it (a bound).

        The box is centred at latitude ``lat`` and spans ``half_lat`` degrees
        of latitude and ``half_lon`` of longitude either side (``half_lon <=
        180``); ``lat_equatorward`` is its latitude nearest the equator. For
        a point ``Q`` of the box and ``Q'`` on the centre's meridian at
        ``Q``'s latitude, ``|C - Q|^2 = |C - Q'|^2 + 4 p_C p_Q sin^2(dlon/2)``
        (``p`` the distance from the axis); ``|C - Q'|`` is at most the
        meridian arc, whose radius of curvature is at most ``a**2 / b``, and
        ``p_Q`` at most the parallel's radius at ``lat_equatorward``
        (docs/exactness.md, step 3b). Grown by a relative 1e-12 and
        ``PRUNE_SLACK_M``.
        """

        def parallel(phi_deg: ArrayLike) -> NDArray[np.float64]:
            phi = np.radians(np.asarray(phi_deg, dtype=float))
            sin_phi = np.sin(phi)
            radius: NDArray[np.float64] = self.a * np.cos(phi) / np.sqrt(1.0 - self.e2 * sin_phi * sin_phi)
            return radius

        along = (self.a * self.a / self.b) * np.radians(np.asarray(half_lat, dtype=float))
        across = 4.0 * parallel(lat) * parallel(lat_equatorward) * np.sin(np.radians(half_lon) / 2.0) ** 2
        chord: NDArray[np.float64] = np.minimum(np.sqrt(along * along + across), 2.0 * self.a) * (1.0 + 1e-12)
        return chord + PRUNE_SLACK_M


@functools.lru_cache(maxsize=1)
def default_workers() -> int:
    """Threads used for large batches of geodesic solves and k-d queries: the cores, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def _threaded(
    func: Callable[..., tuple[Any, Any, Any]], *arrays: ArrayLike, workers: int | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Apply a pyproj Geod.inv/fwd-style function (4 arrays in, 3 out) over threads."""
    n = np.broadcast(*arrays).size
    args = [np.ascontiguousarray(np.broadcast_to(np.asarray(v, dtype=float), (n,))) for v in arrays]
    if n == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    workers = default_workers() if workers is None else workers
    if n < PARALLEL_MIN or workers == 1:
        # pyproj writes results into copies of its inputs; ours are private already.
        a, b, c = (np.asarray(v, dtype=float) for v in func(*args))
        return a, b, c
    out = [np.empty(n) for _ in range(3)]
    bounds = np.linspace(0, n, workers * 4 + 1).astype(int)

    def run(i: int) -> None:
        sl = slice(bounds[i], bounds[i + 1])
        res = func(*(a[sl] for a in args))
        for o, r in zip(out, res):
            o[sl] = r

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, range(len(bounds) - 1)))
    return out[0], out[1], out[2]


@functools.lru_cache(maxsize=32)
def get_ellipsoid(name: str = "WGS84") -> Ellipsoid:
    """Return the :class:`Ellipsoid` for a pyproj ``ellps`` name.

    Raises
    ------
    ValueError
        If ``name`` is not an ellipsoid pyproj knows (the message lists them),
        or describes a prolate ellipsoid, for which the bounds used here do not hold.

    Examples
    --------
    >>> e = get_ellipsoid("WGS84")
    >>> round(e.b, 4)
    6356752.3142
    """
    if not isinstance(name, str):
        raise InputTypeError(
            f"ellipsoid must be a name such as 'WGS84' or 'sphere', got {type(name).__name__} {name!r}"
        )
    names = pyproj.get_ellps_map()
    if name not in names:
        raise InputError(f"ellipsoid {name!r} is not known; accepted names: {', '.join(sorted(names))}")
    geod = pyproj.Geod(ellps=name)
    if geod.b > geod.a:
        raise InputError(f"ellipsoid {name!r} is prolate; only oblate ellipsoids and spheres are supported")
    return Ellipsoid(name=name, a=float(geod.a), b=float(geod.b), f=float(geod.f), geod=geod)


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


def earth_area(ell: Ellipsoid) -> float:
    """Total surface area of the ellipsoid in m²."""
    if ell.e2 == 0.0:
        return 4.0 * np.pi * ell.a**2
    e = np.sqrt(ell.e2)
    return float(2.0 * np.pi * ell.a**2 * (1.0 + (1.0 - ell.e2) / e * np.arctanh(e)))
