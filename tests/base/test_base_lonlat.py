"""Longitude/latitude helpers (rangecov.base.lonlat): rings around a pole, centroids across ±180°."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import MultiPolygon, Point, Polygon

import rangecov


def test_polar_cap_means_the_same_whichever_way_the_ring_runs():
    lons = np.linspace(-180, 180, 37)
    cap = Polygon([(x, 80) for x in lons] + [(180, 90), (-180, 90)])
    probes = gpd.GeoSeries([Point(0, 89), Point(0, 0)], crs="EPSG:4326")
    results = []
    for ring in (cap, cap.reverse()):
        area = rangecov.area_coverage(probes, gpd.GeoSeries([ring], crs="EPSG:4326"), "1000 km")
        dist = rangecov.coverage(gpd.GeoSeries([ring], crs="EPSG:4326"), probes, "1 m").targets["distance_m"]
        results.append((area["area_km2"].iloc[0], dist.iloc[0], dist.iloc[1]))
    assert results[0] == pytest.approx(results[1], rel=1e-12)
    area_km2, d_in, d_out = results[0]
    assert 3.8e6 < area_km2 < 4.0e6 and d_in == 0.0 and 8.8e6 < d_out < 8.9e6


def test_centroid_of_a_geometry_cut_at_the_antimeridian():
    split = MultiPolygon([shapely.box(175, -1, 180, 1), shapely.box(-180, -1, -175, 1)])
    site = gpd.GeoSeries([Point(180, 0)], crs="EPSG:4326")
    t = rangecov.coverage(site, gpd.GeoSeries([split], crs="EPSG:4326"), "10 km", how="centroid").targets
    assert t["distance_m"].iloc[0] < 1.0 and t["status"].iloc[0] == "in"
