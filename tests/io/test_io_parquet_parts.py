"""GeoParquet files cut into partitions of whole row groups (rangecov.io.parquet_parts)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import Point

from rangecov.errors import FileMissingError, InputError, InputTypeError, UnsupportedError
from rangecov.io.parquet_parts import geoparquet_parts


def _frame(n: int, start: int = 0) -> gpd.GeoDataFrame:
    x = np.arange(start, start + n, dtype=float) / 100.0
    return gpd.GeoDataFrame({"v": np.arange(start, start + n)}, geometry=gpd.points_from_xy(x, x), crs="EPSG:4326")


def test_row_groups_gathered_up_to_chunk_size_and_numbered_across_files(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    # Written out of order and named as dask names them: part.10 comes after part.2.
    for number, (n, start) in {10: (7, 300), 2: (25, 0), 3: (0, 25)}.items():
        _frame(n, start).to_parquet(folder / f"part.{number}.parquet", row_group_size=10)
    parts = geoparquet_parts(folder, 20)
    assert [(p.layout.path.name, p.groups, p.first, p.offset, p.n_rows) for p in parts] == [
        ("part.2.parquet", range(0, 2), 0, 0, 20),
        ("part.2.parquet", range(2, 3), 20, 20, 5),
        ("part.10.parquet", range(0, 1), 0, 25, 7),
    ]
    frames = [p.frame() for p in parts]
    whole = pd.concat(frames)
    assert whole.index.tolist() == list(range(32))
    assert whole["v"].tolist() == list(range(25)) + list(range(300, 307))
    chunk = parts[1].read(["v"])
    assert (
        chunk.first_row == 20
        and chunk.lonlat is not None
        and np.array_equal(chunk.lonlat[0], [0.2, 0.21, 0.22, 0.23, 0.24])
    )
    # A row group larger than chunk_size is a partition of its own; a list of files is read in its order.
    listed = geoparquet_parts([folder / "part.10.parquet", folder / "part.2.parquet"], 5)
    assert [p.n_rows for p in listed] == [7, 10, 10, 5]
    assert [p.offset for p in listed] == [0, 7, 17, 27]


def test_no_rows_gives_one_empty_part_with_the_columns(tmp_path):
    path = tmp_path / "empty.parquet"
    _frame(0).to_parquet(path)
    (part,) = geoparquet_parts(path, 100)
    assert part.n_rows == 0
    frame = part.frame()
    assert len(frame) == 0 and list(frame.columns) == ["v", "geometry"] and frame.crs == "EPSG:4326"


def test_what_is_not_geoparquet_is_refused_naming_targets(tmp_path):
    frame = _frame(3)
    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"lon": [1.0], "lat": [2.0]}).to_parquet(plain)
    csv = tmp_path / "points.csv"
    csv.write_text("lon,lat\n1,2\n")
    (tmp_path / "nothing").mkdir()
    other = tmp_path / "other.parquet"
    frame.rename(columns={"v": "w"}).to_parquet(other)
    good = tmp_path / "good.parquet"
    frame.to_parquet(good)
    cases = [
        (plain, InputError, "without GeoParquet metadata"),
        (csv, InputError, r"not a Parquet file.*stream_coverage"),
        (tmp_path / "nothing", InputError, "holds no .parquet files"),
        (tmp_path / "missing.parquet", FileMissingError, "does not exist"),
        ("s3://bucket/targets.parquet", UnsupportedError, r"remote.*dask_geopandas.read_parquet"),
        ([good, other], InputError, "must share their columns"),
        (frame, InputTypeError, r"targets must be .*got GeoDataFrame \(a frame in memory goes to rangecov.coverage"),
        ([], InputTypeError, "non-empty list"),
        ([good, 3], InputTypeError, "targets must list file paths"),
        (b"good.parquet", InputTypeError, "got bytes"),
    ]
    for targets, error, message in cases:
        with pytest.raises(error, match=message):
            geoparquet_parts(targets, 10)


def test_parts_pickle_small(tmp_path):
    """A part is what a task is handed: plain values, a few kB whatever the file's size."""
    import pickle

    path = tmp_path / "t.parquet"
    _frame(1000).to_parquet(path, row_group_size=100)
    parts = geoparquet_parts(path, 300)
    assert len(parts) == 4
    assert len(pickle.dumps(parts[0])) < 10_000
    back = pickle.loads(pickle.dumps(parts[2]))
    assert back.read().frame().equals(parts[2].read().frame())
    assert Point(back.frame().geometry.iloc[0].coords[0]) == Point(6.0, 6.0)
