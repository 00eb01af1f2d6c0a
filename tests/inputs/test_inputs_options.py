"""The options of a call (rangecov.inputs.options): the reach, its tolerance, how and min_covered; the mistakes refused."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import oracle_geodesic
from shapely import Point

import rangecov
from rangecov.errors import InputError, InputTypeError


def disk_of(lon, lat, d, **kw):
    return rangecov.buffer(gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326"), d, **kw).iloc[0]


def test_bad_tolerance(origins):
    with pytest.raises(InputError, match=r"tolerance must be positive"):
        rangecov.buffer(origins, "10 km", tolerance=0)
    with pytest.raises(InputError, match=r"tolerance '20 km' \(20000 m\) is not smaller than the distance"):
        rangecov.buffer(origins, "10 km", tolerance="20 km")
    with pytest.raises(InputError, match=r"distance must be positive"):
        rangecov.buffer(origins, 0)
    with pytest.raises(InputTypeError, match=r"must be a GeoSeries or GeoDataFrame with a CRS"):
        rangecov.buffer(Point(0, 0), "10 km")
    with pytest.raises(InputError, match=r"geoms has no CRS"):
        rangecov.buffer(origins.set_crs(None, allow_override=True), "10 km")
    with pytest.raises(InputError, match=r"distance has 3 values but there are 2 rows"):
        rangecov.buffer(origins, [1, 2, 3])


def test_unknown_reach_column_lists_columns(origins, targets):
    with pytest.raises(
        ValueError,
        match=r"reach 'range' is neither a column of origins nor a distance .*origins has columns: reach, geometry",
    ):
        rangecov.coverage(origins, targets, "range")


def test_bad_distances(origins, targets):
    with pytest.raises(InputError, match="must not be negative"):
        rangecov.coverage(origins, targets, -5)
    with pytest.raises(InputError, match="unknown unit 'parsecs'"):
        rangecov.coverage(origins, targets, "5 parsecs")
    with pytest.raises(InputError, match=r"low \(300000 m\) must not exceed high \(100000 m\)"):
        rangecov.coverage(origins, targets, ("300 km", "100 km"))
    with pytest.raises(InputError, match="must be a \\(low, high\\) pair of distances, got 3 values"):
        rangecov.coverage(origins, targets, (1, 2, 3))
    with pytest.raises(InputTypeError, match="reach must be a distance"):
        rangecov.coverage(origins, targets, None)


def test_list_or_array_reach_is_ambiguous(origins, targets):
    for reach in ([100e3, 300e3], np.array([100e3, 300e3]), pd.Series([100e3, 300e3])):
        with pytest.raises(
            TypeError, match=r"ambiguous: for a \(low, high\) band pass a tuple.*put the values in a column"
        ):
            rangecov.coverage(origins, targets, reach)


def test_tolerance_has_a_floor_of_a_millimetre():
    """Found by fuzzing: a 1 µm buffer (default tolerance 10 nm) refined its boundary for ever and
    took all memory. Finer than 1 mm is refused, and so is a distance that cannot exceed it."""
    with pytest.raises(InputError, match=r"tolerance 1e-05 is below 1 mm, the finest rangecov draws"):
        disk_of(10.0, 45.0, 1000.0, tolerance=1e-5)
    with pytest.raises(InputError, match=r"distance 1e-06 m is too small to draw"):
        disk_of(0.0, 90.0, 1e-6)
    g = oracle_geodesic()
    small = disk_of(10.0, 45.0, 0.05)  # 5 cm, tolerance 1 mm
    for az in range(0, 360, 30):
        inside = g.Direct(45.0, 10.0, az, 0.048)
        outside = g.Direct(45.0, 10.0, az, 0.052)
        assert small.covers(Point(inside["lon2"], inside["lat2"]))
        assert not small.covers(Point(outside["lon2"], outside["lat2"]))


def test_bad_how_and_min_covered(origins, targets):
    with pytest.raises(InputError, match=r"how='some' is not one of 'any', 'all', 'centroid', 'area'"):
        rangecov.coverage(origins, targets, 1000, how="some")
    with pytest.raises(InputError, match=r"min_covered must be a share in \(0, 1\], got 1.5"):
        rangecov.coverage(origins, targets, 1000, how="area", min_covered=1.5)
    with pytest.raises(InputError, match=r'targets must be polygons for how="area"'):
        rangecov.coverage(origins, targets, 1000, how="area")
