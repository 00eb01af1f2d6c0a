"""Weights on targets (coverage(weight=...)): exact sums against the oracle, the rules, curves, compare, the command."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import oracle_geodesic, oracle_matrix, points
from shapely import Point, box

import rangecov
from rangecov.base.sums import PrefixSums, exact_sum
from rangecov.cli import main
from rangecov.errors import InputError, InputTypeError

REACH = 300_000.0


def _exact(values) -> Fraction:
    """The oracle's sum: every float as the exact rational it is, added in Python."""
    return sum((Fraction(float(v)) for v in values), Fraction(0))


@pytest.fixture(scope="module")
def scene():
    """Three origins; random targets with awkward weights; targets at the reach ± 1 cm (by the oracle)."""
    rng = np.random.default_rng(13)
    o_lon, o_lat = np.array([34.8, 36.2, 179.5]), np.array([50.9, 49.9, 65.0])
    origins = points(o_lon, o_lat, index=["Sumy", "Kharkiv", "Chukotka"])
    lon = list(rng.uniform(28, 42, 150)) + list(rng.uniform(175, 185, 50))
    lat = list(rng.uniform(46, 56, 150)) + list(rng.uniform(60, 70, 50))
    g = oracle_geodesic()
    for i in range(3):
        for d in (REACH - 0.01, REACH + 0.01):
            p = g.Direct(float(o_lat[i]), float(o_lon[i]), (300.0, 120.0, 0.0)[i], d)  # away from the others
            lon.append(p["lon2"])
            lat.append(p["lat2"])
    lon = (np.asarray(lon) + 180) % 360 - 180
    n = lon.size
    # Decimals that floats hold inexactly, zeros, and a spread of magnitudes.
    weights = np.round(rng.uniform(0, 10, n), 1) * 10.0 ** rng.integers(-3, 5, n)
    weights[::17] = 0.0
    targets = points(lon, np.asarray(lat), w=weights, region=rng.choice(["a", "b", "c"], n))
    d = oracle_matrix(o_lon, o_lat, lon, np.asarray(lat)).min(axis=1)
    return origins, targets, d


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


BAD = [
    (pd.Series([1.0, np.nan, 2.0, 3.0]), InputError, "missing values.*row 1"),
    (pd.Series([1.0, None, 2.0, 3.0], dtype=object), InputError, "missing"),
    (pd.Series([1, pd.NA, 2, 3], dtype="Int64"), InputError, "missing"),
    (pd.Series([1.0, np.inf, 2.0, 3.0]), InputError, "infinite values.*row 1"),
    (pd.Series([1.0, -0.5, 2.0, 3.0]), InputError, r"negative values: row 1 \(-0.5\)"),
    (pd.Series([True, False, True, True]), InputTypeError, "booleans"),
    (pd.Series(["1", "two", "3", "4"]), InputTypeError, "not numbers: row 0 \\('1'\\), row 1 \\('two'\\)"),
    (pd.Series([1.0, "two", 3.0, 4.0], dtype=object), InputTypeError, "not numbers: row 1 \\('two'\\)"),
    (pd.Series(pd.to_datetime(["2024-08-06"] * 4)), InputTypeError, "datetime64.* not numbers"),
    (pd.Series([1 + 2j] * 4), InputTypeError, "complex128 values, not numbers"),
    (pd.Series([1, 2**60 + 1, 3, 4]), InputError, "beyond 2\\*\\*53 that floats cannot hold exactly"),
]


@pytest.mark.parametrize("column, error, message", BAD)
def test_bad_weights_are_refused_naming_the_rows(column, error, message):
    origins = points([0.0], [0.0])
    targets = points([0.0, 0.1, 0.2, 0.3], [0.0] * 4, w=column.to_numpy() if column.dtype != object else column)
    before = targets.copy()
    with pytest.raises(error, match=message):
        rangecov.coverage(origins, targets, "100 km", weight="w")
    pd.testing.assert_frame_equal(targets, before)


def test_weight_errors_name_up_to_five_rows_and_the_columns():
    origins = points([0.0], [0.0])
    targets = points(np.zeros(9), np.arange(9) * 0.1, w=-np.arange(1.0, 10.0))
    with pytest.raises(InputError, match=r"row 4 \(-5.0\) and 4 more"):
        rangecov.coverage(origins, targets, "100 km", weight="w")
    with pytest.raises(InputError, match="weight='aircraft' is not a column of the targets; columns: w"):
        rangecov.coverage(origins, targets, "100 km", weight="aircraft")
    with pytest.raises(InputError, match="not a column"):
        rangecov.coverage(origins, targets, "100 km", weight="geometry")
    with pytest.raises(InputError, match="weight='distance_m' is a column rangecov writes"):
        rangecov.coverage(origins, targets.assign(distance_m=1.0), "100 km", weight="distance_m")
    with pytest.raises(InputTypeError, match="weight must be the name of a column"):
        rangecov.coverage(origins, targets, "100 km", weight=["w"])
    with pytest.raises(InputError, match=r"columns: \(none\)"):
        rangecov.coverage(origins, targets.geometry, "100 km", weight="w")
    # Text is refused even where it reads as numbers (a weight column of text is a mistake upstream);
    # an object column of numbers is fine, and so is an integer a float holds exactly.
    with pytest.raises(InputTypeError, match="not numbers"):
        rangecov.coverage(origins, targets.assign(w=[str(v) for v in np.arange(9.0)]), "100 km", weight="w")
    numbers = targets.assign(w=pd.Series(list(range(8)) + [2**60], dtype=object, index=targets.index))
    assert rangecov.coverage(origins, numbers, "100 km", weight="w").weight_total == float(28 + 2**60)


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


def test_compare_shows_the_weight_that_changed_status(scene):
    origins, targets, d = scene
    a = rangecov.coverage(origins, targets, REACH, weight="w")
    b = rangecov.coverage(origins, targets, "200 km", weight="w")
    c = rangecov.compare(a, b, labels=("far", "near"))
    moved = (d <= REACH) & (d > 200_000)
    assert c.changes.loc["in → out", "targets"] == int(moved.sum())
    assert c.changes.loc["in → out", "weight"] == float(_exact(targets["w"].to_numpy()[moved]))
    assert c.summary.loc["near", "weight_in"] == b.weight_in
    assert "(w " in repr(c)
    unweighted = rangecov.coverage(origins, targets, "200 km")
    mixed = rangecov.compare(a, unweighted)
    assert mixed.weight == "w" and mixed.summary.loc["b", "weight_in"] == b.weight_in  # b weighed by a's weights
    assert "nan" not in repr(mixed)
    other = rangecov.coverage(origins, targets.assign(w=1.0), "200 km", weight="w")
    with pytest.raises(InputError, match="different weights"):
        rangecov.compare(a, other)


def test_weights_are_not_mutated_and_rows_keep_their_order(scene):
    origins, targets, _ = scene
    before = targets.copy()
    shuffled = targets.sample(frac=1.0, random_state=3)
    report = rangecov.coverage(origins, shuffled, REACH, weight="w")
    pd.testing.assert_frame_equal(targets, before)
    assert report.targets.index.equals(shuffled.index)
    assert report.weight_in == rangecov.coverage(origins, targets, REACH, weight="w").weight_in


def test_json_and_headline_carry_the_weight(scene):
    origins, targets, _ = scene
    report = rangecov.coverage(origins, targets, REACH, weight="w")
    d = report.to_dict(by="region")
    assert d["weight"] == "w" and d["weight_in"] == report.weight_in
    assert d["groups"][0]["weighted_share"] == report.summary(by="region")["weighted_share"].iloc[0]
    json.dumps(d, allow_nan=False)
    assert "; w " in repr(report) and f"({100 * report.weighted_share:.1f}%)" in repr(report)


def test_exact_sums():
    values = np.array([1e16, 1.0, -1e16, 0.1, 0.2, 0.3] * 3)
    assert exact_sum(values) == _exact(values)
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, 1000) * 10.0 ** rng.integers(-20, 20, 1000)
    assert exact_sum(x) == _exact(x)
    prefix = PrefixSums(x)
    for k in (0, 1, 17, 999, 1000):
        assert prefix.at(k) == _exact(x[:k])
    assert prefix.first_reaching(prefix.total) == 1000
    assert prefix.first_reaching(prefix.total + 1) == 1001
    with pytest.raises(InputError, match="largest float"):
        exact_sum([1.7e308, 1.7e308])


def test_the_command_takes_weight(tmp_path, capsys):
    s = rangecov.datasets.atacms_kursk_2024()
    airfields = s.airfields.assign(aircraft=np.arange(len(s.airfields)) * 1.5)
    sites, fields = tmp_path / "sites.geojson", tmp_path / "fields.geojson"
    s.launch_sites.to_file(sites)
    airfields.to_file(fields)
    expected = rangecov.coverage(s.launch_sites, airfields, s.reach, weight="aircraft")
    argv = ["coverage", str(sites), str(fields), "--reach", "190 mi", "--weight", "aircraft"]
    assert main(argv + ["--by", "role"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == repr(expected) and "aircraft 48 of 204 (23.5%)" in out
    assert "weighted_share" in out and "weight_in" in out
    assert main(argv + ["--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["weight_in"] == expected.weight_in and d["weighted_share"] == expected.weighted_share
    assert main(argv[:-1] + ["role"]) == 2
    err = capsys.readouterr().err
    assert "--weight role holds str values, not numbers" in err and "weight=" not in err
    assert main(argv[:-1] + ["planes"]) == 2
    assert "--weight 'planes' is not a column of TARGETS" in capsys.readouterr().err
