"""Shared test helpers: the independent oracle (pure-Python geographiclib) and builders.

The fixtures that test modules of several packages use are registered here: the ones built
from a helper module's data are defined there and imported below.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from weighted import REACH

import rangecov

# Fixtures defined beside their helpers (tests/<name>.py), registered for every test module.
pytest_plugins = ["alaska", "command_line", "hostile_files", "maps", "stream_data"]


def oracle_geodesic(ellipsoid: str = "WGS84") -> Geodesic:
    """GeographicLib's solver for a pyproj ellipsoid name (a and f read from pyproj)."""
    e = rangecov.get_ellipsoid(ellipsoid)
    return Geodesic(e.a, e.f)


def oracle_matrix(o_lon, o_lat, t_lon, t_lat, ellipsoid: str = "WGS84") -> np.ndarray:
    """Geodesic distances (n_targets, n_origins) from pure-Python geographiclib."""
    g = oracle_geodesic(ellipsoid)
    out = np.empty((len(t_lon), len(o_lon)))
    for i, (tx, ty) in enumerate(zip(t_lon, t_lat)):
        for j, (ox, oy) in enumerate(zip(o_lon, o_lat)):
            out[i, j] = g.Inverse(float(oy), float(ox), float(ty), float(tx), Geodesic.DISTANCE)["s12"]
    return out


def points(lon, lat, index=None, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326", index=index)


def check_against_oracle(origins, targets, reach, *, ellipsoid="WGS84", low=None, high=None):
    """Run coverage and compare every output column with a brute-force oracle.

    ``low``/``high``: per-origin reach arrays in metres (``high`` defaults to ``low``).
    Returns (report, oracle distance matrix).
    """
    report = rangecov.coverage(origins, targets, reach, ellipsoid=ellipsoid)
    o_lon, o_lat = origins.geometry.x.to_numpy(), origins.geometry.y.to_numpy()
    t_lon, t_lat = targets.geometry.x.to_numpy(), targets.geometry.y.to_numpy()
    d = oracle_matrix(o_lon, o_lat, t_lon, t_lat, ellipsoid)
    low = np.broadcast_to(np.asarray(low, dtype=float), (len(o_lon),))
    high = low if high is None else np.broadcast_to(np.asarray(high, dtype=float), (len(o_lon),))
    t = report.targets
    nearest = d.min(axis=1)
    margin = (low[None, :] - d).max(axis=1)
    high_margin = (high[None, :] - d).max(axis=1)
    expected = np.where(margin >= 0, "in", np.where(high_margin >= 0, "marginal", "out"))
    np.testing.assert_array_equal(t["status"].astype(str).to_numpy(), expected)
    np.testing.assert_array_equal(t["in_reach"].to_numpy(), expected == "in")
    np.testing.assert_allclose(t["distance_m"].to_numpy(), nearest, rtol=0, atol=1e-6)
    np.testing.assert_allclose(t["margin_m"].to_numpy(), margin, rtol=0, atol=1e-6)
    # The reported origins must attain the reported values (ties may pick either).
    pos = {label: k for k, label in enumerate(origins.index)}
    near_pos = np.array([pos[v] for v in t["nearest_origin"]])
    rows = np.arange(len(t))
    np.testing.assert_allclose(d[rows, near_pos], nearest, rtol=0, atol=1e-6)
    # A covering origin exactly where some origin's reach covers the target (in or marginal).
    covered = expected != "out"
    np.testing.assert_array_equal(t["covering_origin"].notna().to_numpy(), covered)
    cov_pos = np.array([pos[v] for v in t["covering_origin"][covered]], dtype=np.intp)
    np.testing.assert_allclose(low[cov_pos] - d[rows[covered], cov_pos], margin[covered], rtol=0, atol=1e-6)
    counts = (d <= low[None, :]).sum(axis=0)
    np.testing.assert_array_equal(report.origins["targets_in_reach"].to_numpy(), counts)
    assert report.count == int((expected == "in").sum())
    assert report.marginal == int((expected == "marginal").sum())
    return report, d


def oracle_segment(p, a, b, samples=401):
    """Distance from p to the geodesic segment a-b by dense sampling and ternary refinement."""
    g = oracle_geodesic()
    line = g.InverseLine(a[1], a[0], b[1], b[0])

    def f(t):
        q = line.Position(t)
        return g.Inverse(p[1], p[0], q["lat2"], q["lon2"], Geodesic.DISTANCE)["s12"]

    ts = np.linspace(0.0, line.s13, samples)
    s = np.array([f(t) for t in ts])
    best = s.min()
    local = np.flatnonzero((np.r_[np.inf, s[:-1]] >= s) & (s <= np.r_[s[1:], np.inf]))
    for k in local[np.argsort(s[local])][:6]:  # the six least local minima of the samples
        lo, hi = ts[max(k - 1, 0)], ts[min(k + 1, ts.size - 1)]
        for _ in range(70):
            m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
            lo, hi = (lo, m2) if f(m1) < f(m2) else (m1, hi)
        best = min(best, f(0.5 * (lo + hi)))
    return best


def polar_cap_km2(lat_deg: float) -> float:
    """The ellipsoid's area north of a parallel (Snyder's q), independent of rangecov."""
    ell = rangecov.get_ellipsoid("WGS84")
    e2 = ell.e2
    e = np.sqrt(e2)

    def q(phi):
        s = np.sin(phi)
        return (1 - e2) * (s / (1 - e2 * s * s) - np.log((1 - e * s) / (1 + e * s)) / (2 * e))

    return np.pi * ell.a**2 * (q(np.pi / 2) - q(np.radians(lat_deg))) / 1e6


# Two launch sites with a reach each and three airfields: the small scene most input checks use.
@pytest.fixture
def origins():
    return points([34.80, 36.23], [50.91, 49.99], index=["Sumy", "Kharkiv"], reach=["190 mi", "70 km"])


@pytest.fixture
def targets():
    return points([36.2956, 41.791, 46.21], [51.7506, 48.313, 51.48], name=["Khalino", "Morozovsk", "Engels"])


@pytest.fixture
def rng():
    return np.random.default_rng(20241117)


@pytest.fixture(scope="module")
def scene():
    """Three origins; random targets with awkward weights; targets at the reach ± 1 cm (by the oracle)."""
    rng = np.random.default_rng(13)
    o_lon, o_lat = np.array([34.8, 36.2, 179.5]), np.array([50.9, 49.9, 65.0])
    origins = points(o_lon, o_lat, index=["Sumy", "Kharkiv", "Chukotka"])
    lon = list(rng.uniform(28, 42, 150)) + list(rng.uniform(175, 185, 50))
    lat = list(rng.uniform(46, 56, 150)) + list(rng.uniform(60, 70, 50))
    g = oracle_geodesic()
    for i in range(3):
        for d in (REACH - 0.01, REACH + 0.01):
            p = g.Direct(float(o_lat[i]), float(o_lon[i]), (300.0, 120.0, 0.0)[i], d)  # away from the others
            lon.append(p["lon2"])
            lat.append(p["lat2"])
    lon = (np.asarray(lon) + 180) % 360 - 180
    n = lon.size
    # Decimals that floats hold inexactly, zeros, and a spread of magnitudes.
    weights = np.round(rng.uniform(0, 10, n), 1) * 10.0 ** rng.integers(-3, 5, n)
    weights[::17] = 0.0
    targets = points(lon, np.asarray(lat), w=weights, region=rng.choice(["a", "b", "c"], n))
    d = oracle_matrix(o_lon, o_lat, lon, np.asarray(lat)).min(axis=1)
    return origins, targets, d
