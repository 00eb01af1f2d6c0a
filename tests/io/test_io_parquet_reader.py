"""GeoParquet read a chunk at a time (rangecov.io.parquet_reader): encodings, byte orders, CRS, stored index."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from stream_data import REACH, _same_rows, read_rows

import rangecov


def test_geoparquet_encodings_and_byte_orders(data, tmp_path):
    """GeoArrow points, big-endian and 3D WKB: the fast decoding agrees with shapely's, row for row."""
    _, origins, targets, _, _ = data
    memory = rangecov.coverage(origins, targets, REACH)
    geoarrow = tmp_path / "geoarrow.parquet"
    targets.to_parquet(geoarrow, geometry_encoding="geoarrow")
    variants = [geoarrow]
    for name, wkb in (
        ("big_endian", shapely.to_wkb(targets.geometry.values, byte_order=0)),
        ("with_z", shapely.to_wkb(shapely.force_3d(targets.geometry.values, 5.0))),
    ):
        path = tmp_path / f"{name}.parquet"
        meta = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB"}}}
        table = pa.table({"name": targets["name"].to_numpy(), "geometry": pa.array(list(wkb), pa.binary())})
        pq.write_table(table.replace_schema_metadata({"geo": json.dumps(meta)}), path)
        variants.append(path)
    for path in variants:
        out = tmp_path / f"rows_{path.name}"
        result = rangecov.stream_coverage(origins, path, REACH, chunk_size=700, out=out)
        assert repr(result) == repr(memory), path.name
        _same_rows(read_rows(out), memory.targets)


def test_projected_geoparquet_takes_the_general_path(data, tmp_path):
    _, origins, targets, _, _ = data
    projected = targets[targets.geometry.y.abs() < 80].to_crs(3857)
    path = tmp_path / "projected.parquet"
    projected.to_parquet(path)
    memory = rangecov.coverage(origins, projected, REACH)
    result = rangecov.stream_coverage(origins, path, REACH, chunk_size=500, by="group", out=tmp_path / "rows.parquet")
    pd.testing.assert_frame_equal(result.summary(by="group"), memory.summary(by="group"))
    back = read_rows(tmp_path / "rows.parquet")
    assert back.crs == projected.crs
    _same_rows(back, memory.targets)


@pytest.mark.parametrize("how_indexed", ["every_third_row", "labels", "two_levels"])
def test_stored_index_comes_back_as_read_gives_it(data, tmp_path, how_indexed):
    """geopandas stores a frame's index in GeoParquet; streamed rows get the columns read() makes of it."""
    _, origins, targets, _, _ = data
    frame = {
        "every_third_row": targets.iloc[::3],
        "labels": targets.set_index("name"),
        "two_levels": targets.set_index(["name", "k"]),
    }[how_indexed]
    path = tmp_path / "indexed.parquet"
    frame.to_parquet(path)
    memory = rangecov.coverage(origins, read_rows(path), REACH)
    first = memory.targets.columns[0]
    out = tmp_path / "rows.parquet"
    for rows in (out, None):
        result = rangecov.stream_coverage(origins, path, REACH, chunk_size=333, by=first, out=rows)
        pd.testing.assert_frame_equal(result.summary(by=first), memory.summary(by=first))
    back = read_rows(out)
    assert list(back.columns) == list(memory.targets.columns)
    assert back[first].tolist() == memory.targets[first].tolist()


def test_flat_points_decode_as_their_wkb_says(tmp_path):
    """2D WKB points are read at their fixed offsets (no WKB parsing): the same coordinates to the bit as
    shapely.from_wkb, in a GeoDataFrame whose CRS84 stays lon/lat untouched; 3D points keep their Z."""
    import numpy as np

    from rangecov.io.parquet_reader import column_geometries

    rng = np.random.default_rng(5)
    pts = shapely.points(rng.uniform(-180, 180, 500), rng.uniform(-90, 90, 500))
    flat = pa.chunked_array([pa.array(shapely.to_wkb(pts), type=pa.binary())])
    got = column_geometries(flat, "WKB", 0, "x.parquet")
    np.testing.assert_array_equal(shapely.get_coordinates(got), shapely.get_coordinates(pts))
    deep = shapely.points(rng.uniform(-1, 1, 5), rng.uniform(-1, 1, 5), rng.uniform(0, 9, 5))
    got = column_geometries(pa.chunked_array([pa.array(shapely.to_wkb(deep), type=pa.binary())]), "WKB", 0, "x.parquet")
    np.testing.assert_array_equal(
        shapely.get_coordinates(got, include_z=True), shapely.get_coordinates(deep, include_z=True)
    )
