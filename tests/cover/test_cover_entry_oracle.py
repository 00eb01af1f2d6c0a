"""Every output of coverage() against brute force with pure-Python geographiclib: chosen cases, the fixture boundary cases
(one origin each, targets 1 cm / 1 mm either side of reach) and property tests (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import check_against_oracle, oracle_geodesic, oracle_matrix, points
from geographiclib.geodesic import Geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rangecov

CASES = pd.read_csv(Path(__file__).resolve().parents[2] / "fixtures" / "boundary_cases.csv")

R300 = 300_000.0

R190MI = 190 * 1609.344


def ring(g: Geodesic, lon, lat, dist, n, rng):
    """n points at exactly `dist` from (lon, lat) at random azimuths (GeographicLib Direct)."""
    az = rng.uniform(-180, 180, n)
    out = [g.Direct(lat, lon, a, d) for a, d in zip(az, np.broadcast_to(dist, (n,)))]
    return np.array([o["lon2"] for o in out]), np.array([o["lat2"] for o in out])


lon = st.floats(-180, 180, allow_nan=False)

lat = st.floats(-90, 90, allow_nan=False)

coords = st.lists(st.tuples(lon, lat), min_size=1, max_size=8)

reach_m = st.floats(0, 20_100_000, allow_nan=False)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(pairs):
    x, y = zip(*pairs)
    return points(list(x), list(y))


@pytest.mark.parametrize("case", sorted(CASES["case"].unique()))
def test_boundary_case(case):
    rows = CASES[CASES["case"] == case]
    origin = rows.iloc[0]
    report = rangecov.coverage(
        points([origin["origin_lon"]], [origin["origin_lat"]]),
        points(rows["target_lon"], rows["target_lat"]),
        float(origin["reach_m"]),
    )
    t = report.targets
    np.testing.assert_allclose(t["distance_m"], rows["oracle_m"], rtol=0, atol=1e-6)
    expected = (rows["oracle_m"] <= rows["reach_m"]).to_numpy()
    np.testing.assert_array_equal(t["in_reach"].to_numpy(), expected)
    # The construction: inside by 1 mm or 1 cm is in, outside is out.
    np.testing.assert_array_equal(expected, (rows["offset_m"] < 0).to_numpy())


def test_random_regional(rng):
    origins = points(rng.uniform(30, 40, 40), rng.uniform(46, 53, 40))
    targets = points(rng.uniform(25, 48, 400), rng.uniform(42, 58, 400))
    report, d = check_against_oracle(origins, targets, R300, low=R300)
    assert 0 < report.count < report.total  # the test spans both outcomes


@pytest.mark.parametrize("delta", [0.01, 0.001])
def test_targets_at_reach_plus_minus_delta(rng, delta):
    g = oracle_geodesic()
    centres = [(34.80, 50.91), (-70.0, -33.0), (150.0, 65.0), (10.0, 0.0)]
    lons, lats, sign = [], [], []
    for lon, lat in centres:
        for s in (-1, 1):
            x, y = ring(g, lon, lat, R190MI + s * delta, 40, rng)
            lons.append(x), lats.append(y), sign.append(np.full(40, s))
    origins = points(*zip(*centres))
    targets = points(np.concatenate(lons), np.concatenate(lats))
    report, d = check_against_oracle(origins, targets, "190 mi", low=R190MI)
    sign = np.concatenate(sign)
    # The construction itself: inside by delta is in, outside by delta is out.
    assert (report.targets["in_reach"].to_numpy() == (sign < 0)).all()


def test_antimeridian(rng):
    origins = points([179.95, -179.5, 180.0, -180.0], [10.0, -40.0, 60.0, 60.0])
    t_lon = rng.uniform(-1, 1, 300)
    t_lon = np.where(t_lon < 0, 180 + t_lon * 5, -180 + t_lon * 5)
    targets = points(t_lon, rng.uniform(-60, 70, 300))
    check_against_oracle(origins, targets, "500 km", low=500e3)


@pytest.mark.parametrize("pole", [90.0, -90.0])
def test_poles(rng, pole):
    origins = points([0.0, 45.0, -120.0], [pole, pole * 0.98, pole * 0.97])
    t_lat = pole - np.sign(pole) * rng.uniform(0, 6, 300)
    t_lat[:10] = pole  # targets on the pole itself, at assorted longitudes
    targets = points(rng.uniform(-180, 180, 300), t_lat)
    report, _ = check_against_oracle(origins, targets, "300 km", low=R300)
    assert report.targets["distance_m"].iloc[:10].max() < 1e-6


@pytest.mark.parametrize("lon,lat", [(0.0, 0.0), (34.8, 50.91), (-100.0, 30.0), (20.0, 89.5)])
def test_near_antipodes(rng, lon, lat):
    anti_lon, anti_lat = lon + 180.0, -lat
    t_lat = np.clip(anti_lat + rng.normal(0, 0.5, 200), -90, 90)
    targets = points(anti_lon + rng.normal(0, 0.5, 200), t_lat)
    # Two origins: the point and a neighbour 50 km away, so the search must choose.
    origins = points([lon, lon], [lat, lat - 0.45 if lat > 0 else lat + 0.45])
    report, d = check_against_oracle(origins, targets, "19960 km", low=19_960e3)
    assert d.min(axis=1).min() > 19_700e3
    assert 0 < report.count < report.total


def test_reach_of_one_metre(rng):
    g = oracle_geodesic()
    x1, y1 = ring(g, 36.0, 51.0, 1.0 - 0.001, 50, rng)
    x2, y2 = ring(g, 36.0, 51.0, 1.0 + 0.001, 50, rng)
    targets = points(np.r_[x1, x2], np.r_[y1, y2])
    report, _ = check_against_oracle(points([36.0], [51.0]), targets, 1.0, low=1.0)
    assert report.count == 50


def test_huge_reach_covers_everything(rng):
    origins = points([34.8, 36.2], [50.9, 50.0])
    targets = points(rng.uniform(-180, 180, 300), np.degrees(np.arcsin(rng.uniform(-1, 1, 300))))
    report, _ = check_against_oracle(origins, targets, "20004 km", low=20_004e3)
    assert report.count == report.total
    report, _ = check_against_oracle(origins, targets, "19000 km", low=19_000e3)
    assert report.count < report.total


def test_global_random(rng):
    origins = points(rng.uniform(-180, 180, 25), np.degrees(np.arcsin(rng.uniform(-1, 1, 25))))
    targets = points(rng.uniform(-180, 180, 400), np.degrees(np.arcsin(rng.uniform(-1, 1, 400))))
    check_against_oracle(origins, targets, "2500 km", low=2_500e3)


def test_per_origin_reach_few_values(rng):
    n = 30
    reach = np.where(rng.random(n) < 0.5, "70 km", "190 mi")
    origins = points(rng.uniform(30, 40, n), rng.uniform(46, 53, n), reach=reach)
    targets = points(rng.uniform(27, 45, 300), rng.uniform(44, 56, 300))
    low = np.where(reach == "70 km", 70e3, R190MI)
    report, _ = check_against_oracle(origins, targets, "reach", low=low)
    assert "per-origin" in repr(report)


def test_per_origin_reach_many_values(rng):
    # More distinct values than the per-value grouping takes: one tree serves all.
    n = 40
    low = rng.uniform(20e3, 400e3, n)
    origins = points(rng.uniform(30, 40, n), rng.uniform(46, 53, n), reach=low)
    targets = points(rng.uniform(27, 45, 300), rng.uniform(44, 56, 300))
    check_against_oracle(origins, targets, "reach", low=low)


def test_band(rng):
    origins = points(rng.uniform(30, 40, 10), rng.uniform(46, 53, 10))
    targets = points(rng.uniform(25, 48, 300), rng.uniform(42, 58, 300))
    report, _ = check_against_oracle(origins, targets, ("250 km", "350 km"), low=250e3, high=350e3)
    assert report.marginal > 0
    assert "250 km to 350 km" in repr(report)


def test_band_ends_inclusive():
    g = oracle_geodesic()
    at_low = g.Direct(50.0, 30.0, 45.0, 100e3)
    at_high = g.Direct(50.0, 30.0, 135.0, 200e3)
    targets = points([at_low["lon2"], at_high["lon2"]], [at_low["lat2"], at_high["lat2"]])
    report = rangecov.coverage(points([30.0], [50.0]), targets, (100e3 + 1e-6, 200e3 + 1e-6))
    assert list(report.targets["status"]) == ["in", "marginal"]


def test_duplicates_and_origins_equal_targets(rng):
    lon = rng.uniform(30, 40, 10)
    lat = rng.uniform(46, 53, 10)
    origins = points(np.r_[lon, lon[:4]], np.r_[lat, lat[:4]])  # duplicated origins
    t_lon = np.r_[lon, rng.uniform(28, 42, 100), lon[:3]]
    t_lat = np.r_[lat, rng.uniform(44, 55, 100), lat[:3]]
    report, _ = check_against_oracle(origins, points(t_lon, t_lat), R300, low=R300)
    d = report.targets["distance_m"].to_numpy()
    assert (d[:10] == 0).all() and (d[-3:] == 0).all()
    # A duplicated origin is reported by its first position.
    assert list(report.targets["nearest_origin"].iloc[:4]) == [0, 1, 2, 3]


def test_many_coincident_origins(rng):
    # 200 origins on one spot, plus a few elsewhere: ties must not blow up or mislabel.
    origins = points(np.r_[np.full(200, 35.0), 30.0, 40.0], np.r_[np.full(200, 50.0), 48.0, 52.0])
    targets = points(rng.uniform(28, 42, 200), rng.uniform(45, 55, 200))
    check_against_oracle(origins, targets, R300, low=R300)


@pytest.mark.parametrize("ellipsoid", ["sphere", "GRS80", "intl"])
def test_other_ellipsoids(rng, ellipsoid):
    origins = points(rng.uniform(-10, 10, 15), rng.uniform(-60, 80, 15))
    targets = points(rng.uniform(-40, 40, 200), rng.uniform(-89, 89, 200))
    report, _ = check_against_oracle(origins, targets, "1500 km", ellipsoid=ellipsoid, low=1500e3)
    assert report.ellipsoid.name == ellipsoid


def test_projected_crs_inputs(rng):
    lon, lat = rng.uniform(30, 40, 10), rng.uniform(46, 53, 10)
    t_lon, t_lat = rng.uniform(28, 42, 150), rng.uniform(44, 55, 150)
    origins = points(lon, lat)
    targets = points(t_lon, t_lat)
    direct = rangecov.coverage(origins, targets, R300)
    projected = rangecov.coverage(origins.to_crs(3857), targets.to_crs("EPSG:32636"), R300)
    np.testing.assert_allclose(projected.targets["distance_m"], direct.targets["distance_m"], rtol=0, atol=1e-3)
    assert projected.targets.crs.to_epsg() == 32636
    assert (projected.targets["status"] == direct.targets["status"]).all()


def test_dense_cluster_of_distinct_origins_uses_every_search_path(rng):
    # More distinct origins than a cell's candidate table within ~1 km, targets 1,000-3,000 km
    # away: the chord cannot tell the origins apart, so their cells hand the targets to the
    # per-target search, which must widen from 4 to 16 candidates and then to a ball query.
    # Each path is checked against the oracle.
    from rangecov.engine.cells import CELL_MAX

    n = CELL_MAX + 40
    origins = points(35.0 + rng.normal(0, 0.005, n), 50.0 + rng.normal(0, 0.005, n))
    g = oracle_geodesic()
    far = [g.Direct(50.0, 35.0, az, d) for az, d in zip(rng.uniform(-180, 180, 120), rng.uniform(1e6, 3e6, 120))]
    near = [g.Direct(50.0, 35.0, az, d) for az, d in zip(rng.uniform(-180, 180, 30), rng.uniform(0, 5e3, 30))]
    targets = points([p["lon2"] for p in far + near], [p["lat2"] for p in far + near])
    check_against_oracle(origins, targets, "2000 km", low=2_000e3)
    # The engine says which paths ran (statistics on request, no spy needed).
    from rangecov.engine import OriginIndex

    o_xy = shapely.get_coordinates(origins.geometry.values)
    t_xy = shapely.get_coordinates(targets.geometry.values)
    pos, dist, stats = OriginIndex(o_xy[:, 0], o_xy[:, 1]).nearest(t_xy[:, 0], t_xy[:, 1], return_stats=True)
    assert stats.targets == len(targets) and stats.first_k > 0
    assert stats.more_k > 0 and stats.ball > 0
    # ... and that very call agrees with the oracle.
    d = oracle_matrix(o_xy[:, 0], o_xy[:, 1], t_xy[:, 0], t_xy[:, 1])
    np.testing.assert_allclose(dist, d.min(axis=1), rtol=0, atol=1e-6)
    np.testing.assert_allclose(d[np.arange(len(dist)), pos], dist, rtol=0, atol=1e-6)


@pytest.mark.parametrize("offset_turns", [1e9, 1e12])
def test_huge_longitudes_are_reduced_exactly(offset_turns):
    # Karney's solver reduces longitudes exactly; the chord bounds must see the same point.
    g = oracle_geodesic()
    lon = 360.0 * offset_turns + 0.3  # not exactly representable: the point is near 0.3°
    reduced = math.fmod(lon, 360.0)  # exact, as GeographicLib reduces it
    inside = [g.Direct(0.0, reduced, az, 999.99) for az in range(0, 360, 10)]
    t = points([p["lon2"] for p in inside], [p["lat2"] for p in inside])
    report = rangecov.coverage(points([lon], [0.0]), t, 1000.0)
    assert report.count == len(inside)
    assert report.origins["targets_in_reach"].tolist() == [len(inside)]
    np.testing.assert_allclose(report.targets["distance_m"], 999.99, rtol=0, atol=1e-6)


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), reach_m)
def test_equals_brute_force(o, t, reach):
    check_against_oracle(frame(o), frame(t), reach, low=reach)


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), st.lists(reach_m, min_size=8, max_size=8))
def test_per_origin_reach_equals_brute_force(o, t, reaches):
    origins = frame(o).assign(reach=reaches[: len(o)])
    check_against_oracle(origins, frame(t), "reach", low=np.array(reaches[: len(o)]))


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), reach_m, reach_m)
def test_growing_reach_never_loses_a_target(o, t, r1, r2):
    small, large = sorted((r1, r2))
    a = rangecov.coverage(frame(o), frame(t), small).targets["in_reach"]
    b = rangecov.coverage(frame(o), frame(t), large).targets["in_reach"]
    assert not (a & ~b).any()


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), reach_m, st.randoms())
def test_permuting_origins_changes_nothing(o, t, reach, random):
    perm = list(range(len(o)))
    random.shuffle(perm)
    origins = frame(o)
    a = rangecov.coverage(origins, frame(t), reach).targets
    b = rangecov.coverage(origins.iloc[perm], frame(t), reach).targets
    np.testing.assert_array_equal(a["status"], b["status"])
    np.testing.assert_array_equal(a["distance_m"], b["distance_m"])
    np.testing.assert_array_equal(a["margin_m"], b["margin_m"])
