"""The data layers of the static map, each drawn with its legend entries.

Bottom to top: the reach region (and a band's high region), targets by
status, origins. Each function draws projected geometry (see
:class:`~rangecov.plot.layout.MapLayout`) on matplotlib Axes and returns
what labels and the legend need to know about it. matplotlib is imported
inside the functions: it is optional.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from ..base.schema import IN, MARGINAL, OUT, STATUS
from .labels import anchor_points
from .style import (
    HIGH_DASH,
    ORIGIN_COLOR,
    ORIGIN_FILL,
    ORIGIN_MARKER,
    ORIGIN_MARKER_PT,
    REACH_ALPHA,
    REACH_EDGE,
    REACH_FILL,
    REACH_LEGEND_FACE,
    STATUS_STYLE,
    reach_label,
    target_marker_size,
)

if TYPE_CHECKING:  # only for the annotations; matplotlib stays optional
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    from ..results.report import CoverageReport


@dataclass(frozen=True)
class DrawnLayer:
    """Where a layer's features sit on the map, for labels and the legend to keep clear of."""

    xy: np.ndarray  # (n, 2) anchor per feature in map coordinates: the point, or a point on the shape; NaN if not drawn
    is_point: np.ndarray  # (n,) bool: drawn as a marker
    marker_pt: float  # marker size in points
    handles: list  # legend entries, in order


def draw_shapes(ax: Axes, values: np.ndarray, *, gid: str, **style) -> list:
    """Draw polygons/lines of a shapely array with geopandas; return the new collections."""
    present = [v for v in values if v is not None and not shapely.is_empty(v)]
    if not present:
        return []
    before = len(ax.collections)
    # aspect=None: the map's aspect is set once, by plot_report.
    gpd.GeoSeries(present).plot(ax=ax, aspect=None, autolim=False, add_labels=False, **style)
    new = ax.collections[before:]
    for c in new:
        c.set_gid(gid)
    return new


def _is_point(projected: np.ndarray) -> np.ndarray:
    kind = np.array([None if g is None else g.geom_type for g in projected], dtype=object)
    return np.isin(kind, ["Point"])


def _with_dimension(values, dim: int) -> np.ndarray:
    """The polygons (dim 2) or lines (dim 1) among projected geometries."""
    return np.asarray([g for g in values if g is not None and shapely.get_dimensions(g) == dim], dtype=object)


def draw_reach(ax: Axes, report: CoverageReport, regions: dict[str, np.ndarray]) -> list[Artist]:
    """The reach region (translucent fill, solid edge) and for a band the high region (dashed); their legend entries."""
    from matplotlib.patches import Patch

    if "reach" in regions:
        reach = regions["reach"]
        draw_shapes(
            ax, reach, gid="rangecov:reach", facecolor=REACH_FILL, edgecolor="none", alpha=REACH_ALPHA, zorder=3
        )
        draw_shapes(
            ax, reach, gid="rangecov:reach-edge", facecolor="none", edgecolor=REACH_EDGE, linewidth=1.1, zorder=3.5
        )
    handles: list[Artist] = [
        Patch(facecolor=REACH_LEGEND_FACE, edgecolor=REACH_EDGE, linewidth=1.1, label=reach_label(report))
    ]
    if report.reach_kind != "band":
        return handles
    if "high" in regions:
        draw_shapes(
            ax,
            regions["high"],
            gid="rangecov:reach-high",
            facecolor="none",
            edgecolor=REACH_EDGE,
            linewidth=1.0,
            linestyle=HIGH_DASH,
            zorder=3.5,
        )
    label = reach_label(report, high=True)
    handles.append(Patch(facecolor="none", edgecolor=REACH_EDGE, linewidth=1.0, linestyle=HIGH_DASH, label=label))
    return handles


def _draw_status(ax: Axes, status: str, projected, xy, *, points, shapes, marker_pt: float) -> None:
    """The targets of one status: ``points`` (mask) as markers, ``shapes`` (mask) as filled polygons or lines."""
    sty = STATUS_STYLE[status]
    gid = f"rangecov:targets-{status}"
    if points.any():
        ax.scatter(
            xy[points, 0],
            xy[points, 1],
            s=marker_pt**2,
            marker=sty["marker"],
            c=sty["color"],
            edgecolors="white",
            linewidths=0.6,
            zorder=5,
            gid=gid,
        )
    if shapes.any():
        rest, color = projected[shapes], sty["color"]
        polys = _with_dimension(rest, 2)
        draw_shapes(ax, polys, gid=gid, facecolor=color, edgecolor=color, alpha=0.55, linewidth=0.8, zorder=4.5)
        draw_shapes(ax, _with_dimension(rest, 1), gid=gid, color=color, linewidth=1.8, zorder=4.5)


def _status_handle(status: str, count: int, as_marker: bool, marker_pt: float) -> Artist:
    """The legend entry of a status with its count: a marker, or a filled patch when every target is a shape."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    sty = STATUS_STYLE[status]
    label = f"{sty['label']} ({count})"
    if not as_marker:
        return Patch(facecolor=sty["color"], edgecolor=sty["color"], alpha=0.7, label=label)
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=sty["marker"],
        markersize=marker_pt,
        markerfacecolor=sty["color"],
        markeredgecolor="white",
        label=label,
    )


def draw_targets(ax: Axes, report: CoverageReport, projected: np.ndarray) -> DrawnLayer:
    """Targets by status, in fixed colours and marker shapes, with one legend entry per status and its count.

    "marginal" gets an entry only when a target can be marginal (a band,
    ``how="all"``/``"area"``, or any marginal target).
    """
    status = report.targets[STATUS].astype(str).to_numpy()
    is_point = _is_point(projected)
    xy = anchor_points(projected)
    counts = {IN: report.count, MARGINAL: report.marginal, OUT: report.total - report.count - report.marginal}
    may_be_marginal = report.reach_kind == "band" or report.how in ("all", "area") or report.marginal > 0
    marker_pt = target_marker_size(len(report.targets))
    as_marker = bool(is_point.any() or not len(projected))
    handles = []
    for st in STATUS_STYLE:
        rows = status == st
        _draw_status(ax, st, projected, xy, points=rows & is_point, shapes=rows & ~is_point, marker_pt=marker_pt)
        if (st == MARGINAL and not may_be_marginal) or report.total == 0:
            continue  # no entry for what cannot occur (a map of origins alone has no statuses)
        handles.append(_status_handle(st, counts[st], as_marker, marker_pt))
    return DrawnLayer(xy, is_point, marker_pt, handles)


def draw_origins(ax: Axes, report: CoverageReport, projected: np.ndarray) -> DrawnLayer:
    """Origins on top: black triangles, or outlined lines/polygons; one legend entry with their count."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    is_point = _is_point(projected)
    xy = anchor_points(projected)
    n = report.n_origins
    label = f"{report.nouns.of(n, 'origin')} ({n})"
    if is_point.any():
        ax.scatter(
            xy[is_point, 0],
            xy[is_point, 1],
            s=70,
            marker=ORIGIN_MARKER,
            c=ORIGIN_COLOR,
            edgecolors="white",
            linewidths=0.8,
            zorder=6,
            gid="rangecov:origins",
        )
    if (~is_point).any():
        others = projected[~is_point]
        polys, lines = _with_dimension(others, 2), _with_dimension(others, 1)
        gid = "rangecov:origins"
        draw_shapes(ax, polys, gid=gid, facecolor=ORIGIN_FILL, edgecolor=ORIGIN_COLOR, linewidth=1.3, zorder=6)
        draw_shapes(ax, lines, gid=gid, color=ORIGIN_COLOR, linewidth=1.8, zorder=6)
    if is_point.any() or not len(projected):
        handle: Artist = Line2D(
            [],
            [],
            linestyle="none",
            marker=ORIGIN_MARKER,
            markersize=ORIGIN_MARKER_PT,
            markerfacecolor=ORIGIN_COLOR,
            markeredgecolor="white",
            label=label,
        )
    else:
        handle = Patch(facecolor=ORIGIN_FILL, edgecolor=ORIGIN_COLOR, linewidth=1.3, label=label)
    return DrawnLayer(xy, is_point, ORIGIN_MARKER_PT, [handle])
