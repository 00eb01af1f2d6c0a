"""Targets on a dask cluster (rangecov.cover.dask_frames) agree with coverage() in memory and with streaming."""

from __future__ import annotations

import pandas as pd
import pytest
from stream_data import REACH, RESULT, _same_rows

import rangecov
from rangecov.errors import InputError, MissingDependencyError, UnsupportedError


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
