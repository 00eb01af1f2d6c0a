"""Progress bars: on stderr when asked or watched, never in captured output by default."""

from __future__ import annotations

import io
import sys

import geopandas as gpd
import numpy as np
import pytest

from rangecov import area_coverage, buffer, coverage, datasets
from rangecov.base import progress as progress_bars
from rangecov.errors import InputTypeError, MissingDependencyError


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


def test_auto_counts_chunks_but_not_a_single_one(monkeypatch):
    """On a terminal with no delay, coverage in several chunks shows its bar; in one chunk, none."""
    fake = _Tty()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(progress_bars, "AUTO_DELAY_S", 0.0)
    coverage(_points(5), _points(200, 1), "300 km")
    assert fake.getvalue() == ""
    coverage(_points(5), _points(200, 1), "300 km", chunk_size=50)
    assert "coverage" in fake.getvalue()


def test_chunks_yield_one_slice_without_a_bar_and_nothing_for_no_work():
    assert list(progress_bars.chunks(7, 10, desc="d", unit="u", progress=None)) == [slice(0, 7)]
    assert list(progress_bars.chunks(7, 3, desc="d", unit="u", progress=False)) == [
        slice(0, 3),
        slice(3, 6),
        slice(6, 7),
    ]
    assert list(progress_bars.chunks(0, 10, desc="d", unit="u", progress=None)) == []


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
