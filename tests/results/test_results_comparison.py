"""Two coverage reports side by side (rangecov.results.comparison)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from weighted import REACH, _exact

import rangecov
from rangecov import compare, coverage, datasets
from rangecov.errors import InputError, InputTypeError


def _frame(lons, lats, index=None, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326", index=index)


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
