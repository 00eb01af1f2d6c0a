"""Targets beyond memory: streamed from files, and on dask, agree with coverage() in memory.

Row for row and in every total, bit for bit in ``distance_m``: each target's
answer depends on the origins alone, so chunks and partitions change nothing.
"""

from __future__ import annotations

import json
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from pyproj import Geod

import rangecov


def read_rows(path, **options):
    """read() with the rows numbered, as a stream reads them (the file's name column stays a column)."""
    return rangecov.read(path, names=None, **options)


from rangecov.cli import main
from rangecov.errors import InputError, MissingDependencyError, OutputExistsError, UnsupportedError

REACH = 300_000.0
_GEOD = Geod(ellps="WGS84")
RESULT = ["distance_m", "nearest_origin", "margin_m", "covering_origin", "in_reach", "status"]


def _origins() -> gpd.GeoDataFrame:
    lon = [34.80, 36.23, 179.5, -179.2, 10.0, 0.0]
    lat = [50.91, 49.99, 65.0, -16.5, 89.0, -45.0]
    reach = [300_000.0, 250_000.0, 300_000.0, 400_000.0, 300_000.0, 300_000.0]
    return gpd.GeoDataFrame(
        {"site": ["Sumy", "Kharkiv", "Chukotka", "Fiji", "Pole", "South"], "reach": reach},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    ).set_index("site")


def _targets(n: int = 2400, seed: int = 7) -> gpd.GeoDataFrame:
    """Points near the origins, over the globe, across ±180°, near a pole, and at the reach ± 1 cm."""
    rng = np.random.default_rng(seed)
    o = _origins()
    lon = [rng.uniform(-180, 180, n // 3), rng.uniform(178, 182, n // 6) - 0.0]
    lat = [np.degrees(np.arcsin(rng.uniform(-1, 1, n // 3))), rng.uniform(60, 70, n // 6)]
    near = rng.integers(0, len(o), n // 3)
    az, dist = rng.uniform(-180, 180, near.size), rng.uniform(0, 600_000, near.size)
    x, y, _ = _GEOD.fwd(o.geometry.x.to_numpy()[near], o.geometry.y.to_numpy()[near], az, dist)
    lon.append(np.asarray(x))
    lat.append(np.asarray(y))
    # Exactly at the reach of an origin, and 1 cm either side.
    for i in range(len(o)):
        for d in (REACH - 0.01, REACH + 0.01):
            x, y, _ = _GEOD.fwd(o.geometry.x.iloc[i], o.geometry.y.iloc[i], 37.0 * (i + 1), d)
            lon.append(np.array([x]))
            lat.append(np.array([y]))
    lon_all, lat_all = np.concatenate(lon), np.concatenate(lat)
    lon_all = (lon_all + 180) % 360 - 180
    m = lon_all.size
    group = np.array(["a", "b", "c", None], dtype=object)[rng.integers(0, 4, m)]
    # Weights floats hold inexactly (tenths, over eight orders of magnitude): sums of chunks must still agree.
    w = np.round(rng.uniform(0, 100, m), 1) * 10.0 ** rng.integers(-4, 4, m)
    return gpd.GeoDataFrame(
        {"group": group, "k": rng.integers(0, 3, m), "name": [f"t{i}" for i in range(m)], "w": w},
        geometry=gpd.points_from_xy(lon_all, lat_all),
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stream")
    origins, targets = _origins(), _targets()
    parquet = folder / "targets.parquet"
    targets.to_parquet(parquet, row_group_size=500)
    csv = folder / "targets.csv"
    table = pd.DataFrame(targets.drop(columns="geometry"))
    table["lon"], table["lat"] = targets.geometry.x, targets.geometry.y
    table.to_csv(csv, index=False)
    return folder, origins, targets, parquet, csv


def _same_rows(rows: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert len(rows) == len(expected)
    assert np.array_equal(rows["distance_m"].to_numpy(), expected["distance_m"].to_numpy())  # bit for bit
    assert np.array_equal(rows["margin_m"].to_numpy(), expected["margin_m"].to_numpy(), equal_nan=True)
    for column in ("nearest_origin", "covering_origin", "status", "name"):
        assert rows[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    assert rows["in_reach"].astype(bool).tolist() == expected["in_reach"].tolist()


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


def _broken(rows: int):
    """An iterable that fails after ``rows`` rows, as a run interrupted mid-file does."""
    targets = _targets(300)
    yield targets.iloc[:rows]
    raise KeyboardInterrupt


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


def test_interrupted_and_failed_runs_leave_no_file(data, tmp_path):
    _, origins, targets, _, csv = data
    out = tmp_path / "rows.parquet"
    with pytest.raises(KeyboardInterrupt):
        rangecov.stream_coverage(origins, _broken(100), REACH, out=out)
    assert list(tmp_path.iterdir()) == []
    bad = targets.iloc[:50].copy()
    bad.loc[40, "geometry"] = None
    with pytest.raises(InputError, match="missing geometry .* index label 40"):
        rangecov.stream_coverage(origins, [targets.iloc[:40], bad.iloc[40:]], REACH, out=out)
    assert list(tmp_path.iterdir()) == []


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_streams_large_targets(data, capsys, tmp_path):
    folder, origins, targets, parquet, _ = data
    sites = tmp_path / "sites.geojson"
    origins.reset_index().to_file(sites)
    weighed = ["--by", "group", "--weight", "w", "--format", "json"]
    code, memory_out, _ = _run(["coverage", sites, parquet, "--reach", "300 km", *weighed], capsys)
    assert code == 0
    memory = json.loads(memory_out)
    assert memory["weight"] == "w" and 0 < memory["weighted_share"] < 1
    code, streamed_out, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", *weighed, "--chunk-rows", "1000"],
        capsys,
    )
    streamed = json.loads(streamed_out)
    assert code == 0 and "targets" not in streamed
    memory.pop("targets")
    assert streamed == memory
    share = memory["share"]
    headline = memory["headline"].split("; w ")[0]  # the runs below give no --weight
    code, table, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", "--chunk-rows", "999", "--max-share", f"{share / 2}"], capsys
    )
    assert code == 1 and table.startswith(headline + "\n") and "threshold not met" in err
    code, out, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", "--chunk-rows", "999", "--format", "csv"], capsys
    )
    assert code == 2 and out == "" and "give --out FILE.csv" in err
    rows = tmp_path / "rows.parquet"
    code, out, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", "--chunk-rows", "999", "--out", rows], capsys
    )
    assert code == 0 and out == "" and headline in err
    assert len(read_rows(rows)) == memory["total"]
    for bad in ("0", "-5", "1.5", "many"):
        with pytest.raises(SystemExit) as exit_info:
            main(["coverage", str(sites), str(parquet), "--reach", "300 km", "--chunk-rows", bad])
        assert exit_info.value.code == 2


def test_command_corrupt_file_mid_stream(data, capsys, tmp_path):
    _, origins, targets, parquet, csv = data
    sites = tmp_path / "sites.geojson"
    origins.reset_index().to_file(sites)
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(parquet.read_bytes())
    # Overwrite the page header of row group 2's first column: rows 1,001-1,500 cannot be decoded.
    offset = pq.ParquetFile(parquet).metadata.row_group(2).column(0).data_page_offset
    with open(damaged, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xff" * 64)
    out = tmp_path / "rows.parquet"
    code, stdout, err = _run(
        ["coverage", sites, damaged, "--reach", "300 km", "--chunk-rows", "400", "--out", out], capsys
    )
    assert code == 2 and stdout == ""
    assert "row group 2 (rows 1,001-1,500)" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.parquet", "sites.geojson"]
    text = csv.read_text().splitlines()
    text[1700] = text[1700].rsplit(",", 1)[0] + ",north"
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(text) + "\n")
    code, stdout, err = _run(
        ["coverage", sites, broken, "--reach", "300 km", "--chunk-rows", "400", "--out", out], capsys
    )
    assert code == 2 and stdout == "" and "'north' at data row(s) 1,700" in err
    assert not out.exists()


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    # dask turns text columns into its own string type by default; the user's columns are not
    # ours to compare, so they are kept as pandas has them.
    with (
        dask.config.set({"dataframe.convert-string": False}),
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local,
        distributed.Client(local) as client,
    ):
        yield client


def test_dask_agrees_with_memory_and_stream(data, cluster):
    dask_geopandas = pytest.importorskip("dask_geopandas")
    folder, origins, targets, parquet, _ = data
    for reach in (REACH, "reach"):
        memory = rangecov.coverage(origins, targets, reach)
        report = rangecov.coverage(origins, dask_geopandas.from_geopandas(targets, npartitions=3), reach)
        assert type(report).__name__ == "DaskCoverageReport"
        added = report.targets.dtypes[RESULT]
        assert added.to_dict() == memory.targets.dtypes[RESULT].to_dict()
        assert repr(report) == repr(memory)
        pd.testing.assert_frame_equal(report.summary(by="group"), memory.summary(by="group"))
        _same_rows(report.targets.compute(), memory.targets)
    report = rangecov.coverage(origins, dask_geopandas.read_parquet(parquet), REACH, weight="w")
    streamed = rangecov.stream_coverage(origins, parquet, REACH, by="k", chunk_size=777, weight="w")
    pd.testing.assert_frame_equal(report.summary(by="k"), streamed.summary(by="k"))
    assert repr(report) == repr(streamed) and report.weighted_share == streamed.weighted_share
    assert report.to_dict(by="k") == streamed.to_dict(by="k")
    with pytest.raises(InputError, match="weight='nope' is not a column"):
        rangecov.coverage(origins, dask_geopandas.read_parquet(parquet), REACH, weight="nope")
    path = folder / "dask_rows"
    report.to_parquet(path)
    _same_rows(dask_geopandas.read_parquet(path).compute(), rangecov.coverage(origins, targets, REACH).targets)
    for call in (lambda: report.curve(), lambda: report.origins, lambda: report.to_dict(targets=True)):
        with pytest.raises(UnsupportedError, match="needs the targets in memory"):
            call()


def test_dask_missing_is_explained(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "dask_geopandas"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    from rangecov.cover import dask_frames as dask_report

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[dask\]"'):
        dask_report.dask_coverage(None, None, answer=None)


def test_no_temporary_files_left(data, tmp_path):
    _, origins, _, parquet, _ = data
    rangecov.stream_coverage(origins, parquet, REACH, chunk_size=97, out=tmp_path / "rows.parquet")
    assert os.listdir(tmp_path) == ["rows.parquet"]


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


def test_categorical_key_with_missing_values(data, tmp_path, cluster):
    """A categorical `by` key keeps every category and its missing group across chunks and partitions."""
    dask_geopandas = pytest.importorskip("dask_geopandas")
    _, origins, targets, _, _ = data
    frame = targets.copy()
    frame["group"] = pd.Categorical(frame["group"], categories=["c", "b", "a", "unused"], ordered=True)
    memory = rangecov.coverage(origins, frame, REACH)
    expected = memory.summary(by="group")
    assert expected.index.hasnans and "unused" in expected.index
    path = tmp_path / "categorical.parquet"
    frame.to_parquet(path)
    pieces = [frame.iloc[i : i + 400] for i in range(0, len(frame), 400)]
    for source in (path, pieces):
        result = rangecov.stream_coverage(origins, source, REACH, by="group", chunk_size=300)
        pd.testing.assert_frame_equal(result.summary(by="group"), expected)
        assert repr(result) == repr(memory)
    lazy = rangecov.coverage(origins, dask_geopandas.from_geopandas(frame, npartitions=3), REACH)
    pd.testing.assert_frame_equal(lazy.summary(by="group"), expected)
    assert (lazy.total, lazy.count) == (memory.total, memory.count)


def test_csv_typing_and_crs(tmp_path):
    """Whole-degree coordinates in the first chunk, --crs given, booleans that stop being booleans."""
    origins = _origins()
    lines = ["name,lon,lat,ok"] + [f"a{i},{30 + i % 3},{50 + i % 2},true" for i in range(12)]
    lines += [f"b{i},{30.12 + i / 100},{50.25},false" for i in range(8)]
    path = tmp_path / "whole.csv"
    path.write_text("\n".join(lines) + "\n")
    memory = rangecov.coverage(origins, read_rows(path), REACH)
    result = rangecov.stream_coverage(origins, path, REACH, chunk_size=10, crs="EPSG:4326", by="ok")
    pd.testing.assert_frame_equal(result.summary(by="ok"), memory.summary(by="ok"))
    lines[15] = lines[15].rsplit(",", 1)[0] + ",maybe"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"'maybe' at data row\(s\) 15"):
        rangecov.stream_coverage(origins, path, REACH, chunk_size=10)


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


def test_command_terminated_leaves_no_file(data, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    _, origins, _, _, _ = data
    sites = tmp_path / "sites.geojson"
    origins.reset_index().to_file(sites)
    n = 200_000
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"lon": rng.uniform(25, 45, n).round(4), "lat": rng.uniform(44, 56, n).round(4)})
    table.to_csv(tmp_path / "many.csv", index=False)
    command = [sys.executable, "-m", "rangecov", "coverage", str(sites), str(tmp_path / "many.csv")]
    command += ["--reach", "300 km", "--chunk-rows", "500", "--out", str(tmp_path / "rows.gpkg"), "--quiet"]
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".")] and time.monotonic() < deadline:
        time.sleep(0.05)  # until the temporary output exists
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143 and "terminated" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.csv", "sites.geojson"]


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
