"""Polygons with geodesic edges and their areas (rangecov.geometry.drawing)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely import Point, Polygon

import rangecov


def test_hole_drawn_in_the_same_direction_still_subtracts():
    shell = [(30, 50), (36, 50), (36, 54), (30, 54)]
    hole = [(31, 51), (35, 51), (35, 53), (31, 53)]
    same = Polygon(shell, [hole])
    proper = shapely.geometry.polygon.orient(same, 1.0)
    site = gpd.GeoSeries([Point(33, 52)], crs="EPSG:4326")
    a = rangecov.area_coverage(site, gpd.GeoSeries([same, proper], crs="EPSG:4326"), "50 km")
    assert a["area_km2"].iloc[0] == pytest.approx(a["area_km2"].iloc[1], rel=1e-9)
    assert a["covered_share"].iloc[0] == pytest.approx(a["covered_share"].iloc[1], rel=1e-9)


def test_area_of_the_whole_globe_and_of_the_globe_minus_a_far_patch():
    import geopandas as gpd

    from rangecov.geodesy.ellipsoid import earth_area
    from rangecov.geometry.drawing import geodesic_area

    ell = rangecov.get_ellipsoid("WGS84")
    origin = gpd.GeoSeries(gpd.points_from_xy([30.0], [50.0]), crs="EPSG:4326")
    whole = rangecov.reach(origin, "20010 km").iloc[0]
    assert geodesic_area(ell, whole) == pytest.approx(earth_area(ell), rel=1e-12)
    # Between pi*b and the antipodal distance: the globe minus a small patch around the antipode.
    almost = geodesic_area(ell, rangecov.reach(origin, "19990 km").iloc[0])
    assert earth_area(ell) - 5e9 < almost < earth_area(ell)
