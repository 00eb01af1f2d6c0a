"""The share arithmetic of reach curves (rangecov.results.curve_points): the k-th target for a share, exactly."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np

from rangecov import coverage


def _frame(lons, lats, index=None, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326", index=index)


def test_required_reach_share_arithmetic():
    # 0.9 * 10 is 9.000000000000002 in floats; the 9th target must be enough.
    origins = _frame([0.0], [0.0])
    targets = _frame(np.linspace(0.1, 1.0, 10), np.zeros(10))
    report = coverage(origins, targets, "1 km")
    d = np.sort(report.targets["distance_m"].to_numpy())
    assert report.required_reach(0.9) == d[8]
    assert report.required_reach(0.3) == d[2]


def test_required_reach_tiny_share_and_numpy_share():
    origins = _frame([0.0], [0.0])
    report = coverage(origins, _frame([0.0, 1.0, 2.0, 3.0], [0.0] * 4), "1 km")
    assert report.required_reach(1e-12) == 0.0
    assert math.copysign(1.0, report.required_reach(1e-12)) == 1.0  # 0.0, not -0.0
    assert report.required_reach(np.float32(0.5)) == report.required_reach(0.5)
