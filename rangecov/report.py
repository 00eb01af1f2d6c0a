"""The result of a coverage computation: tables, totals and a one-line headline."""

from __future__ import annotations

from functools import cached_property
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _frames
from .geodesy import Ellipsoid

__all__ = ["CoverageReport", "TARGET_COLUMNS", "SUMMARY_COLUMNS", "STATUS_CATEGORIES"]

TARGET_COLUMNS = ("distance_m", "nearest_origin", "margin_m", "covering_origin", "in_reach", "status")
ORIGIN_COLUMNS = ("targets_in_reach",)
SUMMARY_COLUMNS = ("total", "count", "share", "marginal")
STATUS_CATEGORIES = ("in", "marginal", "out")


class CoverageReport:
    """Which targets are within reach, per target and in total.

    Made by :func:`rangecov.coverage`; not meant to be built by hand.

    Attributes
    ----------
    targets : GeoDataFrame
        The caller's targets (index, order, columns and CRS kept) plus
        ``distance_m`` (geodesic metres to the nearest origin), ``nearest_origin``
        (its index label), ``margin_m`` (largest ``reach - distance`` over
        origins; ``>= 0`` is in reach, negative is the shortfall; against
        ``low`` for a band), ``covering_origin`` (the origin attaining it),
        ``in_reach`` (True only for ``"in"``) and ``status``
        (``"in"``, ``"marginal"``, ``"out"``).
    origins : GeoDataFrame
        The caller's origins plus ``targets_in_reach``: how many targets lie
        within that origin's own reach (a target may count for several
        origins; for a band, within ``low``). Computed on first access.
    total, count, marginal : int
        Number of targets; of those ``"in"``; of those ``"marginal"``.
    share : float
        ``count / total`` (NaN when there are no targets).
    reach : str
        The reach as the headline states it, e.g. ``"190 mi (305.8 km)"``.
    ellipsoid : Ellipsoid
        The model the distances were computed on.
    """

    def __init__(
        self,
        *,
        targets: gpd.GeoDataFrame,
        origins_input,
        reach_label: str,
        reach_kind: str,
        ellipsoid: Ellipsoid,
        count_origins: Callable[[], np.ndarray],
    ) -> None:
        self.targets = targets
        self.reach = reach_label
        self.reach_kind = reach_kind
        self.ellipsoid = ellipsoid
        self._origins_input = origins_input
        self._count_origins = count_origins
        status = targets["status"]
        self.total = int(len(targets))
        self.count = int((status == "in").sum())
        self.marginal = int((status == "marginal").sum())

    @property
    def share(self) -> float:
        """Share of targets in reach, ``count / total``; NaN with no targets."""
        return self.count / self.total if self.total else float("nan")

    @cached_property
    def origins(self) -> gpd.GeoDataFrame:
        """The caller's origins plus ``targets_in_reach`` (computed on first access)."""
        out = _frames.as_frame(self._origins_input, "origins", ORIGIN_COLUMNS)
        out["targets_in_reach"] = self._count_origins()
        return out

    @property
    def n_origins(self) -> int:
        return int(len(self._origins_input))

    def summary(self, by: str | None = None) -> pd.DataFrame:
        """Totals as a table with the columns ``total``, ``count``, ``share``, ``marginal``.

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
        status = self.targets["status"]
        frame = pd.DataFrame(
            {"total": 1, "count": (status == "in").astype(int), "marginal": (status == "marginal").astype(int)},
            index=self.targets.index,
        )
        if by is None:
            table = frame[["total", "count", "marginal"]].sum().to_frame("all").T
        else:
            if not isinstance(by, str) or by not in self.targets.columns:
                raise ValueError(
                    f"by={by!r} is not a column of the targets; columns: "
                    f"{', '.join(map(str, self.targets.columns))}"
                )
            table = frame.groupby(self.targets[by], dropna=False, observed=False)[["total", "count", "marginal"]].sum()
        table = table.astype(int)
        table["share"] = table["count"] / table["total"].where(table["total"] > 0)
        return table[list(SUMMARY_COLUMNS)]

    def __repr__(self) -> str:
        pct = "n/a" if self.total == 0 else f"{100 * self.share:.1f}%"
        n_o = self.n_origins
        text = (
            f"{self.count} of {self.total} target{'s' if self.total != 1 else ''} ({pct}) "
            f"within {self.reach} of {n_o} origin{'s' if n_o != 1 else ''}"
        )
        if self.marginal:
            text += f"; {self.marginal} marginal"
        return text

    def _repr_html_(self) -> str:
        return f"<p><b>{self!r}</b></p>" + self.summary().to_html()
