"""The reach curve (rangecov.plot.curve)."""

from __future__ import annotations

import numpy as np
import pytest

import rangecov
from rangecov import coverage, format_distance
from rangecov.errors import InputError
from rangecov.plot import plot_curve


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_curve_steps_and_marks(report):
    ax = plot_curve(report)
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "rangecov:curve"]
    assert line.get_drawstyle() == "steps-post"
    y = line.get_ydata()
    assert y[0] == 0 and y[-1] == 100
    x = line.get_xdata()
    assert x[0] == 0 and np.all(np.diff(x) >= 0)
    assert x[-2] == pytest.approx(report.targets["distance_m"].max() / 1000)
    shown = texts(ax)
    assert f"90% needs {format_distance(report.required_reach(0.9))}" in shown  # "90% needs 727.3 km"
    assert any("5 of 17 (29.4%)" in t for t in shown)
    assert ax.get_xlabel() == "reach (km)"


def test_curve_per_origin_reach_is_in_factors(scenario):
    sites = scenario.launch_sites.assign(r=["100 km", "200 km", "300 km", "100 km", "150 km", "50 km", "300 km"])
    r = coverage(sites, scenario.airfields, "r")
    ax = r.plot_curve(share=0.5)
    assert "factor" in ax.get_xlabel()
    assert f"50% needs ×{r.required_reach(0.5):.3g}" in texts(ax)
    with pytest.raises(InputError, match="share"):
        r.plot_curve(share=1.5)


def test_curve_without_origins_or_targets(scenario):
    none = coverage(scenario.launch_sites.iloc[:0], scenario.airfields, scenario.reach)
    ax = none.plot_curve()
    assert any("out of reach at any distance" in t for t in texts(ax))
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "rangecov:curve"]
    assert np.all(line.get_ydata() == 0)
    empty = coverage(scenario.launch_sites, scenario.airfields.iloc[:0], scenario.reach)
    assert "no targets" in texts(empty.plot_curve())


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_the_reach_curves_label_is_not_crossed_by_its_curve(share):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cities = rangecov.datasets.world_cities()
    hubs = cities.loc[["London", "Dubai", "Singapore", "New York", "Auckland"]]
    ax = rangecov.coverage(hubs, cities, "3000 km").plot_curve(share=share)
    try:
        ax.figure.canvas.draw()
        (label,) = [t for t in ax.texts if t.get_gid() == "rangecov:required"]
        box = label.get_window_extent()
        (curve,) = [line for line in ax.lines if line.get_gid() == "rangecov:curve"]
        xy = curve.get_transform().transform(curve.get_path().interpolated(50).vertices)
        assert len(xy) > 100
        inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
        assert not inside.any(), label.get_text()
    finally:
        plt.close(ax.figure)
