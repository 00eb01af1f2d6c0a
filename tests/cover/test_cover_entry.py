"""``coverage()`` (rangecov.cover.entry): the shape of its answer, empty inputs, rows and labels kept, chunks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from alaska import FIELDS, SITES
from conftest import points

import rangecov
from rangecov import coverage
from rangecov.errors import InputError


def _points(n, seed=0, **cols):
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame(
        cols, geometry=gpd.points_from_xy(rng.uniform(20, 50, n), rng.uniform(40, 60, n)), crs="EPSG:4326"
    )


def test_duplicate_index_labels_are_accepted(targets):
    # tests/test_labels.py checks every function; here the smallest case.
    dup = points([1.0, 2.0], [1.0, 2.0], index=["a", "a"])
    report = rangecov.coverage(dup, targets, 1000)
    assert report.origins.index.tolist() == ["a", "a"]


def test_zero_origins(targets):
    report = rangecov.coverage(points([], []), targets, "190 mi")
    t = report.targets
    assert report.count == 0 and report.total == 3 and report.share == 0.0
    assert np.isinf(t["distance_m"]).all() and (t["margin_m"] == -np.inf).all()
    assert t["nearest_origin"].isna().all() and (t["status"] == "out").all()
    assert report.origins.empty


def test_zero_targets(origins):
    report = rangecov.coverage(origins, points([], []), "190 mi")
    assert report.count == 0 and report.total == 0 and np.isnan(report.share)
    assert list(report.targets.columns[-6:]) == [
        "distance_m",
        "nearest_origin",
        "margin_m",
        "covering_origin",
        "in_reach",
        "status",
    ]
    assert report.origins["targets_in_reach"].tolist() == [0, 0]
    assert "0 of 0 targets (n/a)" in repr(report)


@pytest.mark.parametrize("reach", ["190 mi", "reach", ("100 km", "400 km")])
def test_inputs_unchanged(origins, targets, reach):
    o_before, t_before = origins.copy(deep=True), targets.copy(deep=True)
    report = rangecov.coverage(origins, targets, reach)
    report.origins  # the lazy table too
    report.summary(by="name")
    pd.testing.assert_frame_equal(origins, o_before)
    pd.testing.assert_frame_equal(targets, t_before)
    assert list(targets.columns) == ["name", "geometry"]


def test_geoseries_inputs_and_output_shape(origins, targets):
    report = rangecov.coverage(origins.geometry, targets.geometry, "190 mi")
    assert isinstance(report.targets, gpd.GeoDataFrame)
    assert report.targets.crs == targets.crs
    assert list(report.targets.index) == list(targets.index)
    assert list(report.targets["nearest_origin"]) == ["Sumy", "Kharkiv", "Kharkiv"]


def test_user_order_and_index_kept(origins):
    t = points([46.21, 36.2956, 41.791], [51.48, 51.7506, 48.313], index=[30, 10, 20], name=["E", "K", "M"])
    report = rangecov.coverage(origins, t, "190 mi")
    assert list(report.targets.index) == [30, 10, 20]
    assert list(report.targets["name"]) == ["E", "K", "M"]
    assert list(report.targets["in_reach"]) == [False, True, False]


def test_geoseries_named_like_an_output_column(origins, targets):
    report = rangecov.coverage(origins.geometry.rename("targets_in_reach"), targets.geometry.rename("status"), "190 mi")
    assert report.targets.geometry.name == "geometry" and report.targets["status"].tolist() == ["in", "out", "out"]
    assert report.origins.geometry.name == "geometry" and report.origins["targets_in_reach"].tolist() == [1, 1]


def test_chunks_change_no_answer():
    origins = _points(40, 2, reach=np.where(np.arange(40) % 3, 200_000.0, 350_000.0))
    targets = _points(3000, 3)
    uniform = coverage(origins, targets, "300 km").targets
    per_origin = coverage(origins, targets, "reach").targets
    # Smaller than the origins, and not a divisor of the targets: honoured exactly.
    pd.testing.assert_frame_equal(coverage(origins, targets, "300 km", chunk_size=7).targets, uniform)
    pd.testing.assert_frame_equal(coverage(origins, targets, "reach", chunk_size=97).targets, per_origin)


def test_chunks_are_honoured_exactly(monkeypatch):
    # The bar advances by one chunk per step; record its steps (tqdm's own method, not ours).
    import tqdm

    steps = []
    original = tqdm.tqdm.update
    monkeypatch.setattr(tqdm.tqdm, "update", lambda self, n=1: (steps.append(n), original(self, n))[1])
    coverage(_points(40, 2), _points(100, 3), "300 km", chunk_size=30, progress=True)
    assert steps == [30, 30, 30, 10]


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "10", 1e6])
def test_chunk_size_must_be_a_positive_whole_number(bad):
    with pytest.raises(InputError, match=r"chunk_size must be a whole number of targets >= 1"):
        coverage(_points(2), _points(2, 1), "1 km", chunk_size=bad)


@pytest.mark.parametrize("reach", ["300 km", ("300 km", "700 km"), "reach"])
def test_covering_origin_is_missing_for_targets_out_of_reach(reach):
    origins = gpd.GeoDataFrame(
        {"reach": [300e3, 400e3, 500e3]},
        index=pd.Index([s[0] for s in SITES], name="name"),
        geometry=gpd.points_from_xy([s[2] for s in SITES], [s[1] for s in SITES]),
        crs="EPSG:4326",
    )
    targets = gpd.GeoDataFrame(
        index=pd.Index([f[0] for f in FIELDS], name="name"),
        geometry=gpd.points_from_xy([f[2] for f in FIELDS], [f[1] for f in FIELDS]),
        crs="EPSG:4326",
    )
    t = rangecov.coverage(origins, targets, reach).targets
    out = t["status"] == "out"
    assert out.any() and (~out).any()
    assert t.loc[out, "covering_origin"].isna().all()
    assert t.loc[~out, "covering_origin"].notna().all()
    assert t.loc["Fairbanks", "covering_origin"] == "Eielson AFB"
    # Nome is out of every reach here: a report once gave "Eielson AFB" as its covering origin.
    assert t.loc["Nome", "status"] == "out" and pd.isna(t.loc["Nome", "covering_origin"])
    assert t.loc["Nome", "nearest_origin"] in {s[0] for s in SITES}
    assert np.isfinite(t["margin_m"]).all()
