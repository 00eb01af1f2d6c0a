"""Coverage of targets on a dask cluster: ``coverage()`` of a ``dask_geopandas.GeoDataFrame``.

dask schedules, dask-geopandas partitions; rangecov only maps one function
over the partitions. Point origins are prepared once
(:class:`rangecov.cover.entry.PointCoverage`, with its engine index) and handed to
the graph as one ``dask.delayed`` object: it is pickled once, sent to each
worker once (the index travels as its arrays and rebuilds its trees there, on
the first partition), and every partition on that worker uses it.

Threads: each partition runs the engine on one thread (``workers=1``); the
parallelism is dask's, set by the cluster (``LocalCluster(n_workers=...,
threads_per_worker=...)``, ``dask worker --nworkers/--nthreads``), so that a
worker with N task threads runs N engine threads, not N times the cores.

dask, distributed and dask-geopandas are the optional extra
``rangecov[dask]``, imported only here.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..base.schema import COUNT, COUNT_COLUMNS, MARGINAL, STATUS, TOTAL, WEIGHT_SUMS
from ..errors import InputError, InputTypeError, MissingCRSError, MissingDependencyError, UnsupportedError
from ..inputs.weights import weight_values
from ..results.totals import CoverageTotals, add_counts, finish_summary, group_counts

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
            'coverage of dask-geopandas targets needs dask and dask-geopandas; install them with pip install "rangecov[dask]"'
        ) from None
    return dask, dask_geopandas


def dask_coverage(targets, prepared, *, answer, weight: str | None = None) -> DaskCoverageReport:
    """The lazy report of ``targets`` (a dask-geopandas frame).

    ``prepared`` is the origins prepared once (:class:`rangecov.cover.entry.PreparedCoverage`,
    picklable); ``answer(partition, prepared)`` returns a partition's rows with the result columns.
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
    meta = answer(targets._meta, prepared)
    shipped = dask.delayed(prepared, pure=True)
    rows = targets.map_partitions(answer, shipped, meta=meta, align_dataframes=False)
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

    def __init__(self, rows, *, weight: str | None = None, **reach: Any) -> None:
        self._set_reach(**reach)
        self.targets = rows
        self.weight = weight
        self._summaries: dict = {}

    def _counts(self, by: str | None) -> pd.DataFrame:
        if by not in self._summaries:
            if by is not None and (not isinstance(by, str) or by not in self.targets.columns):
                raise InputError(
                    f"by={by!r} is not a column of the targets; columns: {', '.join(map(str, self.targets.columns))}"
                )
            key_meta = self.targets._meta[by] if by is not None else pd.Series([], dtype=object)
            sums = WEIGHT_SUMS if self.weight is not None else ()
            meta = pd.DataFrame(
                {
                    "key": key_meta.iloc[:0],
                    **{c: pd.Series([], dtype=np.int64) for c in COUNT_COLUMNS},
                    **{c: pd.Series([], dtype=object) for c in sums},
                }
            )
            parts = self.targets.map_partitions(_partition_counts, by, self.weight, meta=meta).compute()
            self._summaries[by] = add_counts([parts.set_index("key").rename_axis(by)])
            if None not in self._summaries:
                # The totals from the same pass, summed over the partitions themselves (not over groups).
                whole = parts.drop(columns="key").assign(key="all").set_index("key")
                self._summaries[None] = add_counts([whole.rename_axis(None)])
        return self._summaries[by]

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
