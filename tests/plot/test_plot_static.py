"""Maps and curves (rangecov.plot): what is drawn, where, and that it is drawn round."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display needed

import socket
import sys

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import shapely
from rangecov.regions.buffering import reach_regions

import rangecov
from rangecov import coverage, datasets, format_distance
from rangecov.errors import FileMissingError, InputError, InputTypeError, MissingDependencyError
from rangecov.plot import explore_report, plot_curve, plot_report

REACH_M = 190 * 1609.344


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


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def paths_of(ax, gid: str) -> list:
    return [p for c in ax.collections if c.get_gid() == gid for p in c.get_paths()]


def vertices_of(ax, gid: str) -> np.ndarray:
    paths = paths_of(ax, gid)
    assert paths, f"nothing drawn with gid {gid!r}"
    return np.concatenate([p.vertices for p in paths])


def extent_ratio(xy: np.ndarray) -> float:
    return float(np.ptp(xy[:, 0]) / np.ptp(xy[:, 1]))


# -- the static map ------------------------------------------------------------------------


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


def test_ring_is_round_in_the_default_projection(scenario):
    one = coverage(scenario.launch_sites.loc[["Kharkiv"]], scenario.airfields, scenario.reach)
    ax = one.plot()
    ring = vertices_of(ax, "rangecov:reach")
    assert extent_ratio(ring) == pytest.approx(1.0, abs=0.02)
    # Azimuthal equidistant near its centre: the diameter is twice the reach.
    assert np.ptp(ring[:, 0]) == pytest.approx(2 * REACH_M, rel=0.015)
    assert np.ptp(ring[:, 1]) == pytest.approx(2 * REACH_M, rel=0.015)
    # The same ring in plain lon/lat degrees is far from round (cos 50° squeeze).
    lonlat = shapely.get_coordinates(reach_regions(one).geometry.iloc[0])
    assert extent_ratio(lonlat) > 1.4


def test_crs_is_honoured(report):
    ax = plot_report(report, crs="EPSG:4326")
    ring = vertices_of(ax, "rangecov:reach")
    assert 25 < ring[:, 0].min() < ring[:, 0].max() < 45 and 45 < ring[:, 1].min() < ring[:, 1].max() < 56
    x0, x1 = ax.get_xlim()
    assert 20 < x0 < x1 < 55
    labels = [ax.xaxis.get_major_formatter()(v, 0) for v in (30.0, -30.0)]
    assert labels == ["30°E", "30°W"]
    ax = plot_report(report, crs="EPSG:3857")
    assert vertices_of(ax, "rangecov:reach")[:, 0].min() > 2e6  # Web Mercator metres


def test_labels_from_a_column(report, scenario):
    ax = plot_report(report, labels="icao", origin_labels=False)
    shown = texts(ax)
    codes = [c for c in scenario.airfields["icao"] if c]
    assert set(codes) <= set(shown)
    assert "Kursk-Khalino" not in shown and "Sumy" not in shown
    # Empty codes draw nothing: one text per code plus the corner note.
    assert len(shown) == len(codes) + 1


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


def test_across_the_antimeridian():
    origins = gpd.GeoSeries(
        [shapely.Point(178.4, -18.1), shapely.Point(-171.8, -13.8)], index=["Suva", "Apia"], crs="EPSG:4326"
    )
    targets = gpd.GeoSeries(
        [shapely.Point(175, -20), shapely.Point(-175, -21), shapely.Point(-160, -20)], crs="EPSG:4326"
    )
    r = coverage(origins, targets, "800 km")
    ring = vertices_of(r.plot(), "rangecov:reach")
    # One piece around both islands, not two halves at the edges of the world.
    assert np.ptp(ring[:, 0]) < 3.0e6 and len(paths_of(r.plot(), "rangecov:reach")) == 1
    ax = r.plot(crs="EPSG:4326")
    x0, x1 = ax.get_xlim()
    assert x1 - x0 < 60  # a Pacific window, not -180..180


def test_world_view_uses_equal_earth():
    cities = datasets.world_cities()
    r = coverage(cities.loc[["London", "Dubai", "Singapore", "New York", "Auckland"]], cities, "3000 km")
    ax = r.plot()
    assert paths_of(ax, "rangecov:sphere")  # the world's outline
    xy = vertices_of(ax, "rangecov:reach")
    assert np.ptp(xy[:, 0]) > 3e7  # Auckland's ring is cut at ±180°, on both edges of the map
    # Equal Earth keeps the equator at 0 and the map wider than tall.
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert (x1 - x0) / (y1 - y0) == pytest.approx(2.05, abs=0.1)


def test_region_around_a_pole_is_whole():
    origins = gpd.GeoSeries(
        [shapely.Point(15.6, 78.2), shapely.Point(-62.3, 82.5), shapely.Point(100, 77)], crs="EPSG:4326"
    )
    targets = gpd.GeoSeries([shapely.Point(x, 75) for x in range(-180, 180, 30)], crs="EPSG:4326")
    r = coverage(origins, targets, "1200 km")
    ax = r.plot()
    (path,) = paths_of(ax, "rangecov:reach")
    # Polar azimuthal view: the pole is at (0, 0), inside, and no slit runs to it.
    assert path.contains_point((0.0, 0.0))
    assert not np.any(np.hypot(*path.vertices.T) < 1e3)


def test_a_cap_reaching_low_latitudes_is_still_seen_from_above_the_pole():
    # A 3,000-mile ring from Alaska holds the North Pole and reaches ~20°N: polar
    # azimuthal, where the ring is round, not Equal Earth, where it smears along the top.
    origins = gpd.GeoDataFrame(
        {"reach": ["3000 mi", "400 km"]},
        geometry=[shapely.Point(-149.19, 64.29), shapely.Point(14.36, 67.27)],
        crs="EPSG:4326",
    )
    targets = gpd.GeoSeries([shapely.Point(-21.94, 64.15), shapely.Point(0, 90)], crs="EPSG:4326")
    ax = coverage(origins, targets, "reach").plot()
    paths = paths_of(ax, "rangecov:reach")
    assert any(p.contains_point((0.0, 0.0)) for p in paths)  # the pole at the centre, inside
    assert not paths_of(ax, "rangecov:sphere")  # no world outline: not a world view
    big = max(paths, key=lambda p: np.ptp(p.vertices[:, 0]))
    assert extent_ratio(big.vertices) == pytest.approx(1.0, abs=0.1)


def test_without_matplotlib_the_error_says_what_to_install(report, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[plot\]"'):
        plot_report(report)
    monkeypatch.setitem(sys.modules, "folium", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[plot\]"'):
        explore_report(report)


# -- the interactive map ---------------------------------------------------------------------


def test_explore_layers_and_tooltips_offline(report, monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network used while building the map")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    m = explore_report(report)  # default OpenStreetMap tiles: fetched by the browser, not here
    html = m.get_root().render()
    import folium

    assert isinstance(m, folium.Map)
    for layer in (
        "Countries (Natural Earth)",
        "Reach: 190 mi (305.8 km)",
        "Origins (7)",
        "Targets in reach (5)",
        "Targets out of reach (12)",
    ):
        assert layer in html
    for field in ('"target"', '"distance"', '"margin"', '"nearest_origin"', '"status"'):
        assert field in html
    assert "Kursk-Khalino" in html and "94.7 km" in html
    assert "L.control.layers" in html
    assert "openstreetmap" in html.lower()


def test_explore_without_tiles_and_awkward_columns(scenario):
    targets = scenario.airfields.assign(
        name=pd.array(["a", None] + ["b"] * 15, dtype="string"),  # a name column with a missing value
        role=scenario.airfields["role"].astype("category"),
        when=pd.Timestamp("2024-11-17"),
        odd=[object()] * 17,
    )
    r = coverage(scenario.launch_sites, targets, ("150 km", "350 km"))
    m = r.explore(tiles=None, width=600)
    html = m.get_root().render()
    assert "openstreetmap" not in html.lower()
    assert "Reach (high): 350 km" in html and f"Targets marginal ({r.marginal})" in html
    assert '"name"' in html
    with pytest.raises(InputTypeError, match="width"):
        r.explore(m=m, width=600)


# -- the curve --------------------------------------------------------------------------------


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


# -- the demo figure ----------------------------------------------------------------------------


def test_save_demo_map(tmp_path):
    from rangecov.demo import save_demo_map

    path = save_demo_map(tmp_path / "demo.png", dpi=100)
    assert path == tmp_path / "demo.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert plt.get_fignums() == []  # drawn off pyplot: nothing left open in a notebook


def test_package_exposes_the_functions():
    from rangecov import plot

    assert plot.__all__ == ["plot_report", "save_map", "explore_report", "plot_curve", "plot_placement_curve"]
    assert rangecov.CoverageReport.plot.__doc__
