"""Colours, marker styles and the names of the reach regions, shared by the maps and the curve.

Status colours are fixed (ColorBrewer RdYlBu ends): red "in" against blue
"out" stays apart for the common colour-vision deficiencies, and each status
also has its own marker shape so the map reads in greyscale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base.schema import IN, MARGINAL, OUT, format_distance

if TYPE_CHECKING:
    from ..results.report import CoverageReport

STATUS_STYLE = {
    IN: {"color": "#d7301f", "marker": "o", "label": "in reach"},
    MARGINAL: {"color": "#fdae61", "marker": "D", "label": MARGINAL},
    OUT: {"color": "#4575b4", "marker": "s", "label": "out of reach"},
}
# White rims vanish against the light orange of "marginal" on a web map's tiles: a dark rim instead.
MARGINAL_RIM = "#7f4f00"

REACH_FILL = "#d7301f"
REACH_EDGE = "#a50f15"
REACH_ALPHA = 0.13  # the reach region's fill: translucent, so the base map shows through
REACH_LEGEND_FACE = (0.843, 0.188, 0.122, REACH_ALPHA)  # REACH_FILL as filled on the map, for its legend entry
HIGH_DASH = (0, (4, 3))  # the high region of a band: an outline only, dashed

ORIGIN_COLOR = "#111111"
ORIGIN_MARKER = "^"
ORIGIN_MARKER_PT = 8.0  # legend marker size, in points; the map's triangles are as large (s=70)
ORIGIN_FILL = (0, 0, 0, 0.08)  # line/polygon origins: a faint fill inside the black outline

LAND_FACE = "#efefeb"
LAND_EDGE = "#b5b5b0"
WEB_LAND_EDGE = "#8c8c8c"  # borders on the interactive map, darker to show on top of tiles
SPHERE_EDGE = "#9a9a9a"
BACKGROUND_EDGE = "#6b6b6b"
GRATICULE = "#b8b8b8"  # meridians and parallels: quieter than any outline
HALO = "white"

TARGET_LABEL = "#222222"
AREA_LABEL = "#808080"  # names of background shapes: quieter than the data's labels
NOTE_TEXT = "#707070"  # corner notes and "no targets"-style messages

CURVE_LINE = "#253494"
CURVE_GUIDE = "#636363"  # the required-reach marks
CURVE_GRID = "#e4e4e4"
CURVE_TEXT = "#404040"


def target_marker_size(n_targets: int) -> float:
    """Target marker size in points: smaller for many targets, so they overlap less."""
    return 6.0 if n_targets <= 100 else 4.5


def reach_label(report: CoverageReport, *, high: bool = False, layer: bool = False) -> str:
    """The name of a reach region: its static map legend entry, or (``layer=True``) its interactive map layer.

    Parameters
    ----------
    report : CoverageReport
        The report whose reach is named.
    high : bool, default False
        Name a band's high region instead of its (low) reach region.
    layer : bool, default False
        The interactive map's layer name (capitalised, as Leaflet's layer
        control lists it). For a reach per origin a layer is named by the
        report's reach ("Reach: per-origin reach (column 'r')"), a legend
        entry says "reach (each origin's own)".

    Returns
    -------
    str

    Examples
    --------
    >>> from rangecov import coverage, datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> report = coverage(s.launch_sites, s.airfields, s.reach)
    >>> reach_label(report), reach_label(report, layer=True)
    ('reach: 190 mi (305.8 km)', 'Reach: 190 mi (305.8 km)')
    >>> band = coverage(s.launch_sites, s.airfields, ("150 km", "350 km"))
    >>> reach_label(band), reach_label(band, high=True, layer=True)
    ('reach (low): 150 km', 'Reach (high): 350 km')
    """
    spec = report.reach_spec
    title = "Reach" if layer else "reach"
    if report.reach_kind != "band":
        if layer or (spec.low.size and spec.uniform):
            return f"{title}: {report.reach}"
        return f"{title} (each origin's own)"
    name = f"{title} ({'high' if high else 'low'})"
    metres = spec.high if high else spec.low
    # A band is one (low, high) pair for every origin; without origins there is no distance to show.
    return f"{name}: {format_distance(metres[0])}" if metres.size else name
