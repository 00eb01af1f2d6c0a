"""rangecov.io: reading user files into GeoDataFrames and writing result tables."""

from __future__ import annotations

import gzip
import sys
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from rangecov.errors import FileMissingError, InputError, InputTypeError, MissingDependencyError, OutputExistsError
from rangecov.io import read as read_named
from rangecov.io import write_frame


def read(path, **options):
    """read() with the rows numbered: these tests are about columns and values (naming rows: test_newcomer.py)."""
    options.setdefault("names", None)
    return read_named(path, **options)


def _points(lon=(30.5, 31.25, 32.0), lat=(50.0, 50.5, 51.0), crs="EPSG:4326", **columns):
    return gpd.GeoDataFrame(columns, geometry=gpd.points_from_xy(lon, lat), crs=crs)


def _write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- read: tables


@pytest.mark.parametrize(
    "lon_name, lat_name",
    [("LONGITUDE", "LATITUDE"), (" Lon ", " Lat "), ("X", "Y"), ("lng", "lat"), ("Long", "latitude")],
)
def test_csv_aliases_in_odd_case(tmp_path, lon_name, lat_name):
    path = _write_text(tmp_path / "a.csv", f"name,{lon_name},{lat_name}\nA,30.5,50.25\nB,-120.125,-33.5\n")
    frame = read(path)
    assert list(frame.columns) == ["name", "geometry"]  # the coordinate columns are in the geometry
    assert frame.crs.to_epsg() == 4326
    assert list(frame.geometry.x) == [30.5, -120.125]
    assert list(frame.geometry.y) == [50.25, -33.5]
    assert isinstance(frame.index, pd.RangeIndex)  # no automatic index, not even on "name"


def test_csv_prefers_lon_over_x_and_lat_over_y(tmp_path):
    path = _write_text(tmp_path / "a.csv", "x,y,lat,lon\n1,2,50,30\n")
    frame = read(path)
    assert (frame.geometry.x[0], frame.geometry.y[0]) == (30.0, 50.0)
    assert list(frame.columns) == ["x", "y", "geometry"]


def test_csv_explicit_columns_and_one_auto_detected(tmp_path):
    path = _write_text(tmp_path / "a.csv", "east,north,lat\n30,50,99\n")
    frame = read(path, lon="east", lat="north")
    assert (frame.geometry.x[0], frame.geometry.y[0]) == (30.0, 50.0)
    assert list(frame.columns) == ["lat", "geometry"]
    frame = read(_write_text(tmp_path / "b.csv", "east,Lat\n30,50\n"), lon="east")
    assert (frame.geometry.x[0], frame.geometry.y[0]) == (30.0, 50.0)


def test_csv_numbers_with_spaces_in_text(tmp_path):
    path = _write_text(tmp_path / "a.csv", 'lon,lat,n\n" 35.2 ",50,a\n36,"51.5 ",b\n')
    frame = read(path)
    assert list(frame.geometry.x) == [35.2, 36.0]
    assert list(frame.geometry.y) == [50.0, 51.5]


def test_tsv_txt_and_compressed_csv(tmp_path):
    tsv = read(_write_text(tmp_path / "a.tsv", "name\tlon\tlat\nA, B\t30\t50\n"))
    assert tsv["name"].tolist() == ["A, B"] and tsv.geometry.x[0] == 30.0
    txt = read(_write_text(tmp_path / "b.txt", "name;lon;lat\nA;30;50\nB;31;51\n"))
    assert txt["name"].tolist() == ["A", "B"] and txt.geometry.y.tolist() == [50.0, 51.0]
    spaced = read(_write_text(tmp_path / "s.txt", "lon   lat\n30  50\n"))
    assert (spaced.geometry.x[0], spaced.geometry.y[0]) == (30.0, 50.0)
    # One column: nothing to sniff, and no letter of the header taken for a separator.
    with pytest.raises(InputError, match="no latitude column .*columns: lon;"):
        read(_write_text(tmp_path / "one.txt", "lon\n30\n"))
    gz = tmp_path / "c.csv.gz"
    with gzip.open(gz, "wt") as fh:
        fh.write("lon,lat\n30,50\n")
    assert read(gz).geometry.x[0] == 30.0


def test_csv_with_projected_crs(tmp_path):
    path = _write_text(tmp_path / "a.csv", "x,y\n3339584.72,6446275.84\n-20000000,-9000000\n")
    frame = read(path, crs="EPSG:3857")  # no degree range check for projected coordinates
    assert frame.crs.to_epsg() == 3857
    assert frame.geometry.x[0] == 3339584.72
    lonlat = frame.to_crs("EPSG:4326")
    assert lonlat.geometry.x[0] == pytest.approx(30.0, abs=1e-6)
    assert lonlat.geometry.y[0] == pytest.approx(50.0, abs=1e-6)


def test_empty_csv_gives_empty_frame_with_columns_and_crs(tmp_path):
    frame = read(_write_text(tmp_path / "a.csv", "name,lon,lat,role\n"), crs="EPSG:4269")
    assert isinstance(frame, gpd.GeoDataFrame)
    assert len(frame) == 0
    assert list(frame.columns) == ["name", "role", "geometry"]
    assert frame.crs.to_epsg() == 4269


def test_plain_parquet_with_lon_lat_and_stored_index(tmp_path):
    path = tmp_path / "a.parquet"
    table = pd.DataFrame(
        {"Longitude": [30.0, 31.0], "Latitude": [50.0, 51.0], "v": [1, 2]}, index=pd.Index(["a", "b"], name="site")
    )
    table.to_parquet(path)
    frame = read(path)
    assert list(frame.columns) == ["site", "v", "geometry"]  # the stored index comes back as a column
    assert frame["site"].tolist() == ["a", "b"]
    assert frame.geometry.y.tolist() == [50.0, 51.0]
    assert isinstance(frame.index, pd.RangeIndex)


# --------------------------------------------------------------------------- read: table errors


def test_no_coordinate_columns_lists_columns(tmp_path):
    path = _write_text(tmp_path / "a.csv", "name,easting,northing\nA,1,2\n")
    with pytest.raises(InputError, match="no longitude/latitude columns found") as info:
        read(path)
    message = str(info.value)
    assert str(path) in message
    assert "columns: name, easting, northing" in message
    assert "lon=" in message and "lat=" in message


def test_only_one_coordinate_column_found(tmp_path):
    path = _write_text(tmp_path / "a.csv", "name,lat\nA,2\n")
    with pytest.raises(InputError, match=r"no longitude column .*latitude is 'lat'.*columns: name, lat.*lon="):
        read(path)
    with pytest.raises(InputError, match=r"no latitude column .*longitude is 'lon'.*lat="):
        read(_write_text(tmp_path / "b.csv", "lon\n2\n"))


def test_wkt_column_hint(tmp_path):
    path = _write_text(tmp_path / "a.csv", 'name,geometry\nA,"POINT (1 2)"\n')
    with pytest.raises(InputError, match="GeoSeries.from_wkt"):
        read(path)


def test_named_column_not_there_lists_columns(tmp_path):
    path = _write_text(tmp_path / "a.csv", "name,lon,lat\nA,1,2\n")
    with pytest.raises(InputError, match=r"lon='east' is not a column of .*a\.csv; columns: name, lon, lat"):
        read(path, lon="east")
    with pytest.raises(InputError, match=r"lat='north' is not a column"):
        read(path, lat="north")
    with pytest.raises(InputError, match="both name column 'lon'"):
        read(path, lon="lon", lat="lon")
    with pytest.raises(InputTypeError, match="lon= must be a column name"):
        read(path, lon=0)


def test_bad_numbers_name_one_based_data_rows(tmp_path):
    text = "name,lon,lat\n" + "".join(f"r{i},{'abc' if i == 2 else 30},{'' if i == 4 else 50}\n" for i in range(1, 6))
    path = _write_text(tmp_path / "a.csv", text)
    # Data row 1 is the first line after the header: "abc" is in data row 2.
    expected = r"column 'lon' in .*a\.csv must hold finite numbers; found 'abc' at data row 2$"
    with pytest.raises(InputError, match=expected):
        read(path)
    path = _write_text(tmp_path / "b.csv", text.replace("abc", "30"))
    with pytest.raises(InputError, match=r"column 'lat' .*found missing at data row 4$"):
        read(path)


def test_many_bad_numbers_show_five_and_count_the_rest(tmp_path):
    rows = [f"{'x' + str(i) if i % 2 else 30},50" for i in range(1, 15)]  # odd rows bad: 1, 3, ..., 13
    path = _write_text(tmp_path / "a.csv", "lon,lat\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as info:
        read(path)
    message = str(info.value)
    assert "data rows 1, 3, 5, 7, 9 and 2 more" in message
    assert "'x1', 'x3', 'x5', 'x7', 'x9'" in message
    assert "'x11'" not in message


def test_latitude_beyond_90_with_swap_hint(tmp_path):
    path = _write_text(tmp_path / "a.csv", "lon,lat\n50.5,30.5\n51,120\n52,150\n")
    with pytest.raises(InputError) as info:
        read(path)
    message = str(info.value)
    assert "latitude column 'lat'" in message and "data rows 2, 3" in message and "(120, 150)" in message
    assert "swapped" in message and "lon='lat', lat='lon'" in message


def test_latitude_beyond_90_without_swap_hint(tmp_path):
    path = _write_text(tmp_path / "a.csv", "lon,lat\n120,30\n51,95\n")
    with pytest.raises(InputError, match="data row 2") as info:
        read(path)
    assert "swapped" not in str(info.value)


def test_longitude_beyond_540(tmp_path):
    path = _write_text(tmp_path / "a.csv", "lon,lat\n3339584,50\n")
    with pytest.raises(InputError, match=r"outside -540\.\.540.*data row 1.*crs='EPSG:3857'"):
        read(path)


def test_table_geometry_column_clash(tmp_path):
    path = _write_text(tmp_path / "a.csv", "lon,lat,geometry\n1,2,x\n")
    with pytest.raises(InputError, match="column named 'geometry'"):
        read(path)


def test_empty_and_malformed_tables(tmp_path):
    with pytest.raises(InputError, match="is empty"):
        read(_write_text(tmp_path / "a.csv", ""))
    with pytest.raises(InputError, match="could not be read as a table: .*line 3"):
        read(_write_text(tmp_path / "b.csv", "lon,lat\n1,2\n1,2,3,4\n"))
    bad = tmp_path / "c.csv"
    bad.write_bytes("lon,lat,name\n1,2,M\xfcnchen\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read(bad)


def test_layer_for_a_table_is_refused(tmp_path):
    with pytest.raises(InputError, match="layer= applies to files with several layers"):
        read(_write_text(tmp_path / "a.csv", "lon,lat\n1,2\n"), layer="x")


# --------------------------------------------------------------------------- read: spatial files


def test_geojson_round_trip_reprojects_to_4326(tmp_path):
    frame = _points(name=["a", "b", "c"], n=[1, 2, 3]).to_crs("EPSG:3857")
    written = write_frame(frame, tmp_path / "out.geojson")
    back = read(written)
    assert back.crs.to_epsg() == 4326  # RFC 7946
    assert back["name"].tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(back.geometry.x, [30.5, 31.25, 32.0], atol=1e-9)
    assert frame.crs.to_epsg() == 3857  # the caller's frame is untouched
    # Same CRS up to axis order (the file says OGC:CRS84) is not a mismatch.
    assert read(written, crs="EPSG:4326").crs.to_epsg() == 4326


def test_geopackage_multi_layer_and_layer_argument(tmp_path):
    path = tmp_path / "multi.gpkg"
    _points(kind=["a"] * 3).to_file(path, layer="first")
    _points(lon=[1.0], lat=[2.0], kind=["b"]).to_file(path, layer="second")
    assert read(path, layer="second")["kind"].tolist() == ["b"]
    assert read(path, layer=1)["kind"].tolist() == ["b"]
    with pytest.warns(UserWarning, match=r"2 layers \('first', 'second'\); reading the first.*layer=") as record:
        assert len(read(path)) == 3
    assert record[0].filename == __file__  # the warning points at the caller
    with pytest.raises(InputError, match=r"layer='third' is not in .*multi\.gpkg; its layers are: 'first', 'second'"):
        read(path, layer="third")
    with pytest.raises(InputError, match=r"layer=5 is out of range: .* 2 layer\(s\): 'first', 'second'"):
        read(path, layer=5)


def test_shapefile_round_trip_and_missing_crs(tmp_path):
    _points(code=[7, 8, 9]).to_file(tmp_path / "sites.shp")
    back = read(tmp_path / "sites.shp")
    assert back.crs.to_epsg() == 4326 and back["code"].tolist() == [7, 8, 9]

    (tmp_path / "sites.prj").unlink()  # a shapefile without its .prj has no CRS
    with pytest.raises(InputError, match=r"sites\.shp has no CRS.*crs='EPSG:4326'"):
        read(tmp_path / "sites.shp")
    assert read(tmp_path / "sites.shp", crs="EPSG:4326").crs.to_epsg() == 4326


def test_crs_differing_from_the_file_is_refused(tmp_path):
    path = write_frame(_points(), tmp_path / "a.gpkg")
    with pytest.raises(InputError, match=r"has CRS EPSG:4326 .* but crs='EPSG:3857' was given.*\.to_crs"):
        read(path, crs="EPSG:3857")


def test_geoparquet_round_trip(tmp_path):
    frame = _points(crs="EPSG:4326", v=[1.5, 2.5, 3.5]).to_crs("EPSG:32636")
    back = read(write_frame(frame, tmp_path / "a.parquet"))
    assert back.crs.to_epsg() == 32636  # GeoParquet keeps any CRS
    assert back.geom_equals(frame.geometry).all()
    assert back["v"].tolist() == [1.5, 2.5, 3.5]


def test_unknown_extension_read_by_content_or_refused(tmp_path):
    src = write_frame(_points(), tmp_path / "a.geojson")
    odd = tmp_path / "a.data"
    odd.write_bytes(src.read_bytes())
    assert len(read(odd)) == 3
    junk = _write_text(tmp_path / "b.data", "hello")
    with pytest.raises(InputError, match=r"not in a format rangecov reads; supported are \.geojson.*\.gpkg.*\.csv"):
        read(junk)


def test_malformed_spatial_file(tmp_path):
    with pytest.raises(InputError, match=r"could not be read as GeoJSON") as info:
        read(_write_text(tmp_path / "a.geojson", "{not json"))
    assert "It might help" not in str(info.value)


def test_lon_lat_refused_for_spatial_files(tmp_path):
    path = write_frame(_points(), tmp_path / "a.geojson")
    with pytest.raises(InputError, match="lon= and lat= name the coordinate columns of a table"):
        read(path, lon="x")


def test_missing_file(tmp_path):
    with pytest.raises(FileMissingError, match=r"nope\.csv does not exist$"):
        read(tmp_path / "nope.csv")
    with pytest.raises(FileMissingError, match=r"does not exist \(nor does its folder .*nodir\)"):
        read(str(tmp_path / "nodir" / "nope.csv"))


def test_bad_crs_argument(tmp_path):
    with pytest.raises(InputError, match=r"crs='EPSG:99999999' is not a CRS pyproj understands"):
        read(_write_text(tmp_path / "a.csv", "lon,lat\n1,2\n"), crs="EPSG:99999999")


def test_parquet_without_pyarrow(tmp_path, monkeypatch):
    path = tmp_path / "a.parquet"
    pd.DataFrame({"lon": [1.0], "lat": [2.0]}).to_parquet(path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[parquet\]"'):
        read(path)


# --------------------------------------------------------------------------- write_frame


def _results():
    """A frame like a coverage report's targets: labels, status, object labels with None."""
    frame = _points(
        name=["a", "b", "c"],
        in_reach=[True, False, True],
        count=np.array([3, 0, 1], dtype="int64"),
        status=pd.Categorical(["in_reach", "out_of_reach", "in_reach"], categories=["in_reach", "out_of_reach"]),
        nearest_origin=pd.Series([1, "Sumy", None], dtype=object),
        covering_origin=pd.Series([4, None, 6], dtype=object),
        note=[None, None, None],
    )
    return frame.set_index(pd.Index(["t1", "t2", "t3"], name="target"))


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".csv"])
def test_write_keeps_labels_types_and_does_not_mutate(tmp_path, suffix):
    frame = _results()
    before = frame.copy()
    written = write_frame(frame, tmp_path / f"out{suffix}")
    assert written == tmp_path / f"out{suffix}"
    pd.testing.assert_frame_equal(frame, before)  # caller's frame untouched, dtypes included
    back = read(written)
    assert back["target"].tolist() == ["t1", "t2", "t3"]  # index labels survive as a column
    assert back["status"].astype(str).tolist() == ["in_reach", "out_of_reach", "in_reach"]
    assert back["in_reach"].dtype == bool and back["in_reach"].tolist() == [True, False, True]
    assert pd.api.types.is_integer_dtype(back["count"]) and back["count"].tolist() == [3, 0, 1]
    assert back["nearest_origin"].iloc[:2].astype(str).tolist() == ["1", "Sumy"]
    assert pd.isna(back["nearest_origin"].iloc[2])
    assert back["covering_origin"].iloc[[0, 2]].tolist() == [4, 6] and pd.isna(back["covering_origin"].iloc[1])
    assert back["note"].isna().all()
    np.testing.assert_allclose(back.geometry.x, [30.5, 31.25, 32.0])
    if suffix == ".parquet":
        assert isinstance(back["status"].dtype, pd.CategoricalDtype)


def test_write_unnamed_index_as_index_column(tmp_path):
    frame = _points(v=[1, 2, 3]).set_index(pd.Index([10, 20, 30]))
    back = read(write_frame(frame, tmp_path / "a.gpkg"))
    assert back["index"].tolist() == [10, 20, 30]
    # A default RangeIndex is not written.
    assert "index" not in read(write_frame(_points(), tmp_path / "b.gpkg")).columns


def test_write_index_name_clash(tmp_path):
    frame = _points(v=[1, 2, 3]).rename_axis("v")
    with pytest.raises(InputError, match="index is named v, like a column"):
        write_frame(frame, tmp_path / "a.csv")


def test_csv_point_round_trip_through_read(tmp_path):
    frame = _points(lon=[30.123456789012, -179.5, 0.0], lat=[50.987654321098, -89.25, 0.0], name=["a", "b", "c"])
    path = write_frame(frame.to_crs("EPSG:3857"), tmp_path / "a.csv")
    assert path.read_text().splitlines()[0] == "name,lon,lat"
    back = read(path)
    np.testing.assert_allclose(back.geometry.x, frame.geometry.x, rtol=0, atol=1e-9)
    np.testing.assert_allclose(back.geometry.y, frame.geometry.y, rtol=0, atol=1e-9)
    assert back["name"].tolist() == ["a", "b", "c"]


def test_csv_non_points_as_wkt(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["box"]}, geometry=[shapely.box(30.123456789, 50, 31, 51)], crs="EPSG:4326")
    table = pd.read_csv(write_frame(frame, tmp_path / "a.csv"))
    assert list(table.columns) == ["name", "geometry"]
    assert shapely.from_wkt(table["geometry"][0]).equals_exact(frame.geometry[0], 0)  # full precision


def test_csv_lon_lat_column_clash(tmp_path):
    frame = _points(lon=[1.0], lat=[2.0])
    frame["lat"] = [2.0]
    with pytest.raises(InputError, match=r"frame has column\(s\) lat, where CSV output writes"):
        write_frame(frame, tmp_path / "a.csv")


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".csv"])
def test_second_geometry_column_written_as_wkt(tmp_path, suffix):
    frame = _points(name=["a", "b", "c"])
    frame["covered_geometry"] = gpd.GeoSeries(
        [shapely.box(30, 50, 30.5, 50.5), None, shapely.Point(1, 2)], crs="EPSG:4326"
    )
    back = read(write_frame(frame, tmp_path / f"out{suffix}"))
    assert back.active_geometry_name == "geometry"
    assert back["covered_geometry"].iloc[0] == shapely.box(30, 50, 30.5, 50.5).wkt
    assert pd.isna(back["covered_geometry"].iloc[1])
    assert back["covered_geometry"].iloc[2] == "POINT (1 2)"


def test_overwrite_refused_then_allowed(tmp_path):
    path = write_frame(_points(), tmp_path / "a.gpkg", layer="old")
    with pytest.raises(OutputExistsError, match=r"a\.gpkg exists; pass overwrite=True to replace it"):
        write_frame(_points(), path)
    write_frame(_points(lon=[1.0], lat=[2.0]), path, overwrite=True)
    # The file is replaced as a whole, not given a second layer.
    assert pyogrio.list_layers(path)[:, 0].tolist() == ["a"]
    assert len(read(path)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gpkg"]  # no temporary files left


def test_write_unsupported_extension_and_missing_folder(tmp_path):
    with pytest.raises(
        ValueError, match=r"has extension '\.shp'; write one of \.geojson, \.gpkg, \.fgb, \.parquet, \.csv"
    ):
        write_frame(_points(), tmp_path / "a.shp")
    with pytest.raises(InputError, match=r"--output .* has no extension"):
        write_frame(_points(), tmp_path / "a", argname="--output")
    with pytest.raises(FileMissingError, match=r"folder .*nodir does not exist"):
        write_frame(_points(), tmp_path / "nodir" / "a.csv")


def test_write_refuses_frames_it_cannot_write(tmp_path):
    with pytest.raises(InputTypeError, match="must be a geopandas GeoDataFrame, got DataFrame"):
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "a.csv")
    with pytest.raises(InputError, match=r"no CRS.*set_crs"):
        write_frame(_points(crs=None), tmp_path / "a.csv")


def test_gpkg_layer_name_and_layer_ignored_elsewhere(tmp_path):
    assert pyogrio.list_layers(write_frame(_points(), tmp_path / "sites.gpkg"))[:, 0].tolist() == ["sites"]
    assert pyogrio.list_layers(write_frame(_points(), tmp_path / "b.gpkg", layer="targets"))[:, 0].tolist() == [
        "targets"
    ]
    # CoverageReport.to_file passes its layer name whatever the format.
    assert len(read(write_frame(_points(), tmp_path / "c.csv", layer="targets"))) == 3


def test_write_empty_frame(tmp_path):
    empty = _points(lon=[], lat=[], name=pd.Series([], dtype=str))
    back = read(write_frame(empty, tmp_path / "a.csv"))
    assert len(back) == 0 and list(back.columns) == ["name", "geometry"] and back.crs.to_epsg() == 4326
    assert len(read(write_frame(empty, tmp_path / "a.gpkg"))) == 0


def test_no_warnings_on_a_plain_round_trip(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for suffix in (".geojson", ".gpkg", ".parquet", ".csv"):
            read(write_frame(_results(), tmp_path / f"w{suffix}"))
