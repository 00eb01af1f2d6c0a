"""Pictures of a coverage report: a static map, an interactive map and the reach curve.

matplotlib (static map, curve) and folium (interactive map) are optional
dependencies, imported when a function is called: ``pip install "rangecov[plot]"``.

The static map is drawn in a projection that keeps reach rings round: an
azimuthal equidistant projection centred on the data for a regional view
(distances from the centre are true, and a ring a few hundred kilometres
across is round to a fraction of a percent), a polar one when everything
lies around a pole, and Equal Earth for a world view. Geometry arrives in
longitude/latitude cut at ±180°; it is moved into the longitude window of
the projection (its central meridian ± 180°) and joined there before
projecting, so nothing is smeared across the map.

Usually called through the report: ``report.plot()``, ``report.explore()``,
``report.plot_curve()``.
"""

from __future__ import annotations

import numbers

import json
import math
import textwrap
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import _frames
from .units import format_distance

if TYPE_CHECKING:  # only for the annotations; both libraries stay optional
    import folium
    from matplotlib.axes import Axes

    from .report import CoverageReport

__all__ = ["plot_report", "explore_report", "plot_curve"]

# Fixed status colours (ColorBrewer RdYlBu ends): red "in" against blue "out"
# stays apart for the common colour-vision deficiencies, and each status also
# has its own marker shape so the map reads in greyscale.
STATUS_STYLE = {
    "in": {"color": "#d7301f", "marker": "o", "label": "in reach"},
    "marginal": {"color": "#fdae61", "marker": "D", "label": "marginal"},
    "out": {"color": "#4575b4", "marker": "s", "label": "out of reach"},
}
REACH_FILL = "#d7301f"
REACH_EDGE = "#a50f15"
ORIGIN_COLOR = "#111111"
LAND_FACE = "#efefeb"
LAND_EDGE = "#b5b5b0"
BACKGROUND_EDGE = "#6b6b6b"
HALO = "white"

_PLOT_HINT = 'pip install "rangecov[plot]"'
_WGS84 = "EPSG:4326"
# Regional (azimuthal) view only when the data fits in this many degrees of
# longitude and of latitude; beyond it distortion at the edges grows visibly.
_REGIONAL_MAX_DEG = 100.0
# Polar view when everything lies poleward of this latitude.
_POLAR_MIN_LAT = 45.0
_MARGIN = 0.06  # share of the data extent added around it


def _import_matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib import patheffects
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise ImportError(f"rangecov's static maps and curves need matplotlib: {_PLOT_HINT}") from err
    return patheffects


def _new_axes(ax, figsize):
    """The caller's axes, or new ones from pyplot (only then is pyplot imported)."""
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes (or None for new ones), got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


# -- geometry: longitude windows, projections, extents ------------------------------------


def _lonlat_values(obj, argname: str, ellipsoid=None) -> np.ndarray:
    """The frame's geometries as a shapely array in lon/lat (any input CRS, points fast).

    With ``ellipsoid``, lines and polygons come back drawn as rangecov reads
    them: edges are geodesics (densified within ``_DRAW_TOL_M``), taking the
    short way round and cut at ±180°, a ring around a pole enclosing the
    smaller side.
    """
    geoms = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
    if len(geoms) == 0:
        return np.empty(0, dtype=object)
    kinds = np.asarray(shapely.get_type_id(np.asarray(geoms.values, dtype=object)))
    if (kinds == shapely.GeometryType.POINT).all():
        x, y = _frames.point_lonlat(obj, argname)
        return np.asarray(shapely.points(x, y), dtype=object)
    values = np.asarray(_frames.lonlat_geometries(obj, argname), dtype=object)
    return values if ellipsoid is None else _geodesic_drawing(ellipsoid, values)


# How closely geodesic edges of line/polygon targets and origins are drawn.
# A geodesic strays from the straight lon/lat line by roughly
# L² tan(lat) / 8R, so only edges tens of kilometres long get extra vertices,
# on maps where 250 m is far below a pixel. (Coverage itself is decided on
# edges drawn within 1 mm, which would give millions of vertices to draw.)
_DRAW_TOL_M = 250.0


def _geodesic_drawing(ell, values: np.ndarray) -> np.ndarray:
    """Lines and polygons with their geodesic edges drawn in lon/lat (as rangecov reads them); None if empty."""
    from . import _shapes

    drawn = _shapes.draw_many(ell, values, tol=_DRAW_TOL_M)
    out = np.empty(len(values), dtype=object)
    for k, g in enumerate(drawn):
        out[k] = None if g is None or g.is_empty else g
    return out


def _wrap_lon(lon, lon0: float):
    """Longitudes moved into [lon0 - 180, lon0 + 180)."""
    from ._disk import _wrap

    return lon0 + _wrap(np.asarray(lon, dtype=float) - lon0)


def _lon_arc(lons: np.ndarray) -> tuple[float, float]:
    """The shortest arc of longitude holding every value: (west end, width in degrees).

    Circular, so points at 179° and -179° span 2°, not 358°.
    """
    lons = np.unique(_wrap_lon(lons, 0.0))
    if lons.size == 0:
        return 0.0, 0.0
    if lons.size == 1:
        return float(lons[0]), 0.0
    gaps = np.diff(np.r_[lons, lons[0] + 360.0])
    k = int(np.argmax(gaps))
    return float(lons[(k + 1) % lons.size]), float(360.0 - gaps[k])


def _of_dimension(geom, dim: int):
    """Drop the lower-dimensional by-products of an intersection (edges touching the box)."""
    if geom is None or shapely.is_empty(geom):
        return None
    if shapely.get_dimensions(geom) == dim and geom.geom_type != "GeometryCollection":
        return geom
    parts = shapely.get_parts(geom)
    parts = parts[np.asarray(shapely.get_dimensions(parts)) == dim]
    if parts.size == 0:
        return None
    return shapely.union_all(parts) if dim == 2 else shapely.GeometryCollection(list(parts)).normalize()


def _to_window(values: np.ndarray, lon0: float, box: tuple | None = None) -> np.ndarray:
    """Geometries moved (by ±360°) into the longitude window lon0 ± 180°, cut there.

    Pieces cut at ±180° (the input convention) are joined again when the
    window runs across ±180°: they meet on exactly the same meridian. With
    ``box`` (lon/lat, inside the window) the result is also clipped to it;
    what falls outside becomes None.
    """
    out = np.empty(len(values), dtype=object)
    if len(values) == 0:
        return out
    lo, hi = lon0 - 180.0, lon0 + 180.0
    bx = box if box is not None else (lo, -90.0, hi, 90.0)
    rect = shapely.box(*bx)
    kinds = np.asarray(shapely.get_type_id(values))
    is_point = kinds == shapely.GeometryType.POINT
    if is_point.any():
        x = _wrap_lon(shapely.get_x(values[is_point]), lon0)
        y = shapely.get_y(values[is_point])
        pts = np.asarray(shapely.points(x, y), dtype=object)
        if box is not None:
            pts[~((x >= bx[0]) & (x <= bx[2]) & (y >= bx[1]) & (y <= bx[3]))] = None
        out[is_point] = pts
    rest = np.flatnonzero(~is_point)
    if rest.size == 0:
        return out
    vals = values[rest]
    b = shapely.bounds(vals)
    inside = (b[:, 0] >= bx[0]) & (b[:, 2] <= bx[2]) & (b[:, 1] >= bx[1]) & (b[:, 3] <= bx[3])
    out[rest[inside]] = vals[inside]
    todo = np.flatnonzero(~inside)
    if todo.size == 0:
        return out
    dims = np.asarray(shapely.get_dimensions(vals[todo]))
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        moved = shapely.transform(vals[todo], lambda xy, s=shift: xy + np.array([s, 0.0]))
        hit = np.asarray(shapely.intersects(moved, rect))
        cut = np.full(todo.size, None, dtype=object)
        if hit.any():
            cut[hit] = shapely.intersection(moved[hit], rect)
        pieces.append(cut)
    for j, (k, dim) in enumerate(zip(todo, dims)):
        parts = [p for p in (pieces[0][j], pieces[1][j], pieces[2][j]) if p is not None and not p.is_empty]
        if not parts:
            out[rest[k]] = None
            continue
        merged = parts[0] if len(parts) == 1 else shapely.union_all(parts)
        out[rest[k]] = _of_dimension(merged, int(dim))
    return out


def _central_meridian(crs: pyproj.CRS) -> float | None:
    """The projection's central meridian in degrees (None for geographic CRSs)."""
    if crs.is_geographic:
        return None
    op = crs.coordinate_operation
    for p in op.params if op is not None else ():
        name = p.name.lower()
        if "longitude" in name and any(w in name for w in ("origin", "centre", "center", "central")):
            return float(p.value) * float(p.unit_conversion_factor) * 180.0 / math.pi
    return 0.0


def _choose_crs(lon: np.ndarray, lat: np.ndarray) -> tuple[pyproj.CRS, str]:
    """The default map projection for data at these lon/lat coordinates, and its kind.

    Regional ("aeqd"): azimuthal equidistant centred on the data when it spans
    less than 100° of longitude and of latitude and holds no pole. Polar
    ("polar"): azimuthal equidistant centred on the pole when everything is
    poleward of 45°, or when the data hold a pole and stay in its
    hemisphere. Otherwise ("world"): Equal Earth.
    """
    if lon.size == 0:
        return pyproj.CRS.from_user_input("EPSG:8857"), "world"
    west, span = _lon_arc(lon)
    south, north = float(np.min(lat)), float(np.max(lat))
    pole = north >= 89.99 or south <= -89.99
    if not pole and span < _REGIONAL_MAX_DEG and north - south < _REGIONAL_MAX_DEG:
        lon0 = float(_wrap_lon(west + span / 2.0, 0.0))
        lat0 = (south + north) / 2.0
        return (
            pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84 +units=m +no_defs"),
            "aeqd",
        )
    centre = _world_centre(west, span)
    # Data around a pole (a reach region holding it) that stays in that
    # hemisphere reads best from above the pole too; Equal Earth would
    # stretch the cap along the map's top edge.
    polar_north = south >= _POLAR_MIN_LAT or (north >= 89.99 and south >= 0.0)
    polar_south = north <= -_POLAR_MIN_LAT or (south <= -89.99 and north <= 0.0)
    if polar_north or polar_south:
        lat0 = 90 if polar_north else -90
        # Centred on the data's longitudes, the cut meridian (centre + 180°) falls in their largest gap.
        centre = 0.0 if span > 300.0 else float(_wrap_lon(round(west + span / 2.0), 0.0))
        return (
            pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={centre:g} +datum=WGS84 +units=m +no_defs"),
            "polar",
        )
    if centre == 0.0:
        return pyproj.CRS.from_user_input("EPSG:8857"), "world"
    return pyproj.CRS.from_proj4(f"+proj=eqearth +lon_0={centre:g} +datum=WGS84 +units=m +no_defs"), "world"


def _world_centre(west: float, span: float) -> float:
    """Central meridian for a world or lon/lat map: Greenwich, unless that would cut the data at ±180°."""
    if span > 300.0 or west + span <= 180.0:
        return 0.0
    return float(_wrap_lon(round(west + span / 2.0), 0.0))


def _read_crs(crs) -> pyproj.CRS:
    try:
        out = pyproj.CRS.from_user_input(crs)
    except (pyproj.exceptions.CRSError, TypeError, ValueError) as err:
        raise ValueError(
            f"crs={crs!r} is not a coordinate reference system pyproj knows ({err}); pass e.g. "
            "'EPSG:4326', 'EPSG:8857' or a proj string, or leave it None to choose one that keeps rings round"
        ) from None
    if out.is_geocentric or not (out.is_geographic or out.is_projected):
        raise ValueError(f"crs={crs!r} ({out.name}) is not a map projection; pass a geographic or projected CRS")
    return out


def _project(values: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """lon/lat shapely array (None allowed) -> the CRS; None where it has no finite image."""
    out = np.full(len(values), None, dtype=object)
    present = np.array([v is not None and not shapely.is_empty(v) for v in values], dtype=bool)
    if not present.any():
        return out
    # Edges are straight in lon/lat (meridian cuts, Natural Earth borders):
    # extra vertices let them bend as the projection bends them.
    dense = shapely.segmentize(values[present], 1.0)
    projected = np.asarray(gpd.GeoSeries(dense, crs=_WGS84).to_crs(crs).values, dtype=object)
    finite = np.isfinite(shapely.bounds(projected)).all(axis=1)
    keep = np.flatnonzero(present)
    out[keep[finite]] = projected[finite]
    return out


def _merge_seams(geom, size: float):
    """Join polygon pieces that meet along a cut meridian after projection (no seam line drawn)."""
    if geom is None or shapely.get_dimensions(geom) != 2:
        return geom
    # Also for a single polygon: a region around a pole comes back with a
    # zero-width slit along the cut meridian, which the snapped union removes.
    parts = shapely.get_parts(geom)
    try:
        # set_precision first: a union of a single polygon may skip the snapping.
        snapped = shapely.set_precision(shapely.make_valid(parts), size)
        merged = shapely.union_all(snapped, grid_size=size)
    except shapely.errors.GEOSException:
        return geom
    return _of_dimension(merged, 2) or geom


def _bounds(values) -> np.ndarray | None:
    present = [v for v in values if v is not None and not shapely.is_empty(v)]
    if not present:
        return None
    b = shapely.bounds(np.asarray(present, dtype=object))
    return np.array([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()])


def _view(bounds: np.ndarray | None, geographic: bool) -> tuple[float, float, float, float]:
    """The data bounds plus a margin on every side (a fixed minimum for a single point)."""
    if bounds is None:
        return (-1.0, -1.0, 1.0, 1.0) if geographic else (-1e5, -1e5, 1e5, 1e5)
    x0, y0, x1, y1 = bounds
    size = max(x1 - x0, y1 - y0)
    pad = max(_MARGIN * size, 0.5 if geographic else 50e3)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _background_box(crs: pyproj.CRS, view, lon0: float) -> tuple | None:
    """A lon/lat box (inside the window lon0 ± 180°) that covers the view, or None for the whole world.

    Found by mapping a grid over the view back to lon/lat, so backgrounds
    are clipped *before* projecting: far-away countries would otherwise be
    torn across an azimuthal map.
    """
    x0, y0, x1, y1 = view
    gx, gy = np.meshgrid(np.linspace(x0, x1, 25), np.linspace(y0, y1, 25))
    to_ll = pyproj.Transformer.from_crs(crs, _WGS84, always_xy=True)
    lon, lat = to_ll.transform(gx.ravel(), gy.ravel(), errcheck=False)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        return None  # part of the view is off the Earth (world maps): use all of it
    # Some inverses answer off the Earth too (wrapped values): a round trip tells.
    from_ll = pyproj.Transformer.from_crs(_WGS84, crs, always_xy=True)
    bx, by = from_ll.transform(lon, lat, errcheck=False)
    scale = max(x1 - x0, y1 - y0)
    if not np.allclose(np.c_[bx, by], np.c_[gx.ravel(), gy.ravel()], rtol=0, atol=1e-6 * scale, equal_nan=False):
        return None
    lon = _wrap_lon(lon, lon0)
    south, north = float(lat.min()), float(lat.max())
    west, east = float(lon.min()), float(lon.max())
    for pole in (90.0, -90.0):
        px, py = from_ll.transform(lon0, pole, errcheck=False)
        if np.isfinite(px) and np.isfinite(py) and x0 <= px <= x1 and y0 <= py <= y1:
            south, north = min(south, pole), max(north, pole)
            west, east = lon0 - 180.0, lon0 + 180.0
    pad_lon, pad_lat = 2.0 + 0.05 * (east - west), 2.0 + 0.05 * (north - south)
    west, east = max(west - pad_lon, lon0 - 180.0), min(east + pad_lon, lon0 + 180.0)
    if east - west > 300.0:
        west, east = lon0 - 180.0, lon0 + 180.0
    return west, max(south - pad_lat, -90.0), east, min(north + pad_lat, 90.0)


def _sphere_outline(lon0: float) -> shapely.Polygon:
    """The whole Earth as a lon/lat polygon (densified, so its projection is the map's outline)."""
    lo, hi = lon0 - 180.0, lon0 + 180.0
    lons = np.linspace(lo, hi, 361)
    lats = np.linspace(-90.0, 90.0, 181)
    ring = np.concatenate(
        [
            np.column_stack([np.full(lats.size, lo), lats]),
            np.column_stack([lons, np.full(lons.size, 90.0)]),
            np.column_stack([np.full(lats.size, hi), lats[::-1]]),
            np.column_stack([lons[::-1], np.full(lons.size, -90.0)]),
        ]
    )
    return shapely.Polygon(ring)


# -- drawing helpers -----------------------------------------------------------------------


def _draw(ax, values, *, gid: str, **style) -> list:
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


def _label_texts(frame, labels, argname: str, what: str, default_on: bool) -> pd.Series | None:
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
    if not found:
        raise ValueError(
            f"{argname}={labels!r} is not a column of the {what}; pass True (index labels), None or False "
            f"(no labels) or one of the columns: {', '.join(map(str, columns)) or '(none)'}"
        )
    return pd.Series(
        ["" if (v is None or (pd.api.types.is_scalar(v) and pd.isna(v))) else str(v) for v in frame[labels]],
        index=frame.index,
    )


def _anchor_points(projected: np.ndarray) -> np.ndarray:
    """(x, y) per geometry: the point itself, else a point surely on the shape; NaN where missing."""
    out = np.full((len(projected), 2), np.nan)
    for i, g in enumerate(projected):
        if g is None or shapely.is_empty(g):
            continue
        p = g if g.geom_type == "Point" else shapely.point_on_surface(g)
        out[i] = (p.x, p.y)
    return out


# Where a label may sit around its point: (dx, dy) in points and the text's alignment.
_LABEL_SPOTS = (
    (4, 2, "left", "bottom"),
    (4, -2, "left", "top"),
    (-4, 2, "right", "bottom"),
    (-4, -2, "right", "top"),
    (6, 0, "left", "center"),
    (-6, 0, "right", "center"),
    (0, 5, "center", "bottom"),
    (0, -5, "center", "top"),
)


def _place_labels(ax, items, obstacles: np.ndarray, patheffects) -> list:
    """Annotate points, choosing for each the spot around it that overlaps least.

    ``items``: (x, y, text, style) in data coordinates, placed in order.
    ``obstacles``: (n, 4) display-pixel boxes (markers) to keep clear of.
    Greedy and cheap (eight candidate spots, sizes measured once per label);
    enough to keep a few dozen labels from piling up without extra packages.
    """
    fig = ax.get_figure()
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
        best, best_score = None, math.inf
        for spot in _LABEL_SPOTS:
            sx, sy, sha, sva = spot
            left = px + sx * px_per_pt - {"left": 0.0, "center": w / 2, "right": w}[sha]
            bottom = py + sy * px_per_pt - {"bottom": 0.0, "center": h / 2, "top": h}[sva]
            box = np.array([left, bottom, left + w, bottom + h])
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
            score += 20.0 * (1.0 - inside_w * inside_h / (w * h))
            if score < best_score - 1e-9:
                best, best_score = (spot, box), score
            if score == 0.0:
                break
        (sx, sy, sha, sva), box = best
        t.xyann = (sx, sy)
        t.set_horizontalalignment(sha)
        t.set_verticalalignment(sva)
        placed.append(box)
        texts.append(t)
    return texts


def _place_area_labels(ax, xy: np.ndarray, texts, view, obstacles: np.ndarray, patheffects) -> None:
    """Centred, quiet labels for background shapes, nudged off markers and data labels or left out."""
    px_per_pt = ax.get_figure().dpi / 72.0
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
            color="#808080",
            style="italic",
            zorder=2.5,
            path_effects=halo,
            gid="rangecov:background-label",
        )
        ext = t.get_window_extent()
        for dx, dy in (
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
        ):
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


def _lon_tick(x: float, _pos=None) -> str:
    x = float(_wrap_lon(x, 0.0))
    return "180°" if abs(abs(x) - 180.0) < 1e-9 else f"{abs(x):g}°{'E' if x > 0 else 'W' if x < 0 else ''}"


def _lat_tick(y: float, _pos=None) -> str:
    return f"{abs(y):g}°{'N' if y > 0 else 'S' if y < 0 else ''}"


def _marker_boxes(ax, xy: np.ndarray, size_pt: float) -> np.ndarray:
    if len(xy) == 0:
        return np.empty((0, 4))
    ok = np.isfinite(xy).all(axis=1)
    pix = ax.transData.transform(xy[ok])
    r = size_pt * ax.get_figure().dpi / 72.0 / 2.0
    return np.column_stack([pix[:, 0] - r, pix[:, 1] - r, pix[:, 0] + r, pix[:, 1] + r])


def _place_legend(ax, handles, points_px: np.ndarray, label_boxes: list, edge_px: np.ndarray, options: dict):
    """Put the legend in the inside corner (or edge middle) that covers no data, else outside on the right."""
    style = {"fontsize": 8, "framealpha": 0.92, "borderpad": 0.6, "handletextpad": 0.6}
    style.update(options)
    if "loc" in options or "bbox_to_anchor" in options:
        return ax.legend(handles=handles, **style)
    best, best_score = None, math.inf
    for loc in (
        "lower left",
        "upper right",
        "upper left",
        "lower right",
        "lower center",
        "upper center",
        "center left",
        "center right",
    ):
        leg = ax.legend(handles=handles, loc=loc, **style)
        b = leg.get_window_extent()
        x0, y0, x1, y1 = b.x0 - 4, b.y0 - 4, b.x1 + 4, b.y1 + 4
        score = 0.0
        if len(points_px):
            score += 10.0 * float(
                (
                    (points_px[:, 0] > x0) & (points_px[:, 0] < x1) & (points_px[:, 1] > y0) & (points_px[:, 1] < y1)
                ).sum()
            )
        for tb in label_boxes:
            if tb.x1 > x0 and tb.x0 < x1 and tb.y1 > y0 and tb.y0 < y1:
                score += 5.0
        if len(edge_px):
            score += 8.0 * float(
                ((edge_px[:, 0] > x0) & (edge_px[:, 0] < x1) & (edge_px[:, 1] > y0) & (edge_px[:, 1] < y1)).mean()
            )
        if score < best_score:
            best, best_score = loc, score
        if score == 0.0:
            break
    if best_score > 0.0:
        # Every corner would hide data: keep the map clear, legend beside it.
        return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **style)
    return ax.legend(handles=handles, loc=best, **style)


# -- the static map -------------------------------------------------------------------------


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
        Default: no labels.
    origin_labels : bool or column name, optional
        Label origins likewise. Default: with their index labels when there
        are at most 15 origins.
    background : GeoDataFrame or GeoSeries, optional
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
        default 10 m or 1% of the smallest reach.
    figsize : (float, float), default (9, 8)
        Size of a new figure, in inches.

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
    patheffects = _import_matplotlib()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    # Validate everything cheap before drawing anything.
    targets = report.targets
    origins = report._origins_input
    target_text = _label_texts(targets, labels, "labels", "targets", False)
    origin_frame = origins if isinstance(origins, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=origins)
    origin_text = _label_texts(origin_frame, origin_labels, "origin_labels", "origins", len(origins) <= 15)
    bg_values = None
    if background is not None:
        if not isinstance(background, (gpd.GeoDataFrame, gpd.GeoSeries)):
            raise TypeError(f"background must be a GeoDataFrame or GeoSeries, got {type(background).__name__}")
        if background.crs is None:
            raise ValueError("background has no CRS; set one, e.g. background.set_crs('EPSG:4326')")
        bg_frame = background if isinstance(background, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=background)
        bg_text = _label_texts(bg_frame, background_labels, "background_labels", "background", False)
        bg_geo = background.geometry if isinstance(background, gpd.GeoDataFrame) else background
        bg_values = np.asarray(bg_geo.to_crs(_WGS84).values, dtype=object)
    elif background_labels is not None:
        raise ValueError("background_labels needs background=")
    if not isinstance(legend, (bool, dict)):
        raise TypeError(f"legend must be True, False or a dict of Axes.legend options, got {legend!r}")

    # Everything in lon/lat first: that is where the cut at ±180° is handled.
    t_ll = _lonlat_values(targets, "targets", report.ellipsoid)
    o_ll = _lonlat_values(origins, "origins", report.ellipsoid)
    regions = report._reach_regions(tolerance)
    r_ll = {name: np.asarray([g], dtype=object) for name, g in regions.geometry.items() if not g.is_empty}

    data_xy = [shapely.get_coordinates(v) for v in (t_ll, o_ll, *r_ll.values()) if len(v)]
    xy = np.concatenate(data_xy) if data_xy else np.empty((0, 2))
    if crs is None:
        map_crs, kind = _choose_crs(xy[:, 0], xy[:, 1])
    else:
        map_crs = _read_crs(crs)
        kind = "user"
    geographic = bool(map_crs.is_geographic)
    lon0 = _central_meridian(map_crs)
    if lon0 is None:
        # Plain lon/lat: keep Greenwich centred unless the data straddles ±180°.
        lon0 = _world_centre(*_lon_arc(xy[:, 0])) if len(xy) else 0.0

    t_map = _project(_to_window(t_ll, lon0), map_crs)
    o_map = _project(_to_window(o_ll, lon0), map_crs)
    r_map = {name: _project(_to_window(v, lon0), map_crs) for name, v in r_ll.items()}

    data_bounds = _bounds([*t_map, *o_map, *(g for v in r_map.values() for g in v)])
    view = _view(data_bounds, geographic)
    if kind in ("world", "polar") and data_bounds is not None:
        # Data spread over much of the Earth reads best on the whole of it.
        earth = _bounds(_project(np.asarray([_sphere_outline(lon0)], dtype=object), map_crs))
        if earth is not None and (data_bounds[2] - data_bounds[0]) > 0.5 * (earth[2] - earth[0]):
            pad = 0.01 * (earth[2] - earth[0])
            view = (
                min(data_bounds[0], earth[0]) - pad,
                min(data_bounds[1], earth[1]) - pad,
                max(data_bounds[2], earth[2]) + pad,
                max(data_bounds[3], earth[3]) + pad,
            )
    grid = 1e-7 * max(view[2] - view[0], view[3] - view[1])
    r_map = {name: np.asarray([_merge_seams(g, grid) for g in v], dtype=object) for name, v in r_map.items()}

    ax = _new_axes(ax, figsize)
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    if geographic:
        # Degrees of longitude shrink with cos(latitude); same convention as geopandas.
        mid_lat = (view[1] + view[3]) / 2.0
        ax.set_aspect(1.0 / max(math.cos(math.radians(max(min(mid_lat, 89.0), -89.0))), 1e-3))
    else:
        ax.set_aspect("equal")

    # Base map: clipped in lon/lat to a box around the view before projecting.
    box = _background_box(map_crs, view, lon0)
    world = box is None
    pad = 0.02 * max(view[2] - view[0], view[3] - view[1])
    clip = (view[0] - pad, view[1] - pad, view[2] + pad, view[3] + pad)
    if world and not geographic:
        sphere = _project(np.asarray([_sphere_outline(lon0)], dtype=object), map_crs)
        _draw(ax, sphere, gid="rangecov:sphere", facecolor="white", edgecolor="#9a9a9a", linewidth=0.6, zorder=0.5)
    if countries:
        from .datasets import world_countries

        land = np.asarray(world_countries().geometry.values, dtype=object)
        land = _project(_to_window(land, lon0, box), map_crs)
        if kind == "polar":
            land = np.asarray([_merge_seams(g, grid) for g in land], dtype=object)
        land = np.asarray([None if g is None else shapely.clip_by_rect(g, *clip) for g in land], dtype=object)
        _draw(ax, land, gid="rangecov:countries", facecolor=LAND_FACE, edgecolor=LAND_EDGE, linewidth=0.4, zorder=1)
    if bg_values is not None:
        bg_map = _project(_to_window(bg_values, lon0, box), map_crs)
        bg_lines = np.asarray(
            [None if g is None else (g.boundary if shapely.get_dimensions(g) == 2 else g) for g in bg_map], dtype=object
        )
        bg_lines = np.asarray([None if g is None else shapely.clip_by_rect(g, *clip) for g in bg_lines], dtype=object)
        _draw(ax, bg_lines, gid="rangecov:background", color=BACKGROUND_EDGE, linewidth=0.6, zorder=2)

    # The reach region(s).
    handles = []
    spec = report._spec
    if "reach" in r_map:
        _draw(ax, r_map["reach"], gid="rangecov:reach", facecolor=REACH_FILL, edgecolor="none", alpha=0.13, zorder=3)
        _draw(
            ax,
            r_map["reach"],
            gid="rangecov:reach-edge",
            facecolor="none",
            edgecolor=REACH_EDGE,
            linewidth=1.1,
            zorder=3.5,
        )
    if report.reach_kind == "band":
        reach_label = f"reach (low): {format_distance(spec.low[0])}" if spec.low.size else "reach (low)"
    elif spec.low.size and spec.uniform:
        reach_label = f"reach: {report.reach}"
    else:
        reach_label = "reach (each origin's own)"
    handles.append(Patch(facecolor=(0.843, 0.188, 0.122, 0.13), edgecolor=REACH_EDGE, linewidth=1.1, label=reach_label))
    if report.reach_kind == "band":
        if "high" in r_map:
            _draw(
                ax,
                r_map["high"],
                gid="rangecov:reach-high",
                facecolor="none",
                edgecolor=REACH_EDGE,
                linewidth=1.0,
                linestyle=(0, (4, 3)),
                zorder=3.5,
            )
        high = f": {format_distance(spec.high[0])}" if spec.high.size else ""
        handles.append(
            Patch(
                facecolor="none",
                edgecolor=REACH_EDGE,
                linewidth=1.0,
                linestyle=(0, (4, 3)),
                label=f"reach (high){high}",
            )
        )

    # Targets by status (fixed colours and marker shapes).
    status = targets["status"].astype(str).to_numpy()
    t_kind = np.array([None if g is None else g.geom_type for g in t_map], dtype=object)
    t_point = np.isin(t_kind, ["Point"])
    t_xy = _anchor_points(t_map)
    counts = {"in": report.count, "marginal": report.marginal, "out": report.total - report.count - report.marginal}
    may_be_marginal = report.reach_kind == "band" or report.how in ("all", "area") or report.marginal > 0
    marker_pt = 6.0 if len(targets) <= 100 else 4.5  # many targets: smaller markers overlap less
    for st, sty in STATUS_STYLE.items():
        rows = status == st
        pts = rows & t_point
        shapes = np.flatnonzero(rows & ~t_point)
        if pts.any():
            ax.scatter(
                t_xy[pts, 0],
                t_xy[pts, 1],
                s=marker_pt**2,
                marker=sty["marker"],
                c=sty["color"],
                edgecolors="white",
                linewidths=0.6,
                zorder=5,
                gid=f"rangecov:targets-{st}",
            )
        if shapes.size:
            polys = [t_map[i] for i in shapes if shapely.get_dimensions(t_map[i]) == 2]
            lines = [t_map[i] for i in shapes if shapely.get_dimensions(t_map[i]) == 1]
            _draw(
                ax,
                np.asarray(polys, dtype=object),
                gid=f"rangecov:targets-{st}",
                facecolor=sty["color"],
                edgecolor=sty["color"],
                alpha=0.55,
                linewidth=0.8,
                zorder=4.5,
            )
            _draw(
                ax,
                np.asarray(lines, dtype=object),
                gid=f"rangecov:targets-{st}",
                color=sty["color"],
                linewidth=1.8,
                zorder=4.5,
            )
        if st == "marginal" and not may_be_marginal:
            continue
        label = f"{sty['label']} ({counts[st]})"
        if t_point.any() or not len(t_map):
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=sty["marker"],
                    markersize=marker_pt,
                    markerfacecolor=sty["color"],
                    markeredgecolor="white",
                    label=label,
                )
            )
        else:
            handles.append(Patch(facecolor=sty["color"], edgecolor=sty["color"], alpha=0.7, label=label))

    # Origins on top: black triangles, or outlined lines/polygons.
    o_kind = np.array([None if g is None else g.geom_type for g in o_map], dtype=object)
    o_point = np.isin(o_kind, ["Point"])
    o_xy = _anchor_points(o_map)
    n_o = report.n_origins
    o_name = f"origin{'s' if n_o != 1 else ''} ({n_o})"
    if o_point.any():
        ax.scatter(
            o_xy[o_point, 0],
            o_xy[o_point, 1],
            s=70,
            marker="^",
            c=ORIGIN_COLOR,
            edgecolors="white",
            linewidths=0.8,
            zorder=6,
            gid="rangecov:origins",
        )
    if (~o_point).any():
        others = o_map[~o_point]
        _draw(
            ax,
            np.asarray([g for g in others if g is not None and shapely.get_dimensions(g) == 2], dtype=object),
            gid="rangecov:origins",
            facecolor=(0, 0, 0, 0.08),
            edgecolor=ORIGIN_COLOR,
            linewidth=1.3,
            zorder=6,
        )
        _draw(
            ax,
            np.asarray([g for g in others if g is not None and shapely.get_dimensions(g) == 1], dtype=object),
            gid="rangecov:origins",
            color=ORIGIN_COLOR,
            linewidth=1.8,
            zorder=6,
        )
    if o_point.any() or not len(o_map):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="^",
                markersize=8,
                markerfacecolor=ORIGIN_COLOR,
                markeredgecolor="white",
                label=o_name,
            )
        )
    else:
        handles.append(Patch(facecolor=(0, 0, 0, 0.08), edgecolor=ORIGIN_COLOR, linewidth=1.3, label=o_name))

    # Labels, placed around their points so they do not pile up.
    ax.apply_aspect()
    obstacles = np.vstack([_marker_boxes(ax, t_xy[t_point], marker_pt + 1), _marker_boxes(ax, o_xy[o_point], 9.0)])
    items = []
    if origin_text is not None:
        for (x, y), text in zip(o_xy, origin_text):
            items.append((x, y, text, {"fontsize": 7.5, "fontweight": "bold", "color": ORIGIN_COLOR}))
    if target_text is not None:
        size = 7.0 if len(targets) <= 60 else 6.0
        for (x, y), text in zip(t_xy, target_text):
            items.append((x, y, text, {"fontsize": size, "color": "#222222"}))
    texts = _place_labels(ax, items, obstacles, patheffects)
    if bg_values is not None and bg_text is not None:
        # Area names last: they yield to the data, moving a little or, if
        # every spot near their shape is taken, staying out.
        taken = [obstacles] + [np.asarray([[b.x0, b.y0, b.x1, b.y1]]) for b in (t.get_window_extent() for t in texts)]
        _place_area_labels(ax, _anchor_points(bg_map), bg_text, view, np.vstack(taken), patheffects)

    # Axes: no ticks in projected metres; degrees stay labelled (wrapped, with E/W and N/S).
    if geographic:
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(_lon_tick))
        ax.yaxis.set_major_formatter(FuncFormatter(_lat_tick))
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        if world:
            for spine in ax.spines.values():
                spine.set_visible(False)
    note = f"Geodesic reach on {report.ellipsoid.name}" + (" · background: Natural Earth" if countries else "")
    ax.annotate(
        note,
        xy=(1.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -24 if geographic else -3),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=6.5,
        color="#707070",
    )
    if title is True:
        ax.set_title(textwrap.fill(repr(report), 80), fontsize=11)
    elif isinstance(title, str):
        ax.set_title(title, fontsize=11)
    elif title is not False and title is not None:
        raise TypeError(f"title must be True (the headline), False or a string, got {title!r}")

    if legend is not False:
        points = np.vstack([t_xy[t_point], o_xy[o_point]]) if len(t_xy) or len(o_xy) else np.empty((0, 2))
        points = points[np.isfinite(points).all(axis=1)]
        points_px = ax.transData.transform(points) if len(points) else np.empty((0, 2))
        edge = [shapely.get_coordinates(shapely.boundary(g)) for v in r_map.values() for g in v if g is not None]
        edge = np.concatenate(edge) if edge else np.empty((0, 2))
        if len(edge) > 4000:
            edge = edge[:: len(edge) // 4000 + 1]
        edge_px = ax.transData.transform(edge) if len(edge) else np.empty((0, 2))
        shapes = [g for g in t_map[~t_point] if g is not None]
        if shapes:  # line/polygon targets count by their vertices
            pts = np.concatenate([shapely.get_coordinates(g) for g in shapes])
            points_px = np.vstack([points_px, ax.transData.transform(pts[:: max(1, len(pts) // 2000)])])
        _place_legend(
            ax,
            handles,
            points_px,
            [t.get_window_extent() for t in texts],
            edge_px,
            legend if isinstance(legend, dict) else {},
        )
    return ax


# -- the interactive map --------------------------------------------------------------------


def _feature_collection(frame: gpd.GeoDataFrame) -> dict:
    """GeoJSON (a dict of plain JSON types) of a lon/lat frame of strings and floats."""
    return json.loads(frame.to_json(na="null", show_bbox=False, drop_id=True))


def _km(metres: float, signed: bool = False) -> str:
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
    try:
        import folium
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise ImportError(f"rangecov's interactive maps need folium: {_PLOT_HINT}") from err
    if m is not None and kwargs:
        raise TypeError(f"explore_report: {', '.join(kwargs)} configure a new map; they cannot apply to the given m=")

    targets = report.targets
    origins = report._origins_input
    t_ll = gpd.GeoSeries(_lonlat_values(targets, "targets", report.ellipsoid), crs=_WGS84)
    o_ll = gpd.GeoSeries(_lonlat_values(origins, "origins", report.ellipsoid), crs=_WGS84)
    regions = report._reach_regions(tolerance)

    if m is None:
        m = folium.Map(tiles=tiles, control_scale=True, **kwargs)

    if countries:
        from .datasets import world_countries

        land = world_countries()
        land = gpd.GeoDataFrame(
            {"country": land["name"].astype(str).to_numpy()}, geometry=land.geometry.values, crs=_WGS84
        )
        folium.GeoJson(
            _feature_collection(land),
            name="Countries (Natural Earth)",
            style_function=lambda f: {"fillColor": LAND_FACE, "color": "#8c8c8c", "weight": 0.6, "fillOpacity": 0.25},
            tooltip=folium.GeoJsonTooltip(["country"], labels=False),
            highlight_function=None,
        ).add_to(m)

    spec = report._spec
    for name, geom in regions.geometry.items():
        if geom.is_empty:
            continue
        high = name == "high"
        metres = spec.high if high else spec.low
        reach_text = (
            format_distance(metres[0]) if metres.size and bool(np.all(metres == metres[0])) else "each origin's own"
        )
        layer = (
            f"Reach (high): {reach_text}"
            if high
            else (f"Reach (low): {reach_text}" if report.reach_kind == "band" else f"Reach: {report.reach}")
        )
        frame = gpd.GeoDataFrame({"region": [layer]}, geometry=[geom], crs=_WGS84)
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

    # Origins: their label and reach.
    if len(origins):
        low = spec.low if spec.low.size == len(origins) else np.full(len(origins), np.nan)
        frame = gpd.GeoDataFrame(
            {"origin": [str(v) for v in origins.index], "reach": [_km(v) for v in low]},
            geometry=o_ll.values,
            crs=_WGS84,
        )
        folium.GeoJson(
            _feature_collection(frame),
            name=f"Origins ({len(origins)})",
            style_function=_feature_style(ORIGIN_COLOR, ORIGIN_COLOR),
            marker=folium.CircleMarker(radius=7),
            tooltip=folium.GeoJsonTooltip(["origin", "reach"]),
        ).add_to(m)

    # Targets: one layer per status, so each can be switched off.
    status = targets["status"].astype(str).to_numpy()
    fields = {
        "target": [str(v) for v in targets.index],
        **({"name": [_text(v) for v in targets["name"]]} if "name" in targets.columns else {}),
        "distance": [_km(v) for v in targets["distance_m"].to_numpy(dtype=float)],
        "margin": [_km(v, signed=True) for v in targets["margin_m"].to_numpy(dtype=float)],
        "nearest_origin": [_text(v) for v in targets["nearest_origin"]],
        "status": list(status),
    }
    table = gpd.GeoDataFrame(fields, geometry=t_ll.values, crs=_WGS84)
    counts = {st: int((status == st).sum()) for st in STATUS_STYLE}
    for st, sty in STATUS_STYLE.items():
        rows = status == st
        if not rows.any():
            continue
        folium.GeoJson(
            _feature_collection(table[rows]),
            name=f"Targets {sty['label']} ({counts[st]})",
            style_function=_feature_style(sty["color"], "#7f4f00" if st == "marginal" else sty["color"]),
            marker=folium.CircleMarker(radius=6),
            tooltip=folium.GeoJsonTooltip(list(fields)),
        ).add_to(m)

    bounds = _bounds([*t_ll.values, *o_ll.values, *(g for g in regions.geometry if not g.is_empty)])
    if bounds is not None:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    folium.LayerControl(collapsed=False).add_to(m)
    return m


# -- the curve -------------------------------------------------------------------------------


def plot_curve(
    report: CoverageReport,
    ax: Axes | None = None,
    *,
    share: float = 0.9,
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
    share : float, default 0.9
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
    _import_matplotlib()
    if share is not None and (isinstance(share, bool) or not isinstance(share, numbers.Real) or not 0 < share <= 1):
        raise ValueError(f"share must be a number in (0, 1] or None, got {share!r}")
    table = report.curve()  # raises for how="all"/"area", with the reason
    per_origin = report._per_origin
    scale = 1.0 if per_origin else 1000.0  # metres -> km
    column = "factor" if per_origin else "reach_m"
    values = report._curve_values()
    finite = values[np.isfinite(values)]
    spec = report._spec

    ax = _new_axes(ax, figsize)
    ax.set_xlabel("factor × each origin's own reach" if per_origin else "reach (km)")
    ax.set_ylabel("targets in reach (%)")
    ax.set_title(
        f"Share of {report.total} target{'s' if report.total != 1 else ''} within reach of "
        f"{report.n_origins} origin{'s' if report.n_origins != 1 else ''}",
        fontsize=11,
    )
    ax.set_ylim(-3, 105)
    ax.grid(True, color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    if report.total == 0:
        ax.set_xlim(0, 1)
        ax.text(0.5, 0.5, "no targets", transform=ax.transAxes, ha="center", va="center", color="#707070")
        return ax

    own = None
    if mark_reach:
        if per_origin:
            own = 1.0
        elif spec.low.size and (spec.uniform or report.reach_kind == "band"):
            # One distance (a band is marked at its low end and shaded to its high end).
            own = float(spec.low[0]) / scale
    required = report.required_reach(share) if share is not None else float("nan")
    x_req = required / scale if np.isfinite(required) else None

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
    x_max = max(candidates) * 1.08 if candidates and max(candidates) > 0 else 1.0

    x = table[column].to_numpy(dtype=float) / scale
    y = 100.0 * table["share"].to_numpy(dtype=float)
    # From reach 0 (targets at distance 0, e.g. inside an origin polygon, count there)
    # to past the farthest step, so the last level is visible.
    y0 = 100.0 * float((values <= 0).sum()) / report.total
    xs = np.r_[0.0, x, x_max]
    ys = np.r_[y0, y, y[-1] if y.size else y0]
    ax.step(xs, ys, where="post", color="#253494", linewidth=1.8, label="share in reach", gid="rangecov:curve")
    ax.set_xlim(0, x_max)

    if not finite.size:
        ax.text(0.5, 0.55, "no target is reachable (no origins)", transform=ax.transAxes, ha="center", color="#707070")

    if share is not None:
        ax.axhline(100 * share, color="#636363", linestyle="--", linewidth=0.9, zorder=1)
        if x_req is not None:
            text = f"{share:.0%} needs " + (f"×{x_req:.3g}" if per_origin else format_distance(required))
            ax.plot([x_req], [100 * share], marker="o", color="#636363", zorder=4)
            ax.vlines(x_req, 0, 100 * share, color="#636363", linestyle=":", linewidth=0.9)
            right = x_req > 0.6 * x_max
            ax.annotate(
                text,
                (x_req, 100 * share),
                xytext=(-6 if right else 6, 6),
                textcoords="offset points",
                ha="right" if right else "left",
                va="bottom",
                fontsize=9,
                color="#404040",
                gid="rangecov:required",
            )
        else:
            ax.annotate(
                f"{share:.0%} is out of reach at any distance",
                (0.98, 100 * share),
                xycoords=("axes fraction", "data"),
                xytext=(0, 5),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=9,
                color="#404040",
                gid="rangecov:required",
            )

    if own is not None and np.isfinite(own):
        if report.reach_kind == "band" and spec.high.size:
            ax.axvspan(own, float(spec.high[0]) / scale, color=REACH_FILL, alpha=0.08, linewidth=0)
        ax.axvline(own, color=REACH_FILL, linewidth=1.2, zorder=3)
        pct = f"{100 * report.share:.1f}%"
        what = "reach as given" if per_origin else format_distance(own * scale)
        text = f"{what}: {report.count} of {report.total} ({pct})"
        if report.marginal:
            text += f", {report.marginal} marginal"
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
            text,
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
    return ax
