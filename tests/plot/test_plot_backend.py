"""The optional plotting libraries (rangecov.plot.backend): the error says what to install."""

from __future__ import annotations

import sys

import matplotlib
import matplotlib.pyplot as plt
import pytest

from rangecov import coverage, datasets
from rangecov.errors import MissingDependencyError
from rangecov.plot import explore_report, plot_report


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


def test_without_matplotlib_the_error_says_what_to_install(report, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[plot\]"'):
        plot_report(report)
    monkeypatch.setitem(sys.modules, "folium", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[plot\]"'):
        explore_report(report)
