"""The static map of a coverage report (matplotlib): :func:`plot_report`.

The map is decided first, without matplotlib (projection, window, view: see
:mod:`rangecov.plot.projection`), then drawn bottom to top: base map,
reach region, targets, origins, labels, legend.
"""

from __future__ import annotations

import math
import numbers
import os
import textwrap
from types import ModuleType
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..datasets import world_countries
from ..errors import InputError, InputTypeError, MissingCRSError
from ..regions.buffering import reach_regions
from .backend import import_matplotlib, import_scalebar, new_axes, scalebar_available
from .labels import (
    anchor_points,
    label_texts,
    legend_obstacles,
    marker_boxes,
    place_area_labels,
    place_labels,
    place_legend,
)
from .layers import DrawnLayer, draw_origins, draw_reach, draw_shapes, draw_targets
from .layout import MapLayout, map_layout
from .projection import lonlat_values, wrap_lon
from .style import BACKGROUND_EDGE, GRATICULE, LAND_EDGE, LAND_FACE, NOTE_TEXT, ORIGIN_COLOR, SPHERE_EDGE, TARGET_LABEL

if TYPE_CHECKING:  # only for the annotations; matplotlib stays optional
    from matplotlib.axes import Axes
    from matplotlib.text import Annotation

    from ..results.report import CoverageReport

__all__ = ["plot_report"]


def plot_report(
    report: CoverageReport,
    ax: Axes | None = None,
    *,
    crs: Any = None,
    labels: bool | str | None = None,
    origin_labels: bool | str | None = None,
    background: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    background_labels: str | None = None,
    countries: bool = True,
    legend: bool | dict = True,
    title: bool | str = True,
    tolerance: Any = None,
    figsize: tuple[float, float] = (9, 8),
    scalebar: bool | None = None,
    graticule: bool | float = False,
) -> Axes:
    """Map of a coverage report: reach region, origins and targets coloured by status.

    Parameters
    ----------
    report : CoverageReport
        From :func:`rangecov.coverage`. Not modified.
    ax : matplotlib Axes, optional
        Where to draw; a new figure of ``figsize`` when omitted.
    crs : CRS-like, optional
        The map projection (anything :class:`pyproj.CRS` reads, e.g.
        ``"EPSG:4326"`` for plain lon/lat). Default: one that keeps reach
        rings round — azimuthal equidistant centred on the data when it spans
        less than 100° of longitude and latitude and holds no pole; azimuthal
        equidistant on the pole when everything is poleward of 45°; Equal
        Earth (EPSG:8857) otherwise.
    labels : bool or column name, optional
        Label targets: ``True`` with their index labels, a column name with
        that column's values (empty or missing values are not drawn).
        Default: no labels. Each label takes the spot around its point that
        covers least; one that would cover another label or a marker
        wherever it went is left out, so a dense map shows the labels it
        has room for (origins first, then targets in their order).
    origin_labels : bool or column name, optional
        Label origins likewise. Default: with their index labels when there
        are at most 15 origins.
    background : GeoDataFrame, GeoSeries or file path, optional
        Extra outlines drawn under the data as thin dark lines (polygons by
        their boundary), e.g. the regions of a scenario. Any CRS.
    background_labels : column name, optional
        A column of ``background`` to write inside each shape (small, grey).
    countries : bool, default True
        Draw the Natural Earth countries (bundled) as the base map.
    legend : bool or dict, default True
        Show the legend (a dict is passed on to ``Axes.legend``). It goes to
        the inside corner that hides the least data, or beside the map.
    title : bool or str, default True
        ``True`` for the report's headline (``repr(report)``), or a title.
    tolerance : distance, optional
        How closely the reach region is drawn (see :func:`rangecov.buffer`);
        default 10 m or 1% of the smallest reach (at least 1 mm).
    figsize : (float, float), default (9, 8)
        Size of a new figure, in inches.
    scalebar : bool or None, default None
        A scale bar (matplotlib-scalebar, in the ``plot`` extra) on the maps
        rangecov projects (azimuthal equidistant, regional or polar; not a
        caller's ``crs=``): true along lines through the map's centre
        (along meridians for a polar map), and within 4% elsewhere on a view
        up to 3,000 km from it. World maps (Equal Earth) and lon/lat maps get
        none. ``None``: when matplotlib-scalebar is installed; ``True``
        insists (an error says how to install it).
    graticule : bool or float, default False
        Meridians and parallels, drawn as they run in the map's projection:
        ``True`` every 1, 2, 5, 10, 15 or 30 degrees (about six lines across
        the view), or a number of degrees.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        For a ``labels``/``origin_labels``/``background_labels`` column that
        does not exist (the message lists the columns) or an unknown ``crs``.
    ImportError
        Without matplotlib (``pip install "rangecov[plot]"``).

    Notes
    -----
    Layers, bottom to top: countries, ``background``, the reach region
    (translucent fill; for a ``(low, high)`` band the high region as a dashed
    outline), targets by status (in: red circles, marginal: orange diamonds,
    out: blue squares; lines and polygons filled or stroked in the same
    colours), origins (black triangles; lines and polygons outlined in
    black), labels. The legend has one entry per status with its count
    ("marginal" only when a status can be marginal). The view is the extent
    of targets, origins and reach region plus 6%.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from rangecov import coverage, datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> ax = coverage(s.launch_sites, s.airfields, s.reach).plot(labels=True)
    >>> ax.get_title()
    '5 of 17 targets (29.4%) within 190 mi (305.8 km) of 7 origins'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    patheffects = import_matplotlib()
    # Validate everything cheap before drawing anything.
    origins = report.input_origins
    target_text = label_texts(report.targets, labels, "labels", "targets", False)
    origin_frame = origins if isinstance(origins, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=origins)
    origin_text = label_texts(origin_frame, origin_labels, "origin_labels", "origins", len(origins) <= 15)
    bg_values, bg_text = _read_background(background, background_labels, report.ellipsoid)
    if not isinstance(legend, (bool, dict)):
        raise InputTypeError(f"legend must be True, False or a dict of Axes.legend options, got {legend!r}")
    layout = _layout(report, crs, tolerance)

    ax = new_axes(ax, figsize)
    _set_view(ax, layout)
    if scalebar is not None and not isinstance(scalebar, bool):
        raise InputTypeError(f"scalebar must be True, False or None, got {scalebar!r}")
    step = _graticule_step(graticule, layout)
    bg_map = _draw_base_map(ax, layout, countries, bg_values)
    if step is not None:
        _draw_graticule(ax, layout, step)
    handles = draw_reach(ax, report, layout.regions)
    target_layer = draw_targets(ax, report, layout.targets)
    origin_layer = draw_origins(ax, report, layout.origins)
    handles += target_layer.handles + origin_layer.handles
    texts, obstacles = _draw_labels(
        ax, target_layer, origin_layer, target_text=target_text, origin_text=origin_text, patheffects=patheffects
    )
    if bg_map is not None and bg_text is not None:
        # Area names last: they yield to the data, moving a little or, if
        # every spot near their shape is taken, staying out.
        # The reach edge counts too: a name on the ring reads as a label of the ring.
        regions = [g for v in layout.regions.values() for g in v]
        _, edge_px = legend_obstacles(ax, np.empty((0, 2)), regions, [])
        edge_boxes = np.hstack([edge_px - _EDGE_CLEARANCE_PX, edge_px + _EDGE_CLEARANCE_PX])
        # Data labels get a margin: an area name right under an airfield's reads as one label.
        text_boxes = _text_boxes(texts) + np.array([-_LABEL_CLEARANCE_PX] * 2 + [_LABEL_CLEARANCE_PX] * 2)
        taken = np.vstack([obstacles, text_boxes, edge_boxes])
        place_area_labels(ax, anchor_points(bg_map), bg_text, layout.view, obstacles=taken, patheffects=patheffects)
    _draw_axes(ax, layout, report, countries)
    _set_title(ax, report, title)
    if legend is not False:
        options = legend if isinstance(legend, dict) else {}
        _draw_legend(ax, handles, layout, target_layer, origin_layer, texts=texts, options=options)
    if scalebar is not False and _metres_kept(layout) and (scalebar or scalebar_available()):
        # After the legend, in a lower corner it left free.
        ScaleBar = import_scalebar()
        ax.add_artist(
            ScaleBar(
                1.0, "m", location=_free_lower_corner(ax), box_alpha=0.7, frameon=True, font_properties={"size": 7}
            )
        )
    return ax


def save_map(report: CoverageReport, path, *, dpi: int = 150, figsize: tuple[float, float] = (9, 8), **options):
    """Draw :func:`plot_report` on a figure of its own and save it (PNG, SVG, PDF: by the extension).

    The figure uses the Agg renderer: no display is needed, and pyplot's
    state (a notebook's figures) is left alone. ``options`` go to
    :func:`plot_report`. Returns the path written (a :class:`pathlib.Path`).
    """
    from pathlib import Path

    import_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)  # attaches itself to the figure
    try:
        plot_report(report, ax=fig.add_subplot(), **options)
        path = Path(path)
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
    finally:
        fig.clear()
    return path


def _read_background(background, background_labels, ell) -> tuple[np.ndarray | None, pd.Series | None]:
    """``background`` as a lon/lat shapely array and its label texts (None, None without one); checked.

    Its shapes are drawn as rangecov reads a target (edges are geodesics, the short way round, cut at
    ±180°), so that a box from 172°E to 178°W is the 10° box it is as a target, not a band round the
    world; missing and empty shapes stay None (nothing drawn).
    """
    if background is None:
        if background_labels is not None:
            raise InputError("background_labels needs background=")
        return None, None
    if isinstance(background, (str, os.PathLike)):
        from ..io import read  # a file, read as rangecov reads any (its CRS); its columns kept as columns

        background = read(background, names=None)
    if not isinstance(background, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise InputTypeError(
            f"background must be a GeoDataFrame, a GeoSeries or a file path, got {type(background).__name__}"
        )
    if background.crs is None:
        raise MissingCRSError("background has no CRS; set one, e.g. background.set_crs('EPSG:4326')")
    frame = background if isinstance(background, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=background)
    texts = label_texts(frame, background_labels, "background_labels", "background", False)
    geoms = background.geometry if isinstance(background, gpd.GeoDataFrame) else background
    present = np.asarray(~(geoms.isna() | geoms.is_empty))
    values = np.full(len(geoms), None, dtype=object)
    if present.any():
        # types-geopandas types a GeoSeries indexed by a mask as a Series; pandas gives a GeoSeries.
        values[present] = lonlat_values(geoms[present], "background", ell)  # type: ignore[arg-type]
    return values, texts


def _layout(report: CoverageReport, crs, tolerance) -> MapLayout:
    """Targets, origins and reach regions projected for the map."""
    # Everything in lon/lat first: that is where the cut at ±180° is handled.
    t_ll = lonlat_values(report.targets, "targets", report.ellipsoid)
    o_ll = lonlat_values(report.input_origins, "origins", report.ellipsoid)
    regions = reach_regions(report, tolerance)
    r_ll = {str(name): np.asarray([g], dtype=object) for name, g in regions.geometry.items() if not g.is_empty}
    return map_layout(t_ll, o_ll, r_ll, crs)


def _set_view(ax: Axes, layout: MapLayout) -> None:
    view = layout.view
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    if layout.geographic:
        # Degrees of longitude shrink with cos(latitude); same convention as geopandas.
        mid_lat = (view[1] + view[3]) / 2.0
        ax.set_aspect(1.0 / max(math.cos(math.radians(max(min(mid_lat, 89.0), -89.0))), 1e-3))
    else:
        ax.set_aspect("equal")


def _draw_base_map(ax: Axes, layout: MapLayout, countries: bool, bg_values: np.ndarray | None) -> np.ndarray | None:
    """The Earth's outline (whole-world views), countries and the caller's background; the projected background.

    Backgrounds are clipped in lon/lat to a box around the view before
    projecting, and to the view after.
    """
    if layout.whole_world and not layout.geographic:
        style = {"facecolor": "white", "edgecolor": SPHERE_EDGE, "linewidth": 0.6, "zorder": 0.5}
        draw_shapes(ax, layout.sphere(), gid="rangecov:sphere", **style)
    if countries:
        land = layout.project_in_box(np.asarray(world_countries().geometry.values, dtype=object))
        if layout.kind == "polar":
            # The cut meridian runs from the pole across the map: countries on it come back in two pieces.
            land = layout.join_seams(land)
        style = {"facecolor": LAND_FACE, "edgecolor": LAND_EDGE, "linewidth": 0.4, "zorder": 1}
        draw_shapes(ax, layout.clip_to_view(land), gid="rangecov:countries", **style)
    if bg_values is None:
        return None
    bg_map = layout.project_in_box(bg_values)
    # Outlines only (polygons by their boundary): the data stays visible under them.
    bg_lines = np.asarray(
        [None if g is None else (g.boundary if shapely.get_dimensions(g) == 2 else g) for g in bg_map], dtype=object
    )
    style = {"color": BACKGROUND_EDGE, "linewidth": 0.6, "zorder": 2}
    draw_shapes(ax, layout.clip_to_view(bg_lines), gid="rangecov:background", **style)
    return bg_map


def _draw_labels(
    ax: Axes,
    targets: DrawnLayer,
    origins: DrawnLayer,
    *,
    target_text: pd.Series | None,
    origin_text: pd.Series | None,
    patheffects: ModuleType,
) -> tuple[list[Annotation], np.ndarray]:
    """Origin then target labels, placed around their points so they do not pile up; (texts, marker boxes)."""
    ax.apply_aspect()
    obstacles = np.vstack(
        [
            marker_boxes(ax, targets.xy[targets.is_point], targets.marker_pt + 1),
            marker_boxes(ax, origins.xy[origins.is_point], origins.marker_pt + 1),
        ]
    )
    items = []
    if origin_text is not None:
        style = {"fontsize": 7.5, "fontweight": "bold", "color": ORIGIN_COLOR}
        items += [(x, y, text, style) for (x, y), text in zip(origins.xy, origin_text)]
    if target_text is not None:
        style = {"fontsize": 7.0 if len(target_text) <= 60 else 6.0, "color": TARGET_LABEL}
        items += [(x, y, text, style) for (x, y), text in zip(targets.xy, target_text)]
    return place_labels(ax, items, obstacles, patheffects), obstacles


def _free_lower_corner(ax: Axes) -> str:
    """ "lower right", unless the legend sits in that corner of the axes: then "lower left"."""
    legend = ax.get_legend()
    if legend is None:
        return "lower right"
    box, axes = legend.get_window_extent(), ax.get_window_extent()
    in_right_half = (box.x0 + box.x1) / 2 > (axes.x0 + axes.x1) / 2 and box.x0 < axes.x1
    in_lower_half = (box.y0 + box.y1) / 2 < (axes.y0 + axes.y1) / 2
    return "lower left" if in_right_half and in_lower_half else "lower right"


def _metres_kept(layout: MapLayout) -> bool:
    """Whether a scale bar tells the truth on this map: projected in metres, distances kept from the centre."""
    if layout.geographic or layout.kind == "world":
        return False
    # Only the projections rangecov chooses keep distances from the centre; a caller's crs= (Web
    # Mercator, say) may stretch them by any factor, so it gets no bar.
    unit = layout.crs.axis_info[0].unit_name if layout.crs.axis_info else ""
    return unit in ("metre", "meter") and layout.kind in ("aeqd", "polar")


_GRATICULE_STEPS = (1.0, 2.0, 5.0, 10.0, 15.0, 30.0)


def _graticule_step(graticule, layout: MapLayout) -> float | None:
    """``graticule=`` as a spacing in degrees (None: no graticule), checked."""
    if graticule is False or graticule is None:
        return None
    if graticule is True:
        box = layout.box if layout.box is not None else (-180.0, -90.0, 180.0, 90.0)
        span = max(box[2] - box[0], box[3] - box[1])
        return next((s for s in _GRATICULE_STEPS if span / s <= 8), 30.0)
    if isinstance(graticule, numbers.Real) and math.isfinite(graticule) and 0 < float(graticule) <= 90:
        return float(graticule)
    raise InputError(f"graticule must be True, False or a spacing in degrees in (0, 90], got {graticule!r}")


def _draw_graticule(ax: Axes, layout: MapLayout, step: float) -> None:
    """Meridians and parallels every ``step`` degrees, densified so that they curve as the projection curves them."""
    lons = np.arange(-180.0, 180.0, step)
    lats = np.arange(-90.0 + step, 90.0, step)
    lats = lats[np.abs(lats) < 90.0]
    fine = np.linspace(-90.0, 90.0, 361)
    along = np.linspace(-180.0, 180.0, 721)
    lines = [shapely.LineString(np.column_stack([np.full_like(fine, lon), fine])) for lon in lons]
    lines += [shapely.LineString(np.column_stack([along, np.full_like(along, lat)])) for lat in lats]
    drawn = layout.clip_to_view(layout.project_in_box(np.asarray(lines, dtype=object)))
    draw_shapes(ax, drawn, gid="rangecov:graticule", color=GRATICULE, linewidth=0.4, zorder=1.5)


# Pixels an area label keeps from the reach edge and from data labels.
_EDGE_CLEARANCE_PX = 2.0
_LABEL_CLEARANCE_PX = 3.0


def _text_boxes(texts: list[Annotation]) -> np.ndarray:
    """Display-pixel boxes (n, 4) of placed texts."""
    return np.asarray([[b.x0, b.y0, b.x1, b.y1] for b in (t.get_window_extent() for t in texts)]).reshape(-1, 4)


def _lon_tick(x: float, _pos=None) -> str:
    x = float(wrap_lon(x, 0.0))
    return "180°" if abs(abs(x) - 180.0) < 1e-9 else f"{abs(x):g}°{'E' if x > 0 else 'W' if x < 0 else ''}"


def _lat_tick(y: float, _pos=None) -> str:
    return f"{abs(y):g}°{'N' if y > 0 else 'S' if y < 0 else ''}"


def _draw_axes(ax: Axes, layout: MapLayout, report: CoverageReport, countries: bool) -> None:
    """Ticks (degrees only, wrapped, with E/W and N/S; none in projected metres) and the corner note."""
    if layout.geographic:
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(_lon_tick))
        ax.yaxis.set_major_formatter(FuncFormatter(_lat_tick))
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        if layout.whole_world:
            # The Earth's outline is the frame of a world map.
            for spine in ax.spines.values():
                spine.set_visible(False)
    note = f"Geodesic reach on {report.ellipsoid.name}" + (" · background: Natural Earth" if countries else "")
    ax.annotate(
        note,
        xy=(1.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -24 if layout.geographic else -3),  # below the tick labels, when there are any
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=6.5,
        color=NOTE_TEXT,
    )


def _set_title(ax: Axes, report: CoverageReport, title: bool | str) -> None:
    if title is True:
        ax.set_title(textwrap.fill(repr(report), 80), fontsize=11)
    elif isinstance(title, str):
        ax.set_title(title, fontsize=11)
    elif title is not False and title is not None:
        raise InputTypeError(f"title must be True (the headline), False or a string, got {title!r}")


def _draw_legend(
    ax: Axes,
    handles: list,
    layout: MapLayout,
    targets: DrawnLayer,
    origins: DrawnLayer,
    *,
    texts: list[Annotation],
    options: dict,
) -> None:
    """The legend where it hides least: markers, line/polygon targets, labels and reach edges all count."""
    if len(targets.xy) or len(origins.xy):
        points = np.vstack([targets.xy[targets.is_point], origins.xy[origins.is_point]])
    else:
        points = np.empty((0, 2))
    regions = [g for v in layout.regions.values() for g in v]
    shapes = [g for g in layout.targets[~targets.is_point] if g is not None]
    points_px, edge_px = legend_obstacles(ax, points, regions, shapes)
    place_legend(
        ax,
        handles,
        points_px=points_px,
        label_boxes=[t.get_window_extent() for t in texts],
        edge_px=edge_px,
        options=options,
    )
