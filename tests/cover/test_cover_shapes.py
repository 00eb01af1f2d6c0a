"""Lines and polygons as targets (rangecov.cover.shapes): how='any', 'all', 'centroid', 'area' against independent oracles."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import LineString, Point, Polygon, box

import rangecov
from rangecov import coverage
from rangecov.geodesy.ellipsoid import get_ellipsoid


def _points(n, seed=0, **cols):
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame(
        cols, geometry=gpd.points_from_xy(rng.uniform(20, 50, n), rng.uniform(40, 60, n)), crs="EPSG:4326"
    )


ELL = get_ellipsoid("WGS84")


def test_chunks_of_shape_targets_change_no_answer():
    origins = _points(4, 4)
    rng = np.random.default_rng(6)
    x, y = rng.uniform(20, 50, 40), rng.uniform(40, 60, 40)
    targets = gpd.GeoDataFrame(geometry=[box(a, b, a + 0.5, b + 0.3) for a, b in zip(x, y)], crs="EPSG:4326")
    whole = coverage(origins, targets, "300 km", how="all").targets
    pd.testing.assert_frame_equal(coverage(origins, targets, "300 km", how="all", chunk_size=7).targets, whole)


def test_polygon_targets_any_all_centroid_area():
    site = gpd.GeoSeries([Point(0.0, 0.0)], index=["site"], crs="EPSG:4326")
    # Boxes at various distances east of the site (1 degree ~ 111 km at the equator).
    boxes = {
        "inside": shapely.box(0.5, -0.5, 1.5, 0.5),
        "straddle": shapely.box(2.0, -0.5, 4.0, 0.5),
        "outside": shapely.box(5.0, -0.5, 6.0, 0.5),
        "line": LineString([(2.5, 0.0), (4.0, 0.0)]),
    }
    targets = gpd.GeoDataFrame(geometry=list(boxes.values()), index=list(boxes), crs="EPSG:4326")
    reach = "300 km"
    status = lambda how: rangecov.coverage(site, targets, reach, how=how).targets["status"].astype(str).to_dict()  # noqa: E731
    assert status("any") == {"inside": "in", "straddle": "in", "outside": "out", "line": "in"}
    assert status("all") == {"inside": "in", "straddle": "out", "outside": "out", "line": "out"}
    assert status("centroid") == {"inside": "in", "straddle": "out", "outside": "out", "line": "out"}
    polys = targets.drop(index="line")
    area = rangecov.coverage(site, polys, reach, how="area", min_covered=0.3).targets
    assert area["status"].astype(str).tolist() == ["in", "in", "out"]
    assert area["covered_share"].iloc[0] == pytest.approx(1.0, abs=1e-9)
    assert 0.3 < area["covered_share"].iloc[1] < 0.5
    assert area["covered_share"].iloc[2] == 0.0
    assert area["margin_m"].isna().all() and area["covering_origin"].isna().all()


def test_all_and_area_are_marginal_when_the_tolerance_decides():
    site = gpd.GeoSeries([Point(10.0, 45.0)], crs="EPSG:4326")
    reach = 200_000.0
    # A thin box whose far corner is 0.5 m inside the boundary.
    far = ELL.forward(10.0, 45.0, 90.0, reach - 0.5)
    x_far, y_far = float(far[0][0]), float(far[1][0])
    box = Polygon([(10.5, y_far - 0.001), (x_far, y_far), (10.5, y_far + 0.001)])
    targets = gpd.GeoSeries([box], crs="EPSG:4326")
    t = rangecov.coverage(site, targets, reach, how="all", tolerance=5.0).targets
    assert t["status"].iloc[0] == "marginal"
    t = rangecov.coverage(site, targets, reach, how="all", tolerance=0.01).targets
    assert t["status"].iloc[0] == "in"


def test_mixed_geometry_types_in_one_frame():
    origins = gpd.GeoDataFrame(
        geometry=[Point(30, 50), LineString([(32, 50), (33, 51)]), Polygon([(35, 50), (36, 50), (36, 51), (35, 50)])],
        index=["pt", "line", "poly"],
        crs="EPSG:4326",
    )
    targets = gpd.GeoDataFrame(
        geometry=[
            Point(30.5, 50),
            LineString([(32.5, 49), (32.5, 49.5)]),
            shapely.box(35.2, 50.1, 35.3, 50.2),
            Point(45, 45),
        ],
        index=["a", "b", "c", "d"],
        crs="EPSG:4326",
    )
    t = rangecov.coverage(origins, targets, "80 km").targets
    assert t["status"].astype(str).tolist() == ["in", "in", "in", "out"]
    assert t["nearest_origin"].tolist() == ["pt", "line", "poly", "poly"]
    assert t.loc["c", "distance_m"] == 0.0


def test_zero_low_reach_with_all_and_area():
    site = gpd.GeoSeries([Point(30, 50)], crs="EPSG:4326")
    target = gpd.GeoSeries([shapely.box(30.1, 50.1, 30.2, 50.2)], crs="EPSG:4326")
    for how in ("all", "area"):
        assert rangecov.coverage(site, target, (0, "100 km"), how=how).targets["status"].iloc[0] == "marginal"
    held = gpd.GeoSeries([shapely.box(29, 49, 31, 51)], crs="EPSG:4326")
    assert rangecov.coverage(held, target, 0, how="all").targets["status"].iloc[0] == "in"


def test_points_in_a_mixed_frame_keep_distance_semantics_under_all():
    reach = 200_000.0
    end = ELL.forward(10.0, 45.0, 30.0, reach - 3.0)
    targets = gpd.GeoSeries([Point(end[0][0], end[1][0]), shapely.box(10.1, 45.1, 10.2, 45.2)], crs="EPSG:4326")
    t = rangecov.coverage(gpd.GeoSeries([Point(10, 45)], crs="EPSG:4326"), targets, reach, how="all").targets
    assert t["status"].tolist() == ["in", "in"]
    assert t["margin_m"].iloc[0] == pytest.approx(3.0, abs=1e-6) and np.isnan(t["margin_m"].iloc[1])
    assert t["covering_origin"].iloc[0] == 0 and pd.isna(t["covering_origin"].iloc[1])


def test_line_origin_at_9000_km_with_all():
    line = gpd.GeoSeries([LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    target = gpd.GeoSeries([shapely.box(2, 2, 3, 3)], crs="EPSG:4326")
    assert rangecov.coverage(line, target, "9000 km", how="all").targets["status"].iloc[0] == "in"
