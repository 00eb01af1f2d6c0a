"""The result of a coverage computation: tables, totals and a one-line headline."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..base.schema import (
    COUNT,
    COVERING_ORIGIN,
    DISTANCE_M,
    FACTOR,
    IN,
    IN_REACH,
    MARGIN_M,
    MARGINAL,
    NEAREST_ORIGIN,
    ORIGIN_COLUMNS,
    OUT,
    REACH_M,
    SHARE,
    STATUS,
    STATUS_CATEGORIES,
    TARGET_COLUMNS,
    TARGET_JSON,
    TARGETS_IN_REACH,
    TOTAL,
    WEIGHT_IN,
    WEIGHTED_SHARE,
    json_number,
    json_value,
)
from ..base.sums import PrefixSums, exact_ratio
from ..errors import InputError, InputTypeError, UnsupportedError
from ..geodesy.ellipsoid import Ellipsoid
from ..inputs import frames
from ..inputs.options import How, ReachSpec
from ..units import Distance, Share, share_fraction
from .curve_points import factor_points, reach_points, targets_needed
from .totals import CoverageTotals, finish_summary, group_counts

__all__ = [
    "CoverageReport",
    "result_columns",
]

_OUT = STATUS_CATEGORIES.index(OUT)


def result_columns(origin_labels: pd.Index, index: pd.Index, *, distance, nearest, margin, covering, status) -> dict:
    """The columns a report appends to the targets, in order, as pandas objects on ``index``.

    ``nearest``/``covering`` are origin positions (or None for "no origin";
    -1 for rows without a single one), made into ``origin_labels``;
    ``status`` holds codes into STATUS_CATEGORIES. Shared by every way of
    running coverage (in memory, streamed, dask), so their rows agree.
    """
    n_t = len(index)

    def labels(pos):
        if pos is None:
            return pd.Series([None] * n_t, index=index, dtype=object)
        pos = np.asarray(pos)
        # Labels of a MultiIndex are tuples (to_flat_index), as pandas shows them.
        series = pd.Series(origin_labels.to_flat_index().take(np.maximum(pos, 0)), index=index)
        # -1: no single origin (e.g. a polygon covered by several together).
        return _missing_where(series, pos < 0)

    nearest_labels = labels(nearest)
    # One reach for all: the covering origin is the nearest (the same array), labelled once.
    covering_labels = nearest_labels.copy() if covering is nearest else labels(covering)
    # An out target has no covering origin: the column is missing there, as its name promises.
    covering_labels = _missing_where(covering_labels, np.asarray(status) == _OUT)
    return {
        DISTANCE_M: pd.Series(np.asarray(distance, dtype=float), index=index),
        NEAREST_ORIGIN: nearest_labels,
        MARGIN_M: pd.Series(np.asarray(margin, dtype=float), index=index),
        COVERING_ORIGIN: covering_labels,
        IN_REACH: pd.Series(np.asarray(status) == 0, index=index),
        # Building the categorical from codes avoids a million-string detour.
        STATUS: pd.Series(pd.Categorical.from_codes(status, categories=pd.Index(STATUS_CATEGORIES)), index=index),
    }


def _missing_where(labels: pd.Series, missing: np.ndarray) -> pd.Series:
    """``labels`` with the rows of ``missing`` missing, in a dtype that depends on the labels' only.

    Whether a chunk (or dask's empty partition) has such a row must not change the column's dtype,
    or chunks and partitions would disagree: integer labels become nullable ``Int64`` (``<NA>``),
    booleans ``boolean``; strings keep their dtype, object labels (tuples) get None.
    """
    if pd.api.types.is_bool_dtype(labels.dtype):
        labels = labels.astype("boolean")
    elif pd.api.types.is_unsigned_integer_dtype(labels.dtype):
        labels = labels.astype("UInt64")  # 2**63 and up do not fit Int64
    elif pd.api.types.is_integer_dtype(labels.dtype):
        labels = labels.astype("Int64")
    return labels.where(~missing, None) if missing.any() else labels


class CoverageReport(CoverageTotals):
    """Which targets are within reach, per target and in total.

    Made by :func:`rangecov.coverage`; not meant to be built by hand.

    Attributes
    ----------
    targets : GeoDataFrame
        The caller's targets (index, order, columns and CRS kept) plus
        ``distance_m`` (geodesic metres to the nearest origin), ``nearest_origin``
        (its index label; a tuple for a MultiIndex; labels may repeat when the origins' do), ``margin_m`` (largest ``reach - distance`` over
        origins; ``>= 0`` is in reach, negative is the shortfall; against
        ``low`` for a band), ``covering_origin`` (the origin attaining it;
        None for a target that is out of reach, which no origin covers;
        both origin columns hold integer labels as nullable ``Int64``, so
        that a missing one does not turn them into floats),
        ``in_reach`` (True only for ``"in"``) and ``status``
        (``"in"``, ``"marginal"``, ``"out"``).
    origins : GeoDataFrame
        The caller's origins plus ``targets_in_reach``: how many targets lie
        within that origin's own reach (a target may count for several
        origins; for a band, within ``low``). Computed on first access.
    total, count, marginal, share, reach, reach_kind, how, ellipsoid, reach_spec, tolerance
        The totals and the reach they were counted at, as for every result
        (:class:`rangecov.results.totals.CoverageTotals`).
    input_origins : GeoDataFrame or GeoSeries
        The origins as the caller passed them (not copied; not modified).
    tolerance : distance or None
        The ``tolerance=`` the report was made with.
    """

    @classmethod
    def from_columns(
        cls,
        origins,
        targets,
        spec: ReachSpec,
        *,
        distance,
        nearest,
        margin,
        covering,
        status,
        count_origins: Callable[[], np.ndarray],
        factors: Callable[[], np.ndarray],
        how: How,
        tolerance,
        ellipsoid: Ellipsoid,
        extra: dict | None = None,
    ) -> CoverageReport:
        """Append the result columns to a copy of the targets and wrap it in a report.

        ``nearest``/``covering`` are origin positions (or None for "no origin";
        -1 for rows without a single one); ``status`` holds codes into
        STATUS_CATEGORIES; ``extra`` adds columns after ``status`` (e.g.
        ``covered_share``). ``count_origins`` and ``factors`` are computed only
        when the report is asked for them.
        """
        extra = extra or {}
        out = frames.as_frame(targets, "targets", TARGET_COLUMNS + tuple(extra))
        columns = result_columns(
            origins.index,
            out.index,
            distance=distance,
            nearest=nearest,
            margin=margin,
            covering=covering,
            status=status,
        )
        for name, values in columns.items():
            out[name] = values
        for name, values in extra.items():
            out[name] = values
        return cls(
            targets=out,
            input_origins=origins,
            reach_spec=spec,
            how=how,
            tolerance=tolerance,
            ellipsoid=ellipsoid,
            count_origins=count_origins,
            factors=factors,
        )

    def __init__(
        self,
        *,
        targets: gpd.GeoDataFrame,
        input_origins: gpd.GeoDataFrame | gpd.GeoSeries,
        reach_spec: ReachSpec,
        how: How,
        tolerance: Distance | None,
        ellipsoid: Ellipsoid,
        count_origins: Callable[[], np.ndarray],
        factors: Callable[[], np.ndarray],
    ) -> None:
        self.targets = targets
        self._set_reach(reach_spec, how=how, tolerance=tolerance, ellipsoid=ellipsoid, n_origins=len(input_origins))
        self.input_origins = input_origins
        self._count_origins = count_origins
        self._factors = factors
        status = targets[STATUS]
        self.total = int(len(targets))
        self.count = int((status == IN).sum())
        self.marginal = int((status == MARGINAL).sum())
        self.weights: np.ndarray | None = None

    def weigh(self, weight: str, values: np.ndarray) -> None:
        """Count the targets by ``values`` (their column ``weight``, checked by :func:`rangecov.inputs.weights.weight_values`)."""
        values = np.asarray(values, dtype=float)
        if values.shape != (self.total,):
            raise InputError(f"weigh: {values.size} weights for {self.total} targets; give one per target")
        self.weight = weight
        self.weights = values
        for cached in ("_all_weight_sums", "_ordered"):  # cached_property values that depend on the weights
            vars(self).pop(cached, None)
        self.weight_total  # noqa: B018 - summed now, so that weights too large for a float fail here

    def _weight_sums(self):
        return None if self.weights is None else self._all_weight_sums

    @cached_property
    def _all_weight_sums(self):
        codes = self.targets[STATUS].cat.codes.to_numpy()
        return self.sums_of(group_counts(codes, None, self.weights))

    @cached_property
    def origins(self) -> gpd.GeoDataFrame:
        """The caller's origins plus ``targets_in_reach`` (computed on first access)."""
        out = frames.as_frame(self.input_origins, "origins", ORIGIN_COLUMNS)
        out[TARGETS_IN_REACH] = self._count_origins()
        return out

    def summary(self, by: str | None = None) -> pd.DataFrame:
        """Totals as a table with the columns ``total``, ``count``, ``share``, ``marginal``
        (and, with ``weight=``, ``weight_total``, ``weight_in``, ``weighted_share``, ``weight_marginal``).

        Parameters
        ----------
        by : str, optional
            A column of the targets to group by (e.g. ``"role"``); one row per
            group, in sorted order, missing values as their own group, and
            every category of a categorical column even when empty
            (``share`` is then NaN). Without
            it, one row labelled ``"all"``.

        Examples
        --------
        >>> from rangecov import coverage, datasets
        >>> s = datasets.atacms_kursk_2024()
        >>> coverage(s.launch_sites, s.airfields, s.reach).summary(by="role")
                           total  count     share  marginal
        role
        glide_bomb_base        6      2  0.333333         0
        military_aviation      7      2  0.285714         0
        strategic_bomber       4      1  0.250000         0
        """
        keys = None
        if by is not None:
            if not isinstance(by, str) or by not in self.targets.columns:
                raise InputError(
                    f"by={by!r} is not a column of the targets; columns: {', '.join(map(str, self.targets.columns))}"
                )
            keys = self.targets[by]
        codes = self.targets[STATUS].cat.codes.to_numpy()
        return self.named_summary(finish_summary(group_counts(codes, keys, self.weights)), by)

    # -- questions asked next: how does the share grow with the reach? ------------------

    @property
    def per_origin_reach(self) -> bool:
        """True when origins have differing reach: curves then scale every reach by one factor."""
        return self.reach_spec.per_origin

    def curve_values(self) -> np.ndarray:
        """Per target, the smallest common reach (metres), or for a per-origin reach the smallest
        factor, that puts it in reach (exact, as ``distance_m`` is)."""
        if self.how in ("all", "area"):
            raise UnsupportedError(
                f"curve() and required_reach() need one distance per target; with how={self.how!r} the "
                "decision rests on drawn regions, not on a distance. Make the report with how='any' or "
                "'centroid', or run coverage() once per reach"
            )
        if self.per_origin_reach:
            return self._curve_factors
        return self.targets[DISTANCE_M].to_numpy(dtype=float)

    @cached_property
    def _curve_factors(self) -> np.ndarray:
        return np.asarray(self._factors(), dtype=float)

    def curve(
        self, reaches: Sequence[Distance] | Distance | None = None, *, factors: Sequence[float] | None = None
    ) -> pd.DataFrame:
        """The share of targets in reach as a function of one common reach, exactly.

        Computed in one pass from the per-target distances (a target is in
        reach of ``r`` when its ``distance_m <= r``), not by re-running
        coverage. For a report made with a reach per origin (a column with
        differing values) every origin's reach is instead scaled by one
        ``factor``: a target is in when ``s_j <= factor * reach_j`` for some
        origin ``j``, and the table says so in its columns and in
        ``table.attrs["reach"]``.

        Parameters
        ----------
        reaches : sequence of distances, optional
            Where to evaluate (numbers are metres; strings carry units, e.g.
            ``["70 km", "190 mi"]``). Default: every distinct target distance,
            i.e. every step of the curve.
        factors : sequence of float, optional
            For a per-origin reach only: the factors to evaluate. Default:
            every step.

        Returns
        -------
        DataFrame
            Columns ``reach_m`` (or ``factor``), ``total``, ``count``, ``share``;
            with ``weight=``, also ``weight_in`` and ``weighted_share`` (of
            exact sums, rounded once). Marginal targets are not a separate
            class here: the curve has one reach, so each target is in or out.

        Notes
        -----
        Exact in the sense of ``distance_m``: the count at ``r`` is the number
        of targets whose exact distance is at most ``r``. With a band reach
        the curve ignores the band (one common reach). Not available for
        ``how="all"`` or ``"area"``, which are decided on drawn regions.

        Examples
        --------
        >>> from rangecov import coverage, datasets
        >>> s = datasets.atacms_kursk_2024()
        >>> report = coverage(s.launch_sites, s.airfields, s.reach)
        >>> report.curve(["70 km", "190 mi", "500 km"])
             reach_m  total  count     share
        0   70000.00     17      0  0.000000
        1  305775.36     17      5  0.294118
        2  500000.00     17     11  0.647059
        """
        values = self.curve_values()
        if self.per_origin_reach:
            if reaches is not None:
                raise InputError(
                    f"this report has a reach per origin ({self.reach}); its curve scales every origin's "
                    "reach by one factor: pass factors=[...] instead of reaches"
                )
            column, points = FACTOR, factor_points(factors, values)
            meaning = f"each origin's own reach ({self.reach}) times factor"
        else:
            if factors is not None:
                raise InputError(
                    "factors= is for reports made with a reach per origin; this one has one reach: pass reaches=[...]"
                )
            column, points = REACH_M, reach_points(reaches, values)
            meaning = "one common reach for every origin, in metres"
        ordered, prefix = self._ordered_values()
        count = np.searchsorted(ordered, points, side="right")
        total = self.total
        table = pd.DataFrame({column: points, TOTAL: total, COUNT: count, SHARE: count / total if total else np.nan})
        if prefix is not None:
            table[WEIGHT_IN] = prefix.floats(count)
            table[WEIGHTED_SHARE] = [exact_ratio(prefix.at(int(k)), prefix.total) for k in count]
        table.attrs["reach"] = meaning
        return table

    def _ordered_values(self) -> tuple[np.ndarray, PrefixSums | None]:
        """The curve values sorted, and with a weight the exact sums of the weights in that order (cached)."""
        return self._ordered

    @cached_property
    def _ordered(self) -> tuple[np.ndarray, PrefixSums | None]:
        values = self.curve_values()
        order = np.argsort(values, kind="stable")
        prefix = PrefixSums(self.weights[order]) if self.weights is not None else None
        return values[order], prefix

    def required_reach(self, share: Share = 0.9, *, weighted: bool = False) -> float:
        """The smallest common reach that puts at least ``share`` of the targets in reach, exactly.

        ``share`` is a number in (0, 1] or a percentage as the command line
        writes it (``"90%"``).

        It is the distance of the ``ceil(share * total)``-th nearest target,
        so it is exact as ``distance_m`` is. For a report made with a reach
        per origin it is the smallest *factor* by which every origin's reach
        must be scaled (see :meth:`curve`). Infinity when that many targets
        cannot be reached at all (no origins); NaN with no targets.

        With ``weighted=True`` (a report made with ``weight=``) it is the
        smallest reach whose covered weight is at least ``share *
        weight_total``, both sides summed exactly: ten targets of weight 0.1
        and ``share=0.9`` need the ninth, not the tenth. NaN when the total
        weight is 0.

        Examples
        --------
        >>> from rangecov import coverage, datasets, format_distance
        >>> s = datasets.atacms_kursk_2024()
        >>> report = coverage(s.launch_sites, s.airfields, s.reach)
        >>> format_distance(report.required_reach(0.5))
        '372.8 km'
        >>> report.required_reach("50%") == report.required_reach(0.5)
        True
        """
        if not isinstance(weighted, (bool, np.bool_)):
            raise InputTypeError(f"weighted must be True or False, got {weighted!r}")
        if weighted and self.weights is None:
            raise InputError("required_reach(weighted=True) needs a report made with coverage(..., weight='column')")
        k = targets_needed(share, self.total)
        ordered, prefix = self._ordered_values()
        if self.total == 0:
            return float("nan")
        if weighted and prefix is not None:  # prefix is None only without weights, refused above
            if prefix.total == 0:
                return float("nan")
            k = prefix.first_reaching(share_fraction(share) * prefix.total)
        return float(ordered[k - 1])

    # -- pictures (matplotlib / folium, imported when called) ----------------------------

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Map of the reach regions, origins and targets by status (matplotlib); see :func:`rangecov.plot.plot_report`."""
        from ..plot import plot_report

        return plot_report(self, ax=ax, **kwargs)

    def explore(self, **kwargs: Any) -> Any:
        """Interactive map (folium, with geopandas' ``explore`` keywords ``m=``, ``tiles=``); see :func:`rangecov.plot.explore_report`."""
        from ..plot import explore_report

        return explore_report(self, **kwargs)

    def plot_curve(self, ax: Any = None, **kwargs: Any) -> Any:
        """Share in reach against reach (matplotlib); see :func:`rangecov.plot.plot_curve`."""
        from ..plot import plot_curve

        return plot_curve(self, ax=ax, **kwargs)

    # -- files and JSON ------------------------------------------------------------------------

    def target_records(self) -> list[dict]:
        """One JSON record per target, in order: the ``"targets"`` of :meth:`to_dict` (``targets=True``)."""
        t = self.targets
        return TARGET_JSON.rows(
            id=map(json_value, t.index),
            distance_m=map(json_number, t[DISTANCE_M]),
            nearest_origin=map(json_value, t[NEAREST_ORIGIN]),
            margin_m=map(json_number, t[MARGIN_M]),
            covering_origin=map(json_value, t[COVERING_ORIGIN]),
            status=map(str, t[STATUS]),
        )

    def to_file(self, path: str | os.PathLike, *, layer: str = "targets", overwrite: bool = False) -> Path:
        """Write the targets (or ``layer="origins"``) table, format by extension.

        ``.geojson`` (reprojected to EPSG:4326 as RFC 7946 asks), ``.gpkg``,
        ``.parquet`` (GeoParquet) or ``.csv`` (points as ``lon``/``lat``,
        other geometry as WKT). Index labels are written as a column.
        Refuses to replace an existing file unless ``overwrite=True``.
        Returns the path written. See :func:`rangecov.io.write_frame`.
        """
        from ..io.writer import write_frame

        if layer not in ("targets", "origins"):
            raise InputError(f"layer must be 'targets' or 'origins', got {layer!r}")
        if str(path).lower().endswith(".json"):
            # The command line's .json is the summary document; the table needs its own name.
            raise InputError(
                "to_file writes a table: use .geojson (or .gpkg, .parquet, .csv); for the JSON summary "
                "use json.dump(report.to_dict(targets=True), f)"
            )
        frame = self.targets if layer == "targets" else self.origins
        return write_frame(frame, path, overwrite=overwrite, layer=layer)
