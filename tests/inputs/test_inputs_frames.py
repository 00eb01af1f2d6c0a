"""Bad input gets a clear error naming the argument; nothing passed in is changed."""

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


@pytest.fixture
def origins():
    return points([34.80, 36.23], [50.91, 49.99], index=["Sumy", "Kharkiv"], reach=["190 mi", "70 km"])


@pytest.fixture
def targets():
    return points([36.2956, 41.791, 46.21], [51.7506, 48.313, 51.48], name=["Khalino", "Morozovsk", "Engels"])


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


def test_bad_how_and_min_covered(origins, targets):
    with pytest.raises(InputError, match=r"how='some' is not one of 'any', 'all', 'centroid', 'area'"):
        rangecov.coverage(origins, targets, 1000, how="some")
    with pytest.raises(InputError, match=r"min_covered must be a share in \(0, 1\], got 1.5"):
        rangecov.coverage(origins, targets, 1000, how="area", min_covered=1.5)
    with pytest.raises(InputError, match=r'targets must be polygons for how="area"'):
        rangecov.coverage(origins, targets, 1000, how="area")


def test_bad_tolerance(origins):
    with pytest.raises(InputError, match=r"tolerance must be positive"):
        rangecov.buffer(origins, "10 km", tolerance=0)
    with pytest.raises(InputError, match=r"tolerance '20 km' \(20000 m\) is not smaller than the distance"):
        rangecov.buffer(origins, "10 km", tolerance="20 km")
    with pytest.raises(InputError, match=r"distance must be positive"):
        rangecov.buffer(origins, 0)
    with pytest.raises(InputTypeError, match=r"must be a GeoSeries or GeoDataFrame with a CRS"):
        rangecov.buffer(Point(0, 0), "10 km")
    with pytest.raises(InputError, match=r"geoms has no CRS"):
        rangecov.buffer(origins.set_crs(None, allow_override=True), "10 km")
    with pytest.raises(InputError, match=r"distance has 3 values but there are 2 rows"):
        rangecov.buffer(origins, [1, 2, 3])


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


def test_unknown_reach_column_lists_columns(origins, targets):
    with pytest.raises(
        ValueError,
        match=r"reach 'range' is neither a column of origins nor a distance .*origins has columns: reach, geometry",
    ):
        rangecov.coverage(origins, targets, "range")


def test_bad_distances(origins, targets):
    with pytest.raises(InputError, match="must not be negative"):
        rangecov.coverage(origins, targets, -5)
    with pytest.raises(InputError, match="unknown unit 'parsecs'"):
        rangecov.coverage(origins, targets, "5 parsecs")
    with pytest.raises(InputError, match=r"low \(300000 m\) must not exceed high \(100000 m\)"):
        rangecov.coverage(origins, targets, ("300 km", "100 km"))
    with pytest.raises(InputError, match="must be a \\(low, high\\) pair of distances, got 3 values"):
        rangecov.coverage(origins, targets, (1, 2, 3))
    with pytest.raises(InputTypeError, match="reach must be a distance"):
        rangecov.coverage(origins, targets, None)


def test_bad_values_in_reach_column(origins, targets):
    bad = origins.assign(reach=["190 mi", None])
    with pytest.raises(InputError, match="reach column 'reach' has missing values at index label 'Kharkiv'"):
        rangecov.coverage(bad, targets, "reach")
    bad = origins.assign(reach=["190 mi", "lots"])
    with pytest.raises(InputError, match="reach column 'reach' at index label 'Kharkiv'.*'lots'"):
        rangecov.coverage(bad, targets, "reach")


def test_bad_ellipsoid(origins, targets):
    with pytest.raises(InputError, match=r"ellipsoid 'WGS-84' is not known; accepted names: .*WGS84"):
        rangecov.coverage(origins, targets, 1000, ellipsoid="WGS-84")


def test_duplicate_index_labels_are_accepted(targets):
    # tests/test_labels.py checks every function; here the smallest case.
    dup = points([1.0, 2.0], [1.0, 2.0], index=["a", "a"])
    report = rangecov.coverage(dup, targets, 1000)
    assert report.origins.index.tolist() == ["a", "a"]


def test_zero_origins(targets):
    report = rangecov.coverage(points([], []), targets, "190 mi")
    t = report.targets
    assert report.count == 0 and report.total == 3 and report.share == 0.0
    assert np.isinf(t["distance_m"]).all() and (t["margin_m"] == -np.inf).all()
    assert t["nearest_origin"].isna().all() and (t["status"] == "out").all()
    assert report.origins.empty


def test_zero_targets(origins):
    report = rangecov.coverage(origins, points([], []), "190 mi")
    assert report.count == 0 and report.total == 0 and np.isnan(report.share)
    assert list(report.targets.columns[-6:]) == [
        "distance_m",
        "nearest_origin",
        "margin_m",
        "covering_origin",
        "in_reach",
        "status",
    ]
    assert report.origins["targets_in_reach"].tolist() == [0, 0]
    assert "0 of 0 targets (n/a)" in repr(report)


@pytest.mark.parametrize("reach", ["190 mi", "reach", ("100 km", "400 km")])
def test_inputs_unchanged(origins, targets, reach):
    o_before, t_before = origins.copy(deep=True), targets.copy(deep=True)
    report = rangecov.coverage(origins, targets, reach)
    report.origins  # the lazy table too
    report.summary(by="name")
    pd.testing.assert_frame_equal(origins, o_before)
    pd.testing.assert_frame_equal(targets, t_before)
    assert list(targets.columns) == ["name", "geometry"]


def test_geoseries_inputs_and_output_shape(origins, targets):
    report = rangecov.coverage(origins.geometry, targets.geometry, "190 mi")
    assert isinstance(report.targets, gpd.GeoDataFrame)
    assert report.targets.crs == targets.crs
    assert list(report.targets.index) == list(targets.index)
    assert list(report.targets["nearest_origin"]) == ["Sumy", "Kharkiv", "Kharkiv"]


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


def test_user_order_and_index_kept(origins):
    t = points([46.21, 36.2956, 41.791], [51.48, 51.7506, 48.313], index=[30, 10, 20], name=["E", "K", "M"])
    report = rangecov.coverage(origins, t, "190 mi")
    assert list(report.targets.index) == [30, 10, 20]
    assert list(report.targets["name"]) == ["E", "K", "M"]
    assert list(report.targets["in_reach"]) == [False, True, False]


def test_summary_by_and_bad_by(origins):
    t = points([36.2956, 41.791, 46.21, 36.6], [51.7506, 48.313, 51.48, 50.6], role=["a", "a", "b", None])
    report = rangecov.coverage(origins, t, "190 mi")
    s = report.summary(by="role")
    assert list(s.columns) == ["total", "count", "share", "marginal"]
    assert s.loc["a", "total"] == 2 and s.loc["a", "count"] == 1 and s.loc["a", "share"] == 0.5
    assert s["total"].sum() == 4  # the missing role is its own group
    all_row = report.summary()
    assert all_row.loc["all"].tolist() == [4, 2, 0.5, 0]
    with pytest.raises(InputError, match="by='kind' is not a column of the targets; columns: role, geometry"):
        report.summary(by="kind")


def test_repr():
    o = points([34.8], [50.91], index=["Sumy"])
    t = points([36.2956, 46.21], [51.7506, 51.48])
    assert repr(rangecov.coverage(o, t, "190 mi")) == "1 of 2 targets (50.0%) within 190 mi (305.8 km) of 1 origin"
    assert repr(rangecov.coverage(o, t, 300_000)) == "1 of 2 targets (50.0%) within 300 km of 1 origin"


def test_list_or_array_reach_is_ambiguous(origins, targets):
    for reach in ([100e3, 300e3], np.array([100e3, 300e3]), pd.Series([100e3, 300e3])):
        with pytest.raises(
            TypeError, match=r"ambiguous: for a \(low, high\) band pass a tuple.*put the values in a column"
        ):
            rangecov.coverage(origins, targets, reach)


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


def test_summary_keeps_empty_categories(origins):
    t = points([36.2956, 46.21], [51.7506, 51.48], role=pd.Categorical(["a", "a"], categories=["a", "b"]))
    s = rangecov.coverage(origins, t, "190 mi").summary(by="role")
    assert list(s.index) == ["a", "b"]
    assert s.loc["b", "total"] == 0 and np.isnan(s.loc["b", "share"])


def test_geoseries_named_like_an_output_column(origins, targets):
    report = rangecov.coverage(origins.geometry.rename("targets_in_reach"), targets.geometry.rename("status"), "190 mi")
    assert report.targets.geometry.name == "geometry" and report.targets["status"].tolist() == ["in", "out", "out"]
    assert report.origins.geometry.name == "geometry" and report.origins["targets_in_reach"].tolist() == [1, 1]


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
