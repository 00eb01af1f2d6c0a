"""Area coverage (rangecov.regions.area): ellipsoidal areas and covered shares against independent oracles."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import oracle_geodesic
from shapely import MultiPolygon, Point, Polygon

import rangecov
from rangecov import datasets
from rangecov.errors import InputError, InputTypeError
from rangecov.geodesy.ellipsoid import get_ellipsoid

ELL = get_ellipsoid("WGS84")


@pytest.fixture(scope="module")
def scenario():
    return datasets.atacms_kursk_2024()


def test_kursk_area_against_official_and_geographiclib(scenario):
    kursk = scenario.regions.loc["RU-KRS"].geometry
    g = oracle_geodesic()
    poly = g.Polygon()
    for x, y in list(kursk.exterior.coords)[:-1]:
        poly.AddPoint(y, x)
    _, _, oracle_area = poly.Compute(False, True)
    table = rangecov.area_coverage(scenario.launch_sites, scenario.regions.loc[["RU-KRS"]], "reach")
    area = table["area_km2"].iloc[0] * 1e6
    assert area == pytest.approx(abs(oracle_area), rel=1e-6)
    # Natural Earth 1:50m generalises the boundary: +0.96% against the official 29,997 km2.
    assert abs(area / 1e6 - 29_997.0) / 29_997.0 < 0.03
    assert area / 1e6 == pytest.approx(30_285.6, abs=0.1)


def test_covered_area_against_equal_area_grid(scenario):
    """Covered share of Voronezh Oblast by an independent count on an equal-area grid."""
    sites = scenario.launch_sites
    region = scenario.regions.loc[["RU-VOR"]]
    table = rangecov.area_coverage(sites, region, "reach", keep_geometry=True)
    # Independent estimate: a grid equal-area in (lon, sin(lat)) on the
    # authalic sphere is near-equal-area on the ellipsoid over one oblast;
    # cells count as covered when their centre is within reach of a site.
    geom = region.geometry.iloc[0]
    minx, miny, maxx, maxy = geom.bounds
    nx, ny = 500, 500
    xs = minx + (np.arange(nx) + 0.5) * (maxx - minx) / nx
    s0, s1 = np.sin(np.radians(miny)), np.sin(np.radians(maxy))
    ys = np.degrees(np.arcsin(s0 + (np.arange(ny) + 0.5) * (s1 - s0) / ny))
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(geom, gx, gy)
    gx, gy = gx[inside], gy[inside]
    sx, sy = sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()
    d = ELL.distance(np.repeat(gx, sx.size), np.repeat(gy, sx.size), np.tile(sx, gx.size), np.tile(sy, gx.size))
    covered = (d.reshape(gx.size, sx.size) <= 305_775.36).any(axis=1).mean()
    assert table["covered_share"].iloc[0] == pytest.approx(covered, abs=0.004)
    assert table["covered_geometry"].iloc[0].is_valid
    assert table["covered_km2"].iloc[0] <= table["area_km2"].iloc[0]


def test_area_coverage_keeps_rows_and_refuses_points(scenario):
    regions = scenario.regions.iloc[::-1]
    before = regions.copy()
    out = rangecov.area_coverage(scenario.launch_sites, regions, "190 mi")
    assert out.index.tolist() == regions.index.tolist()
    assert list(out.columns[-3:]) == ["area_km2", "covered_km2", "covered_share"]
    assert regions.equals(before)
    with pytest.raises(InputError, match="regions must be polygons to have an area"):
        rangecov.area_coverage(scenario.launch_sites, scenario.airfields, "190 mi")
    with pytest.raises(InputTypeError, match="not a band"):
        rangecov.area_coverage(scenario.launch_sites, regions, ("100 km", "200 km"))


def test_multipolygon_across_antimeridian_area():
    west = shapely.box(179.0, 60.0, 180.0, 61.0)
    east = shapely.box(-180.0, 60.0, -179.0, 61.0)
    region = gpd.GeoSeries([MultiPolygon([west, east])], crs="EPSG:4326")
    site = gpd.GeoSeries([Point(180.0, 60.5)], crs="EPSG:4326")
    out = rangecov.area_coverage(site, region, "1000 km")
    assert out["covered_share"].iloc[0] == pytest.approx(1.0, abs=1e-9)
    # Area: GeographicLib's polygon area of each part (geodesic edges).
    g = oracle_geodesic()
    total = 0.0
    for part in (west, east):
        poly = g.Polygon()
        for x, y in list(part.exterior.coords)[:-1]:
            poly.AddPoint(y, x)
        total += abs(poly.Compute(False, True)[2])
    assert out["area_km2"].iloc[0] * 1e6 == pytest.approx(total, rel=1e-9)
    # Given unsplit, the ring's edges take the short way across ±180° (geodesics).
    unsplit = Polygon([(179.0, 60.0), (-179.0, 60.0), (-179.0, 61.0), (179.0, 61.0)])
    one = rangecov.area_coverage(site, gpd.GeoSeries([unsplit], crs="EPSG:4326"), "1000 km")
    assert one["covered_share"].iloc[0] == pytest.approx(1.0, abs=1e-9)


def test_area_coverage_without_origins_takes_a_tolerance():
    import geopandas as gpd

    s = datasets.atacms_kursk_2024()
    table = rangecov.area_coverage(s.launch_sites.iloc[:0], s.regions.loc[["RU-KRS"]], "200 km", tolerance="5 km")
    assert table["covered_share"].tolist() == [0.0]
    assert isinstance(table, gpd.GeoDataFrame)
