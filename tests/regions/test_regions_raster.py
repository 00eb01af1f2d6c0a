"""raster_coverage: synthetic rasters with known answers, any CRS, ±180°, the poles, nodata, and every refusal."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import oracle_geodesic, polar_cap_km2
from shapely import Point

import rangecov
from rangecov.errors import FileFormatError, InputError, InputTypeError, MissingCRSError
from rangecov.geodesy.ellipsoid import get_ellipsoid

pytest.importorskip("rioxarray")

pytest.importorskip("exactextract")

xr = pytest.importorskip("xarray")

rasterio = pytest.importorskip("rasterio")

ELL = get_ellipsoid("WGS84")

SITES = gpd.GeoSeries([Point(35.0, 51.0), Point(36.5, 50.2)], index=["A", "B"], crs="EPSG:4326")

REACH = 200_000.0


def grid(values, x0, y0, step, crs, *, dy=None):
    """A north-up DataArray whose cell (0, 0) has its top-left corner at (x0, y0)."""
    values = np.asarray(values, dtype=float)
    dy = step if dy is None else dy
    xs = x0 + step * (np.arange(values.shape[1]) + 0.5)
    ys = y0 - dy * (np.arange(values.shape[0]) + 0.5)
    return xr.DataArray(values, coords={"y": ys, "x": xs}, dims=("y", "x")).rio.write_crs(crs)


def lonlat_grid(value, west, north, east, south, step):
    n_x, n_y = round((east - west) / step), round((north - south) / step)
    return grid(np.full((n_y, n_x), value), west, north, step, "EPSG:4326")


def test_uniform_density_is_density_times_the_covered_area():
    density = 40.0
    raster = lonlat_grid(density, 30.0, 55.0, 42.0, 46.0, 0.05)
    region = gpd.GeoDataFrame({"name": ["theatre"]}, geometry=[shapely.box(31, 47, 41, 54)], crs="EPSG:4326")
    table = rangecov.raster_coverage(SITES, raster, REACH, regions=region, values="density")
    areas = rangecov.area_coverage(SITES, region, REACH)
    row = table.iloc[0]
    expected = density * areas["covered_km2"].iloc[0]
    assert abs(row["in_reach"] - expected) <= row["error_bound"]
    assert row["error_bound"] < 0.1 * expected  # whole boundary cells of 0.05°: a bound that still says something
    # Region edges (geodesics) are split by fraction, outside the bound: close, not exact.
    assert row["total"] == pytest.approx(density * areas["area_km2"].iloc[0], rel=1e-3)
    assert row["share"] == row["in_reach"] / row["total"] and row["marginal"] == 0.0
    assert list(table.columns) == ["total", "in_reach", "marginal", "share", "error_bound"]
    assert table.index.equals(region.index)


def test_a_hot_cell_inside_and_one_outside():
    counts = np.zeros((180, 240))
    raster = grid(counts, 30.0, 55.0, 0.05, "EPSG:4326")
    inside = (int((55.0 - 51.0) / 0.05), int((35.0 - 30.0) / 0.05))  # the cell of site A
    outside = (5, 5)  # near 54.7°N 30.2°E, over 300 km from both sites
    raster.values[inside] = 1000.0
    raster.values[outside] = 7.0
    table = rangecov.raster_coverage(SITES, raster, REACH)
    assert table.loc["all", "total"] == 1007.0
    assert table.loc["all", "in_reach"] == 1000.0
    # The band touches no weighted cell: only the float32 rounding of the fractions remains.
    assert 0 < table.loc["all", "error_bound"] < 1e-3


def test_mollweide_raster():
    """A GHS-POP-like density grid in Mollweide (ESRI:54009), 2 km cells."""
    xs0, ys0 = 2.0e6, 6.5e6
    raster = grid(np.full((700, 800), 10.0), xs0, ys0, 2000.0, "ESRI:54009")
    table = rangecov.raster_coverage(SITES, raster, REACH, values="density")
    disk = rangecov.area_coverage(SITES, rangecov.reach(SITES, REACH), REACH)["covered_km2"].iloc[0]
    row = table.loc["all"]
    assert abs(row["in_reach"] - 10.0 * disk) <= row["error_bound"]
    # Counts per cell: 40 people in each 2 km cell of the map (not of the ellipsoid).
    counts = rangecov.raster_coverage(SITES, raster * 4, REACH)
    assert counts.loc["all", "total"] == 40.0 * 700 * 800


def test_raster_across_the_antimeridian():
    site = gpd.GeoSeries([Point(179.5, 65.0)], crs="EPSG:4326")
    disk = rangecov.area_coverage(site, rangecov.reach(site, 300_000.0), 300_000.0)["covered_km2"].iloc[0]
    # Longitudes 170°..190° (past 180°), and the same ground as -190°..-170°.
    for west in (170.0, -190.0):
        raster = lonlat_grid(3.0, west, 70.0, west + 20.0, 60.0, 0.1)
        row = rangecov.raster_coverage(site, raster, 300_000.0, values="density").loc["all"]
        assert abs(row["in_reach"] - 3.0 * disk) <= row["error_bound"], west
    # A projected grid centred on the Bering Strait (polar LAEA, EPSG:3571).
    raster = grid(np.full((300, 300), 3.0), -1.0e6, -2.0e6, 5000.0, "EPSG:3571")
    row = rangecov.raster_coverage(site, raster, 300_000.0, values="density").loc["all"]
    assert abs(row["in_reach"] - 3.0 * disk) <= row["error_bound"]


def test_reach_around_a_pole():
    pole = gpd.GeoSeries([Point(0.0, 90.0)], crs="EPSG:4326")
    edge = oracle_geodesic().Direct(90.0, 0.0, 180.0, 500_000.0)["lat2"]
    expected = 3.0 * polar_cap_km2(edge)
    polar = grid(np.full((400, 400), 3.0), -1e6, 1e6, 5000.0, "EPSG:3413")
    lonlat = lonlat_grid(3.0, -180.0, 90.0, 180.0, 80.0, 0.2)
    for raster in (polar, lonlat):
        row = rangecov.raster_coverage(pole, raster, 500_000.0, values="density").loc["all"]
        assert abs(row["in_reach"] - expected) <= row["error_bound"]


def test_nodata_is_left_out_and_a_file_reads_as_the_dataarray(tmp_path):
    values = np.full((180, 240), 2.0)
    values[70:90, 90:110] = -9999.0  # around site A, well inside the reach
    raster = grid(values, 30.0, 55.0, 0.05, "EPSG:4326").rio.write_nodata(-9999.0)
    table = rangecov.raster_coverage(SITES, raster, REACH)
    clean = rangecov.raster_coverage(SITES, grid(np.full((180, 240), 2.0), 30.0, 55.0, 0.05, "EPSG:4326"), REACH)
    assert clean.loc["all", "in_reach"] - table.loc["all", "in_reach"] == pytest.approx(2.0 * 400, abs=1e-6)
    path = tmp_path / "people.tif"
    raster.rio.to_raster(path)
    pd.testing.assert_frame_equal(rangecov.raster_coverage(SITES, str(path), REACH), table)
    # NaN cells are nodata too.
    nan = grid(np.where(values < 0, np.nan, values), 30.0, 55.0, 0.05, "EPSG:4326")
    pd.testing.assert_frame_equal(rangecov.raster_coverage(SITES, nan, REACH), table)


def test_band_reach_regions_and_by():
    raster = lonlat_grid(5.0, 30.0, 55.0, 42.0, 46.0, 0.05)
    boxes = [shapely.box(31, 48, 36, 53), shapely.box(35, 48, 40, 53), shapely.box(39, 46.5, 41.5, 47.5)]
    regions = gpd.GeoDataFrame({"side": ["w", "e", "e"]}, geometry=boxes, crs="EPSG:4326", index=["p", "q", "r"])
    band = rangecov.raster_coverage(SITES, raster, (150_000.0, 250_000.0), regions=regions, values="density")
    low = rangecov.raster_coverage(SITES, raster, 150_000.0, regions=regions, values="density")
    high = rangecov.raster_coverage(SITES, raster, 250_000.0, regions=regions, values="density")
    np.testing.assert_allclose(band["in_reach"], low["in_reach"], rtol=1e-12)
    bound = band["error_bound"] + 1e-9
    assert (abs(band["marginal"] - (high["in_reach"] - low["in_reach"])) <= bound).all()
    assert band.index.tolist() == ["p", "q", "r"]
    grouped = rangecov.raster_coverage(SITES, raster, 150_000.0, regions=regions, by="side", values="density")
    assert grouped.index.tolist() == ["e", "w"] and grouped.index.name == "side"
    # q and r do not overlap, so their union weighs what they weigh together; p and q overlap in 35..36°E.
    assert grouped.loc["e", "total"] == pytest.approx(low.loc[["q", "r"], "total"].sum(), rel=1e-9)
    union = rangecov.raster_coverage(
        SITES, raster, 150_000.0, regions=gpd.GeoSeries([shapely.union(boxes[0], boxes[1])], crs=4326), values="density"
    )
    assert union.iloc[0]["total"] < low.loc[["p", "q"], "total"].sum()
    per_origin = rangecov.raster_coverage(SITES.to_frame("geometry").assign(r=[REACH, 100_000.0]), raster, "r")
    assert per_origin.loc["all", "in_reach"] < rangecov.raster_coverage(SITES, raster, REACH).loc["all", "in_reach"]


def test_refusals(tmp_path):
    raster = lonlat_grid(1.0, 30.0, 55.0, 42.0, 46.0, 0.1)
    bare = xr.DataArray(np.ones((3, 3)), coords={"y": [3.0, 2.0, 1.0], "x": [1.0, 2.0, 3.0]}, dims=("y", "x"))
    with pytest.raises(MissingCRSError, match="has no CRS"):
        rangecov.raster_coverage(SITES, bare, REACH)
    text = tmp_path / "not.tif"
    text.write_text("not a raster")
    with pytest.raises(FileFormatError, match="cannot be read as a raster"):
        rangecov.raster_coverage(SITES, str(text), REACH)
    with pytest.raises(rangecov.errors.FileMissingError, match="does not exist"):
        rangecov.raster_coverage(SITES, str(tmp_path / "gone.tif"), REACH)
    rotated = tmp_path / "rotated.tif"
    with rasterio.open(
        rotated,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=rasterio.Affine(0.1, 0.02, 30.0, 0.0, -0.1, 55.0),
    ) as ds:
        ds.write(np.ones((1, 4, 4), dtype="float32"))
    with pytest.raises(InputError, match="rotated or sheared"):
        rangecov.raster_coverage(SITES, str(rotated), REACH)
    with pytest.raises(InputError, match="band=2 does not exist"):
        rangecov.raster_coverage(SITES, raster, REACH, band=2)
    with pytest.raises(InputError, match="band must be a band number"):
        rangecov.raster_coverage(SITES, raster, REACH, band=0)
    negative = raster.copy()
    negative.values[3, 4] = -2.0
    with pytest.raises(InputError, match="negative counts .*row 3, column 4"):
        rangecov.raster_coverage(SITES, negative, REACH)
    with pytest.raises(InputError, match="negative densities"):
        rangecov.raster_coverage(SITES, negative, REACH, values="density")
    no_crs = gpd.GeoDataFrame(geometry=[shapely.box(31, 47, 41, 54)])
    with pytest.raises(MissingCRSError, match="regions has no CRS"):
        rangecov.raster_coverage(SITES, raster, REACH, regions=no_crs)
    regions = no_crs.set_crs(4326).assign(code=["X"])
    with pytest.raises(InputError, match="by='oblast' is not a column of the regions; columns: code"):
        rangecov.raster_coverage(SITES, raster, REACH, regions=regions, by="oblast")
    with pytest.raises(InputError, match="by= groups regions"):
        rangecov.raster_coverage(SITES, raster, REACH, by="code")
    with pytest.raises(InputError, match="values='people' is not one of 'count', 'density'"):
        rangecov.raster_coverage(SITES, raster, REACH, values="people")
    with pytest.raises(InputTypeError, match="raster must be a path"):
        rangecov.raster_coverage(SITES, np.ones((3, 3)), REACH)
    with pytest.raises(InputError, match="regions must be polygons"):
        rangecov.raster_coverage(SITES, raster, REACH, regions=SITES)


def test_band_last_a_reach_of_zero_and_inputs_left_alone():
    ys, xs = 52 - 0.05 * np.arange(50) - 0.025, 34 + 0.05 * np.arange(60) + 0.025
    stack = np.ones((50, 60, 2))
    stack[..., 1] = 40.0
    last = xr.DataArray(stack, coords={"y": ys, "x": xs, "band": [1, 2]}, dims=("y", "x", "band")).rio.write_crs(4326)
    one = gpd.GeoSeries([Point(35.0, 51.0)], crs="EPSG:4326")
    assert rangecov.raster_coverage(one, last, "10 km", band=2).loc["all", "total"] == 40.0 * 50 * 60
    flat = xr.DataArray(np.ones((50, 60)), coords={"y": ys, "x": xs}, dims=("y", "x")).rio.write_crs(4326)
    flat.values[0, 0] = np.inf
    with pytest.raises(InputError, match="infinite values .*row 0, column 0"):
        rangecov.raster_coverage(one, flat, "10 km")
    assert np.isinf(flat.values[0, 0])  # not mutated
    flat.values[0, 0] = 1.0
    before = flat.values.copy()
    zero = rangecov.raster_coverage(one, flat, 0.0)
    assert zero.loc["all", "in_reach"] == 0.0 and np.array_equal(flat.values, before)
    band = rangecov.raster_coverage(one, flat, (0.0, "10 km")).loc["all"]
    assert band["in_reach"] == 0.0 and band["marginal"] > 0
