"""The plot package (rangecov.plot): what it exports."""

from __future__ import annotations

import rangecov


def test_package_exposes_the_functions():
    from rangecov import plot

    assert plot.__all__ == ["plot_report", "save_map", "explore_report", "plot_curve", "plot_placement_curve"]
    assert rangecov.CoverageReport.plot.__doc__
