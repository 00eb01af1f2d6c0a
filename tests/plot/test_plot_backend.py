"""The optional plotting libraries (rangecov.plot.backend): the error says what to install."""

from __future__ import annotations

import sys

import pytest

from rangecov.errors import MissingDependencyError
from rangecov.plot import explore_report, plot_report


def test_without_matplotlib_the_error_says_what_to_install(report, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[plot\]"'):
        plot_report(report)
    monkeypatch.setitem(sys.modules, "folium", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[plot\]"'):
        explore_report(report)
