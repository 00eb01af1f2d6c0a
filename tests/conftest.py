"""Shared test helpers: the independent oracle (pure-Python geographiclib) and builders."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

import rangecov


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


@pytest.fixture
def rng():
    return np.random.default_rng(20241117)
