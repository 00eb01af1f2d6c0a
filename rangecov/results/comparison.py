"""Two coverage reports side by side: which targets changed status, and by how much margin."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ..base.schema import (
    CHANGE,
    COUNT,
    DISTANCE_M,
    MARGIN_CHANGE_M,
    MARGIN_M,
    MARGINAL,
    RESULT_COLUMNS,
    SHARE,
    STATUS,
    STATUS_CATEGORIES,
    TOTAL,
    UNCHANGED,
    WEIGHT_COLUMNS,
    WEIGHT_IN,
    WEIGHT_TOTAL,
    WEIGHTED_SHARE,
    format_share,
    format_weight,
)
from ..base.sums import exact_sum
from ..errors import InputError, InputTypeError
from ..inputs.frames import describe_labels
from .report import CoverageReport
from .totals import finish_summary, group_counts

__all__ = ["compare", "Comparison"]


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    labels : tuple of str
        The names of the two reports, e.g. ``("ATACMS", "GMLRS")``.
    targets : GeoDataFrame
        The targets (the caller's columns, index and CRS, taken from the
        first report) plus, per label ``L``, ``status_L``, ``distance_m_L``
        and ``margin_m_L``; then ``change`` (``"in → out"`` and so on, or
        ``"unchanged"``) and ``margin_change_m`` (second margin minus first;
        positive means the second reaches further past the target).
    summary : DataFrame
        Two rows, indexed by label: ``reach``, ``how``, ``ellipsoid``,
        ``total``, ``count``, ``share``, ``marginal`` (and, for reports made
        with ``weight=``, ``weight_total``, ``weight_in``,
        ``weighted_share``, ``weight_marginal``).
    changes : DataFrame
        One row per change that occurred (``"in → out"`` ...): ``targets``
        (how many) and, with a weight, ``weight`` (the exact sum of their
        weights, rounded once).
    weight : str or None
        The weight column of the reports, if they were made with one.
    """

    labels: tuple[str, str]
    targets: gpd.GeoDataFrame
    summary: pd.DataFrame
    changes: pd.DataFrame
    weight: str | None = None

    @property
    def changed(self) -> gpd.GeoDataFrame:
        """The targets whose status differs, largest margin change first."""
        rows = self.targets[self.targets[CHANGE] != UNCHANGED]
        return rows.sort_values(MARGIN_CHANGE_M, ascending=False, kind="stable")

    def __repr__(self) -> str:
        a, b = self.labels
        lines = []
        for label in self.labels:
            row = self.summary.loc[label]
            pct = format_share(row[SHARE])
            line = f"{label}: {row[COUNT]} of {row[TOTAL]} in reach ({pct}) within {row['reach']}"
            if self.weight is not None:
                w_pct = format_share(row[WEIGHTED_SHARE])
                line += (
                    f"; {self.weight} {format_weight(row[WEIGHT_IN])} of {format_weight(row[WEIGHT_TOTAL])} ({w_pct})"
                )
            lines.append(line)
        moves = self.changes
        if len(moves):
            detail = ", ".join(
                f"{int(row['targets'])} {change}"
                + (f" ({self.weight} {format_weight(row['weight'])})" if self.weight is not None else "")
                for change, row in moves.iterrows()
            )
            lines.append(f"{int(moves['targets'].sum())} target(s) changed status from {a} to {b}: {detail}")
        else:
            lines.append(f"no target changed status from {a} to {b}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + repr(self) + "</pre>" + self.summary.to_html()


def compare(report_a: CoverageReport, report_b: CoverageReport, *, labels: tuple[str, str] = ("a", "b")) -> Comparison:
    """Compare two coverage reports of the same targets.

    Typical uses: two reaches from the same origins (ATACMS against GMLRS),
    or the same reach from two sets of origins (launch sites before and
    after a move).

    Parameters
    ----------
    report_a, report_b : CoverageReport
        Reports from :func:`rangecov.coverage` over the same targets (same
        index labels in the same order).
    labels : (str, str), default ("a", "b")
        Names for the two reports, used in column names and the summary.

    Returns
    -------
    Comparison
        ``.targets`` (every target with both statuses, distances and margins,
        the ``change`` and ``margin_change_m``), ``.changed`` (only the
        targets that moved) and ``.summary`` (two rows).

    Notes
    -----
    The reports may differ in anything but their targets (same labels, order
    and geometry): reach, origins, ``how`` or ellipsoid; the summary shows
    each report's ``reach``, ``how`` and ellipsoid. Statuses and margins are those of the two reports, so the error bounds
    are theirs (see :func:`rangecov.coverage`). ``margin_change_m`` is NaN
    where either margin is (``how="all"``/``"area"`` on drawn targets).

    Examples
    --------
    >>> from rangecov import compare, coverage, datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> atacms = coverage(s.launch_sites, s.airfields, "190 mi")
    >>> gmlrs = coverage(s.launch_sites, s.airfields, "70 km")
    >>> c = compare(atacms, gmlrs, labels=("ATACMS", "GMLRS"))
    >>> c.summary[["count", "total"]]
            count  total
    ATACMS      5     17
    GMLRS       0     17
    >>> c.changed["change"].value_counts()["in → out"]
    np.int64(5)
    """
    for name, rep in (("report_a", report_a), ("report_b", report_b)):
        if not isinstance(rep, CoverageReport):
            raise InputTypeError(f"{name} must be a CoverageReport from rangecov.coverage(), got {type(rep).__name__}")
    if (
        not isinstance(labels, (tuple, list))
        or len(labels) != 2
        or not all(isinstance(v, str) and v.strip() for v in labels)
        or labels[0] == labels[1]
    ):
        raise InputError(f"labels must be two different non-empty strings, e.g. ('ATACMS', 'GMLRS'); got {labels!r}")
    a, b = labels
    ta, tb = report_a.targets, report_b.targets
    if len(ta) != len(tb) or not ta.index.equals(tb.index):
        raise InputError(
            "report_a and report_b must cover the same targets (same index labels in the same order); "
            f"got {len(ta)} and {len(tb)} targets" + ("" if len(ta) != len(tb) else " with different labels or order")
        )
    ga, gb = ta.geometry, tb.geometry
    if ga.crs is not None and ga.crs != gb.crs:  # a report's targets always have a CRS
        gb = gb.to_crs(ga.crs)
    same = np.asarray(ga.geom_equals_exact(gb, tolerance=1e-9)) | (np.asarray(ga.isna()) & np.asarray(gb.isna()))
    if not same.all():
        raise InputError(
            "report_a and report_b must cover the same targets; the geometry differs at "
            f"{describe_labels(ta.index[~same])}"
        )
    keep = [c for c in ta.columns if c not in RESULT_COLUMNS]
    added = [f"{col}_{label}" for label in (a, b) for col in (STATUS, DISTANCE_M, MARGIN_M)]
    added += [CHANGE, MARGIN_CHANGE_M]
    clash = [c for c in added if c in keep]
    if clash:
        raise InputError(
            f"the targets already have column(s) {', '.join(map(repr, clash))}, which compare() adds; "
            "rename them or pick other labels"
        )
    out = ta[keep].copy()
    for label, t in ((a, ta), (b, tb)):
        out[f"status_{label}"] = t[STATUS].array
        out[f"distance_m_{label}"] = t[DISTANCE_M].to_numpy()
        out[f"margin_m_{label}"] = t[MARGIN_M].to_numpy()
    sa = ta[STATUS].astype(str).to_numpy()
    sb = tb[STATUS].astype(str).to_numpy()
    moves = [f"{x} → {y}" for x in STATUS_CATEGORIES for y in STATUS_CATEGORIES if x != y]
    change = np.where(sa == sb, UNCHANGED, np.char.add(np.char.add(sa.astype(str), " → "), sb.astype(str)))
    out[CHANGE] = pd.Categorical(change, categories=moves + [UNCHANGED])
    out[MARGIN_CHANGE_M] = tb[MARGIN_M].to_numpy(dtype=float) - ta[MARGIN_M].to_numpy(dtype=float)
    weight, weights = _shared_weights(report_a, report_b)
    summary = pd.DataFrame(
        [
            {
                "reach": rep.reach,
                "how": rep.how,
                "ellipsoid": rep.ellipsoid.name,
                TOTAL: rep.total,
                COUNT: rep.count,
                SHARE: rep.share,
                MARGINAL: rep.marginal,
                **(_weight_row(rep, weights) if weights is not None else {}),
            }
            for rep in (report_a, report_b)
        ],
        index=pd.Index([a, b]),
    )
    return Comparison(
        labels=(a, b), targets=out, summary=summary, changes=_changes(out[CHANGE], weights), weight=weight
    )


def _shared_weights(report_a: CoverageReport, report_b: CoverageReport) -> tuple[str | None, np.ndarray | None]:
    """The weight column and values of the reports (of either one when only one has them; they must agree)."""
    weighted = [(rep.weight, rep.weights) for rep in (report_a, report_b) if rep.weights is not None]
    if not weighted:
        return None, None
    if len(weighted) == 2 and not np.array_equal(weighted[0][1], weighted[1][1]):
        raise InputError(
            f"report_a and report_b were made with different weights ({report_a.weight!r} and {report_b.weight!r} "
            "differ on some targets); compare reports made with the same weight=, or without one"
        )
    return weighted[0]


def _weight_row(rep: CoverageReport, weights: np.ndarray) -> dict:
    """A report's weight columns, by the shared weights (a report made without weight= gets them too)."""
    codes = rep.targets[STATUS].cat.codes.to_numpy()
    table = finish_summary(group_counts(codes, None, weights))
    return {name: float(table[name].iloc[0]) for name in WEIGHT_COLUMNS}


def _changes(change: pd.Series, weights: np.ndarray | None) -> pd.DataFrame:
    """Targets (and the exact sum of their weights) per change that occurred, in the order of the categories."""
    rows = []
    codes = change.to_numpy()
    for move in change.cat.categories:
        if move == UNCHANGED:
            continue
        picked = codes == move
        if picked.any():
            row: dict[str, float] = {"targets": int(picked.sum())}
            if weights is not None:
                row["weight"] = float(exact_sum(weights[picked]))
            rows.append((move, row))
    columns = ["targets"] + (["weight"] if weights is not None else [])
    return pd.DataFrame([r for _, r in rows], index=pd.Index([m for m, _ in rows], name=CHANGE), columns=columns)
