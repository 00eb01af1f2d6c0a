"""The static map (rangecov.plot.static): what is drawn, where, the scale bar and the graticule."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import shapely
from command_line import call

import rangecov
from rangecov import coverage
from rangecov.errors import FileMissingError, InputError, InputTypeError
from rangecov.plot import explore_report, plot_curve, plot_report


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def paths_of(ax, gid: str) -> list:
    return [p for c in ax.collections if c.get_gid() == gid for p in c.get_paths()]


def vertices_of(ax, gid: str) -> np.ndarray:
    paths = paths_of(ax, gid)
    assert paths, f"nothing drawn with gid {gid!r}"
    return np.concatenate([p.vertices for p in paths])


def test_scenario_map_legend_title_labels(report, scenario):
    ax = plot_report(report, labels=True)
    assert ax.get_title() == repr(report)
    legend = legend_texts(ax)
    assert "in reach (5)" in legend and "out of reach (12)" in legend and "origins (7)" in legend
    assert "reach: 190 mi (305.8 km)" in legend
    assert not any(t.startswith("marginal") for t in legend)  # a single reach has no marginal status
    shown = texts(ax)
    for name in [*scenario.airfields.index, *scenario.launch_sites.index]:
        assert name in shown
    assert any("Geodesic reach on WGS84" in t for t in shown)
    # The view holds every airfield, from Soltsy-2 in the north-west to Mozdok in the south-east.
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for c in ax.collections:
        if c.get_gid() and c.get_gid().startswith("rangecov:targets"):
            xy = c.get_offsets()
            assert (xy[:, 0] > x0).all() and (xy[:, 0] < x1).all() and (xy[:, 1] > y0).all() and (xy[:, 1] < y1).all()
    # Projected metres carry no tick labels.
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []


def test_report_methods_pass_through(report):
    _, ax = plt.subplots()
    assert report.plot(ax=ax, title="Kursk") is ax
    assert ax.get_title() == "Kursk"
    assert report.plot_curve() is not None


def test_bad_arguments_say_what_to_do(report):
    with pytest.raises(InputError, match=r"labels='nope' is not a column of the targets.*icao"):
        plot_report(report, labels="nope")
    with pytest.raises(InputError, match="origin_labels='x'.*oblast"):
        plot_report(report, origin_labels="x")
    with pytest.raises(InputError, match="crs='EPSG:999999' is not a coordinate reference system"):
        plot_report(report, crs="EPSG:999999")
    with pytest.raises(InputError, match="not a map projection"):
        plot_report(report, crs="EPSG:4978")  # geocentric
    with pytest.raises(InputTypeError, match="background must be a GeoDataFrame, a GeoSeries or a file path"):
        plot_report(report, background=3)
    with pytest.raises(FileMissingError, match="oblasts does not exist"):
        plot_report(report, background="oblasts")  # a string is a file path
    with pytest.raises(InputTypeError, match="ax must be a matplotlib Axes"):
        plot_report(report, ax="left")
    assert plt.get_fignums() == []  # refused before drawing anything
    with pytest.raises(InputTypeError, match="title must be True"):
        plot_report(report, title=1)
    assert plot_curve(report, share=np.float32(0.5)).get_title()


def test_background_outlines_and_names(report, scenario):
    ax = plot_report(report, background=scenario.regions, background_labels="name_en")
    assert paths_of(ax, "rangecov:background")
    names = [t.get_text() for t in ax.texts if t.get_gid() == "rangecov:background-label"]
    assert "Belgorod" in names
    with pytest.raises(InputError, match="background_labels='nope'.*name_en"):
        plot_report(report, background=scenario.regions, background_labels="nope")


def test_band_draws_the_high_region(scenario):
    band = coverage(scenario.launch_sites, scenario.airfields, ("150 km", "350 km"))
    ax = band.plot()
    high = [c for c in ax.collections if c.get_gid() == "rangecov:reach-high"]
    assert high and high[0].get_linestyle()[0][1] is not None  # dashed
    low, outer = vertices_of(ax, "rangecov:reach"), vertices_of(ax, "rangecov:reach-high")
    assert np.ptp(outer[:, 0]) > np.ptp(low[:, 0]) + 2 * 190e3
    legend = legend_texts(ax)
    assert "reach (high): 350 km" in legend and "reach (low): 150 km" in legend
    assert f"marginal ({band.marginal})" in legend and band.marginal > 0


def test_polygon_and_line_targets_and_origins():
    origins = gpd.GeoDataFrame(
        {"name": ["box", "road"]},
        geometry=[shapely.box(25, 50, 31, 51), shapely.LineString([(34, 48), (36, 49)])],
        crs="EPSG:4326",
    )
    targets = gpd.GeoDataFrame(
        {"name": ["near", "far", "line"]},
        geometry=[shapely.box(32, 50, 33, 51), shapely.box(40, 44, 41, 45), shapely.LineString([(31, 53), (33, 55)])],
        crs="EPSG:4326",
    )
    r = coverage(origins, targets, "150 km")
    ax = r.plot(labels="name")
    assert paths_of(ax, "rangecov:origins") and paths_of(ax, "rangecov:targets-in")
    assert paths_of(ax, "rangecov:targets-out")
    assert {"near", "far", "line"} <= set(texts(ax))
    assert "origins (2)" in legend_texts(ax)
    # Geodesic edges are drawn as such: the box's 6° edges along parallels get
    # vertices on the geodesic (which bows poleward), not one straight lon/lat line.
    box = max(paths_of(ax, "rangecov:origins"), key=lambda p: len(p.vertices))
    assert len(box.vertices) > 10


def test_empty_reports_do_not_crash(scenario):
    no_targets = coverage(scenario.launch_sites, scenario.airfields.iloc[:0], scenario.reach)
    ax = no_targets.plot(labels=True)
    # No targets, no status entries (a map of origins alone, as the command's reach --plot draws).
    assert not any("reach (0)" in t for t in legend_texts(ax)) and "origins (7)" in legend_texts(ax)
    no_origins = coverage(scenario.launch_sites.iloc[:0], scenario.airfields, scenario.reach)
    ax = no_origins.plot(labels=True)
    assert "out of reach (17)" in legend_texts(ax) and "origins (0)" in legend_texts(ax)
    assert not paths_of(ax, "rangecov:reach")
    assert no_targets.plot_curve() is not None and no_origins.plot_curve() is not None
    assert no_targets.explore(tiles=None) is not None and no_origins.explore(tiles=None) is not None


def test_plot_does_not_change_the_report(report, scenario):
    before = report.targets.copy()
    sites = scenario.launch_sites.copy()
    plot_report(report, labels=True)
    explore_report(report, tiles=None)
    plot_curve(report)
    pd.testing.assert_frame_equal(report.targets, before)
    pd.testing.assert_frame_equal(report.input_origins, sites)


def test_scale_bar_where_metres_are_kept_and_a_graticule_on_request(alaska, capsys):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib_scalebar.scalebar import ScaleBar

    s = rangecov.datasets.atacms_kursk_2024()
    report = rangecov.coverage(s.launch_sites, s.airfields, s.reach)
    cities = rangecov.datasets.world_cities()
    world = rangecov.coverage(cities.loc[["London", "Auckland"]], cities, "3000 km")
    try:
        regional = report.plot()
        bars = [a for a in regional.artists if isinstance(a, ScaleBar)]
        # The regional map is azimuthal equidistant in metres: one data unit is one metre.
        assert len(bars) == 1 and (bars[0].dx, bars[0].units) == (1.0, "m")
        assert not [c for c in regional.collections if c.get_gid() == "rangecov:graticule"]
        assert not [a for a in world.plot().artists if isinstance(a, ScaleBar)]  # Equal Earth: no true scale
        assert not [a for a in report.plot(crs="EPSG:4326").artists if isinstance(a, ScaleBar)]
        assert not [a for a in report.plot(scalebar=False).artists if isinstance(a, ScaleBar)]
        gridded = report.plot(graticule=5)
        (lines,) = [c for c in gridded.collections if c.get_gid() == "rangecov:graticule"]
        assert len(lines.get_paths()) >= 4
        for bad in (0, -5, 100, "5"):
            with pytest.raises((rangecov.errors.InputError, rangecov.errors.InputTypeError), match="graticule"):
                report.plot(graticule=bad)
    finally:
        plt.close("all")
    code, _, err = call(
        ["coverage", "sites.csv", "fields.csv", "--reach", "300 km", "--plot", "g.svg", "--graticule"], capsys
    )
    assert code == 0 and 'id="rangecov:graticule"' in (alaska / "g.svg").read_text()


@pytest.mark.parametrize("loc", ["lower right", "lower left", "upper right"])
def test_the_scale_bar_keeps_out_of_the_legends_corner(loc):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib_scalebar.scalebar import ScaleBar

    s = rangecov.datasets.atacms_kursk_2024()
    ax = rangecov.coverage(s.launch_sites, s.airfields, s.reach).plot(legend={"loc": loc})
    try:
        ax.figure.canvas.draw()
        (bar,) = [a for a in ax.artists if isinstance(a, ScaleBar)]
        b, legend = bar.get_window_extent(ax.figure.canvas.get_renderer()), ax.get_legend().get_window_extent()
        assert not (min(b.x1, legend.x1) > max(b.x0, legend.x0) and min(b.y1, legend.y1) > max(b.y0, legend.y0))
    finally:
        plt.close(ax.figure)
