"""The reach curve of a coverage report (matplotlib): :func:`plot_curve`.

The share of targets in reach against one common reach (or, for a reach per
origin, the factor every origin's reach is multiplied by), as the exact
step curve, with the reach a share needs and the report's own reach marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..base.schema import FACTOR, REACH_M, SHARE, STATUS, format_distance
from ..units import parse_share
from .backend import import_matplotlib, new_axes
from .style import CURVE_GRID, CURVE_GUIDE, CURVE_LINE, CURVE_TEXT, NOTE_TEXT, REACH_EDGE, REACH_FILL

if TYPE_CHECKING:  # only for the annotations; matplotlib stays optional
    from matplotlib.axes import Axes

    from ..results.report import CoverageReport

__all__ = ["plot_curve", "plot_placement_curve"]


def plot_curve(
    report: CoverageReport,
    ax: Axes | None = None,
    *,
    share: float | str | None = 0.9,
    mark_reach: bool = True,
    figsize: tuple[float, float] = (7, 4.5),
) -> Axes:
    """Share of targets in reach against one common reach, as the exact step curve.

    Parameters
    ----------
    report : CoverageReport
        From :func:`rangecov.coverage` (``how="any"`` or ``"centroid"``; see
        :meth:`CoverageReport.curve`). Not modified.
    ax : matplotlib Axes, optional
        Where to draw; a new figure of ``figsize`` when omitted.
    share : float, str or None, default 0.9
        Mark the smallest reach that puts this share in reach
        (:meth:`CoverageReport.required_reach`) with a dashed line; ``None``
        for no mark.
    mark_reach : bool, default True
        Mark the report's own reach (a single distance; for a per-origin
        reach the factor 1) and its count.
    figsize : (float, float), default (7, 4.5)
        Size of a new figure, in inches.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    The x axis is the reach in km, or for a report with a reach per origin
    the factor every origin's reach is multiplied by. Each step is a target:
    the curve is exact as ``distance_m`` is.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from rangecov import coverage, datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> ax = coverage(s.launch_sites, s.airfields, s.reach).plot_curve()
    >>> ax.get_ylabel()
    'targets in reach (%)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    import_matplotlib()
    share = parse_share(share) if share is not None else None
    table = report.curve()  # raises for how="all"/"area", with the reason
    per_origin = report.per_origin_reach
    scale = 1.0 if per_origin else 1000.0  # metres -> km
    values = report.curve_values()

    ax = new_axes(ax, figsize)
    _frame_axes(ax, report)
    if report.total == 0:
        ax.set_xlim(0, 1)
        ax.text(0.5, 0.5, "no targets", transform=ax.transAxes, ha="center", va="center", color=NOTE_TEXT)
        return ax

    own = _own_reach(report, scale) if mark_reach else None
    required = report.required_reach(share) if share is not None else float("nan")
    x_req = required / scale if np.isfinite(required) else None
    x_max = _x_limit(report, values, scale, own, x_req)
    _draw_steps(ax, report, table, values, scale=scale, x_max=x_max)
    if share is not None:
        _mark_required(ax, share, required, x_req, x_max=x_max, per_origin=per_origin)
    if own is not None and np.isfinite(own):
        _mark_own_reach(ax, report, values, own, scale=scale, x_max=x_max)
    return ax


def _frame_axes(ax: Axes, report: CoverageReport) -> None:
    """Axis labels, title, the 0-100% range and a light grid."""
    ax.set_xlabel("factor × each origin's own reach" if report.per_origin_reach else "reach (km)")
    ax.set_ylabel("targets in reach (%)")
    ax.set_title(
        f"Share of {report.total} target{'s' if report.total != 1 else ''} within reach of "
        f"{report.n_origins} origin{'s' if report.n_origins != 1 else ''}",
        fontsize=11,
    )
    ax.set_ylim(-3, 105)
    ax.grid(True, color=CURVE_GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _own_reach(report: CoverageReport, scale: float) -> float | None:
    """The report's own reach on the x axis (the factor 1 for a reach per origin); None when it has none."""
    spec = report.reach_spec
    if report.per_origin_reach:
        return 1.0
    if spec.low.size and (spec.uniform or report.reach_kind == "band"):
        # One distance (a band is marked at its low end and shaded to its high end).
        return float(spec.low[0]) / scale
    return None


def _x_limit(report: CoverageReport, values: np.ndarray, scale: float, own, x_req) -> float:
    """The x axis end: a little past the farthest step and every mark."""
    spec = report.reach_spec
    finite = values[np.isfinite(values)]
    candidates = [
        v
        for v in (
            finite.max() / scale if finite.size else None,
            own,
            x_req,
            float(spec.high[0]) / scale if report.reach_kind == "band" and spec.high.size else None,
        )
        if v is not None and np.isfinite(v)
    ]
    return max(candidates) * 1.08 if candidates and max(candidates) > 0 else 1.0


def _draw_steps(
    ax: Axes, report: CoverageReport, table: pd.DataFrame, values: np.ndarray, *, scale: float, x_max: float
) -> None:
    """The step curve from reach 0 to the axis end (a note instead when no target can be reached)."""
    column = FACTOR if report.per_origin_reach else REACH_M
    x = table[column].to_numpy(dtype=float) / scale
    y = 100.0 * table[SHARE].to_numpy(dtype=float)
    # From reach 0 (targets at distance 0, e.g. inside an origin polygon, count there)
    # to past the farthest step, so the last level is visible.
    y0 = 100.0 * float((values <= 0).sum()) / report.total
    xs = np.r_[0.0, x, x_max]
    ys = np.r_[y0, y, y[-1] if y.size else y0]
    ax.step(xs, ys, where="post", color=CURVE_LINE, linewidth=1.8, label="share in reach", gid="rangecov:curve")
    ax.set_xlim(0, x_max)
    if not np.isfinite(values).any():
        ax.text(0.5, 0.55, "no target is reachable (no origins)", transform=ax.transAxes, ha="center", color=NOTE_TEXT)


def _mark_required(ax: Axes, share: float, required: float, x_req, *, x_max: float, per_origin: bool) -> None:
    """The share as a dashed level, and the reach it needs (or that no reach gives it)."""
    level = 100 * share
    ax.axhline(level, color=CURVE_GUIDE, linestyle="--", linewidth=0.9, zorder=1)
    text_style: dict[str, Any] = {"textcoords": "offset points", "va": "bottom", "fontsize": 9, "color": CURVE_TEXT}
    if x_req is None:
        ax.annotate(
            f"{share:.0%} is out of reach at any distance",
            (0.98, level),
            xycoords=("axes fraction", "data"),
            xytext=(0, 5),
            ha="right",
            gid="rangecov:required",
            **text_style,
        )
        return
    text = f"{share:.0%} needs " + (f"×{x_req:.3g}" if per_origin else format_distance(required))
    ax.plot([x_req], [level], marker="o", color=CURVE_GUIDE, zorder=4)
    ax.vlines(x_req, 0, level, color=CURVE_GUIDE, linestyle=":", linewidth=0.9)
    # The curve rises through the mark: below the level to its left, above it to its right. The text
    # goes where the curve is not: above and to the left, or, near the left edge, below and to the right.
    left = x_req > 0.25 * x_max
    ax.annotate(
        text,
        (x_req, level),
        xytext=(-6, 6) if left else (8, -6),
        ha="right" if left else "left",
        gid="rangecov:required",
        **dict(text_style, va="bottom" if left else "top"),
    )


def _own_reach_text(report: CoverageReport, own: float, scale: float) -> str:
    """'190 mi (305.8 km)'-style reach (or "reach as given") with the count and share it puts in reach."""
    what = "reach as given" if report.per_origin_reach else format_distance(own * scale)
    text = f"{what}: {report.count} of {report.total} ({100 * report.share:.1f}%)"
    if report.marginal:
        text += f", {report.marginal} marginal"
    return text


def _mark_own_reach(
    ax: Axes, report: CoverageReport, values: np.ndarray, own: float, *, scale: float, x_max: float
) -> None:
    """The report's own reach as a vertical line (a band shaded to its high end), with its count beside it."""
    spec = report.reach_spec
    if report.reach_kind == "band" and spec.high.size:
        ax.axvspan(own, float(spec.high[0]) / scale, color=REACH_FILL, alpha=0.08, linewidth=0)
    ax.axvline(own, color=REACH_FILL, linewidth=1.2, zorder=3)
    # The curve rises left to right, so above-left and below-right of the
    # point where it crosses the line stay empty: write the count there.
    level = 100.0 * float((values <= (own * scale)).sum()) / report.total
    if own >= 0.35 * x_max and level < 85:
        where, ha, dx = (own, (level + 100.0) / 2.0), "right", -5
    elif level >= 12:
        where, ha, dx = (own, level / 2.0), "left", 5
    else:
        where, ha, dx = (own, (level + 100.0) / 2.0), "left", 5
    note = ax.annotate(
        _own_reach_text(report, own, scale),
        where,
        xytext=(dx, 0),
        textcoords="offset points",
        ha=ha,
        va="center",
        fontsize=9,
        color=REACH_EDGE,
        gid="rangecov:own-reach",
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
    )
    if ha == "left" and where[1] > level:
        # Above-right: lift the text over the curve's highest point under it.
        box = note.get_window_extent()
        x_end = ax.transData.inverted().transform((box.x1, box.y0))[0]
        top = 100.0 * float((values <= x_end * scale).sum()) / report.total
        note.xy = (own, min((top + 100.0) / 2.0, 97.0))


def plot_placement_curve(
    table: pd.DataFrame, ax: Axes | None = None, *, reach: str = "", figsize: tuple[float, float] = (7, 4.5)
) -> Axes:
    """The best covered share against the number of sites (:meth:`rangecov.Placement.curve`).

    Proven optima are filled markers, greedy or time-limited rows hollow, so
    the picture says which points are proven. Returns the axes.
    """
    import_matplotlib()
    ax = new_axes(ax, figsize)
    k, share = table["k"].to_numpy(), 100 * table[SHARE].to_numpy(dtype=float)
    proven = (table[STATUS] == "optimal").to_numpy()
    ax.plot(k, share, color=CURVE_LINE, lw=1.6, zorder=2)
    ax.scatter(k[proven], share[proven], color=CURVE_LINE, s=36, zorder=3, label="proven optimal")
    if (~proven).any():
        ax.scatter(
            k[~proven],
            share[~proven],
            facecolor="white",
            edgecolor=CURVE_LINE,
            s=36,
            zorder=3,
            label="greedy or time limit",
        )
    ax.set_xlabel("sites")
    ax.set_ylabel("covered share (%)")
    ax.set_xticks(k)
    ax.set_ylim(0, 100)
    ax.grid(True, color=CURVE_GRID, lw=0.6)
    ax.set_title(f"Best coverage by number of sites{f' within {reach}' if reach else ''}", color=CURVE_TEXT)
    ax.legend(loc="lower right", frameon=False)
    return ax
