"""Result rows written chunk by chunk (rangecov.io.chunk_writer): no file left by an interrupted or failed run."""

from __future__ import annotations

import os

import pytest
from stream_data import REACH, _targets

import rangecov
from rangecov.errors import InputError


def _broken(rows: int):
    """An iterable that fails after ``rows`` rows, as a run interrupted mid-file does."""
    targets = _targets(300)
    yield targets.iloc[:rows]
    raise KeyboardInterrupt


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


def test_no_temporary_files_left(data, tmp_path):
    _, origins, _, parquet, _ = data
    rangecov.stream_coverage(origins, parquet, REACH, chunk_size=97, out=tmp_path / "rows.parquet")
    assert os.listdir(tmp_path) == ["rows.parquet"]
