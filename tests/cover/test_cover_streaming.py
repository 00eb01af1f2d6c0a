"""Targets beyond memory, streamed from files (rangecov.cover.streaming), agree with coverage() in memory.

Row for row and in every total, bit for bit in ``distance_m``: each target's
answer depends on the origins alone, so chunks change nothing."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from stream_data import REACH, _same_rows, read_rows

import rangecov
from rangecov.errors import InputError, OutputExistsError, UnsupportedError


@pytest.mark.parametrize("reach", [REACH, "reach", (250_000.0, 300_000.0)], ids=["scalar", "column", "band"])
def test_streamed_geoparquet_agrees_with_memory(data, reach):
    folder, origins, targets, parquet, _ = data
    memory = rangecov.coverage(origins, targets, reach, weight="w")
    n = len(targets)
    # n - 1: a last chunk of one row; 97: chunk edges inside every group; 500: one chunk per row group.
    for chunk in (n - 1, 97, 500):
        out = folder / f"rows_{chunk}.parquet"
        result = rangecov.stream_coverage(
            origins, parquet, reach, by="group", chunk_size=chunk, out=out, overwrite=True, weight="w"
        )
        assert result.chunks == -(-n // chunk)
        assert repr(result) == repr(memory)
        assert (result.total, result.count, result.marginal) == (memory.total, memory.count, memory.marginal)
        assert (result.weight_in, result.weight_total) == (memory.weight_in, memory.weight_total)
        pd.testing.assert_frame_equal(result.summary(by="group"), memory.summary(by="group"))
        pd.testing.assert_frame_equal(result.summary(), memory.summary())
        assert result.to_dict(by="group") == memory.to_dict(by="group")
        _same_rows(read_rows(out), memory.targets)
    assert memory.summary(by="group").index.hasnans  # the missing group is in the comparison


def test_streamed_csv_agrees_with_memory(data):
    folder, origins, _, _, csv = data
    targets = read_rows(csv)
    memory = rangecov.coverage(origins, targets, REACH, weight="w")
    for chunk, suffix in ((1000, ".csv"), (len(targets) - 1, ".gpkg"), (333, ".fgb")):
        out = folder / f"csv_rows_{chunk}{suffix}"
        result = rangecov.stream_coverage(origins, csv, REACH, by="k", chunk_size=chunk, out=out, weight="w")
        pd.testing.assert_frame_equal(result.summary(by="k"), memory.summary(by="k"))
        _same_rows(read_rows(out), memory.targets)


def test_streamed_polygons_and_iterables(data):
    folder, origins, targets, _, _ = data
    boxes = targets.iloc[:60].copy()
    x, y = boxes.geometry.x.to_numpy(), boxes.geometry.y.clip(-89, 89).to_numpy()
    boxes["geometry"] = shapely.box(x - 0.3, y - 0.3, x + 0.3, y + 0.3)
    path = folder / "boxes.gpkg"
    boxes.to_file(path)
    for how in ("any", "centroid"):
        memory = rangecov.coverage(origins, read_rows(path), REACH, how=how)
        result = rangecov.stream_coverage(origins, path, REACH, how=how, chunk_size=25, by="group")
        pd.testing.assert_frame_equal(result.summary(by="group"), memory.summary(by="group"))
    pieces = (targets.iloc[i : i + 700] for i in range(0, len(targets), 700))
    out = folder / "pieces.parquet"
    result = rangecov.stream_coverage(origins, pieces, REACH, out=out)
    memory = rangecov.coverage(origins, targets, REACH)
    assert repr(result) == repr(memory) and result.chunks == -(-len(targets) // 700)
    _same_rows(read_rows(out), memory.targets)


def test_stream_mistakes(data):
    folder, origins, _, parquet, _ = data
    with pytest.raises(InputError, match="by='nope' is not a column of .*targets.parquet; columns: group, k, name"):
        rangecov.stream_coverage(origins, parquet, REACH, by="nope")
    with pytest.raises(InputError, match="chunk_size must be a whole number of rows >= 1, got 0"):
        rangecov.stream_coverage(origins, parquet, REACH, chunk_size=0)
    result = rangecov.stream_coverage(origins, parquet, REACH, by="k")
    with pytest.raises(UnsupportedError, match=r"counted with by='k' .* by='group'"):
        result.summary(by="group")
    with pytest.raises(UnsupportedError, match="does not hold its targets"):
        result.to_dict(targets=True)
    existing = folder / "exists.parquet"
    existing.write_text("x")
    with pytest.raises(OutputExistsError):
        rangecov.stream_coverage(origins, parquet, REACH, out=existing)


def test_a_bad_weight_mid_file_names_its_rows(data, tmp_path):
    _, origins, targets, _, _ = data
    bad = targets.copy()
    bad.loc[1500, "w"] = -1.0
    path = tmp_path / "bad.parquet"
    bad.to_parquet(path)
    with pytest.raises(InputError, match=r"weight='w' has negative values \(rows .*1,[0-9]{3}.*\): row 1500 \(-1.0\)"):
        rangecov.stream_coverage(origins, path, REACH, weight="w", chunk_size=1000)
    with pytest.raises(InputError, match="weight='nope' is not a column of"):
        rangecov.stream_coverage(origins, path, REACH, weight="nope")


def test_more_mistakes_are_refused_up_front(data, tmp_path):
    _, origins, targets, parquet, csv = data
    with pytest.raises(InputError, match=r"min_covered must be a share in \(0, 1\], got 5"):
        rangecov.stream_coverage(origins, parquet, REACH, min_covered=5)
    with pytest.raises(InputError, match="layer= applies to files with several layers"):
        rangecov.stream_coverage(origins, csv, REACH, layer="x")
    with pytest.raises(InputError, match="by='geometry' is the targets' geometry"):
        rangecov.stream_coverage(origins, parquet, REACH, by="geometry")
    labelled = targets.set_index("name")
    with pytest.raises(InputError, match=r"item 1 of the iterable has an index named \[None\]"):
        rangecov.stream_coverage(origins, [labelled.iloc[:5], targets.iloc[5:9]], REACH, out=tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []
    out = tmp_path / "rows.csv"
    rangecov.stream_coverage(origins, [targets.iloc[:0], targets.iloc[:3], targets.iloc[3:6]], REACH, out=out)
    assert out.read_text().count("distance_m") == 1 and len(read_rows(out)) == 6
    wkb = shapely.to_wkb(targets.geometry.values[:30])
    wkb[17] = b"\x01\x02"
    broken = tmp_path / "broken.parquet"
    meta = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB"}}}
    pq.write_table(
        pa.table({"geometry": pa.array(list(wkb), pa.binary())}).replace_schema_metadata({"geo": json.dumps(meta)}),
        broken,
    )
    with pytest.raises(InputError, match=r"broken\.parquet: the geometry at index label\(s\) 17 .* is not valid WKB"):
        rangecov.stream_coverage(origins, broken, REACH, chunk_size=10)
