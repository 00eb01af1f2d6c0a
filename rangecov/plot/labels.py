"""Where the static map's texts go: labels beside their points, area names, and the legend.

The placement is greedy and cheap (a few candidate spots each, sizes
measured once), enough to keep a few dozen labels and the legend off each
other and off the data without extra packages. Functions take the Axes and
the caller's matplotlib modules; nothing here imports matplotlib.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from .style import AREA_LABEL, HALO

if TYPE_CHECKING:  # only for the annotations; matplotlib stays optional
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend
    from matplotlib.text import Annotation
    from matplotlib.typing import LegendLocType

# Where a label may sit around its point: (dx, dy) in points and the text's alignment.
_Spot = tuple[int, int, Literal["left", "center", "right"], Literal["bottom", "center", "top"]]
_LABEL_SPOTS: tuple[_Spot, ...] = (
    (4, 2, "left", "bottom"),
    (4, -2, "left", "top"),
    (-4, 2, "right", "bottom"),
    (-4, -2, "right", "top"),
    (6, 0, "left", "center"),
    (-6, 0, "right", "center"),
    (0, 5, "center", "bottom"),
    (0, -5, "center", "top"),
)
# How far (in points) an area name may move off its shape's centre, nearest first.
_AREA_NUDGES = (
    (0, 0),
    (0, 9),
    (0, -9),
    (14, 0),
    (-14, 0),
    (12, 9),
    (-12, -9),
    (12, -9),
    (-12, 9),
    (0, 17),
    (0, -17),
    (22, 0),
    (-22, 0),
)
# Legend positions inside the axes, in order of preference.
_LEGEND_SPOTS: tuple[LegendLocType, ...] = (
    "lower left",
    "upper right",
    "upper left",
    "lower right",
    "lower center",
    "upper center",
    "center left",
    "center right",
)


def label_texts(
    frame: gpd.GeoDataFrame | gpd.GeoSeries, labels: bool | str | None, argname: str, what: str, default_on: bool
) -> pd.Series | None:
    """The label text per row (index labels or a column), or None for no labels."""
    if labels is None:
        labels = default_on
    if labels is False:
        return None
    if labels is True:
        return pd.Series([str(v) for v in frame.index], index=frame.index)
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns = [c for c in getattr(frame, "columns", []) if c != geometry]
    try:
        found = labels in columns
    except TypeError:  # unhashable
        found = False
    if not found or not isinstance(frame, pd.DataFrame):  # a GeoSeries has no columns
        raise InputError(
            f"{argname}={labels!r} is not a column of the {what}; pass True (index labels), None or False "
            f"(no labels) or one of the columns: {', '.join(map(str, columns)) or '(none)'}"
        )
    return pd.Series(
        ["" if (v is None or (pd.api.types.is_scalar(v) and pd.isna(v))) else str(v) for v in frame[labels]],
        index=frame.index,
    )


def anchor_points(projected: np.ndarray) -> np.ndarray:
    """(x, y) per geometry: the point itself, else a point surely on the shape; NaN where missing."""
    out = np.full((len(projected), 2), np.nan)
    for i, g in enumerate(projected):
        if g is None or shapely.is_empty(g):
            continue
        p = g if g.geom_type == "Point" else shapely.point_on_surface(g)
        out[i] = (p.x, p.y)
    return out


def marker_boxes(ax: Axes, xy: np.ndarray, size_pt: float) -> np.ndarray:
    """Display-pixel boxes (n, 4) of markers ``size_pt`` points wide at data points ``xy``."""
    if len(xy) == 0:
        return np.empty((0, 4))
    ok = np.isfinite(xy).all(axis=1)
    pix = ax.transData.transform(xy[ok])
    r = size_pt * ax.figure.dpi / 72.0 / 2.0
    return np.column_stack([pix[:, 0] - r, pix[:, 1] - r, pix[:, 0] + r, pix[:, 1] + r])


def _spot_score(box: np.ndarray, w: float, h: float, *, placed: list, obstacles: np.ndarray, axbox) -> float:
    """How bad a w × h label box is: overlap with placed labels, markers it covers, the share outside the axes."""
    score = 0.0
    if placed:
        p = np.asarray(placed)
        ox = np.clip(np.minimum(box[2], p[:, 2]) - np.maximum(box[0], p[:, 0]), 0, None)
        oy = np.clip(np.minimum(box[3], p[:, 3]) - np.maximum(box[1], p[:, 1]), 0, None)
        score += 10.0 * float((ox * oy).sum()) / (w * h)
    if len(obstacles):
        ox = np.minimum(box[2], obstacles[:, 2]) > np.maximum(box[0], obstacles[:, 0])
        oy = np.minimum(box[3], obstacles[:, 3]) > np.maximum(box[1], obstacles[:, 1])
        score += 3.0 * float((ox & oy).sum())
    inside_w = max(0.0, min(box[2], axbox.x1) - max(box[0], axbox.x0))
    inside_h = max(0.0, min(box[3], axbox.y1) - max(box[1], axbox.y0))
    return score + 20.0 * (1.0 - inside_w * inside_h / (w * h))


def _collides(box: np.ndarray, placed: list, obstacles: np.ndarray) -> bool:
    """Whether a label box covers a label placed before it or a marker."""
    for others in (np.asarray(placed).reshape(-1, 4), obstacles):
        if (
            len(others)
            and (
                (np.minimum(box[2], others[:, 2]) > np.maximum(box[0], others[:, 0]))
                & (np.minimum(box[3], others[:, 3]) > np.maximum(box[1], others[:, 1]))
            ).any()
        ):
            return True
    return False


def _best_spot(
    px: float, py: float, w: float, h: float, px_per_pt: float, *, placed: list, obstacles, axbox
) -> tuple[_Spot, np.ndarray]:
    """The first of the spots around pixel (px, py) that scores lowest for a w × h label: (spot, box)."""
    best, best_score = None, math.inf
    for spot in _LABEL_SPOTS:
        sx, sy, sha, sva = spot
        left = px + sx * px_per_pt - {"left": 0.0, "center": w / 2, "right": w}[sha]
        bottom = py + sy * px_per_pt - {"bottom": 0.0, "center": h / 2, "top": h}[sva]
        box = np.array([left, bottom, left + w, bottom + h])
        score = _spot_score(box, w, h, placed=placed, obstacles=obstacles, axbox=axbox)
        if score < best_score - 1e-9:
            best, best_score = (spot, box), score
        if score == 0.0:
            break
    assert best is not None  # scores are finite: the first spot is below inf
    return best


def place_labels(ax: Axes, items: list[tuple], obstacles: np.ndarray, patheffects: ModuleType) -> list[Annotation]:
    """Annotate points, choosing for each the spot around it that overlaps least.

    ``items``: (x, y, text, style) in data coordinates, placed in order.
    ``obstacles``: (n, 4) display-pixel boxes (markers) to keep clear of.
    Greedy and cheap (eight candidate spots, sizes measured once per label).
    A label whose every spot would cover a label placed before it or a
    marker is left out: on a dense map the first labels stay readable rather
    than all of them piling up (measured against adjustText in the closing
    note of issue 16: this placement left no overlaps on the scenario map,
    adjustText 11 label-marker overlaps).
    """
    fig = ax.figure
    ax.apply_aspect()  # the data -> pixel transform is final only after this
    axbox = ax.bbox
    px_per_pt = fig.dpi / 72.0
    placed: list[np.ndarray] = []
    texts = []
    halo = [patheffects.withStroke(linewidth=2.4, foreground=HALO, alpha=0.9)]
    for x, y, text, style in items:
        if not text or not (np.isfinite(x) and np.isfinite(y)):
            continue
        dx, dy, ha, va = _LABEL_SPOTS[0]
        t = ax.annotate(
            text,
            (x, y),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            path_effects=halo,
            zorder=8,
            annotation_clip=False,
            **style,
        )
        ext = t.get_window_extent()
        w, h = ext.width + 2, ext.height + 2  # + the halo
        px, py = ax.transData.transform((x, y))
        (sx, sy, sha, sva), box = _best_spot(px, py, w, h, px_per_pt, placed=placed, obstacles=obstacles, axbox=axbox)
        if _collides(box, placed, obstacles):
            t.remove()
            continue
        t.xyann = (sx, sy)
        t.set_horizontalalignment(sha)
        t.set_verticalalignment(sva)
        placed.append(box)
        texts.append(t)
    return texts


def place_area_labels(
    ax: Axes, xy: np.ndarray, texts: pd.Series, view: tuple, *, obstacles: np.ndarray, patheffects: ModuleType
) -> None:
    """Centred, quiet labels for background shapes, nudged off markers and data labels or left out."""
    px_per_pt = ax.figure.dpi / 72.0
    halo = [patheffects.withStroke(linewidth=2, foreground=HALO, alpha=0.7)]
    boxes = [obstacles]
    for (x, y), text in zip(xy, texts):
        if not text or not np.isfinite(x) or not (view[0] <= x <= view[2] and view[1] <= y <= view[3]):
            continue
        t = ax.annotate(
            text,
            (x, y),
            xytext=(0, 0),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=7,
            color=AREA_LABEL,
            style="italic",
            zorder=2.5,
            path_effects=halo,
            gid="rangecov:background-label",
        )
        ext = t.get_window_extent()
        for dx, dy in _AREA_NUDGES:
            box = np.array(
                [ext.x0 + dx * px_per_pt, ext.y0 + dy * px_per_pt, ext.x1 + dx * px_per_pt, ext.y1 + dy * px_per_pt]
            )
            o = np.vstack(boxes)
            hit = (np.minimum(box[2], o[:, 2]) > np.maximum(box[0], o[:, 0])) & (
                np.minimum(box[3], o[:, 3]) > np.maximum(box[1], o[:, 1])
            )
            if not hit.any():
                t.xyann = (dx, dy)
                boxes.append(box[None, :])
                break
        else:
            t.remove()


def legend_obstacles(ax: Axes, points: np.ndarray, regions: list, shapes: list) -> tuple[np.ndarray, np.ndarray]:
    """What the legend should not cover, in display pixels: (data points, points along the reach edges).

    ``points``: marker positions in data coordinates (NaN where not drawn);
    ``regions``: the projected reach regions; ``shapes``: projected line and
    polygon targets, which count by their vertices. Long edges are thinned:
    a sample is enough to score a corner.
    """
    points = points[np.isfinite(points).all(axis=1)]
    points_px = ax.transData.transform(points) if len(points) else np.empty((0, 2))
    edges = [shapely.get_coordinates(shapely.boundary(g)) for g in regions if g is not None]
    edge = np.concatenate(edges) if edges else np.empty((0, 2))
    if len(edge) > 4000:
        edge = edge[:: len(edge) // 4000 + 1]
    edge_px = ax.transData.transform(edge) if len(edge) else np.empty((0, 2))
    if shapes:
        pts = np.concatenate([shapely.get_coordinates(g) for g in shapes])
        points_px = np.vstack([points_px, ax.transData.transform(pts[:: max(1, len(pts) // 2000)])])
    return points_px, edge_px


def _legend_score(box, points_px: np.ndarray, label_boxes: list, edge_px: np.ndarray) -> float:
    """How much a legend box (with 4 px to spare) hides: data points, labels, and the share of reach edge."""
    x0, y0, x1, y1 = box.x0 - 4, box.y0 - 4, box.x1 + 4, box.y1 + 4
    score = 0.0
    if len(points_px):
        score += 10.0 * float(
            ((points_px[:, 0] > x0) & (points_px[:, 0] < x1) & (points_px[:, 1] > y0) & (points_px[:, 1] < y1)).sum()
        )
    for tb in label_boxes:
        if tb.x1 > x0 and tb.x0 < x1 and tb.y1 > y0 and tb.y0 < y1:
            score += 5.0
    if len(edge_px):
        score += 8.0 * float(
            ((edge_px[:, 0] > x0) & (edge_px[:, 0] < x1) & (edge_px[:, 1] > y0) & (edge_px[:, 1] < y1)).mean()
        )
    return score


def place_legend(
    ax: Axes, handles: list, *, points_px: np.ndarray, label_boxes: list, edge_px: np.ndarray, options: dict
) -> Legend:
    """Put the legend in the inside corner (or edge middle) that covers no data, else outside on the right."""
    style: dict[str, Any] = {"fontsize": 8, "framealpha": 0.92, "borderpad": 0.6, "handletextpad": 0.6}
    style.update(options)
    if "loc" in options or "bbox_to_anchor" in options:
        return ax.legend(handles=handles, **style)
    best: LegendLocType | None = None
    best_score = math.inf
    for loc in _LEGEND_SPOTS:
        leg = ax.legend(handles=handles, loc=loc, **style)
        score = _legend_score(leg.get_window_extent(), points_px, label_boxes, edge_px)
        if score < best_score:
            best, best_score = loc, score
        if score == 0.0:
            break
    if best_score > 0.0:
        # Every corner would hide data: keep the map clear, legend beside it.
        return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **style)
    return ax.legend(handles=handles, loc=best, **style)
