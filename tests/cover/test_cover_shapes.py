"""Lines and polygons as origins and targets, and area coverage, against independent oracles.

Distances are checked by brute force against densely sampled geometry
(pure-Python geographiclib along each edge); areas against GeographicLib's
polygon area and an independent equal-area grid.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import oracle_geodesic
from geographiclib.geodesic import Geodesic
from shapely import LineString, MultiPolygon, Point, Polygon

import rangecov
from rangecov import datasets
from rangecov.errors import InputError, InputTypeError
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


def test_kursk_area_against_official_and_geographiclib(scenario):
    kursk = scenario.regions.loc["RU-KRS"].geometry
    g = oracle_geodesic()
    poly = g.Polygon()
    for x, y in list(kursk.exterior.coords)[:-1]:
        poly.AddPoint(y, x)
    _, _, oracle_area = poly.Compute(False, True)
    table = rangecov.area_coverage(scenario.launch_sites, scenario.regions.loc[["RU-KRS"]], "reach")
    area = table["area_km2"].iloc[0] * 1e6
    assert area == pytest.approx(abs(oracle_area), rel=1e-6)
    # Natural Earth 1:50m generalises the boundary: +0.96% against the official 29,997 km2.
    assert abs(area / 1e6 - 29_997.0) / 29_997.0 < 0.03
    assert area / 1e6 == pytest.approx(30_285.6, abs=0.1)


def test_covered_area_against_equal_area_grid(scenario):
    """Covered share of Voronezh Oblast by an independent count on an equal-area grid."""
    sites = scenario.launch_sites
    region = scenario.regions.loc[["RU-VOR"]]
    table = rangecov.area_coverage(sites, region, "reach", keep_geometry=True)
    # Independent estimate: a grid equal-area in (lon, sin(lat)) on the
    # authalic sphere is near-equal-area on the ellipsoid over one oblast;
    # cells count as covered when their centre is within reach of a site.
    geom = region.geometry.iloc[0]
    minx, miny, maxx, maxy = geom.bounds
    nx, ny = 500, 500
    xs = minx + (np.arange(nx) + 0.5) * (maxx - minx) / nx
    s0, s1 = np.sin(np.radians(miny)), np.sin(np.radians(maxy))
    ys = np.degrees(np.arcsin(s0 + (np.arange(ny) + 0.5) * (s1 - s0) / ny))
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(geom, gx, gy)
    gx, gy = gx[inside], gy[inside]
    sx, sy = sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()
    d = ELL.distance(np.repeat(gx, sx.size), np.repeat(gy, sx.size), np.tile(sx, gx.size), np.tile(sy, gx.size))
    covered = (d.reshape(gx.size, sx.size) <= 305_775.36).any(axis=1).mean()
    assert table["covered_share"].iloc[0] == pytest.approx(covered, abs=0.004)
    assert table["covered_geometry"].iloc[0].is_valid
    assert table["covered_km2"].iloc[0] <= table["area_km2"].iloc[0]


def test_area_coverage_keeps_rows_and_refuses_points(scenario):
    regions = scenario.regions.iloc[::-1]
    before = regions.copy()
    out = rangecov.area_coverage(scenario.launch_sites, regions, "190 mi")
    assert out.index.tolist() == regions.index.tolist()
    assert list(out.columns[-3:]) == ["area_km2", "covered_km2", "covered_share"]
    assert regions.equals(before)
    with pytest.raises(InputError, match="regions must be polygons to have an area"):
        rangecov.area_coverage(scenario.launch_sites, scenario.airfields, "190 mi")
    with pytest.raises(InputTypeError, match="not a band"):
        rangecov.area_coverage(scenario.launch_sites, regions, ("100 km", "200 km"))


def test_multipolygon_across_antimeridian_area():
    west = shapely.box(179.0, 60.0, 180.0, 61.0)
    east = shapely.box(-180.0, 60.0, -179.0, 61.0)
    region = gpd.GeoSeries([MultiPolygon([west, east])], crs="EPSG:4326")
    site = gpd.GeoSeries([Point(180.0, 60.5)], crs="EPSG:4326")
    out = rangecov.area_coverage(site, region, "1000 km")
    assert out["covered_share"].iloc[0] == pytest.approx(1.0, abs=1e-9)
    # Area: GeographicLib's polygon area of each part (geodesic edges).
    g = oracle_geodesic()
    total = 0.0
    for part in (west, east):
        poly = g.Polygon()
        for x, y in list(part.exterior.coords)[:-1]:
            poly.AddPoint(y, x)
        total += abs(poly.Compute(False, True)[2])
    assert out["area_km2"].iloc[0] * 1e6 == pytest.approx(total, rel=1e-9)
    # Given unsplit, the ring's edges take the short way across ±180° (geodesics).
    unsplit = Polygon([(179.0, 60.0), (-179.0, 60.0), (-179.0, 61.0), (179.0, 61.0)])
    one = rangecov.area_coverage(site, gpd.GeoSeries([unsplit], crs="EPSG:4326"), "1000 km")
    assert one["covered_share"].iloc[0] == pytest.approx(1.0, abs=1e-9)


# --- regressions found in review ------------------------------------------


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


def test_points_on_the_antimeridian_and_beyond_180_are_inside():
    poly = gpd.GeoSeries([Polygon([(179, -3), (-179, -3), (-179, 3), (179, 3)])], crs="EPSG:4326")
    pts = gpd.GeoSeries([Point(180, 0), Point(-180, 0), Point(179.999, 0), Point(540, 0)], crs="EPSG:4326")
    assert rangecov.coverage(poly, pts, "10 km").targets["distance_m"].tolist() == [0.0] * 4
    box_ = gpd.GeoSeries([Polygon([(-175, 0), (-165, 0), (-165, 10), (-175, 10)])], crs="EPSG:4326")
    pts = gpd.GeoSeries([Point(-170, 5), Point(190, 5), Point(550, 5)], crs="EPSG:4326")
    assert rangecov.coverage(box_, pts, "10 km").targets["distance_m"].tolist() == [0.0] * 3


def test_hole_drawn_in_the_same_direction_still_subtracts():
    shell = [(30, 50), (36, 50), (36, 54), (30, 54)]
    hole = [(31, 51), (35, 51), (35, 53), (31, 53)]
    same = Polygon(shell, [hole])
    proper = shapely.geometry.polygon.orient(same, 1.0)
    site = gpd.GeoSeries([Point(33, 52)], crs="EPSG:4326")
    a = rangecov.area_coverage(site, gpd.GeoSeries([same, proper], crs="EPSG:4326"), "50 km")
    assert a["area_km2"].iloc[0] == pytest.approx(a["area_km2"].iloc[1], rel=1e-9)
    assert a["covered_share"].iloc[0] == pytest.approx(a["covered_share"].iloc[1], rel=1e-9)


def test_zero_low_reach_with_all_and_area():
    site = gpd.GeoSeries([Point(30, 50)], crs="EPSG:4326")
    target = gpd.GeoSeries([shapely.box(30.1, 50.1, 30.2, 50.2)], crs="EPSG:4326")
    for how in ("all", "area"):
        assert rangecov.coverage(site, target, (0, "100 km"), how=how).targets["status"].iloc[0] == "marginal"
    held = gpd.GeoSeries([shapely.box(29, 49, 31, 51)], crs="EPSG:4326")
    assert rangecov.coverage(held, target, 0, how="all").targets["status"].iloc[0] == "in"


def test_centroid_of_a_geometry_cut_at_the_antimeridian():
    split = MultiPolygon([shapely.box(175, -1, 180, 1), shapely.box(-180, -1, -175, 1)])
    site = gpd.GeoSeries([Point(180, 0)], crs="EPSG:4326")
    t = rangecov.coverage(site, gpd.GeoSeries([split], crs="EPSG:4326"), "10 km", how="centroid").targets
    assert t["distance_m"].iloc[0] < 1.0 and t["status"].iloc[0] == "in"


def test_lon_lat_box_around_a_pole_is_refused_with_a_hint():
    site = gpd.GeoSeries([Point(0, -80)], crs="EPSG:4326")
    with pytest.raises(InputError, match=r"edge from -180° to 180° along a parallel.*segmentize"):
        rangecov.area_coverage(site, gpd.GeoSeries([shapely.box(-180, -90, 180, -60)], crs="EPSG:4326"), "10 km")
    dense = gpd.GeoSeries([shapely.box(-180, -90, 180, -60)], crs="EPSG:4326").segmentize(1)
    out = rangecov.area_coverage(site, dense, "10 km")
    assert 3.3e7 < out["area_km2"].iloc[0] < 3.5e7  # the cap south of 60°S: A (1 - sin 60°) / 2 = 34.2 million km²


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


def test_area_coverage_without_origins_takes_a_tolerance():
    import geopandas as gpd

    s = datasets.atacms_kursk_2024()
    table = rangecov.area_coverage(s.launch_sites.iloc[:0], s.regions.loc[["RU-KRS"]], "200 km", tolerance="5 km")
    assert table["covered_share"].tolist() == [0.0]
    assert isinstance(table, gpd.GeoDataFrame)


def test_reach_by_a_column_whose_label_is_not_a_string():
    sites = gpd.GeoDataFrame({0: ["a", "a", "b"]}, geometry=gpd.points_from_xy([30, 31, 40], [50, 50, 45]), crs=4326)
    assert rangecov.reach(sites, "100 km", by=0).index.tolist() == ["a", "b"]
