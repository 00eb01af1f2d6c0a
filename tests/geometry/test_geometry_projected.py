"""Lon/lat polygons drawn in a raster's CRS and cell areas on the ellipsoid (rangecov.geometry.projected)."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from conftest import oracle_geodesic, polar_cap_km2
from shapely import Point

from rangecov.geodesy.ellipsoid import get_ellipsoid
from rangecov.geometry.buffers import dissolve
from rangecov.geometry.projected import cell_areas, to_crs_within

pytest.importorskip("rioxarray")

pytest.importorskip("exactextract")

ELL = get_ellipsoid("WGS84")


def test_the_drawing_in_the_rasters_crs_holds_the_tolerance():
    """docs/exactness.md step 8: points along every edge drawn straight in the CRS, against the oracle."""
    g = oracle_geodesic()
    origins = np.array([Point(35.0, 51.0), Point(179.5, 65.0), Point(20.0, 87.0)], dtype=object)
    rng = np.random.default_rng(4)
    for crs, tol in (("ESRI:54009", 10.0), ("EPSG:3413", 10.0), ("EPSG:3571", 1.0), ("EPSG:4326", 10.0)):
        target = pyproj.CRS(crs)
        region = dissolve(ELL, origins, np.full(3, 300_000.0), tol / 2.0)[0]
        drawn = to_crs_within([region], target, ELL, tol / 2.0)[0]
        back = pyproj.Transformer.from_crs(target, 4326, always_xy=True)
        worst = 0.0
        for ring in (r for p in shapely.get_parts(drawn) for r in [p.exterior, *p.interiors]):
            xy = np.asarray(ring.coords)
            ends_lon, ends_lat = back.transform(xy[:, 0], xy[:, 1])
            ends_lon, ends_lat = np.asarray(ends_lon), np.asarray(ends_lat)
            # The cuts along ±180° and ±90° are artificial edges inside the region: exempt, as in step 6.
            cut = (abs(ends_lon) > 180 - 1e-7) | (abs(ends_lat) > 90 - 1e-7)
            edges = np.flatnonzero(~(cut[:-1] & cut[1:]))
            pick = rng.choice(edges, size=min(60, edges.size), replace=False)
            for t in (0.125, 0.375, 0.5, 0.625, 0.875):
                pts = xy[pick] + t * (xy[pick + 1] - xy[pick])
                lon, lat = back.transform(pts[:, 0], pts[:, 1])
                for x, y in zip(lon, lat):
                    d = min(g.Inverse(o.y, o.x, float(y), float(x), g.DISTANCE)["s12"] - 300_000.0 for o in origins)
                    worst = max(worst, abs(d))
        assert worst <= tol, (crs, worst)


def test_cell_areas_on_the_ellipsoid():
    one_degree = cell_areas(np.arange(-180.0, 181.0), np.arange(90.0, -91.0, -1.0), pyproj.CRS(4326), ELL)
    assert one_degree.sum() == pytest.approx(4 * np.pi * 6371007.18**2, rel=1e-6)  # the authalic sphere's area
    assert one_degree[0].sum() / 1e6 == pytest.approx(polar_cap_km2(89.0), rel=1e-12)
    moll = cell_areas(np.array([1.0e6, 1.001e6]), np.array([5.0e6, 4.999e6]), pyproj.CRS("ESRI:54009"), ELL)
    assert moll[0, 0] == pytest.approx(1e6, rel=0.01)
