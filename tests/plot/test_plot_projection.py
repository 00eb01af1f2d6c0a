"""Where a static map is drawn (rangecov.plot.projection): round rings, any CRS, ±180°, the poles, the world."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from rangecov import coverage, datasets
from rangecov.plot import plot_report
from rangecov.regions.buffering import reach_regions

REACH_M = 190 * 1609.344


def paths_of(ax, gid: str) -> list:
    return [p for c in ax.collections if c.get_gid() == gid for p in c.get_paths()]


def vertices_of(ax, gid: str) -> np.ndarray:
    paths = paths_of(ax, gid)
    assert paths, f"nothing drawn with gid {gid!r}"
    return np.concatenate([p.vertices for p in paths])


def extent_ratio(xy: np.ndarray) -> float:
    return float(np.ptp(xy[:, 0]) / np.ptp(xy[:, 1]))


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
