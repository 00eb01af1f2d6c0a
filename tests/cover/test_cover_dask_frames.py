"""Targets on a dask cluster (rangecov.cover.dask_frames) agree with coverage() in memory and with streaming."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely import LineString, Point
from stream_data import REACH, RESULT, _same_rows, read_rows

import rangecov
from rangecov.errors import InputError, InputTypeError, MissingDependencyError, UnsupportedError

dask = pytest.importorskip("dask")
pytest.importorskip("dask_geopandas")


@pytest.fixture
def synchronous():
    """dask's scheduler in this thread: the graph rangecov builds, run without a cluster."""
    with dask.config.set(scheduler="synchronous"):
        yield


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


def test_dask_missing_is_explained(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "dask_geopandas"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    from rangecov.cover import dask_frames as dask_report

    origins = gpd.GeoSeries([Point(0, 0)], crs="EPSG:4326")
    path = tmp_path / "t.parquet"
    origins.to_frame("geometry").to_parquet(path)
    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[dask\]"'):
        dask_report.frame_coverage(None, None)
    with pytest.raises(MissingDependencyError, match=r'pip install "rangecov\[dask\]"'):
        rangecov.dask_coverage(origins, path, REACH)


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


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dask_coverage_of_geoparquet_is_bit_identical(data, synchronous):
    """Row groups of 500, partitions of two of them: rows, totals and weight sums equal those in memory."""
    _, origins, targets, parquet, _ = data
    before_origins, before_file = origins.copy(), _digest(parquet)
    expected_rows = read_rows(parquet)
    for reach in (REACH, "reach", (250_000.0, 350_000.0)):
        memory = rangecov.coverage(origins, expected_rows, reach, weight="w")
        lazy = rangecov.dask_coverage(origins, parquet, reach, weight="w", chunk_size=1000)
        assert type(lazy).__name__ == "DaskCoverageReport"
        assert type(lazy.targets).__module__.startswith("dask_geopandas")
        assert lazy.targets.npartitions == 3 and lazy.targets.divisions == (0, 1000, 2000, len(targets) - 1)
        pd.testing.assert_frame_equal(lazy.targets.compute(), memory.targets)  # every column, dtype and bit
        assert lazy.targets.dtypes.to_dict() == memory.targets.dtypes.to_dict()  # the lazy frame's meta too
        for by in (None, "group", "k"):
            pd.testing.assert_frame_equal(lazy.summary(by=by), memory.summary(by=by))
        assert (lazy.total, lazy.count, lazy.marginal) == (memory.total, memory.count, memory.marginal)
        assert lazy.to_dict(by="group") == memory.to_dict(by="group")  # exact weight sums, rounded once
        assert repr(lazy) == repr(memory)
    named = rangecov.dask_coverage(origins, parquet, REACH, nouns=("sites", "airfields"))
    assert str(named).endswith("of 6 sites") and "airfields" in str(named)
    pd.testing.assert_frame_equal(origins, before_origins)
    assert _digest(parquet) == before_file


def test_dask_coverage_on_a_cluster_and_of_files(data, tmp_path, cluster):
    """The same graph on two worker processes; a folder of files is one dataset, numbered across it."""
    _, origins, targets, parquet, _ = data
    folder = tmp_path / "parts"
    folder.mkdir()
    for number, rows in enumerate((slice(0, 700), slice(700, 1900), slice(1900, None))):
        targets.iloc[rows].reset_index(drop=True).to_parquet(folder / f"part.{number}.parquet", row_group_size=400)
    memory = rangecov.coverage(origins, targets, "reach", weight="w")
    for source in (parquet, folder, [folder / "part.0.parquet", folder / "part.1.parquet", folder / "part.2.parquet"]):
        lazy = rangecov.dask_coverage(origins, source, "reach", weight="w")
        pd.testing.assert_frame_equal(lazy.summary(by="group"), memory.summary(by="group"))
        _same_rows(lazy.targets.compute(), memory.targets)
    path = tmp_path / "rows"
    lazy.to_parquet(path)
    files = sorted(path.glob("*.parquet"), key=lambda p: int(p.stem.split(".")[1]))  # part.0, part.1, ...
    _same_rows(pd.concat([read_rows(p) for p in files], ignore_index=True), memory.targets)


def test_dask_coverage_falls_back_to_shapely(data, tmp_path, synchronous):
    """Lines and polygons, and points in a projected CRS, are answered through shapely, as in memory."""
    _, origins, targets, _, _ = data
    shapes = targets.iloc[:300].copy()
    shapes.loc[shapes.index[::3], "geometry"] = [
        LineString([(p.x, p.y), (p.x + 0.5, p.y + 0.3)]) for p in shapes.geometry.iloc[::3]
    ]
    shapes.loc[shapes.index[1::3], "geometry"] = shapely.buffer(shapes.geometry.values[1::3], 0.2)
    projected = targets[targets.geometry.y.abs() < 80].iloc[:400].reset_index(drop=True).to_crs(3857)
    for frame, name in ((shapes, "shapes"), (projected, "projected")):
        path = tmp_path / f"{name}.parquet"
        frame.to_parquet(path, row_group_size=128)
        memory = rangecov.coverage(origins, read_rows(path), REACH, weight="w")
        lazy = rangecov.dask_coverage(origins, path, REACH, weight="w", chunk_size=200)
        pd.testing.assert_frame_equal(lazy.summary(by="group"), memory.summary(by="group"))
        pd.testing.assert_frame_equal(lazy.targets.compute(), memory.targets)
        assert lazy.targets.dtypes.to_dict() == memory.targets.dtypes.to_dict()
    line_origins = gpd.GeoDataFrame(geometry=[LineString([(30, 50), (40, 52)])], crs="EPSG:4326")
    path = tmp_path / "points.parquet"
    targets.iloc[:500].to_parquet(path)
    memory = rangecov.coverage(line_origins, targets.iloc[:500], REACH, how="all")
    lazy = rangecov.dask_coverage(line_origins, path, REACH, how="all")
    assert repr(lazy) == repr(memory)
    pd.testing.assert_frame_equal(lazy.targets.compute(), memory.targets)
    assert lazy.targets.dtypes.to_dict() == memory.targets.dtypes.to_dict()


def test_dask_coverage_of_no_rows_and_of_a_dask_frame(data, tmp_path, synchronous):
    _, origins, targets, _, _ = data
    path = tmp_path / "empty.parquet"
    targets.iloc[:0].to_parquet(path)
    lazy = rangecov.dask_coverage(origins, path, REACH, weight="w")
    memory = rangecov.coverage(origins, targets.iloc[:0], REACH, weight="w")
    assert (lazy.total, lazy.count) == (0, 0) and repr(lazy) == repr(memory)
    assert list(lazy.targets.compute().columns) == list(memory.targets.columns)
    # A dask-geopandas frame is coverage()'s: one map_partitions over its shapely partitions.
    import dask_geopandas

    frame = dask_geopandas.from_geopandas(targets, npartitions=2)
    via = rangecov.dask_coverage(origins, frame, REACH, weight="w")
    pd.testing.assert_frame_equal(via.summary(), rangecov.coverage(origins, frame, REACH, weight="w").summary())


def test_dask_coverage_bad_input_names_the_argument(data, tmp_path, synchronous):
    _, origins, targets, parquet, _ = data
    cases = [
        (dict(targets=targets), InputTypeError, r"targets must be .* \(a frame in memory goes to rangecov.coverage"),
        (dict(targets=42), InputTypeError, "targets must be a GeoParquet file"),
        (dict(targets=tmp_path / "none.parquet"), FileNotFoundError, "does not exist"),
        (dict(weight="nope"), InputError, "weight='nope' is not a column of .*targets.parquet"),
        (dict(weight="distance_m"), InputError, "weight="),
        (dict(chunk_size=0), ValueError, "chunk_size"),
        (dict(chunk_size=None), InputError, "chunk_size must be a whole number of rows"),
        (dict(reach="no such column"), InputError, "reach"),
        (dict(how="most"), InputError, "how="),
        (dict(origins=targets.drop(columns="geometry")), InputTypeError, "origins"),
    ]
    for change, error, message in cases:
        arguments = {"origins": origins, "targets": parquet, "reach": REACH, **change}
        with pytest.raises(error, match=message):
            rangecov.dask_coverage(
                arguments.pop("origins"), arguments.pop("targets"), arguments.pop("reach"), **arguments
            )
    lazy = rangecov.dask_coverage(origins, parquet, REACH)
    with pytest.raises(InputError, match="by='nope' is not a column of the targets"):
        lazy.summary(by="nope")
    with pytest.raises(InputError, match="by='geometry' is the targets' geometry"):
        lazy.summary(by="geometry")
    bad = targets.iloc[:50].copy()
    bad["w"] = -1.0
    path = tmp_path / "negative.parquet"
    bad.to_parquet(path)
    lazy = rangecov.dask_coverage(origins, path, REACH, weight="w")
    with pytest.raises(InputError, match=r"negative.parquet: weight='w' has negative values \(rows 1-50\): row 0"):
        lazy.summary()
