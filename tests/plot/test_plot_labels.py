"""Where the static map's texts go (rangecov.plot.labels): labels from a column, no collisions."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest

from rangecov import coverage, datasets
from rangecov.plot import plot_report


matplotlib.use("Agg")  # before pyplot: no display needed


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scenario():
    return datasets.atacms_kursk_2024()


@pytest.fixture(scope="module")
def report(scenario):
    return coverage(scenario.launch_sites, scenario.airfields, scenario.reach)


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_labels_from_a_column(report, scenario):
    ax = plot_report(report, labels="icao", origin_labels=False)
    shown = texts(ax)
    codes = [c for c in scenario.airfields["icao"] if c]
    assert set(codes) <= set(shown)
    assert "Kursk-Khalino" not in shown and "Sumy" not in shown
    # Empty codes draw nothing: one text per code plus the corner note.
    assert len(shown) == len(codes) + 1
