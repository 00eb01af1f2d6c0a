"""Checking the caller's frames (rangecov.inputs.frames): a clear error naming the argument; nothing passed in is changed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import points
from shapely import LineString, Point, Polygon

import rangecov
from rangecov.errors import InputError, InputTypeError


def test_not_a_geodataframe(origins, targets):
    with pytest.raises(InputTypeError, match="origins must be a geopandas GeoDataFrame or GeoSeries, got list"):
        rangecov.coverage([Point(0, 0)], targets, 1000)
    df = pd.DataFrame({"lon": [1.0], "lat": [2.0]})
    with pytest.raises(InputTypeError, match=r"targets must be .* got DataFrame; .*points_from_xy"):
        rangecov.coverage(origins, df, 1000)


def test_no_crs(origins, targets):
    with pytest.raises(InputError, match=r"targets has no CRS.*targets.set_crs\('EPSG:4326'\)"):
        rangecov.coverage(origins, targets.set_crs(None, allow_override=True), 1000)


def test_points_only_where_points_are_needed(origins):
    line = gpd.GeoSeries([LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    with pytest.raises(InputError, match=r"origins must contain points only; found LineString at index label 0"):
        rangecov.rings(line, distances=["10 km"])


def test_invalid_polygon_names_make_valid(origins, targets):
    bad = targets.copy()
    bad.loc[1, "geometry"] = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # a bow tie
    with pytest.raises(
        ValueError, match=r"targets has invalid geometry at index label 1 \(Self-intersection.*make_valid"
    ):
        rangecov.coverage(origins, bad, 1000)


def test_geometry_collection_refused(origins, targets):
    bad = targets.copy()
    bad.loc[1, "geometry"] = shapely.GeometryCollection([Point(0, 0), LineString([(0, 0), (1, 1)])])
    with pytest.raises(InputError, match=r"targets has geometry collections at index label 1"):
        rangecov.coverage(origins, bad, 1000)


def test_missing_and_empty_geometry(origins, targets):
    bad = targets.copy()
    bad.loc[[0, 2], "geometry"] = None
    with pytest.raises(InputError, match=r"targets has missing geometry \(None\) at index labels 0, 2"):
        rangecov.coverage(origins, bad, 1000)
    bad = targets.copy()
    bad.loc[2, "geometry"] = Point()
    with pytest.raises(InputError, match="targets has empty geometry at index label 2"):
        rangecov.coverage(origins, bad, 1000)


def test_nan_coordinates_name_at_most_five_labels(origins):
    lon = np.arange(10.0)
    lat = np.where(np.arange(10) < 8, np.nan, 1.0)
    bad = points(lon, lat, index=[f"t{i}" for i in range(10)])
    with pytest.raises(InputError) as err:
        rangecov.coverage(origins, bad, 1000)
    msg = str(err.value)
    assert "targets has NaN or infinite coordinates" in msg
    assert "'t0', 't1', 't2', 't3', 't4' and 3 more" in msg
    assert "'t5'" not in msg


def test_latitude_beyond_90(targets):
    bad = points([50.91], [134.80], index=["swapped"])
    with pytest.raises(
        ValueError,
        match=r"origins has latitude beyond ±90° at index label 'swapped' \(values 134.8\); are longitude and latitude swapped",
    ):
        rangecov.coverage(bad, targets, 1000)


def test_bad_values_in_reach_column(origins, targets):
    bad = origins.assign(reach=["190 mi", None])
    with pytest.raises(InputError, match="reach column 'reach' has missing values at index label 'Kharkiv'"):
        rangecov.coverage(bad, targets, "reach")
    bad = origins.assign(reach=["190 mi", "lots"])
    with pytest.raises(InputError, match="reach column 'reach' at index label 'Kharkiv'.*'lots'"):
        rangecov.coverage(bad, targets, "reach")


def test_rerun_on_own_table_replaces_columns_with_warning(origins, targets):
    first = rangecov.coverage(origins, targets, "190 mi")
    with pytest.warns(
        UserWarning,
        match="targets already has column\\(s\\) distance_m, nearest_origin, margin_m, covering_origin, in_reach, status; rangecov replaces them",
    ):
        second = rangecov.coverage(origins, first.targets, "70 km")
    assert list(second.targets.columns) == list(first.targets.columns)
    assert second.count <= first.count
    with pytest.warns(UserWarning, match="origins already has column\\(s\\) targets_in_reach"):
        rangecov.coverage(first.origins, targets, "190 mi").origins


def test_geometry_column_named_like_an_output_column(origins, targets):
    with pytest.raises(
        ValueError, match=r"targets's geometry column is named 'distance_m', a column rangecov writes; rename it"
    ):
        rangecov.coverage(origins, targets.rename_geometry("distance_m"), "190 mi")
    report = rangecov.coverage(origins.rename_geometry("targets_in_reach"), targets, "190 mi")
    with pytest.raises(InputError, match=r"origins's geometry column is named 'targets_in_reach'"):
        report.origins


@pytest.mark.parametrize("dtype", ["Float64", "string"])
def test_nullable_missing_reach_values(origins, targets, dtype):
    values = [190 * 1609.344, None] if dtype == "Float64" else ["190 mi", None]
    bad = origins.assign(reach=pd.array(values, dtype=dtype))
    with pytest.raises(InputError, match="reach column 'reach' has missing values at index label 'Kharkiv'"):
        rangecov.coverage(bad, targets, "reach")


def test_crs_of_another_body(origins, targets):
    with pytest.raises(InputError, match=r"origins: its CRS .* cannot be converted to longitude/latitude on the Earth"):
        rangecov.coverage(origins.set_crs("IAU_2015:30100", allow_override=True), targets, 1000)


def test_geocentric_crs(origins, targets):
    import pyproj

    tr = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    x, y, z = tr.transform(targets.geometry.x.to_numpy(), targets.geometry.y.to_numpy(), np.zeros(3))
    ecef = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y, z), crs="EPSG:4978")
    direct = rangecov.coverage(origins, targets, "190 mi").targets["distance_m"].to_numpy()
    via = rangecov.coverage(origins, ecef, "190 mi").targets["distance_m"].to_numpy()
    np.testing.assert_allclose(via, direct, rtol=0, atol=1e-3)
    flat = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:4978")
    with pytest.raises(InputError, match="targets uses the geocentric CRS .* has 2D points at index labels 0, 1, 2"):
        rangecov.coverage(origins, flat, "190 mi")


def test_lines_and_polygons_with_longitudes_of_many_turns_are_refused(origins):
    """Found by fuzzing: a target line to longitude 1e300 with how="centroid" overflowed into a
    ValueError from scipy's k-d tree. Points may carry any longitude (reduced exactly); line and
    polygon vertices stay within ±540°, as tables are read."""
    far = gpd.GeoSeries([LineString([(0, 0), (1, 1)]), LineString([(0, 1), (1e300, 0)])], crs="EPSG:4326")
    for how in ("any", "centroid"):
        with pytest.raises(
            InputError,
            match=r"targets has lines, polygons or multi-points with longitudes beyond ±540° at index label 1",
        ):
            rangecov.coverage(origins, far, "10 km", how=how)
    # Unwrapped across ±180° (190° is -170°) a line is still taken, and read as the same line.
    unwrapped = gpd.GeoSeries([LineString([(170, 0), (190, 1)])], crs="EPSG:4326")
    wrapped = gpd.GeoSeries([LineString([(170, 0), (-170, 1)])], crs="EPSG:4326")
    a = rangecov.coverage(origins, unwrapped, "10 km").targets["distance_m"].iloc[0]
    b = rangecov.coverage(origins, wrapped, "10 km").targets["distance_m"].iloc[0]
    assert abs(a - b) < 1e-6 and a > 5e6


def test_empty_geometry_refused():
    with pytest.raises(InputError, match="geoms has empty geometry at index label 1"):
        rangecov.buffer(gpd.GeoSeries([Point(0, 0), Point()], crs="EPSG:4326"), "1 km")


def test_lon_lat_box_around_a_pole_is_refused_with_a_hint():
    site = gpd.GeoSeries([Point(0, -80)], crs="EPSG:4326")
    with pytest.raises(InputError, match=r"edge from -180° to 180° along a parallel.*segmentize"):
        rangecov.area_coverage(site, gpd.GeoSeries([shapely.box(-180, -90, 180, -60)], crs="EPSG:4326"), "10 km")
    dense = gpd.GeoSeries([shapely.box(-180, -90, 180, -60)], crs="EPSG:4326").segmentize(1)
    out = rangecov.area_coverage(site, dense, "10 km")
    assert 3.3e7 < out["area_km2"].iloc[0] < 3.5e7  # the cap south of 60°S: A (1 - sin 60°) / 2 = 34.2 million km²


def test_lines_and_regions_cut_at_the_antimeridian_are_read_back():
    # rangecov draws a line or region across ±180° as parts ending at 180 and going on from -180;
    # the last vertex of one part and the first of the next are no edge "along a parallel".
    import shapely

    origin = gpd.GeoSeries(shapely.points([[178.0, 64.0]]), crs="EPSG:4326")
    cut = gpd.GeoSeries(
        [shapely.MultiLineString([[(179, 64), (180, 64.5)], [(-180, 64.5), (-179, 65)]])], crs="EPSG:4326"
    )
    assert rangecov.coverage(origin, cut, "300 km").targets["status"].tolist() == ["in"]
    region = rangecov.reach(gpd.GeoSeries(shapely.points([[179.5, 60.0]]), crs="EPSG:4326"), "300 km")
    assert region.geometry.iloc[0].geom_type == "MultiPolygon"
    assert rangecov.coverage(origin, region, "300 km").targets["status"].tolist() == ["in"]
    # A real edge from -180° to 180° along a parallel is still refused, with the reason.
    cap = gpd.GeoSeries([shapely.Polygon([(-180, 80), (180, 80), (180, 90), (-180, 90)])], crs="EPSG:4326")
    with pytest.raises(rangecov.errors.InputError, match="edge from -180° to 180° along a parallel"):
        rangecov.coverage(origin, cap, "1 km")
