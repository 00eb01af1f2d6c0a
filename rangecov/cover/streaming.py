"""Coverage of targets that do not fit in memory: :func:`stream_coverage`.

Targets are read a chunk at a time (:mod:`rangecov.io.chunk_reader`), each chunk
is answered exactly as :func:`rangecov.coverage` answers it (one origin index,
built once), its counts are added up (:func:`rangecov.results.totals.add_counts`) and
its rows, with the result columns, go to ``out`` (:mod:`rangecov.io.chunk_writer`)
if given. Memory is bounded by the chunk, not by the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..base import progress as progress_bars
from ..base.schema import COUNT, MARGINAL, RESULT_COLUMNS, STATUS, TOTAL
from ..base.tuning import CHUNK_ROWS, FOLD_CHUNKS
from ..errors import InputError, InputTypeError, UnsupportedError
from ..geodesy.ellipsoid import get_ellipsoid
from ..inputs.options import How, check_chunk_size, check_progress, check_weight_name, parse_nouns
from ..inputs.weights import weight_values
from ..io import read
from ..io.chunk import Chunk
from ..io.chunk_reader import open_chunks
from ..io.chunk_writer import RowSink
from ..results.report import result_columns
from ..results.totals import CoverageTotals, add_counts, finish_summary, group_counts
from ..units import Distance, Reach
from .entry import PreparedCoverage

# chunk_counts and check_columns serve cover.dask_frames too.
__all__ = ["stream_coverage", "StreamedCoverage"]


class StreamedCoverage(CoverageTotals):
    """The totals of :func:`stream_coverage`: counts and the ``by`` summary, without the targets.

    Attributes
    ----------
    total, count, marginal, share, reach, reach_kind, how, ellipsoid, n_origins
        As for :class:`rangecov.CoverageReport`, and equal to them for the
        same targets in memory.
    by : str or None
        The column the summary was counted by.
    out : pathlib.Path or None
        The file the rows were written to.
    chunks : int
        How many chunks were read.
    """

    def __init__(self, counts: pd.DataFrame, *, by: str | None, out: Path | None, chunks: int, **reach) -> None:
        self._set_reach(**reach)
        self.by = by
        self.out = out
        self.chunks = chunks
        self._counts = counts
        self._sums = self.sums_of(counts)
        self.weight_total  # noqa: B018 - weights too large for a float fail here, not when shown
        self.total = int(counts[TOTAL].sum())
        self.count = int(counts[COUNT].sum())
        self.marginal = int(counts[MARGINAL].sum())

    def _weight_sums(self):
        return self._sums

    def summary(self, by: str | None = None) -> pd.DataFrame:
        """Totals as a table (``total``, ``count``, ``share``, ``marginal``, and the weight columns
        with ``weight=``), by the column counted by.

        ``by`` may be None (one row ``"all"``) or the ``by=`` given to
        :func:`stream_coverage`; the targets are not kept, so other columns
        cannot be summarised afterwards.
        """
        if by is None:
            if len(self._counts):
                whole = add_counts([self._counts.set_axis(["all"] * len(self._counts)).rename_axis(None)])
            else:
                whole = group_counts(np.empty(0, dtype=np.int8), None, None if self._sums is None else np.empty(0))
            return self.named_summary(finish_summary(whole), None)
        if by != self.by:
            counted = f"by={self.by!r}" if self.by is not None else "no by="
            raise UnsupportedError(
                f"summary(by={by!r}): the stream was counted with {counted} and its targets are not kept; "
                f"run stream_coverage(..., by={by!r}) again"
            )
        return finish_summary(self._counts)


def stream_coverage(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: str | os.PathLike | Iterable[gpd.GeoDataFrame],
    reach: Reach,
    *,
    by: str | None = None,
    out: str | os.PathLike | None = None,
    overwrite: bool = False,
    chunk_size: int = CHUNK_ROWS,
    how: How = "any",
    min_covered: float = 0.5,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
    progress: bool | None = None,
    nouns: tuple | None = None,
    weight: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    crs: Any = None,
    layer: str | int | None = None,
    sep: str | None = None,
    allow_remote: bool = False,
) -> StreamedCoverage:
    """Coverage of targets read from a file a chunk at a time, whatever its size.

    Parameters
    ----------
    origins : GeoDataFrame or GeoSeries
        As for :func:`rangecov.coverage` (held in memory).
    targets : path or iterable of GeoDataFrames
        GeoParquet, CSV/TSV (``lon``/``lat`` columns as :func:`rangecov.read`
        finds them), plain Parquet with such columns, or a format GDAL
        streams (FlatGeobuf, GeoPackage, GeoJSON, Shapefile); or any iterable
        of GeoDataFrames (e.g. a generator reading a database in pages).
    reach : distance, column name or (low, high)
        As for :func:`rangecov.coverage`.
    by : str, optional
        A column of the targets to count by (:meth:`StreamedCoverage.summary`).
    out : path, optional
        Write every target row with the result columns of
        :func:`rangecov.coverage` (``distance_m``, ``nearest_origin``,
        ``margin_m``, ``covering_origin``, ``in_reach``, ``status``) to this
        file, chunk by chunk: ``.parquet`` (GeoParquet), ``.gpkg``, ``.fgb``,
        ``.geojson`` or ``.csv``. Rows keep the file's columns in its order
        (a file's rows are not indexed, so no index column is written). The
        file appears only when the last chunk is written; a failed or
        interrupted run leaves neither it nor a temporary file.
    overwrite : bool, default False
        Replace an existing ``out``.
    chunk_size : int, default 1,048,576
        Rows per chunk: memory grows with it (about 150 bytes per point
        target plus the file's other columns), not with the file.
    how, min_covered, tolerance, ellipsoid
        As for :func:`rangecov.coverage`; with ``how="all"`` or ``"area"``
        the reach regions are drawn again for every chunk.
    progress : bool or None, default None
        A bar counting rows (out of the file's row count where the format
        stores it: Parquet, most GDAL formats).
    nouns : (origins, targets), optional
        What the headline calls them, as for :func:`rangecov.coverage`.
    weight : str, optional
        A column of the targets holding a weight per target, as for
        :func:`rangecov.coverage`; its sums are exact, so equal to those of
        the targets in memory. A bad value met mid-file names its rows.
    lon, lat, crs, layer, sep, allow_remote
        As for :func:`rangecov.read` (a remote source is refused unless
        allowed, and then not streamed: download it first).

    Returns
    -------
    StreamedCoverage
        ``total``, ``count``, ``marginal``, ``share`` and ``summary(by=)``:
        exactly those of :func:`rangecov.coverage` on the same targets in
        memory (each target's answer depends on the origins alone, and
        counts add up exactly), and the ``out`` path.

    Raises
    ------
    ValueError, TypeError, FileNotFoundError
        As :func:`rangecov.coverage` and :func:`rangecov.read` do; a mistake
        in a row met mid-file names the row (numbered from the file's start,
        0-based index labels as :func:`rangecov.read` would give them, or
        1-based data rows of a table) or the Parquet row group.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from rangecov import datasets, stream_coverage
    >>> s = datasets.atacms_kursk_2024()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "airfields.parquet"
    ...     s.airfields.to_parquet(path)
    ...     result = stream_coverage(s.launch_sites, path, s.reach, by="role", chunk_size=5,
    ...                              out=Path(folder) / "rows.parquet")
    ...     written = result.out.name
    >>> result
    5 of 17 targets (29.4%) within 190 mi (305.8 km) of 7 origins
    >>> result.chunks, written
    (4, 'rows.parquet')
    >>> result.summary(by="role")["count"].tolist()
    [2, 2, 1]
    """
    ell = get_ellipsoid(ellipsoid)
    check_progress(progress)
    check_chunk_size(chunk_size, unit="rows", optional=False)
    weight = _checked_names(by, weight)
    # Points against points share one index over all chunks; anything else is
    # answered chunk by chunk by coverage() itself.
    called = parse_nouns(nouns)
    prepared = PreparedCoverage(origins, reach, ell, how=how, min_covered=min_covered, tolerance=tolerance)
    wanted = None if out is not None else [c for c in dict.fromkeys((by, weight)) if c is not None]
    source = open_chunks(
        targets,
        chunk_rows=int(chunk_size),
        lon=lon,
        lat=lat,
        crs=crs,
        layer=layer,
        sep=sep,
        columns=wanted,
        allow_remote=allow_remote,
    )
    check_columns(by, weight, columns=source.columns, geometry=source.geometry, name=source.name)
    sink = RowSink(out, overwrite=overwrite) if out is not None else None
    counts: list[pd.DataFrame] = []
    n_chunks = 0
    try:
        with progress_bars.bar(source.n_rows, desc="coverage", unit="target", progress=progress) as pb:
            for chunk in source:
                counts.append(chunk_counts(chunk, prepared, by=by, weight=weight, sink=sink))
                if len(counts) >= FOLD_CHUNKS:
                    counts = [add_counts(counts)]
                n_chunks += 1
                pb.update(len(chunk))
        if sink is not None and n_chunks == 0:
            # No rows: the output still gets the columns, from the empty file read whole.
            if isinstance(targets, (str, os.PathLike)):
                empty = read(targets, lon=lon, lat=lat, crs=crs, layer=layer, sep=sep)
            else:
                empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
            sink.write_frame(prepared.answer(empty)[0])
        written = sink.commit() if sink is not None else None
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    if not counts:
        no_weights = None if weight is None else np.empty(0)
        counts = [group_counts(np.empty(0, dtype=np.int8), pd.Series([], dtype=object) if by else None, no_weights)]
    reach_info = {"how": how, "tolerance": tolerance, "ellipsoid": ell, "n_origins": len(origins)}
    result = StreamedCoverage(
        add_counts(counts), by=by, out=written, chunks=n_chunks, reach_spec=prepared.spec, **reach_info
    )
    result.nouns = called
    result.weight = weight
    return result


def _checked_names(by, weight) -> str | None:
    """``by`` and ``weight`` as column names (str or None), before any file is opened; returns ``weight``."""
    if by is not None and not isinstance(by, str):
        raise InputTypeError(f"by must be a column name (str), got {type(by).__name__} {by!r}")
    return check_weight_name(weight, RESULT_COLUMNS)


def check_columns(by: str | None, weight: str | None, *, columns: list, geometry: str | None, name: str) -> None:
    """``by`` and ``weight`` refused up front when the file's ``columns`` are known and they are not among them."""
    if by is not None and by == geometry:
        raise InputError(
            f"by={by!r} is the targets' geometry; a stream counts by an attribute column (e.g. a region code)"
        )
    if by is not None and columns and by not in columns:
        raise InputError(f"by={by!r} is not a column of {name}; columns: {', '.join(map(str, columns))}")
    if weight is not None and (weight == geometry or (columns and weight not in columns)):
        shown = ", ".join(str(c) for c in columns if c != geometry)
        raise InputError(f"weight={weight!r} is not a column of {name}; columns: {shown}")


def chunk_counts(
    chunk: Chunk, prepared: PreparedCoverage, *, by: str | None, weight: str | None, sink: RowSink | None = None
) -> pd.DataFrame:
    """Answer one chunk, write its rows to ``sink`` (if any), and return its group counts (by ``by``,
    with the sums of ``weight``). GeoParquet points decoded without shapely go straight to the engine."""
    names = chunk.arrow.column_names if chunk.arrow is not None else chunk.frame().columns
    for argname, column in (("by", by), ("weight", weight)):
        if column is not None and column not in names:
            raise InputError(f"{argname}={column!r} is not a column of the targets (rows {chunk.where()})")
    keys = None if by is None else chunk.column(by)
    weights = None if weight is None else weight_values(chunk.column(weight), weight, rows=chunk.where())
    points = prepared.points
    if points is not None and chunk.lonlat is not None:
        # GeoParquet points decoded without shapely: the rows never become a GeoDataFrame.
        lon, lat = chunk.lonlat
        columns = points.columns(lon, lat)
        if sink is not None and sink.fmt == "parquet" and chunk.geometry is not None:
            added = result_columns(points.labels, chunk.index, **columns)
            sink.write_arrow(chunk.arrow, added, geometry=chunk.geometry, crs=chunk.crs, encoding=chunk.encoding)
        elif sink is not None:
            sink.write_frame(_file_rows(points.rows(chunk.frame(), columns)))
        return group_counts(columns[STATUS], keys, weights)
    if sink is None:
        return group_counts(prepared.answer(chunk.frame(), rows=False)[1], keys, weights)
    rows, status = prepared.answer(chunk.frame())
    sink.write_frame(rows if chunk.keeps_index else _file_rows(rows))
    return group_counts(status, keys, weights)


def _file_rows(rows: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A file's rows are not indexed: drop the running row numbers before writing."""
    return rows.reset_index(drop=True)
