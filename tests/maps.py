"""What the map tests share: matplotlib without a display, figures closed after each test, the scenario's report.

Registered for every test by conftest.py (a module defining its own ``scenario`` or ``report`` uses its own).
"""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")  # before pyplot: no display needed

import matplotlib.pyplot as plt  # noqa: E402

from rangecov import coverage, datasets  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scenario():
    return datasets.atacms_kursk_2024()


@pytest.fixture(scope="module")
def report(scenario):
    return coverage(scenario.launch_sites, scenario.airfields, scenario.reach)
