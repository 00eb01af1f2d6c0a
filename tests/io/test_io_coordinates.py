"""Tables with longitude/latitude columns made into points (rangecov.io.coordinates): columns found, bad numbers named."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from table_files import _write_text

from rangecov.errors import InputError, InputTypeError
from rangecov.io import read as read_named


def read(path, **options):
    """read() with the rows numbered: these tests are about columns and values (naming rows: tests/io/test_io_naming.py)."""
    options.setdefault("names", None)
    return read_named(path, **options)


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
