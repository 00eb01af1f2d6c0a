"""Writing result tables (rangecov.io.writer): formats, labels and types kept, no overwriting, nothing left on failure."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from alaska import SITES
from command_line import call
from table_files import _points

import rangecov
from rangecov.errors import FileMissingError, InputError, InputTypeError, OutputExistsError
from rangecov.io import read as read_named
from rangecov.io import write_frame


def read(path, **options):
    """read() with the rows numbered: these tests are about columns and values (naming rows: tests/io/test_io_naming.py)."""
    options.setdefault("names", None)
    return read_named(path, **options)


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


def test_geoparquet_round_trip(tmp_path):
    frame = _points(crs="EPSG:4326", v=[1.5, 2.5, 3.5]).to_crs("EPSG:32636")
    back = read(write_frame(frame, tmp_path / "a.parquet"))
    assert back.crs.to_epsg() == 32636  # GeoParquet keeps any CRS
    assert back.geom_equals(frame.geometry).all()
    assert back["v"].tolist() == [1.5, 2.5, 3.5]


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


def test_a_write_that_fails_leaves_nothing(data, tmp_path):
    """A full disk, simulated by a file-size limit: exit 2, one line, no partial or temporary file."""
    resource = pytest.importorskip("resource")
    import signal
    import subprocess
    import sys

    _, origins, _, parquet, _ = data
    sites = tmp_path / "sites.geojson"
    origins.reset_index().to_file(sites)

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes beyond the limit fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    for out, extra in (("rows.json", []), ("rows.csv", []), ("rows.gpkg", ["--chunk-rows", "500"])):
        command = [sys.executable, "-m", "rangecov", "coverage", str(sites), str(parquet), "--reach", "300 km"]
        done = subprocess.run(
            [*command, "--out", str(tmp_path / out), "--quiet", *extra],
            preexec_fn=small_files,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2 and done.stdout == "", (out, done.stderr)
        assert done.stderr.count("\n") == 1 and "internal error" not in done.stderr, done.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sites.geojson"], out


def test_csv_output_keeps_the_files_coordinate_columns(alaska, capsys, tmp_path):
    code, out, err = call(["coverage", "sites.csv", "fields.csv", "--reach", "300 km", "--format", "csv"], capsys)
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert header[:3] == ["site", "y", "x"] and "lon" not in header and "lat" not in header
    pd.DataFrame(SITES, columns=["Name", "Lat", "Long"]).assign(reach=["300 km"] * 3).to_csv("r.csv", index=False)
    report = rangecov.coverage(rangecov.read("fields.csv"), rangecov.read("r.csv"), "300 km")
    report.to_file(tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    assert list(back.columns[:4]) == ["Name", "Lat", "Long", "reach"]
    np.testing.assert_allclose(back["Lat"], [s[1] for s in SITES])
    # Reprojected, the numbers are no longer the file's: the CSV writes lon/lat in degrees.
    moved = report.targets.to_crs("EPSG:3857")
    rangecov.io.write_frame(moved, tmp_path / "m.csv")
    columns = list(pd.read_csv(tmp_path / "m.csv").columns)
    assert columns[:4] == ["Name", "reach", "lon", "lat"] and "Lat" not in columns
