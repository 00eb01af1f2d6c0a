"""Progress bars: on stderr when asked or watched, never in captured output by default."""

from __future__ import annotations

import io
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from rangecov import area_coverage, buffer, coverage, datasets
from rangecov.base import progress as progress_bars
from rangecov.errors import InputError, InputTypeError, MissingDependencyError


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
    monkeypatch.setattr(progress_bars, "AUTO_DELAY_S", 0.0)
    buffer(_points(300), "50 km")
    assert "buffers" in fake.getvalue()


def test_auto_stays_quiet_on_a_terminal_for_short_work(monkeypatch):
    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    coverage(_points(3), _points(10, 1), "300 km")
    assert fake.getvalue() == ""


@pytest.mark.parametrize("value", ["yes", 1, 0.5])
def test_progress_must_be_true_false_or_none(value):
    with pytest.raises(InputTypeError, match="progress must be True, False or None"):
        coverage(_points(2), _points(2, 1), "1 km", progress=value)
    with pytest.raises(InputTypeError, match="progress must be True, False or None"):
        buffer(_points(2), "1 km", progress=value)


def test_progress_true_without_tqdm_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(MissingDependencyError, match=r"rangecov\[progress\]"):
        coverage(_points(2), _points(2, 1), "1 km", progress=True)
    # Automatic mode just goes without.
    coverage(_points(2), _points(2, 1), "1 km", progress=None)


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


def test_chunks_of_shape_targets_change_no_answer():
    origins = _points(4, 4)
    rng = np.random.default_rng(6)
    x, y = rng.uniform(20, 50, 40), rng.uniform(40, 60, 40)
    targets = gpd.GeoDataFrame(geometry=[box(a, b, a + 0.5, b + 0.3) for a, b in zip(x, y)], crs="EPSG:4326")
    whole = coverage(origins, targets, "300 km", how="all").targets
    pd.testing.assert_frame_equal(coverage(origins, targets, "300 km", how="all", chunk_size=7).targets, whole)
