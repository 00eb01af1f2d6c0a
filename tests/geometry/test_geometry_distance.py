"""Exact geodesic distances from points to lines and polygons (rangecov.geometry.distance), against independent oracles."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import oracle_geodesic, oracle_segment
from geographiclib.geodesic import Geodesic
from shapely import LineString, Point, Polygon

import rangecov
from rangecov import datasets
from rangecov.geodesy.ellipsoid import get_ellipsoid

ELL = get_ellipsoid("WGS84")


def brute_distance(px, py, geom, spacing=2_000.0):
    """Oracle distance from a point to a geometry (pure-Python geographiclib only).

    Every geodesic edge is sampled about ``spacing`` apart; around the best
    samples of the three best edges a ternary search on the edge finishes
    the job (the distance along a short stretch of edge is unimodal).
    """
    g = oracle_geodesic()
    best = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Point":
            best.append((g.Inverse(py, px, part.y, part.x, Geodesic.DISTANCE)["s12"], None, 0.0, 0.0))
            continue
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            c = np.asarray(ring.coords)
            for (ax, ay), (bx, by) in zip(c[:-1], c[1:]):
                line = g.InverseLine(ay, ax, by, bx)
                ts = np.linspace(0.0, line.s13, max(2, int(np.ceil(line.s13 / spacing)) + 1))
                d = [g.Inverse(py, px, p["lat2"], p["lon2"], Geodesic.DISTANCE)["s12"] for p in map(line.Position, ts)]
                k = int(np.argmin(d))
                best.append((d[k], line, ts[max(k - 1, 0)], ts[min(k + 1, ts.size - 1)]))
    best.sort(key=lambda item: item[0])
    out = best[0][0]
    for d0, line, lo, hi in best[:3]:
        if line is None:
            continue
        f = lambda t: g.Inverse(py, px, line.Position(t)["lat2"], line.Position(t)["lon2"], Geodesic.DISTANCE)["s12"]  # noqa: E731
        for _ in range(60):
            m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
            lo, hi = (lo, m2) if f(m1) < f(m2) else (m1, hi)
        out = min(out, f(0.5 * (lo + hi)))
    return out


@pytest.fixture(scope="module")
def scenario():
    return datasets.atacms_kursk_2024()


def test_polygon_origin_and_targets_9000_to_20000_km_away():
    rng = np.random.default_rng(4)
    poly = shapely.Polygon([(30, 48), (36, 47), (40, 51), (35, 54), (31, 52)])
    g = oracle_geodesic()
    pts = []
    for _ in range(8):
        r = g.Direct(51.0, 35.0, rng.uniform(0, 360), rng.uniform(9.2e6, 1.99e7))
        pts.append((r["lon2"], r["lat2"]))
    targets = gpd.GeoSeries([shapely.Point(x, y) for x, y in pts], crs="EPSG:4326")
    report = rangecov.coverage(gpd.GeoSeries([poly], crs="EPSG:4326"), targets, "19000 km")
    ring = np.asarray(poly.exterior.coords)
    for (x, y), got in zip(pts, report.targets["distance_m"]):
        expect = min(
            oracle_segment((x, y), tuple(ring[k]), tuple(ring[k + 1]), samples=201) for k in range(len(ring) - 1)
        )
        assert abs(got - expect) <= 1e-3


def test_many_far_pairs_are_certified_in_batches():
    # 50 points at the pole against six 10° edges of the equator: 300 equidistant (point, edge) pairs,
    # more than one batch, each needing its cells split to under a kilometre.
    line = shapely.LineString([(10.0 * k, 0.0) for k in range(7)])
    px, py = np.full(50, 0.0), np.full(50, 90.0)
    from rangecov.geometry.distance import distances_to_shapes, shapes_of

    d = distances_to_shapes(ELL, px, py, shapes_of(ELL, [line]))[:, 0]
    assert np.all(np.abs(d - ELL.distance(0.0, 90.0, 0.0, 0.0)) <= 1e-3)


def test_polygon_and_line_origins_against_dense_samples(rng):
    front = LineString([(35.0, 51.3), (36.0, 50.6), (37.5, 50.2), (38.5, 49.4)])
    area = Polygon([(33.0, 50.0), (34.5, 50.2), (34.8, 51.2), (33.4, 51.6), (33.0, 50.0)])
    origins = gpd.GeoDataFrame(
        {"kind": ["line", "poly"]}, geometry=[front, area], index=["front", "area"], crs="EPSG:4326"
    )
    lon = rng.uniform(31.0, 41.0, 40)
    lat = rng.uniform(48.0, 53.5, 40)
    targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    report = rangecov.coverage(origins, targets, "100 km")
    t = report.targets
    for i in range(len(targets)):
        oracle = {name: brute_distance(lon[i], lat[i], geom) for name, geom in zip(origins.index, origins.geometry)}
        # Inside the polygon (geodesic edges) the distance is 0.
        if area.contains(Point(lon[i], lat[i])) and t["distance_m"].iloc[i] == 0:
            oracle["area"] = 0.0
        best = min(oracle.values())
        got = t["distance_m"].iloc[i]
        assert abs(got - best) <= 1e-3, (i, got, best)
        assert (
            t["nearest_origin"].iloc[i] == min(oracle, key=oracle.get) or abs(oracle["front"] - oracle["area"]) < 1e-3
        )
        assert t["status"].iloc[i] == ("in" if got <= 100_000 else "out")
    counts = report.origins["targets_in_reach"]
    assert counts.sum() >= report.count


def test_target_inside_origin_polygon_is_at_zero(scenario):
    sumy = scenario.regions.loc[["UA-59"]]
    inside = gpd.GeoSeries([Point(34.80, 50.91)], crs="EPSG:4326")  # Sumy city
    report = rangecov.coverage(sumy, inside, "1 m")
    assert report.targets["distance_m"].iloc[0] == 0.0 and report.count == 1


def test_segment_distance_is_exact_near_the_edge():
    """Targets 1 cm either side of the reach from a geodesic edge, across its middle."""
    a, b = (30.0, 50.0), (34.0, 52.0)
    az, _, length = ELL.inverse(*a, *b)
    q = ELL.forward(a[0], a[1], az[0], 0.5 * length[0])
    reach = 50_000.0
    lon, lat = [], []
    for side in (-90.0, 90.0):
        for r in (reach - 0.01, reach + 0.01):
            p = ELL.forward(q[0][0], q[1][0], q[2][0] + 180.0 + side, r)
            lon.append(p[0][0])
            lat.append(p[1][0])
    origins = gpd.GeoSeries([LineString([a, b])], crs="EPSG:4326")
    targets = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    t = rangecov.coverage(origins, targets, reach).targets
    assert t["status"].tolist() == ["in", "out", "in", "out"]
    np.testing.assert_allclose(t["distance_m"], [reach - 0.01, reach + 0.01] * 2, atol=1e-6)


def test_points_on_the_antimeridian_and_beyond_180_are_inside():
    poly = gpd.GeoSeries([Polygon([(179, -3), (-179, -3), (-179, 3), (179, 3)])], crs="EPSG:4326")
    pts = gpd.GeoSeries([Point(180, 0), Point(-180, 0), Point(179.999, 0), Point(540, 0)], crs="EPSG:4326")
    assert rangecov.coverage(poly, pts, "10 km").targets["distance_m"].tolist() == [0.0] * 4
    box_ = gpd.GeoSeries([Polygon([(-175, 0), (-165, 0), (-165, 10), (-175, 10)])], crs="EPSG:4326")
    pts = gpd.GeoSeries([Point(-170, 5), Point(190, 5), Point(550, 5)], crs="EPSG:4326")
    assert rangecov.coverage(box_, pts, "10 km").targets["distance_m"].tolist() == [0.0] * 3


def test_end_pruning_never_changes_a_distance(rng):
    """The obtuse-angle rule (foot_outside) only skips edges whose nearest point is an end."""
    from rangecov.geometry import distance as shape_distance
    from rangecov.inputs import frames

    cx, cy = rng.uniform(30, 40, 20), rng.uniform(45, 55, 20)
    origins = gpd.GeoSeries([shapely.box(x, y, x + 0.5, y + 0.3) for x, y in zip(cx, cy)], crs="EPSG:4326")
    line = gpd.GeoSeries([LineString([(20, 40), (30, 47), (45, 46), (50, 60)])], crs="EPSG:4326")
    pts = gpd.GeoSeries.from_xy(rng.uniform(15, 60, 400), rng.uniform(35, 65, 400), crs="EPSG:4326")
    o = frames.lonlat_geometries(pd.concat([origins, line], ignore_index=True), "origins")
    t = frames.lonlat_geometries(pts, "targets")
    pruned = shape_distance.distance_matrix(ELL, o, t)
    full = shape_distance.distance_matrix(ELL, o, t, end_pruning=False)
    np.testing.assert_allclose(pruned, full, rtol=0, atol=1e-6)
