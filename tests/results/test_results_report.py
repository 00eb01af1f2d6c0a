"""The coverage report (rangecov.results.report): summaries, reach curves, required reach and writing it out."""

from __future__ import annotations

import math
from fractions import Fraction

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import points
from geographiclib.geodesic import Geodesic
from shapely import Point, box
from weighted import REACH, _exact

import rangecov
from rangecov import coverage
from rangecov.errors import InputError, InputTypeError, OutputExistsError, UnsupportedError

WGS84 = Geodesic.WGS84


def _frame(lons, lats, index=None, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326", index=index)


@pytest.fixture(scope="module")
def random_case():
    rng = np.random.default_rng(5)
    origins = _frame(rng.uniform(30, 40, 6), rng.uniform(48, 54, 6))
    # Targets anywhere on the globe, including the antimeridian and both poles.
    lon = np.r_[rng.uniform(-180, 180, 300), 180.0, -180.0, 0.0, 0.0]
    lat = np.r_[np.degrees(np.arcsin(rng.uniform(-1, 1, 300))), 10.0, -10.0, 90.0, -90.0]
    targets = _frame(lon, lat)
    oracle = np.array(
        [min(WGS84.Inverse(t.y, t.x, o.y, o.x)["s12"] for o in origins.geometry) for t in targets.geometry]
    )
    return origins, targets, oracle


def test_summary_by_and_bad_by(origins):
    t = points([36.2956, 41.791, 46.21, 36.6], [51.7506, 48.313, 51.48, 50.6], role=["a", "a", "b", None])
    report = rangecov.coverage(origins, t, "190 mi")
    s = report.summary(by="role")
    assert list(s.columns) == ["total", "count", "share", "marginal"]
    assert s.loc["a", "total"] == 2 and s.loc["a", "count"] == 1 and s.loc["a", "share"] == 0.5
    assert s["total"].sum() == 4  # the missing role is its own group
    all_row = report.summary()
    assert all_row.loc["all"].tolist() == [4, 2, 0.5, 0]
    with pytest.raises(InputError, match="by='kind' is not a column of the targets; columns: role, geometry"):
        report.summary(by="kind")


def test_summary_keeps_empty_categories(origins):
    t = points([36.2956, 46.21], [51.7506, 51.48], role=pd.Categorical(["a", "a"], categories=["a", "b"]))
    s = rangecov.coverage(origins, t, "190 mi").summary(by="role")
    assert list(s.index) == ["a", "b"]
    assert s.loc["b", "total"] == 0 and np.isnan(s.loc["b", "share"])


def test_curve_counts_match_oracle_at_every_step(random_case):
    origins, targets, oracle = random_case
    report = coverage(origins, targets, "300 km")
    table = report.curve()
    assert list(table.columns) == ["reach_m", "total", "count", "share"]
    assert table["reach_m"].is_monotonic_increasing and table["count"].is_monotonic_increasing
    expected = np.array([(oracle <= r + 1e-6).sum() for r in table["reach_m"]])
    np.testing.assert_array_equal(table["count"].to_numpy(), expected)
    assert table["count"].iloc[-1] == len(targets)
    # Just below each step the count drops by the targets at that distance (distinct distances here).
    below = report.curve(table["reach_m"].to_numpy() - 0.01)
    np.testing.assert_array_equal(below["count"].to_numpy(), expected - 1)


def test_curve_at_the_reports_own_reach_is_its_count(random_case):
    origins, targets, _ = random_case
    for reach in ("300 km", "190 mi", 5_000_000.0):
        report = coverage(origins, targets, reach)
        row = report.curve([reach]).iloc[0]
        assert row["count"] == report.count
        assert row["share"] == pytest.approx(report.share)


def test_required_reach_is_the_exact_step(random_case):
    origins, targets, oracle = random_case
    report = coverage(origins, targets, "300 km")
    n = len(targets)
    for share in (0.1, 0.5, 0.9, 1.0):
        r = report.required_reach(share)
        k = math.ceil(round(share * n, 9))
        assert r == pytest.approx(np.sort(oracle)[k - 1], abs=1e-6)
        assert (oracle <= r + 1e-6).sum() >= share * n
        # 1 cm less reaches fewer than the share.
        assert (oracle <= r - 0.01).sum() < share * n


@pytest.mark.parametrize("share", [0, -0.1, 1.5, "half", True, float("nan")])
def test_required_reach_rejects_bad_share(share):
    report = coverage(_frame([0.0], [0.0]), _frame([1.0], [0.0]), "10 km")
    # A bool is a type mistake (InputTypeError); the rest are values out of range.
    with pytest.raises(InputTypeError if isinstance(share, bool) else InputError, match="share must be"):
        report.required_reach(share)


def test_required_reach_without_origins_or_targets():
    no_origins = coverage(_frame([], []), _frame([1.0], [0.0]), "10 km")
    assert no_origins.required_reach(0.5) == math.inf
    assert no_origins.curve().empty
    no_targets = coverage(_frame([0.0], [0.0]), _frame([], []), "10 km")
    assert math.isnan(no_targets.required_reach(0.5))


def test_per_origin_reach_curve_scales_every_reach(random_case):
    origins, targets, _ = random_case
    origins = origins.assign(reach=["70 km", "190 mi", "300 km", "1 km", "500 km", "0 m"])
    reach_m = np.array([rangecov.parse_distance(v) for v in origins["reach"]])
    report = coverage(origins, targets, "reach")
    s = np.array([[WGS84.Inverse(t.y, t.x, o.y, o.x)["s12"] for o in origins.geometry] for t in targets.geometry])
    with np.errstate(divide="ignore"):
        factor = np.where(reach_m > 0, s / np.where(reach_m > 0, reach_m, 1), np.inf).min(axis=1)
    table = report.curve()
    assert list(table.columns) == ["factor", "total", "count", "share"]
    assert "times factor" in table.attrs["reach"]
    np.testing.assert_allclose(table["factor"].to_numpy(), np.unique(factor), rtol=1e-12)
    at_one = report.curve(factors=[1.0]).iloc[0]
    assert at_one["count"] == report.count
    assert report.required_reach(1.0) == pytest.approx(factor.max(), rel=1e-12)
    with pytest.raises(InputError, match="factors="):
        report.curve(["300 km"])


def test_per_origin_factor_zero_reach_on_the_origin():
    origins = _frame([10.0, 20.0], [0.0, 0.0], reach=[0.0, 1000.0])
    targets = _frame([10.0, 20.005], [0.0, 0.0])
    report = coverage(origins, targets, "reach")
    assert report.curve(factors=[0.0])["count"].iloc[0] == 1
    assert report.required_reach(1.0) == pytest.approx(WGS84.Inverse(0, 20, 0, 20.005)["s12"] / 1000.0)


def test_curve_refuses_drawn_decisions_and_mixed_arguments():
    origins = _frame([0.0], [0.0])
    targets = gpd.GeoDataFrame(geometry=[box(1, 1, 2, 2)], crs="EPSG:4326")
    report = coverage(origins, targets, "300 km", how="all")
    with pytest.raises(UnsupportedError, match="how='any'"):
        report.curve()
    point = coverage(origins, _frame([1.0], [1.0]), "300 km")
    with pytest.raises(InputError, match="factors= is for reports"):
        point.curve(factors=[1.0])
    with pytest.raises(InputError, match="reaches"):
        point.curve(["ten miles"])


def test_curve_on_polygon_targets_uses_distance_to_the_nearest_point():
    origins = _frame([0.0], [0.0])
    targets = gpd.GeoDataFrame(geometry=[box(1, -1, 2, 1), Point(3, 0)], crs="EPSG:4326")
    report = coverage(origins, targets, "10 km")
    first = WGS84.Inverse(0, 0, 0, 1)["s12"]
    assert report.required_reach(0.5) == pytest.approx(first, abs=1e-3)


def test_to_file_refuses_json_and_points_to_to_dict(tmp_path):
    report = coverage(_frame([0.0], [0.0]), _frame([1.0], [0.0]), "200 km")
    with pytest.raises(InputError, match=r"to_dict\(targets=True\)"):
        report.to_file(tmp_path / "r.json")
    with pytest.raises(InputError, match="layer must be"):
        report.to_file(tmp_path / "r.geojson", layer="both")
    report.to_file(tmp_path / "r.geojson")
    with pytest.raises(OutputExistsError, match="overwrite=True"):
        report.to_file(tmp_path / "r.geojson")
    report.to_file(tmp_path / "o.gpkg", layer="origins")
    back = rangecov.read(tmp_path / "o.gpkg")
    assert back["targets_in_reach"].tolist() == [1]


def test_required_reach_weighted_sums_exactly():
    origins = points([0.0], [0.0])
    targets = points(np.arange(1, 11) * 0.01, np.zeros(10), w=np.full(10, 0.1))
    report = rangecov.coverage(origins, targets, "100 km", weight="w")
    d = np.sort(report.targets["distance_m"].to_numpy())
    assert sum([0.1] * 9) < 0.9 * math.fsum([0.1] * 10)  # what float sums would get wrong: the tenth
    assert report.required_reach(0.9, weighted=True) == d[8]
    assert report.required_reach("90%", weighted=True) == d[8]
    assert report.required_reach(0.91, weighted=True) == d[9]
    with pytest.raises(InputTypeError, match="weighted must be True or False"):
        report.required_reach(0.9, weighted="yes")


def test_required_reach_and_curve_weighted_against_brute_force(scene):
    origins, targets, _ = scene
    report = rangecov.coverage(origins, targets, REACH, weight="w")
    d = report.targets["distance_m"].to_numpy()
    w = targets["w"].to_numpy()
    total = _exact(w)
    for share in (0.05, 0.25, 0.5, 0.9, 0.999, 1.0):
        need = Fraction(share).limit_denominator(10**9) * total
        # The smallest distance r (over the targets' own) whose covered weight reaches the need.
        best = min(r for r in d if _exact(w[d <= r]) >= need)
        assert report.required_reach(share, weighted=True) == best, share
    table = report.curve(["100 km", "300 km", "1000 km"])
    for r, w_in, w_share in zip(table["reach_m"], table["weight_in"], table["weighted_share"]):
        assert w_in == float(_exact(w[d <= r]))
        assert w_share == float(_exact(w[d <= r]) / total)
    every = report.curve()
    assert every["weight_in"].is_monotonic_increasing and every["weighted_share"].iloc[-1] == 1.0
