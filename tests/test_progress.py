"""Progress bars: on stderr when asked or watched, never in captured output by default."""

from __future__ import annotations

import io
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from rangecov import _areal, _progress, area_coverage, buffer, coverage, datasets

coverage_module = sys.modules["rangecov.coverage"]


def _points(n, seed=0, **cols):
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame(
        cols, geometry=gpd.points_from_xy(rng.uniform(20, 50, n), rng.uniform(40, 60, n)), crs="EPSG:4326"
    )


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_true_writes_a_bar_to_stderr(capsys):
    coverage(_points(5), _points(2000, 1), "300 km", progress=True)
    err = capsys.readouterr().err
    assert "coverage" in err and "target" in err


def test_default_is_silent_when_stderr_is_not_a_terminal(capsys):
    s = datasets.atacms_kursk_2024()
    coverage(s.launch_sites, s.airfields, s.reach)
    buffer(s.launch_sites, s.reach)
    area_coverage(s.launch_sites, s.regions.loc[["RU-KRS"]], s.reach)
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""


def test_auto_shows_on_a_terminal_after_the_delay(monkeypatch):
    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(_progress, "AUTO_DELAY_S", 0.0)
    buffer(_points(300), "50 km")
    assert "buffers" in fake.getvalue()


def test_auto_stays_quiet_on_a_terminal_for_short_work(monkeypatch):
    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    coverage(_points(3), _points(10, 1), "300 km")
    assert fake.getvalue() == ""


@pytest.mark.parametrize("value", ["yes", 1, 0.5])
def test_progress_must_be_true_false_or_none(value):
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        coverage(_points(2), _points(2, 1), "1 km", progress=value)
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        buffer(_points(2), "1 km", progress=value)


def test_progress_true_without_tqdm_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match=r"rangecov\[progress\]"):
        coverage(_points(2), _points(2, 1), "1 km", progress=True)
    # Automatic mode just goes without.
    coverage(_points(2), _points(2, 1), "1 km", progress=None)


def test_slicing_for_progress_changes_no_answer(monkeypatch):
    origins = _points(40, 2, reach=np.where(np.arange(40) % 3, 200_000.0, 350_000.0))
    targets = _points(3000, 3)
    uniform = coverage(origins, targets, "300 km").targets
    per_origin = coverage(origins, targets, "reach").targets
    monkeypatch.setattr(coverage_module, "_SLICE", 97)
    pd.testing.assert_frame_equal(coverage(origins, targets, "300 km").targets, uniform)
    pd.testing.assert_frame_equal(coverage(origins, targets, "reach").targets, per_origin)


def test_slicing_shape_targets_changes_no_answer(monkeypatch):
    origins = _points(4, 4)
    rng = np.random.default_rng(6)
    x, y = rng.uniform(20, 50, 40), rng.uniform(40, 60, 40)
    targets = gpd.GeoDataFrame(geometry=[box(a, b, a + 0.5, b + 0.3) for a, b in zip(x, y)], crs="EPSG:4326")
    whole = coverage(origins, targets, "300 km", how="all").targets
    monkeypatch.setattr(_areal, "_SLICE", 7)
    pd.testing.assert_frame_equal(coverage(origins, targets, "300 km", how="all").targets, whole)
