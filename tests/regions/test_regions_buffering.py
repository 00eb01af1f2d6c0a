"""Buffers, dissolved reach regions and range rings (rangecov.regions.buffering) against the oracle."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from boundaries import boundary_samples
from shapely import Point

import rangecov
from rangecov.errors import InputError
from rangecov.geodesy.ellipsoid import get_ellipsoid

ELL = get_ellipsoid("WGS84")


def test_buffer_keeps_index_and_reads_columns_and_crs():
    frame = gpd.GeoDataFrame(
        {"r": ["100 km", "50 km"]}, geometry=[Point(30, 50), Point(31, 51)], index=["a", "b"], crs="EPSG:4326"
    ).to_crs("EPSG:3857")
    before = frame.copy()
    out = rangecov.buffer(frame, "r")
    assert out.index.tolist() == ["a", "b"] and out.crs.to_epsg() == 4326
    assert out.iloc[0].area > 3 * out.iloc[1].area
    out2 = rangecov.buffer(frame, [100_000, "50 km"])
    assert out2.iloc[0].equals(out.iloc[0])
    assert frame.equals(before)


def test_reach_dissolves_and_holds_tolerance():
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(30, 38, 40), rng.uniform(46, 52, 40)
    reach_m = rng.choice([100_000.0, 200_000.0, 305_775.36], 40)
    origins = gpd.GeoDataFrame({"r": reach_m}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    region = rangecov.reach(origins, "r")
    assert region.index.tolist() == ["all"] and region.is_valid.all()
    x, y = boundary_samples(region.iloc[0], n=4)
    s = ELL.distance(np.repeat(lon, x.size), np.repeat(lat, x.size), np.tile(x, 40), np.tile(y, 40)).reshape(40, -1)
    f = (s - reach_m[:, None]).min(axis=0)
    tol = float(rangecov.default_tolerance(reach_m.min()))
    assert np.abs(f).max() <= tol


def test_reach_by_group_and_empty():
    origins = gpd.GeoDataFrame(
        {"side": ["b", "a", "b"]}, geometry=[Point(30, 50), Point(40, 50), Point(31, 50)], crs="EPSG:4326"
    )
    out = rangecov.reach(origins, "100 km", by="side")
    assert out.index.tolist() == ["a", "b"] and out.index.name == "side"
    assert out.loc["a"].geom_type == "Polygon"
    with pytest.raises(InputError, match="by='nope' is not a column"):
        rangecov.reach(origins, "100 km", by="nope")
    origins.loc[1, "side"] = None  # a missing label is a group of its own, not dropped
    out = rangecov.reach(origins, "100 km", by="side")
    assert len(out) == 2 and out.index.isna().sum() == 1


def test_rings_by_list_interval_and_annulus():
    site = gpd.GeoDataFrame({"r": ["70 km"]}, geometry=[Point(35.0, 50.0)], index=["s"], crs="EPSG:4326")
    r = rangecov.rings(site, distances=["100 km", "190 mi"], radials=4)
    rings_only = r[r["kind"] == "ring"]
    assert rings_only["ring"].tolist() == [1, 2]
    assert rings_only["inner_m"].tolist() == [0.0, 100_000.0]
    assert rings_only["outer_m"].tolist() == [100_000.0, 305_775.36]
    annulus = rings_only.geometry.iloc[1]
    assert len(annulus.interiors) == 1
    # Outer and inner boundary both hold the tolerance.
    x, y = boundary_samples(shapely.Polygon(annulus.exterior))
    s = ELL.distance(np.full(x.size, 35.0), np.full(x.size, 50.0), x, y)
    assert np.abs(s - 305_775.36).max() <= 10.0
    x, y = boundary_samples(shapely.Polygon(annulus.interiors[0]))
    s = ELL.distance(np.full(x.size, 35.0), np.full(x.size, 50.0), x, y)
    assert np.abs(s - 100_000.0).max() <= 10.0
    radial = r[r["kind"] == "radial"]
    assert radial["azimuth"].tolist() == [0.0, 90.0, 180.0, 270.0]
    end = np.asarray(radial.geometry.iloc[1].coords)[-1]
    assert abs(ELL.distance(35.0, 50.0, end[0], end[1])[0] - 305_775.36) < 1e-3
    dead = rangecov.rings(site, min_range="r", max_range="300 km")
    assert dead["inner_m"].tolist() == [70_000.0] and len(dead.geometry.iloc[0].interiors) == 1
    by_interval = rangecov.rings(site, interval="50 km", count=3)
    assert by_interval["outer_m"].tolist() == [50_000.0, 100_000.0, 150_000.0]


def test_rings_bad_input():
    site = gpd.GeoSeries([Point(35.0, 50.0)], crs="EPSG:4326")
    with pytest.raises(InputError, match="exactly one of"):
        rangecov.rings(site)
    with pytest.raises(InputError, match="exactly one of"):
        rangecov.rings(site, distances=["1 km"], interval="1 km", count=2)
    with pytest.raises(InputError, match="interval= and count= go together"):
        rangecov.rings(site, interval="10 km")
    with pytest.raises(InputError, match="positive and increasing"):
        rangecov.rings(site, distances=["20 km", "10 km"])
    with pytest.raises(InputError, match="min_range must be smaller"):
        rangecov.rings(site, min_range="300 km", max_range="100 km")
    with pytest.raises(InputError, match="radials"):
        rangecov.rings(site, distances=["1 km"], radials=-1)


def test_reach_and_area_through_a_pole_keep_the_right_side():
    r = float(ELL.distance(np.array([0.0]), np.array([-45.0]), np.array([0.0]), np.array([90.0]))[0])
    site = gpd.GeoSeries([Point(0.0, -45.0)], crs="EPSG:4326")
    region = rangecov.reach(site, r, tolerance=1.0).iloc[0]
    assert region.covers(Point(0.0, -45.0)) and not region.covers(Point(180.0, 60.0))
    box = gpd.GeoSeries([shapely.box(0.5, -45.5, 1.5, -44.5)], crs="EPSG:4326")  # ~80 km east of the site
    share = rangecov.area_coverage(site, box, r, tolerance=1.0)["covered_share"].iloc[0]
    assert share == pytest.approx(1.0, abs=1e-9)


def test_radial_along_the_antimeridian_from_just_west_of_it():
    # Fuzzing found it: a radial due north from 179.99999999999997° runs along the cut meridian, and
    # cutting it at ±180° left only points (IndexError). It is drawn as that meridian.
    origin = gpd.GeoSeries([Point(179.99999999999997, 0.0)], crs="EPSG:4326")
    out = rangecov.rings(origin, distances=["10 km", "50 km"], radials=4)
    radials = out[out["kind"] == "radial"]
    assert len(radials) == 4 and radials.geometry.geom_type.isin(["LineString", "MultiLineString"]).all()
    north = radials.loc[radials["azimuth"] == 0.0].geometry.iloc[0]
    assert abs(abs(north.coords[0][0]) - 180.0) < 1e-9 and north.length == pytest.approx(0.45218, abs=1e-4)


def test_reach_by_a_column_whose_label_is_not_a_string():
    sites = gpd.GeoDataFrame({0: ["a", "a", "b"]}, geometry=gpd.points_from_xy([30, 31, 40], [50, 50, 45]), crs=4326)
    assert rangecov.reach(sites, "100 km", by=0).index.tolist() == ["a", "b"]
