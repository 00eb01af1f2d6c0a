"""Index labels as users' frames have them: repeated (``pandas.concat`` of two lists), tuples, NaN.

Nothing in an answer depends on unique labels: rows come back in the
user's order with the columns attached by position, and ``nearest_origin``
/ ``covering_origin`` are origin labels, which may then repeat.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

import rangecov


def _missing(value) -> bool:
    """None, NaN or pd.NA (but not a tuple label, for which pd.isna answers per element)."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


matplotlib.use("Agg")


@pytest.fixture(scope="module")
def scenario():
    return rangecov.datasets.atacms_kursk_2024()


def _relabel(frame, how: str):
    """The frame with repeated, tuple or NaN labels (same rows, same order)."""
    if how == "repeated":
        return pd.concat([frame, frame.iloc[:3]])
    if how == "tuples":
        return frame.set_index([frame.index, np.arange(len(frame)) % 2])
    out = frame.copy()
    out.index = [np.nan] + list(out.index[1:])
    return out


@pytest.mark.parametrize("how", ["repeated", "tuples", "nan"])
def test_every_function_answers_by_position(scenario, how):
    s = scenario
    origins, targets, regions = (_relabel(f, how) for f in (s.launch_sites, s.airfields, s.regions))
    plain = [f.reset_index(drop=True) for f in (origins, targets, regions)]
    before = [f.copy() for f in (origins, targets, regions)]

    for reach in (s.reach, "reach", ("250 km", "320 km")):
        report = rangecov.coverage(origins, targets, reach)
        expected = rangecov.coverage(plain[0], plain[1], reach)
        t, e = report.targets, expected.targets
        assert t.index.equals(targets.index)
        for column in ("distance_m", "margin_m", "in_reach"):
            assert np.array_equal(t[column].to_numpy(), e[column].to_numpy()), column
        assert t["status"].tolist() == e["status"].tolist()
        labels = origins.index.to_flat_index()
        assert t["nearest_origin"].tolist() == [labels[i] for i in e["nearest_origin"]]
        # Out of reach: no covering origin (missing); else the label of the origin at that position.
        out = (e["status"] == "out").tolist()
        assert [_missing(c) for c in t["covering_origin"]] == out
        kept = [c for c, o in zip(t["covering_origin"], out) if not o]
        assert kept == [labels[i] for i, o in zip(e["covering_origin"], out) if not o]
        assert report.origins["targets_in_reach"].tolist() == expected.origins["targets_in_reach"].tolist()
        pd.testing.assert_frame_equal(report.summary(by="role"), expected.summary(by="role"))
        assert len(report.to_dict(targets=True)["targets"]) == len(targets)

    # Drawn regions at a coarse tolerance: the labels are under test here, not the drawing.
    for how_shapes in ("any", "centroid"):
        report = rangecov.coverage(origins, regions, "190 mi", how=how_shapes, tolerance="2 km")
        expected = rangecov.coverage(plain[0], plain[2], "190 mi", how=how_shapes, tolerance="2 km")
        assert report.targets.index.equals(regions.index)
        assert report.targets["status"].tolist() == expected.targets["status"].tolist()

    a, b = rangecov.coverage(origins, targets, "190 mi"), rangecov.coverage(origins, targets, "70 km")
    changed = rangecov.compare(a, b).targets
    assert changed.index.equals(targets.index) and (changed["change"] == "in → out").sum() == a.count

    areas = rangecov.area_coverage(origins, regions, "190 mi", tolerance="2 km")
    expected_areas = rangecov.area_coverage(plain[0], plain[2], "190 mi", tolerance="2 km")
    assert areas.index.equals(regions.index)
    assert np.allclose(areas["covered_km2"], expected_areas["covered_km2"], rtol=0, atol=1e-6)

    buffers = rangecov.buffer(origins, "100 km", tolerance="1 km")
    assert buffers.index.equals(origins.index)
    again = rangecov.buffer(plain[0], "100 km", tolerance="1 km").set_axis(origins.index)
    assert buffers.geom_equals_exact(again, 0.0).all()
    rings = rangecov.rings(origins, distances=["50 km", "100 km"])
    assert len(rings) == 2 * len(origins)
    assert rangecov.reach(origins, "100 km").area.iloc[0] == pytest.approx(
        rangecov.reach(plain[0], "100 km").area.iloc[0]
    )
    rangecov.coverage(origins, targets, s.reach).plot(labels=True)
    matplotlib.pyplot.close("all")

    for original, frame in zip(before, (origins, targets, regions)):
        pd.testing.assert_frame_equal(original, frame)  # nothing the caller passed is changed


def test_repeated_labels_written_and_read_back(scenario, tmp_path):
    s = scenario
    targets = pd.concat([s.airfields, s.airfields.iloc[:2]])
    report = rangecov.coverage(s.launch_sites, targets, s.reach)
    for ext in ("gpkg", "parquet", "csv", "geojson"):
        back = rangecov.read(report.to_file(tmp_path / f"rows.{ext}"))
        assert back["name"].tolist() == targets.index.tolist()
        assert np.allclose(back["distance_m"], report.targets["distance_m"], rtol=0, atol=1e-6)
