"""What every coverage result shares, whether its targets are in memory, streamed or on a dask cluster.

:class:`CoverageTotals` holds the counts and the reach and gives the headline,
``share``, ``summary()`` and ``to_dict()``; :class:`rangecov.CoverageReport`
(targets in memory), :class:`rangecov.StreamedCoverage` (targets read in
chunks) and the dask report build on it. Group counts are plain integers per
key (:func:`group_counts`), so counts of chunks add up to exactly the counts
of the whole (:func:`add_counts`).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..base.schema import (
    COUNT,
    COUNT_COLUMNS,
    COVERAGE_JSON,
    COVERAGE_SCHEMA,
    GROUP_JSON,
    MARGINAL,
    SHARE,
    SUMMARY_COLUMNS,
    TOTAL,
    WEIGHT_COLUMNS,
    WEIGHT_SUMS,
    format_share,
    format_weight,
    json_number,
    json_value,
)
from ..base.sums import as_float, exact_ratio, exact_sum
from ..errors import UnsupportedError
from ..geodesy.ellipsoid import Ellipsoid
from ..inputs.options import DEFAULT_NOUNS, How, Nouns, ReachSpec
from ..units import Distance
from ..version import __version__

__all__ = [
    "CoverageTotals",
    "group_counts",
    "add_counts",
    "finish_summary",
]


def group_counts(
    status_codes: np.ndarray, keys: pd.Series | None = None, weights: np.ndarray | None = None
) -> pd.DataFrame:
    """Targets, targets ``"in"`` and ``"marginal"`` per value of ``keys`` (one row ``"all"`` without).

    ``status_codes`` are codes into ``STATUS_CATEGORIES`` (0 in, 1 marginal,
    2 out). Groups follow pandas' ``groupby(dropna=False, observed=False)``:
    sorted, missing values as their own group, every category of a
    categorical key even when empty. With ``weights`` (one per target) the
    table also holds :data:`WEIGHT_SUMS`, the exact sums of the weights of
    those targets as Fractions (:func:`rangecov.base.sums.exact_sum`), so that
    tables of parts add up to the whole exactly.
    """
    codes = np.asarray(status_codes)
    if keys is None:
        row = [codes.size, int(np.count_nonzero(codes == 0)), int(np.count_nonzero(codes == 1))]
        table = pd.DataFrame([row], index=["all"], columns=list(COUNT_COLUMNS), dtype=np.int64)
        if weights is not None:
            w = np.asarray(weights, dtype=float)
            for name, picked in zip(WEIGHT_SUMS, (w, w[codes == 0], w[codes == 1])):
                table[name] = pd.Series([exact_sum(picked)], index=table.index, dtype=object)
        return table
    frame = pd.DataFrame(
        {TOTAL: 1, COUNT: (codes == 0).astype(np.int64), MARGINAL: (codes == 1).astype(np.int64)},
        index=keys.index,
    )
    table = frame.groupby(keys, dropna=False, observed=False)[list(COUNT_COLUMNS)].sum().astype(np.int64)
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        for name, picked in zip(WEIGHT_SUMS, (w, np.where(codes == 0, w, 0.0), np.where(codes == 1, w, 0.0))):
            sums = pd.Series(picked, index=keys.index).groupby(keys, dropna=False, observed=False).agg(exact_sum)
            table[name] = sums.astype(object).to_numpy()
    return table


def add_counts(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The sum of :func:`group_counts` tables of disjoint parts: the counts of the whole, exactly.

    A key may repeat within a table too (tables of parts concatenated).

    Keys are matched by value (1 and 1.0 are one group, as pandas has them),
    sorted, missing last. Categorical keys keep their categories in order of
    first appearance, every one of them present (as a categorical column of
    the whole would have them). Weight sums (Fractions) are added exactly.
    """
    if not tables:
        return pd.DataFrame(columns=list(COUNT_COLUMNS), dtype=np.int64)
    if len(tables) == 1 and tables[0].index.is_unique:
        return _typed(tables[0])
    categories = _union_categories([t.index for t in tables])
    plain = [t.set_axis(t.index.astype(object)) if categories is not None else t for t in tables]
    summed = pd.concat(plain).groupby(level=0, dropna=False, sort=categories is None).sum()
    if categories is not None:
        # Every category in order, and the missing group last, as groupby of the whole column gives them.
        missing = [np.nan] if any(t.index.hasnans for t in tables) else []
        ordered = bool(getattr(tables[0].index, "ordered", False))
        keys = pd.CategoricalIndex(
            categories + missing, categories=categories, ordered=ordered, name=tables[0].index.name
        )
        summed = summed.reindex(keys)
        summed[list(COUNT_COLUMNS)] = summed[list(COUNT_COLUMNS)].fillna(0)
        for name in WEIGHT_SUMS:
            if name in summed:
                summed[name] = [Fraction(0) if v is None or v is pd.NA or v != v else v for v in summed[name]]
    return _typed(summed)


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as int64, weight sums as exact Fractions (object)."""
    out = table.copy()
    out[list(COUNT_COLUMNS)] = out[list(COUNT_COLUMNS)].astype(np.int64)
    for name in WEIGHT_SUMS:
        if name in out:
            out[name] = pd.Series([Fraction(v) for v in out[name]], index=out.index, dtype=object)
    return out


def _union_categories(indexes: list[pd.Index]) -> list | None:
    categorical = [i for i in indexes if isinstance(i, pd.CategoricalIndex)]
    if len(categorical) < len(indexes):
        return None
    seen: dict = {}
    for index in categorical:
        for value in index.categories:
            seen.setdefault(value, None)
    return list(seen)


def finish_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts with ``share`` added (NaN for an empty group), columns in :data:`SUMMARY_COLUMNS` order.

    Tables with weight sums also get :data:`rangecov.inputs.weights.WEIGHT_COLUMNS`:
    the sums rounded once and ``weighted_share`` (NaN when a group weighs 0).
    """
    table = counts[list(COUNT_COLUMNS)].astype(np.int64)
    table[SHARE] = table[COUNT] / table[TOTAL].where(table[TOTAL] > 0)
    out = table[list(SUMMARY_COLUMNS)]
    if WEIGHT_SUMS[0] in counts:
        total, inside, marginal = (counts[name].tolist() for name in WEIGHT_SUMS)
        out = out.assign(
            weight_total=[as_float(v) for v in total],
            weight_in=[as_float(v) for v in inside],
            weighted_share=[exact_ratio(i, t) for i, t in zip(inside, total)],
            weight_marginal=[as_float(v) for v in marginal],
        )
        out = out.astype({c: float for c in WEIGHT_COLUMNS})
    return out


class CoverageTotals:
    """The totals of a coverage result and the reach they were counted at.

    Attributes
    ----------
    total, count, marginal : int
        Number of targets; of those ``"in"``; of those ``"marginal"``.
    share : float
        ``count / total`` (NaN when there are no targets).
    reach : str
        The reach as the headline states it, e.g. ``"190 mi (305.8 km)"``.
    reach_kind : str
        ``"scalar"`` (one distance), ``"band"`` (a (low, high) pair) or
        ``"column"`` (a reach per origin).
    how : {"any", "all", "centroid", "area"}
        The ``how=`` the result was made with.
    ellipsoid : Ellipsoid
        The model the distances were computed on.
    reach_spec : ReachSpec
        The reach per origin (low and high) as it was read.
    tolerance : distance or None
        The ``tolerance=`` the result was made with.
    n_origins : int
        Number of origins.
    """

    total: int
    count: int
    marginal: int
    # What the headline calls origins and targets (coverage(nouns=...)).
    nouns: Nouns = DEFAULT_NOUNS
    # The targets' weight column (coverage(weight=...)), or None.
    weight: str | None = None

    def _weight_sums(self) -> tuple[Fraction, Fraction, Fraction] | None:
        """The exact sums of the weights of all targets, of those "in" and of those "marginal"; None without."""
        return None

    @property
    def weight_total(self) -> float | None:
        """The sum of the targets' weights (rounded once from the exact sum); None without ``weight=``."""
        sums = self._weight_sums()
        return None if sums is None else as_float(sums[0])

    @property
    def weight_in(self) -> float | None:
        """The sum of the weights of the targets ``"in"``; None without ``weight=``."""
        sums = self._weight_sums()
        return None if sums is None else as_float(sums[1])

    @property
    def weight_marginal(self) -> float | None:
        """The sum of the weights of the ``"marginal"`` targets; None without ``weight=``."""
        sums = self._weight_sums()
        return None if sums is None else as_float(sums[2])

    @property
    def weighted_share(self) -> float | None:
        """``weight_in / weight_total`` of the exact sums, rounded once (NaN when the total is 0);
        None without ``weight=``. With equal weights it equals ``share`` exactly."""
        sums = self._weight_sums()
        return None if sums is None else exact_ratio(sums[1], sums[0])

    def _set_reach(
        self, reach_spec: ReachSpec, *, how: How, tolerance: Distance | None, ellipsoid: Ellipsoid, n_origins: int
    ) -> None:
        self.reach = reach_spec.label
        self.reach_kind = reach_spec.kind
        self.reach_spec = reach_spec
        self.how = how
        self.tolerance = tolerance
        self.ellipsoid = ellipsoid
        self._n_origins = int(n_origins)

    @property
    def n_origins(self) -> int:
        return self._n_origins

    @staticmethod
    def sums_of(counts: pd.DataFrame) -> tuple[Fraction, Fraction, Fraction] | None:
        """The exact weight sums over all the rows of a count table (None when it has none)."""
        if WEIGHT_SUMS[0] not in counts:
            return None
        total, inside, marginal = (sum(counts[name].tolist(), Fraction(0)) for name in WEIGHT_SUMS)
        return total, inside, marginal

    @property
    def share(self) -> float:
        """Share of targets in reach, ``count / total``; NaN with no targets."""
        return self.count / self.total if self.total else float("nan")

    def summary(self, by: str | None = None) -> pd.DataFrame:  # pragma: no cover - each kind has its own
        raise NotImplementedError

    def target_records(self) -> list[dict]:
        """One JSON record per target (``to_dict(targets=True)``); results that do not hold their targets refuse."""
        raise UnsupportedError(
            f"a {type(self).__name__} does not hold its targets, so it has no per-target records; "
            "write the rows to a file instead (out=... when streaming, to_parquet(...) with dask)"
        )

    def to_dict(self, *, by: str | None = None, targets: bool = False) -> dict:
        """The summary as plain JSON-serialisable Python (the CLI's ``--format json``).

        The schema (``"schema": "rangecov.coverage/1"``) is documented in
        ``docs/cli.md``; keys are only ever added within a schema version.

        Parameters
        ----------
        by : str, optional
            Add ``"groups"``: one summary per value of this target column.
        targets : bool, default False
            Add ``"targets"``: one record per target (``id``, ``distance_m``,
            ``nearest_origin``, ``margin_m``, ``covering_origin``, ``status``);
            only for results that hold their targets (not streamed or dask).

        Examples
        --------
        >>> import json
        >>> from rangecov import coverage, datasets
        >>> s = datasets.atacms_kursk_2024()
        >>> d = coverage(s.launch_sites, s.airfields, s.reach).to_dict()
        >>> d["count"], d["total"], round(d["share"], 4)
        (5, 17, 0.2941)
        >>> _ = json.dumps(d)
        """
        spec = self.reach_spec
        low = json_number(spec.low[0]) if spec.low.size and spec.uniform else None
        extra: dict = {}
        if self.weight is not None:
            extra["weight"] = self.weight
            extra.update({name: json_number(getattr(self, name)) for name in WEIGHT_COLUMNS})
        if by is not None:
            table = self.summary(by=by)
            weights = [name for name in WEIGHT_COLUMNS if name in table]
            extra["groups"] = [
                GROUP_JSON.record(
                    group=json_value(key),
                    total=int(row[TOTAL]),
                    count=int(row[COUNT]),
                    marginal=int(row[MARGINAL]),
                    share=json_number(row[SHARE]),
                    **{name: json_number(row[name]) for name in weights},
                )
                for key, row in table.iterrows()
            ]
        if targets:
            extra["targets"] = self.target_records()
        return COVERAGE_JSON.record(
            schema=COVERAGE_SCHEMA,
            rangecov_version=__version__,
            headline=repr(self),
            reach=self.reach,
            reach_kind=self.reach_kind,
            reach_m=low,
            reach_high_m=json_number(spec.high[0]) if self.reach_kind == "band" and spec.high.size else None,
            how=self.how,
            ellipsoid=self.ellipsoid.name,
            origins=self.n_origins,
            total=self.total,
            count=self.count,
            marginal=self.marginal,
            out=self.total - self.count - self.marginal,
            share=json_number(self.share),
            nouns={"origins": self.nouns.origins, "targets": self.nouns.targets},
            **extra,
        )

    def named_summary(self, table: pd.DataFrame, by: str | None) -> pd.DataFrame:
        """``table`` (a summary) with its index named after the targets' noun, when one was given and no ``by``."""
        if by is None and self.nouns is not DEFAULT_NOUNS:
            table.index.name = self.nouns.targets
        return table

    def __repr__(self) -> str:
        pct = format_share(self.share)
        n_o = self.n_origins
        text = (
            f"{self.count} of {self.total} {self.nouns.of(self.total, 'target')} ({pct}) "
            f"within {self.reach} of {n_o} {self.nouns.of(n_o, 'origin')}"
        )
        if self.marginal:
            text += f"; {self.marginal} marginal"
        if self.weight is not None:
            text += (
                f"; {self.weight} {format_weight(self.weight_in)} of {format_weight(self.weight_total)} "
                f"({format_share(self.weighted_share)})"
            )
        return text

    def _repr_html_(self) -> str:
        return f"<p><b>{self!r}</b></p>" + self.summary().to_html()
