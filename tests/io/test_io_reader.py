"""Reading the user's files (rangecov.io.reader): spatial formats, layers, CRS, missing files, hostile files."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from command_line import call
from hostile_files import HOSTILE
from table_files import _points, _write_text

import rangecov
from rangecov.errors import FileMissingError, InputError, MissingDependencyError, RangecovError
from rangecov.io import read as read_named
from rangecov.io import write_frame


def read(path, **options):
    """read() with the rows numbered: these tests are about columns and values (naming rows: tests/io/test_io_naming.py)."""
    options.setdefault("names", None)
    return read_named(path, **options)


@pytest.mark.parametrize("name", HOSTILE)
def test_read_raises_a_rangecov_error(hostile, name):
    # Anything but a RangecovError (a KeyError, pyarrow's ArrowInvalid, zipfile's BadZipFile)
    # escapes pytest.raises and fails the test with its own traceback.
    with pytest.raises(RangecovError) as caught:
        rangecov.read(hostile / name)
    assert name in str(caught.value)


def test_layer_for_a_table_is_refused(tmp_path):
    with pytest.raises(InputError, match="layer= applies to files with several layers"):
        read(_write_text(tmp_path / "a.csv", "lon,lat\n1,2\n"), layer="x")


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


def test_a_folder_as_input_is_called_a_folder(alaska, capsys):
    (alaska / "exports").mkdir()
    with pytest.raises(rangecov.errors.PathIsFolderError, match="exports is a folder"):
        rangecov.read("exports")
    code, _, err = call(["coverage", "sites.csv", "exports", "--reach", "300 km"], capsys)
    assert code == 2 and "TARGETS: exports is a folder" in err
