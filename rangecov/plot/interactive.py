"""The interactive map of a coverage report (folium / Leaflet): :func:`explore_report`.

Built offline from plain GeoJSON layers; folium is imported when called.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..base.schema import DISTANCE_M, MARGIN_M, MARGINAL, NEAREST_ORIGIN, STATUS, format_distance
from ..datasets import world_countries
from ..errors import InputTypeError
from ..regions.buffering import reach_regions
from .backend import import_folium
from .projection import WGS84, bounds, lonlat_values
from .style import (
    LAND_FACE,
    MARGINAL_RIM,
    ORIGIN_COLOR,
    REACH_EDGE,
    REACH_FILL,
    STATUS_STYLE,
    WEB_LAND_EDGE,
    reach_label,
)

if TYPE_CHECKING:  # only for the annotations; folium stays optional
    import folium

    from ..results.report import CoverageReport

__all__ = ["explore_report"]


def _feature_collection(frame: gpd.GeoDataFrame) -> dict:
    """GeoJSON (a dict of plain JSON types) of a lon/lat frame of strings and floats."""
    return json.loads(frame.to_json(na="null", show_bbox=False, drop_id=True))


def _km(metres: float, signed: bool = False) -> str:
    """A distance as tooltip text ("none" when missing, "unreachable" when infinite); ``signed`` adds + or −."""
    if metres is None or not np.isfinite(metres):
        return "none" if metres is None or np.isnan(metres) else "unreachable"
    text = format_distance(abs(float(metres)))
    return ("+" if metres >= 0 else "−") + text if signed else text


def _text(value) -> str:
    """A cell as tooltip text: missing values (None, NaN, pd.NA) as empty."""
    return "" if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else str(value)


def _feature_style(fill: str, stroke: str):
    """Leaflet style per feature: points as filled circles with a white rim, lines/polygons in colour."""

    def style(feature: dict) -> dict:
        kind = (feature.get("geometry") or {}).get("type", "")
        if kind.endswith("Point"):
            return {"color": "white" if stroke == fill else stroke, "weight": 1, "fillColor": fill, "fillOpacity": 0.9}
        return {"color": stroke, "weight": 2, "fillColor": fill, "fillOpacity": 0.35}

    return style


def explore_report(
    report: CoverageReport,
    *,
    m: folium.Map | None = None,
    tiles: Any = "OpenStreetMap",
    tolerance: Any = None,
    countries: bool = True,
    **kwargs,
) -> folium.Map:
    """Interactive map of a coverage report (folium / Leaflet), built offline.

    Layers, each named and switchable in a layer control: the Natural Earth
    countries (a light vector base map that works without a network), the
    reach region (and for a band the high region, dashed), the origins, and
    the targets, one layer per status, in the fixed status colours. Hovering
    a target shows its name (index label, and ``name`` column if any), the
    distance to the nearest origin, the margin (positive inside reach), the
    nearest origin and the status.

    Parameters
    ----------
    report : CoverageReport
        From :func:`rangecov.coverage`. Not modified.
    m : folium.Map, optional
        Add the layers to this map instead of a new one.
    tiles : str or None, default "OpenStreetMap"
        Tile layer of a new map (any name folium accepts, or a URL
        template). Tiles are fetched by the browser when the map is *viewed*;
        building and saving the map never touches the network. ``None``
        gives a map without tiles, fully offline, on the countries layer.
    tolerance : distance, optional
        How closely the reach region is drawn (see :func:`rangecov.buffer`).
    countries : bool, default True
        Add the Natural Earth countries layer.
    **kwargs
        Passed to :class:`folium.Map` for a new map (e.g. ``width``,
        ``height``, ``zoom_start``).

    Returns
    -------
    folium.Map
        Fitted to the targets, origins and reach region. Save it with
        ``m.save("map.html")``.

    Notes
    -----
    Built with folium directly rather than ``GeoDataFrame.explore``, which
    needs the extra package mapclassify; only strings and numbers go into
    the GeoJSON, so categorical, object or missing values in the caller's
    columns cannot break it.

    Examples
    --------
    >>> from rangecov import coverage, datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> m = coverage(s.launch_sites, s.airfields, s.reach).explore(tiles=None)
    >>> "Kursk-Khalino" in m.get_root().render()
    True
    """
    folium = import_folium()
    if m is not None and kwargs:
        raise InputTypeError(
            f"explore_report: {', '.join(kwargs)} configure a new map; they cannot apply to the given m="
        )

    t_ll = gpd.GeoSeries(lonlat_values(report.targets, "targets", report.ellipsoid), crs=WGS84)
    o_ll = gpd.GeoSeries(lonlat_values(report.input_origins, "origins", report.ellipsoid), crs=WGS84)
    regions = reach_regions(report, tolerance)

    if m is None:
        m = folium.Map(tiles=tiles, control_scale=True, **kwargs)
    if countries:
        _add_countries(folium, m)
    _add_reach(folium, m, report, regions)
    if len(report.input_origins):
        _add_origins(folium, m, report, o_ll)
    _add_targets(folium, m, report.targets, t_ll)

    box = bounds([*t_ll.values, *o_ll.values, *(g for g in regions.geometry if not g.is_empty)])
    if box is not None:
        m.fit_bounds([[box[1], box[0]], [box[3], box[2]]])
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _add_countries(folium: ModuleType, m: folium.Map) -> None:
    """The Natural Earth countries: a light vector base map that needs no network, named on hover."""
    land = world_countries()
    land = gpd.GeoDataFrame({"country": land["name"].astype(str).to_numpy()}, geometry=land.geometry.values, crs=WGS84)
    style = {"fillColor": LAND_FACE, "color": WEB_LAND_EDGE, "weight": 0.6, "fillOpacity": 0.25}
    folium.GeoJson(
        _feature_collection(land),
        name="Countries (Natural Earth)",
        style_function=lambda f: style,
        tooltip=folium.GeoJsonTooltip(["country"], labels=False),
        highlight_function=None,
    ).add_to(m)


def _add_reach(folium: ModuleType, m: folium.Map, report: CoverageReport, regions: gpd.GeoDataFrame) -> None:
    """One layer per reach region: the reach filled, a band's high region as a dashed outline."""
    for name, geom in regions.geometry.items():
        if geom.is_empty:
            continue
        high = name == "high"
        layer = reach_label(report, high=high, layer=True)
        frame = gpd.GeoDataFrame({"region": [layer]}, geometry=[geom], crs=WGS84)
        style = {
            "fillColor": REACH_FILL,
            "color": REACH_EDGE,
            "weight": 1.5,
            "fillOpacity": 0.0 if high else 0.15,
            "dashArray": "6 4" if high else None,
        }
        folium.GeoJson(
            _feature_collection(frame),
            name=layer,
            style_function=lambda f, s=style: s,
            tooltip=folium.GeoJsonTooltip(["region"], labels=False),
        ).add_to(m)


def _add_origins(folium: ModuleType, m: folium.Map, report: CoverageReport, o_ll: gpd.GeoSeries) -> None:
    """The origins, with their label and reach on hover."""
    origins = report.input_origins
    spec = report.reach_spec
    low = spec.low if spec.low.size == len(origins) else np.full(len(origins), np.nan)
    frame = gpd.GeoDataFrame(
        {"origin": [str(v) for v in origins.index], "reach": [_km(v) for v in low]},
        geometry=o_ll.values,
        crs=WGS84,
    )
    folium.GeoJson(
        _feature_collection(frame),
        name=f"Origins ({len(origins)})",
        style_function=_feature_style(ORIGIN_COLOR, ORIGIN_COLOR),
        marker=folium.CircleMarker(radius=7),
        tooltip=folium.GeoJsonTooltip(["origin", "reach"]),
    ).add_to(m)


def _add_targets(folium: ModuleType, m: folium.Map, targets: gpd.GeoDataFrame, t_ll: gpd.GeoSeries) -> None:
    """The targets, one layer per status (so each can be switched off), with their distances on hover.

    Only strings go into the GeoJSON, so categorical, object or missing
    values in the caller's columns cannot break it.
    """
    status = targets[STATUS].astype(str).to_numpy()
    fields = {
        "target": [str(v) for v in targets.index],
        **({"name": [_text(v) for v in targets["name"]]} if "name" in targets.columns else {}),
        "distance": [_km(v) for v in targets[DISTANCE_M].to_numpy(dtype=float)],
        "margin": [_km(v, signed=True) for v in targets[MARGIN_M].to_numpy(dtype=float)],
        NEAREST_ORIGIN: [_text(v) for v in targets[NEAREST_ORIGIN]],
        STATUS: list(status),
    }
    table = gpd.GeoDataFrame(fields, geometry=t_ll.values, crs=WGS84)
    for st, sty in STATUS_STYLE.items():
        rows = status == st
        if not rows.any():
            continue
        folium.GeoJson(
            _feature_collection(table[rows]),
            name=f"Targets {sty['label']} ({int(rows.sum())})",
            style_function=_feature_style(sty["color"], MARGINAL_RIM if st == MARGINAL else sty["color"]),
            marker=folium.CircleMarker(radius=6),
            tooltip=folium.GeoJsonTooltip(list(fields)),
        ).add_to(m)
