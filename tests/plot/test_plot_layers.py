"""The data layers of the static map (rangecov.plot.layers)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

import rangecov


def test_background_across_the_antimeridian_is_the_box_it_is_as_a_target():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import shapely

    sites = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([174.11, 177.74], [52.71, 64.73]), index=["Shemya", "Anadyr"], crs="EPSG:4326"
    )
    box = shapely.Polygon([(172, 50), (-178, 50), (-178, 60), (172, 60)])
    regions = gpd.GeoDataFrame({"name": ["box"]}, geometry=[box], crs="EPSG:4326")
    report = rangecov.coverage(sites, regions, "300 km")
    ax = report.plot(background=regions)
    try:
        (layer,) = [c for c in ax.collections if c.get_gid() == "rangecov:background"]
        xy = np.vstack([p.vertices for p in layer.get_paths()])
        drawn_target = np.vstack(
            [p.vertices for c in ax.collections if c.get_gid().startswith("rangecov:targets") for p in c.get_paths()]
        )
        # As a target the box is 10° (about 640 km at 55°N) wide; the background must be the same shape.
        width = xy[:, 0].max() - xy[:, 0].min()
        assert 600e3 < width < 800e3
        assert width == pytest.approx(drawn_target[:, 0].max() - drawn_target[:, 0].min(), rel=1e-3)
    finally:
        plt.close(ax.figure)
