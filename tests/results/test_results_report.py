"""Reach curves, required reach, comparisons and the JSON summary of a report."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geographiclib.geodesic import Geodesic
from shapely import Point, box

import rangecov
from rangecov import compare, coverage, datasets
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


def test_required_reach_share_arithmetic():
    # 0.9 * 10 is 9.000000000000002 in floats; the 9th target must be enough.
    origins = _frame([0.0], [0.0])
    targets = _frame(np.linspace(0.1, 1.0, 10), np.zeros(10))
    report = coverage(origins, targets, "1 km")
    d = np.sort(report.targets["distance_m"].to_numpy())
    assert report.required_reach(0.9) == d[8]
    assert report.required_reach(0.3) == d[2]


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


def test_compare_scenario_atacms_gmlrs_and_before_after():
    s = datasets.atacms_kursk_2024()
    atacms = coverage(s.launch_sites, s.airfields, s.reaches["ATACMS"])
    gmlrs = coverage(s.launch_sites, s.airfields, s.reaches["GMLRS"])
    c = compare(atacms, gmlrs, labels=("ATACMS", "GMLRS"))
    assert list(c.summary.index) == ["ATACMS", "GMLRS"]
    assert c.summary.loc["ATACMS", "count"] == atacms.count
    assert c.summary.loc["GMLRS", "count"] == gmlrs.count
    moved = (atacms.targets["status"].astype(str) != gmlrs.targets["status"].astype(str)).sum()
    assert len(c.changed) == moved > 0
    assert set(c.changed["change"].astype(str)) == {"in → out"}
    # Same origins, so every margin moves by the difference of the reaches.
    np.testing.assert_allclose(c.targets["margin_change_m"], 70_000 - 305_775.36)
    assert "changed status from ATACMS to GMLRS" in repr(c)
    assert c.targets.index.equals(s.airfields.index)
    assert "icao" in c.targets.columns and "status" not in c.targets.columns

    before = coverage(s.launch_sites_before, s.airfields, s.reach)
    after = coverage(s.launch_sites, s.airfields, s.reach)
    c2 = compare(before, after, labels=("before Aug 2024", "after"))
    # Adding an origin never shortens a margin.
    assert (c2.targets["margin_change_m"] >= 0).all()
    assert c2.targets.loc["Kursk-Khalino", "margin_change_m"] > 0


def test_compare_rejects_mismatched_input():
    a = coverage(_frame([0.0], [0.0]), _frame([1.0, 2.0], [0.0, 0.0]), "200 km")
    b = coverage(_frame([0.0], [0.0]), _frame([1.0], [0.0]), "200 km")
    with pytest.raises(InputError, match="same targets"):
        compare(a, b)
    c = coverage(_frame([0.0], [0.0]), _frame([1.0, 2.0], [0.0, 0.0], index=[5, 6]), "200 km")
    with pytest.raises(InputError, match="different labels or order"):
        compare(a, c)
    with pytest.raises(InputTypeError, match="report_b must be a CoverageReport"):
        compare(a, a.targets)
    for labels in [("x", "x"), ("x",), ("", "y"), "xy"]:
        with pytest.raises(InputError, match="labels must be two different"):
            compare(a, a, labels=labels)


def test_to_dict_is_json_and_complete():
    s = datasets.atacms_kursk_2024()
    report = coverage(s.launch_sites, s.airfields, ("180 mi", "200 mi"))
    d = report.to_dict(by="role", targets=True)
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["schema"] == "rangecov.coverage/1"
    assert back["reach_kind"] == "band"
    assert back["reach_m"] == pytest.approx(rangecov.parse_distance("180 mi"))
    assert back["reach_high_m"] == pytest.approx(rangecov.parse_distance("200 mi"))
    assert back["count"] + back["marginal"] + back["out"] == back["total"] == 17
    assert sum(g["total"] for g in back["groups"]) == 17
    assert [t["id"] for t in back["targets"]] == list(s.airfields.index)
    assert {t["status"] for t in back["targets"]} <= {"in", "marginal", "out"}
    # NaN and infinities become null (JSON has neither).
    empty = coverage(_frame([], []), _frame([1.0], [0.0]), "1 km").to_dict(targets=True)
    json.dumps(empty, allow_nan=False)
    assert empty["targets"][0]["distance_m"] is None
    assert empty["targets"][0]["nearest_origin"] is None


def test_compare_refuses_other_geometry_and_column_clashes():
    origins = _frame([0.0], [0.0])
    a = coverage(origins, _frame([1.0, 2.0], [0.0, 0.0]), "200 km")
    moved = coverage(origins, _frame([1.0, 2.5], [0.0, 0.0]), "200 km")
    with pytest.raises(InputError, match="geometry differs at index label 1"):
        compare(a, moved)
    # The same places in another CRS are the same targets.
    merc = coverage(origins, _frame([1.0, 2.0], [0.0, 0.0]).to_crs("EPSG:3857"), "200 km")
    assert compare(a, merc).changed.empty
    clashing = _frame([1.0], [0.0], change=["x"])
    r = coverage(origins, clashing, "200 km")
    with pytest.raises(InputError, match="'change'"):
        compare(r, r)
    c = compare(a, coverage(origins, _frame([1.0, 2.0], [0.0, 0.0]), "120 km"))
    assert isinstance(c.targets["status_a"].dtype, pd.CategoricalDtype)
    assert list(c.summary.columns) == ["reach", "how", "ellipsoid", "total", "count", "share", "marginal"]


def test_required_reach_tiny_share_and_numpy_share():
    origins = _frame([0.0], [0.0])
    report = coverage(origins, _frame([0.0, 1.0, 2.0, 3.0], [0.0] * 4), "1 km")
    assert report.required_reach(1e-12) == 0.0
    assert math.copysign(1.0, report.required_reach(1e-12)) == 1.0  # 0.0, not -0.0
    assert report.required_reach(np.float32(0.5)) == report.required_reach(0.5)


def test_to_dict_band_without_origins():
    d = coverage(_frame([], []), _frame([1.0], [0.0]), ("1 km", "2 km")).to_dict()
    assert d["reach_kind"] == "band" and d["reach_high_m"] is None and d["count"] == 0


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
