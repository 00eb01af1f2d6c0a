"""Coverage of targets on a dask cluster: :func:`dask_coverage` of GeoParquet files, and ``coverage()``
of a ``dask_geopandas.GeoDataFrame``.

dask schedules; rangecov builds the graph. Point origins are prepared once
(:class:`rangecov.cover.entry.PointCoverage`, with its engine index) and handed to
the graph as one ``dask.delayed`` object: it is pickled once, sent to each
worker once (the index travels as its arrays and rebuilds its trees there, on
the first partition), and every partition on that worker uses it.

GeoParquet (:func:`dask_coverage`): one task per partition of whole row
groups of a file (:class:`rangecov.io.parquet_reader.ParquetLayout` reads
them); the totals' tasks decode point WKB (or GeoArrow points) to
longitude/latitude arrays without shapely, exactly as streaming does
(:func:`rangecov.cover.streaming.chunk_counts`), and return only their group
counts, folded on the workers (:func:`rangecov.results.totals.add_counts`). The
rows, when asked for, are a lazy dask-geopandas frame over the same partitions.
A dask-geopandas frame (``coverage()``): one ``map_partitions`` over its
partitions of shapely geometries.

Threads: each partition runs the engine on one thread (``workers=1``); the
parallelism is dask's, set by the cluster (``LocalCluster(n_workers=...,
threads_per_worker=...)``, ``dask worker --nworkers/--nthreads``), so that a
worker with N task threads runs N engine threads, not N times the cores.

dask, distributed and dask-geopandas are the optional extra
``rangecov[dask]``, imported only here.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import Any, Protocol, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from ..base.schema import COUNT, COUNT_COLUMNS, MARGINAL, RESULT_COLUMNS, STATUS, TOTAL, WEIGHT_SUMS
from ..base.tuning import CHUNK_ROWS, FOLD_CHUNKS
from ..errors import InputError, InputTypeError, MissingCRSError, MissingDependencyError, UnsupportedError
from ..geodesy.ellipsoid import get_ellipsoid
from ..inputs import frames
from ..inputs.options import How, check_chunk_size, check_weight_name, parse_nouns
from ..inputs.weights import weight_values
from ..io.parquet_parts import ParquetPart, geoparquet_parts
from ..results.totals import CoverageTotals, add_counts, finish_summary, group_counts
from ..units import Distance, Reach
from .entry import PreparedCoverage, coverage, partition_rows
from .streaming import check_columns, chunk_counts

__all__ = ["DaskFrame", "DaskCoverageReport", "dask_coverage"]


class DaskFrame(Protocol):
    """A dask-geopandas GeoDataFrame or GeoSeries as a type checker sees it: a frame in partitions.

    dask-geopandas has no type information of its own (its frames are ``Any`` to
    a type checker); this is what :func:`rangecov.coverage` relies on to tell
    one apart from a geopandas frame, so that its overloads can (at run time it
    asks the frame's module).
    """

    @property
    def npartitions(self) -> int: ...

    def map_partitions(self, func: Any, *args: Any, **kwargs: Any) -> Any: ...


def _dask():
    try:
        import dask
        import dask_geopandas
    except ImportError:
        raise MissingDependencyError(
            'coverage of targets on dask needs dask and dask-geopandas; install them with pip install "rangecov[dask]"'
        ) from None
    return dask, dask_geopandas


GeoParquetPaths = str | PathLike | Sequence[str | PathLike]


def dask_coverage(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    targets: GeoParquetPaths | DaskFrame,
    reach: Reach,
    *,
    how: How = "any",
    min_covered: float = 0.5,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
    nouns: tuple | None = None,
    weight: str | None = None,
    chunk_size: int = CHUNK_ROWS,
) -> DaskCoverageReport:
    """Coverage of GeoParquet targets on dask, read and answered partition by partition.

    rangecov builds the graph (one task per partition of whole row groups)
    and dask runs it on its scheduler: the default, or the ``Client`` in use
    (a ``LocalCluster`` or a cluster's scheduler). Point targets in
    longitude/latitude are decoded from their WKB (or GeoArrow points) to
    arrays, without shapely objects; any other geometry (lines, polygons, a
    projected CRS) is answered through shapely, as :func:`rangecov.coverage`
    answers it.

    Parameters
    ----------
    origins : GeoDataFrame or GeoSeries
        As for :func:`rangecov.coverage` (held in memory, prepared once and
        shipped to each worker once). Not modified.
    targets : path, list of paths, or dask-geopandas frame
        A GeoParquet file, a folder of them (its ``*.parquet`` files in
        natural order: ``part.2`` before ``part.10``, as dask writes them), or
        a list of files and folders, read in that order; every worker must see
        the paths (one machine, or a shared file system). The files must
        share their columns. A ``dask_geopandas`` frame goes to
        :func:`rangecov.coverage` (one ``map_partitions``).
    reach, how, min_covered, tolerance, ellipsoid, nouns, weight
        As for :func:`rangecov.coverage`.
    chunk_size : int, default 1,048,576
        Rows per partition: consecutive row groups of a file are gathered up
        to this many rows (a row group is never split, so a larger one is a
        partition of its own). Memory per task grows with it (about 150 bytes
        per point target); the answer does not depend on it.

    Returns
    -------
    DaskCoverageReport
        Lazy: the first of ``count``, ``total``, ``share``, ``marginal`` or
        ``summary(by=)`` runs one pass whose tasks return only their counts
        (and exact weight sums). ``report.targets`` is a dask-geopandas frame
        of the rows with the result columns, numbered 0, 1, ... through the
        files in order; computed, it equals ``coverage(origins,
        rangecov.read(path), reach).targets`` of the same rows, bit for bit.

    Raises
    ------
    ValueError, TypeError, FileNotFoundError
        As :func:`rangecov.coverage` does, and for a ``targets`` that is not
        GeoParquet (naming the file and what to use instead).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import dask
    >>> from rangecov import dask_coverage, datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> with tempfile.TemporaryDirectory() as folder, dask.config.set(scheduler="synchronous"):
    ...     path = Path(folder) / "airfields.parquet"
    ...     s.airfields.to_parquet(path, row_group_size=5)
    ...     lazy = dask_coverage(s.launch_sites, path, s.reach, chunk_size=10)
    ...     print(lazy, lazy.targets.npartitions, lazy.summary(by="role")["count"].tolist())
    5 of 17 targets (29.4%) within 190 mi (305.8 km) of 7 origins 2 [2, 2, 1]
    """
    if frames.is_dask_frame(targets):
        return coverage(
            origins,
            cast(DaskFrame, targets),
            reach,
            how=how,
            min_covered=min_covered,
            tolerance=tolerance,
            ellipsoid=ellipsoid,
            nouns=nouns,
            weight=weight,
        )
    ell = get_ellipsoid(ellipsoid)
    check_chunk_size(chunk_size, unit="rows", optional=False)
    called = parse_nouns(nouns)
    weight = check_weight_name(weight, RESULT_COLUMNS)
    checked_origins = frames.checked(origins, "origins")
    parts = geoparquet_parts(targets, int(chunk_size))
    first = parts[0].layout
    check_columns(None, weight, columns=first.names, geometry=first.geometry, name=str(first.path))
    dask, _ = _dask()
    prepared = PreparedCoverage(
        checked_origins, reach, ell, how=how, min_covered=min_covered, tolerance=tolerance, workers=1
    )
    shipped = dask.delayed(prepared, pure=True)
    lazy = DaskCoverageReport(
        _parquet_rows(parts, prepared, shipped),
        weight=weight,
        counter=_ParquetCounter(parts, shipped, weight),
        reach_spec=prepared.spec,
        how=how,
        tolerance=tolerance,
        ellipsoid=ell,
        n_origins=len(prepared.origins),
    )
    lazy.nouns = called
    return lazy


def _part_rows(part: ParquetPart, prepared: PreparedCoverage):
    """A partition's rows with the result columns, numbered across all the files."""
    return partition_rows(part.frame(), prepared)


def _parquet_rows(parts: list[ParquetPart], prepared: PreparedCoverage, shipped):
    """The lazy dask-geopandas frame of every partition's rows (known divisions: the row numbers)."""
    dask, _ = _dask()
    import dask.dataframe as dd

    meta = _part_rows(parts[0].empty(), prepared)
    offsets = [p.offset for p in parts]
    divisions = (*offsets, offsets[-1] + parts[-1].n_rows - 1) if parts[-1].n_rows else None
    tasks = [dask.delayed(_part_rows, pure=False)(part, shipped) for part in parts]
    return dd.from_delayed(tasks, meta=meta, divisions=divisions, verify_meta=False)


def _part_counts(part: ParquetPart, prepared: PreparedCoverage, by: str | None, weight: str | None) -> pd.DataFrame:
    """A partition's group counts, read with only the columns counted (points decoded without shapely)."""
    chunk = part.read([c for c in (by, weight) if c is not None])
    try:
        return chunk_counts(chunk, prepared, by=by, weight=weight)
    except InputError as err:  # rows are numbered in their file: say which
        raise type(err)(f"{part.layout.path}: {err}") from None


class _ParquetCounter:
    """The counts of every partition, by a column: one pass, folded on the workers ``FOLD_CHUNKS`` at a time."""

    def __init__(self, parts: list[ParquetPart], shipped, weight: str | None) -> None:
        self.parts = parts
        self.shipped = shipped
        self.weight = weight

    def __call__(self, by: str | None) -> pd.DataFrame:
        layout = self.parts[0].layout
        check_columns(by, None, columns=layout.names, geometry=layout.geometry, name=str(layout.path))
        dask, _ = _dask()
        level = [dask.delayed(_part_counts, pure=False)(p, self.shipped, by, self.weight) for p in self.parts]
        while len(level) > 1:
            # Consecutive tables, in order: a categorical key keeps its categories in order of first appearance.
            level = [
                dask.delayed(add_counts, pure=False)(level[i : i + FOLD_CHUNKS])
                for i in range(0, len(level), FOLD_CHUNKS)
            ]
        (table,) = dask.compute(level[0])
        return table.rename_axis("key").reset_index()


def frame_coverage(targets, prepared: PreparedCoverage, *, weight: str | None = None) -> DaskCoverageReport:
    """The lazy report of ``targets`` (a dask-geopandas frame), what :func:`rangecov.coverage` returns for one.

    ``prepared`` is the origins prepared once (picklable); each partition's
    rows are answered by :func:`rangecov.cover.entry.partition_rows`.
    ``weight`` names the targets' weight column (checked per partition when counted).
    """
    dask, dask_geopandas = _dask()
    if isinstance(targets, dask_geopandas.GeoSeries):
        targets = targets.to_frame()
    if not isinstance(targets, dask_geopandas.GeoDataFrame):
        raise InputTypeError(
            f"targets must be a dask_geopandas GeoDataFrame or GeoSeries, got {type(targets).__name__}"
        )
    if targets.crs is None:
        raise MissingCRSError(
            "targets has no CRS, so its coordinates cannot be placed on the Earth; set it with targets.set_crs(...)"
        )
    # The meta (columns and dtypes of the result) from the empty partition, answered here.
    meta = partition_rows(targets._meta, prepared)
    shipped = dask.delayed(prepared, pure=True)
    rows = targets.map_partitions(partition_rows, shipped, meta=meta, align_dataframes=False)
    options = prepared.options
    return DaskCoverageReport(
        rows,
        weight=weight,
        reach_spec=prepared.spec,
        how=options["how"],
        tolerance=options["tolerance"],
        ellipsoid=prepared.ellipsoid,
        n_origins=len(prepared.origins),
    )


def _partition_counts(rows: pd.DataFrame, by: str | None, weight: str | None) -> pd.DataFrame:
    """Group counts of one partition, with the key as a column (``"all"`` without ``by``)."""
    codes = rows[STATUS].cat.codes.to_numpy()
    weights = None if weight is None else weight_values(rows[weight], weight)
    table = group_counts(codes, None if by is None else rows[by], weights)
    return table.rename_axis("key").reset_index()


class DaskCoverageReport(CoverageTotals):
    """The report of ``coverage()`` for dask-geopandas targets, computed lazily.

    Attributes
    ----------
    targets : dask_geopandas.GeoDataFrame
        The targets with the columns of :attr:`rangecov.CoverageReport.targets`
        (same names and dtypes), not yet computed.
    total, count, marginal, share
        Computed on first access, together with ``summary()``, in one pass
        over the partitions, and cached. ``summary(by=...)`` of a new column
        is one more pass.
    """

    def __init__(self, rows, *, weight: str | None = None, counter=None, **reach: Any) -> None:
        self._set_reach(**reach)
        self.targets = rows
        self.weight = weight
        # counter(by): the group counts of every partition, with the key as a column; by default counted from the rows.
        self._counter = counter if counter is not None else self._count_rows
        self._summaries: dict = {}

    def _counts(self, by: str | None) -> pd.DataFrame:
        if by not in self._summaries:
            if by is not None and (not isinstance(by, str) or by not in self.targets.columns):
                raise InputError(
                    f"by={by!r} is not a column of the targets; columns: {', '.join(map(str, self.targets.columns))}"
                )
            parts = self._counter(by)
            self._summaries[by] = add_counts([parts.set_index("key").rename_axis(by)])
            if None not in self._summaries:
                # The totals from the same pass, summed over the partitions themselves (not over groups).
                whole = parts.drop(columns="key").assign(key="all").set_index("key")
                self._summaries[None] = add_counts([whole.rename_axis(None)])
        return self._summaries[by]

    def _count_rows(self, by: str | None) -> pd.DataFrame:
        """Group counts of every partition of the rows (one ``map_partitions``), the key as a column."""
        key_meta = self.targets._meta[by] if by is not None else pd.Series([], dtype=object)
        sums = WEIGHT_SUMS if self.weight is not None else ()
        meta = pd.DataFrame(
            {
                "key": key_meta.iloc[:0],
                **{c: pd.Series([], dtype=np.int64) for c in COUNT_COLUMNS},
                **{c: pd.Series([], dtype=object) for c in sums},
            }
        )
        return self.targets.map_partitions(_partition_counts, by, self.weight, meta=meta).compute()

    def _weight_sums(self):
        return self.sums_of(self._counts(None)) if self.weight is not None else None

    @property
    def total(self) -> int:  # type: ignore[override]
        return int(self._counts(None)[TOTAL].sum())

    @property
    def count(self) -> int:  # type: ignore[override]
        return int(self._counts(None)[COUNT].sum())

    @property
    def marginal(self) -> int:  # type: ignore[override]
        return int(self._counts(None)[MARGINAL].sum())

    def summary(self, by: str | None = None) -> pd.DataFrame:
        """Totals as a table (``total``, ``count``, ``share``, ``marginal``), as :meth:`rangecov.CoverageReport.summary`."""
        return self.named_summary(finish_summary(self._counts(by)), by)

    def to_parquet(self, path, **kwargs: Any) -> None:
        """Write :attr:`targets` as partitioned GeoParquet (one file per partition in the folder ``path``).

        Keywords go to :meth:`dask_geopandas.GeoDataFrame.to_parquet`; read it back with
        ``dask_geopandas.read_parquet(path)``.
        """
        self.targets.to_parquet(path, **kwargs)

    # -- what needs the targets in memory ------------------------------------------------------------

    def _in_memory_only(self, what: str, instead: str):
        raise UnsupportedError(f"{what} needs the targets in memory; this report's targets are a dask frame. {instead}")

    @property
    def origins(self):
        self._in_memory_only(
            "report.origins (targets in reach per origin)",
            "Use rangecov.engine.OriginIndex.count_within per partition, or coverage() of the computed targets",
        )

    def curve(self, *args: Any, **kwargs: Any):
        self._in_memory_only(
            "curve()", "Compute the distances (report.targets['distance_m'].compute()) and count them, or sample"
        )

    def required_reach(self, *args: Any, **kwargs: Any):
        self._in_memory_only(
            "required_reach()", "Use report.targets['distance_m'].quantile(share).compute() for one common reach"
        )

    def plot(self, *args: Any, **kwargs: Any):
        self._in_memory_only(
            "plot()", "Plot a sample: rangecov.coverage(origins, targets.sample(...).compute(), reach)"
        )

    def explore(self, *args: Any, **kwargs: Any):
        self._in_memory_only(
            "explore()", "Map a sample: rangecov.coverage(origins, targets.sample(...).compute(), reach)"
        )

    def plot_curve(self, *args: Any, **kwargs: Any):
        self._in_memory_only("plot_curve()", "Compute the distances and plot them")

    def target_records(self) -> list[dict]:
        self._in_memory_only("to_dict(targets=True)", "Write the rows with report.to_parquet(path) instead")
        return []  # pragma: no cover - raised above
