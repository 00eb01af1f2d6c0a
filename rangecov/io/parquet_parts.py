"""GeoParquet files cut into partitions of whole row groups, for :func:`rangecov.cover.dask_frames.dask_coverage`.

A partition (:class:`ParquetPart`) is consecutive row groups of one file,
with where its rows start in the file (for messages) and across all the
files (for the rows' numbers). It is small and picklable: a dask task gets one
and reads it (:meth:`ParquetPart.read`) through the file's
:class:`rangecov.io.parquet_reader.ParquetLayout`, as streaming reads its chunks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pandas as pd

from ..base.remote import is_remote
from ..errors import InputError, InputTypeError, UnsupportedError
from .chunk import Chunk
from .parquet_reader import ParquetLayout, geoparquet_layout
from .reader import existing_path, file_kind, parquet_file

__all__ = ["ParquetPart", "geoparquet_parts"]


class ParquetPart(NamedTuple):
    """Row groups ``groups`` of one file: ``n_rows`` rows, the first of which is row ``first`` of the
    file and row ``offset`` of all the files read together."""

    layout: ParquetLayout
    groups: range
    first: int
    offset: int
    n_rows: int

    def read(self, columns: Sequence[str] | None = None) -> Chunk:
        """The rows as a :class:`Chunk` (numbered in the file), with only ``columns`` (None: all) besides
        the geometry."""
        layout = self.layout if columns is None else self.layout.narrowed(columns)
        return layout.read(self.groups, self.first)

    def frame(self) -> gpd.GeoDataFrame:
        """The rows as a GeoDataFrame, numbered across all the files."""
        frame = self.read().frame()
        if self.offset != self.first:
            frame.index = pd.RangeIndex(self.offset, self.offset + len(frame))
        return frame

    def empty(self) -> ParquetPart:
        """No rows of the same file: the columns alone."""
        return self._replace(groups=range(0), n_rows=0)


def geoparquet_parts(targets, chunk_size: int) -> list[ParquetPart]:
    """The partitions of the GeoParquet files ``targets`` names, in order, of up to ``chunk_size`` rows.

    ``targets`` is a file, a folder (its ``*.parquet`` files in natural
    order), or a list of them. Consecutive row groups of a file are gathered
    up to ``chunk_size`` rows (a larger row group is a partition of its own);
    row groups without rows are left out, but a source without rows gives one
    empty partition, for the columns. Every file is checked (GeoParquet,
    the same columns) from its footer, before any row is read.
    """
    layouts = [_layout(path) for path in _files(targets)]
    parts: list[ParquetPart] = []
    offset = 0
    names, geometry = layouts[0].names, layouts[0].geometry
    for layout in layouts:
        if layout.names != names or layout.geometry != geometry:
            raise InputError(
                f"targets: {layout.path} has columns {layout.names} but {layouts[0].path} has {names}; "
                "files read together must share their columns"
            )
        start = held = first = 0
        for group, n in enumerate(layout.row_groups):
            if held and held + n > chunk_size:
                parts.append(ParquetPart(layout, range(start, group), first, offset, held))
                offset, first, start, held = offset + held, first + held, group, 0
            if held == 0 and n == 0:  # an empty row group on its own: nothing to read
                start = group + 1
                continue
            held += n
        if held:
            parts.append(ParquetPart(layout, range(start, len(layout.row_groups)), first, offset, held))
            offset += held
    return parts or [ParquetPart(layouts[0], range(0), 0, 0, 0)]


def _natural(path: Path) -> list:
    """Sort key of a file name with its numbers as numbers (``part.2`` before ``part.10``, as dask names parts)."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", path.name)]


def _files(targets) -> list[Path]:
    """The files ``targets`` names, in order."""
    if isinstance(targets, (str, os.PathLike)):
        items = [targets]
    elif isinstance(targets, (list, tuple)) and targets:
        items = list(targets)
    else:
        in_memory = isinstance(targets, (pd.DataFrame, gpd.GeoSeries))
        raise InputTypeError(
            "targets must be a GeoParquet file or folder (str or os.PathLike), a non-empty list of them, "
            f"or a dask-geopandas frame; got {type(targets).__name__}"
            + (" (a frame in memory goes to rangecov.coverage())" if in_memory else "")
        )
    files: list[Path] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise InputTypeError(f"targets must list file paths (str or os.PathLike); got {type(item).__name__}")
        if is_remote(item):
            raise UnsupportedError(
                f"targets: {os.fspath(item)} is remote; GeoParquet is read here from files every worker sees. "
                "Read it with dask_geopandas.read_parquet(url, storage_options=...) and pass the frame to "
                "rangecov.coverage()"
            )
        path = existing_path(item)
        found = sorted(path.glob("*.parquet"), key=_natural) if path.is_dir() else [path]
        if not found:
            raise InputError(f"targets: the folder {path} holds no .parquet files")
        files.extend(found)
    return files


def _layout(path: Path) -> ParquetLayout:
    if file_kind(path) != "parquet":
        raise InputError(
            f"targets: {path} is not a Parquet file (.parquet), and only GeoParquet is read in partitions here; "
            "stream other formats with rangecov.stream_coverage(), or read them with dask-geopandas and pass "
            "the frame to rangecov.coverage()"
        )
    pf = parquet_file(path)
    if b"geo" not in (pf.schema_arrow.metadata or {}):
        raise InputError(
            f"targets: {path} is Parquet without GeoParquet metadata ('geo'); write it with geopandas' "
            "to_parquet(), or stream a table of longitude/latitude columns with rangecov.stream_coverage()"
        )
    return geoparquet_layout(pf, path, crs=None, columns=None)
