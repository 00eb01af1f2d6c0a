"""What every coverage result shares (rangecov.results.totals): headline, nouns, weighted totals and the JSON summary."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import points
from shapely import Point, box
from weighted import REACH, _exact

import rangecov
from rangecov import coverage, datasets
from rangecov.errors import InputError


def _frame(lons, lats, index=None, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326", index=index)


def test_repr():
    o = points([34.8], [50.91], index=["Sumy"])
    t = points([36.2956, 46.21], [51.7506, 51.48])
    assert repr(rangecov.coverage(o, t, "190 mi")) == "1 of 2 targets (50.0%) within 190 mi (305.8 km) of 1 origin"
    assert repr(rangecov.coverage(o, t, 300_000)) == "1 of 2 targets (50.0%) within 300 km of 1 origin"


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


def test_to_dict_band_without_origins():
    d = coverage(_frame([], []), _frame([1.0], [0.0]), ("1 km", "2 km")).to_dict()
    assert d["reach_kind"] == "band" and d["reach_high_m"] is None and d["count"] == 0


def test_weighted_share_against_brute_force_over_the_oracle(scene):
    origins, targets, d = scene
    report = rangecov.coverage(origins, targets, REACH, weight="w")
    inside = d <= REACH
    assert report.count == int(inside.sum())
    w = targets["w"].to_numpy()
    assert report.weight_in == float(_exact(w[inside]))  # exact, rounded once
    assert report.weight_total == float(_exact(w))
    assert report.weighted_share == float(_exact(w[inside]) / _exact(w))
    assert report.weight_marginal == 0.0
    # Per group, the same sums.
    table = report.summary(by="region")
    for key, row in table.iterrows():
        pick = targets["region"].to_numpy() == key
        assert row["weight_in"] == float(_exact(w[pick & inside]))
        assert row["weight_total"] == float(_exact(w[pick]))
        assert row["weighted_share"] == float(_exact(w[pick & inside]) / _exact(w[pick]))
    assert list(table.columns) == [
        "total",
        "count",
        "share",
        "marginal",
        "weight_total",
        "weight_in",
        "weighted_share",
        "weight_marginal",
    ]
    # A band: the marginal weight is that of the targets between low and high.
    band = rangecov.coverage(origins, targets, (REACH - 50_000, REACH), weight="w")
    marginal = (d > REACH - 50_000) & (d <= REACH)
    assert band.weight_marginal == float(_exact(w[marginal])) and band.weight_marginal > 0


def test_targets_at_the_reach_count_their_weight_where_the_oracle_puts_them(scene):
    origins, targets, d = scene
    edge = targets.iloc[-6:].copy()
    edge["w"] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    report = rangecov.coverage(origins, edge, REACH, weight="w")
    inside = d[-6:] <= REACH
    assert inside.tolist() == [True, False] * 3
    assert report.weight_in == 1.0 + 4.0 + 16.0


def test_equal_weights_give_the_share_and_zero_weights_change_nothing(scene):
    origins, targets, _ = scene
    for value in (1.0, 0.1, 3.7, 1e-300, 7e15):
        report = rangecov.coverage(origins, targets.assign(w=value), REACH, weight="w")
        assert report.weighted_share == report.share
        by = report.summary(by="region")
        assert (by["weighted_share"] == by["share"]).all()
    base = rangecov.coverage(origins, targets, REACH, weight="w")
    extra = targets.iloc[:40].assign(w=0.0)
    more = rangecov.coverage(origins, pd.concat([targets, extra]), REACH, weight="w")
    assert (more.weight_in, more.weight_total, more.weighted_share) == (
        base.weight_in,
        base.weight_total,
        base.weighted_share,
    )


def test_all_zero_weights_give_an_undefined_share(scene):
    origins, targets, _ = scene
    report = rangecov.coverage(origins, targets.assign(w=0), REACH, weight="w")
    assert report.weight_total == 0.0 and math.isnan(report.weighted_share)
    assert math.isnan(report.required_reach(0.5, weighted=True))
    assert "(n/a)" in repr(report)


def test_without_a_weight_the_report_says_none(scene):
    origins, targets, _ = scene
    report = rangecov.coverage(origins, targets, REACH)
    assert report.weight is None and report.weight_in is None and report.weighted_share is None
    assert "weight_in" not in report.summary().columns and "weight" not in report.to_dict()
    with pytest.raises(InputError, match="weight="):
        report.required_reach(0.9, weighted=True)


@pytest.mark.parametrize("how", ["any", "all", "centroid", "area"])
def test_a_weight_counts_where_the_status_puts_it_in_every_how(how):
    origins = gpd.GeoSeries([Point(0, 0)], crs="EPSG:4326")
    cells = [box(x, -0.5, x + 1, 0.5) for x in np.arange(-4, 4, 0.75)]
    targets = gpd.GeoDataFrame({"w": np.arange(len(cells)) * 0.3 + 0.1}, geometry=cells, crs="EPSG:4326")
    report = rangecov.coverage(origins, targets, "250 km", how=how, weight="w", tolerance="100 m")
    status = report.targets["status"].astype(str).to_numpy()
    w = targets["w"].to_numpy()
    assert report.weight_in == float(_exact(w[status == "in"]))
    assert report.weight_marginal == float(_exact(w[status == "marginal"]))
    assert 0 < report.count < len(cells)


def test_json_and_headline_carry_the_weight(scene):
    origins, targets, _ = scene
    report = rangecov.coverage(origins, targets, REACH, weight="w")
    d = report.to_dict(by="region")
    assert d["weight"] == "w" and d["weight_in"] == report.weight_in
    assert d["groups"][0]["weighted_share"] == report.summary(by="region")["weighted_share"].iloc[0]
    json.dumps(d, allow_nan=False)
    assert "; w " in repr(report) and f"({100 * report.weighted_share:.1f}%)" in repr(report)


def test_nouns_name_origins_and_targets_in_headline_summary_json_and_map(tmp_path):
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = rangecov.datasets.atacms_kursk_2024()
    report = rangecov.coverage(s.launch_sites, s.airfields, s.reach, nouns=("launch sites", "airfields"))
    assert repr(report) == "5 of 17 airfields (29.4%) within 190 mi (305.8 km) of 7 launch sites"
    assert report.summary().index.name == "airfields" and report.summary(by="role").index.name == "role"
    assert json.loads(json.dumps(report.to_dict()))["nouns"] == {"origins": "launch sites", "targets": "airfields"}
    one = rangecov.coverage(s.launch_sites.iloc[:1], s.airfields.iloc[:1], s.reach, nouns=("cities", "bases"))
    assert repr(one).startswith("0 of 1 base (0.0%)") and repr(one).endswith("of 1 city")
    pair = rangecov.coverage(s.launch_sites.iloc[:1], s.airfields, s.reach, nouns=(("radar", "radar"), "ships"))
    assert repr(pair).endswith("of 1 radar") and "of 17 ships" in repr(pair)
    ax = report.plot()
    try:
        assert ax.get_title().startswith("5 of 17 airfields")
        assert any(t.get_text() == "launch sites (7)" for t in ax.get_legend().get_texts())
    finally:
        plt.close(ax.figure)
    plain = rangecov.coverage(s.launch_sites, s.airfields, s.reach)
    assert repr(plain).startswith("5 of 17 targets") and plain.summary().index.name is None
    streamed_path = tmp_path / "fields.csv"
    s.airfields.assign(lon=s.airfields.geometry.x, lat=s.airfields.geometry.y).drop(columns="geometry").to_csv(
        streamed_path
    )
    streamed = rangecov.stream_coverage(s.launch_sites, streamed_path, s.reach, nouns=("launch sites", "airfields"))
    assert repr(streamed) == repr(report) and streamed.summary().index.name == "airfields"
    for bad in ("airfields", ("a",), ("sites", 3), ("sites", ("one",))):
        with pytest.raises((rangecov.errors.InputError, rangecov.errors.InputTypeError), match="nouns"):
            rangecov.coverage(s.launch_sites, s.airfields, s.reach, nouns=bad)
