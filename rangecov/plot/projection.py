"""Where a static map is drawn: its projection, its longitude window and its view.

Which projection is chosen and why is in the package docstring (:mod:`rangecov.plot`).

Everything here is geometry (shapely, pyproj) and imports neither matplotlib
nor folium; :func:`rangecov.plot.layout.map_layout` puts the pieces together
before anything is drawn.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from ..base.lonlat import wrap
from ..errors import InputError
from ..geometry.drawing import draw_many
from ..inputs.frames import lonlat_geometries, point_lonlat

if TYPE_CHECKING:
    from ..geodesy.ellipsoid import Ellipsoid

WGS84 = "EPSG:4326"
# Regional (azimuthal) view only when the data fits in this many degrees of
# longitude and of latitude; beyond it distortion at the edges grows visibly.
_REGIONAL_MAX_DEG = 100.0
# Polar view when everything lies poleward of this latitude.
_POLAR_MIN_LAT = 45.0
_MARGIN = 0.06  # share of the data extent added around it
# How closely geodesic edges of line/polygon targets and origins are drawn.
# A geodesic strays from the straight lon/lat line by roughly
# L² tan(lat) / 8R, so only edges tens of kilometres long get extra vertices,
# on maps where 250 m is far below a pixel. (Coverage itself is decided on
# edges drawn within 1 mm, which would give millions of vertices to draw.)
_DRAW_TOL_M = 250.0


# -- lon/lat input --------------------------------------------------------------------------


def lonlat_values(
    obj: gpd.GeoDataFrame | gpd.GeoSeries, argname: str, ellipsoid: Ellipsoid | None = None
) -> np.ndarray:
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
        x, y = point_lonlat(obj, argname)
        return np.asarray(shapely.points(x, y), dtype=object)
    values = np.asarray(lonlat_geometries(obj, argname), dtype=object)
    return values if ellipsoid is None else _geodesic_drawing(ellipsoid, values)


def _geodesic_drawing(ell: Ellipsoid, values: np.ndarray) -> np.ndarray:
    """Lines and polygons with their geodesic edges drawn in lon/lat (as rangecov reads them); None if empty."""
    drawn = draw_many(ell, values, tol=_DRAW_TOL_M)
    out = np.empty(len(values), dtype=object)
    for k, g in enumerate(drawn):
        out[k] = None if g is None or g.is_empty else g
    return out


# -- longitude windows ----------------------------------------------------------------------


def wrap_lon(lon: np.ndarray | float, lon0: float) -> np.ndarray:
    """Longitudes moved into [lon0 - 180, lon0 + 180)."""
    return lon0 + wrap(np.asarray(lon, dtype=float) - lon0)


def _lon_arc(lons: np.ndarray) -> tuple[float, float]:
    """The shortest arc of longitude holding every value: (west end, width in degrees).

    Circular, so points at 179° and -179° span 2°, not 358°.
    """
    lons = np.unique(wrap_lon(lons, 0.0))
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


def _points_to_window(values: np.ndarray, lon0: float, box: tuple | None) -> np.ndarray:
    """Points moved into the window lon0 ± 180°; None outside ``box`` when one is given."""
    x = wrap_lon(shapely.get_x(values), lon0)
    y = shapely.get_y(values)
    pts = np.asarray(shapely.points(x, y), dtype=object)
    if box is not None:
        pts[~((x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3]))] = None
    return pts


def _shifted(values: np.ndarray, shift: float) -> np.ndarray:
    """The geometries moved east by ``shift`` degrees."""
    return shapely.transform(values, lambda xy: xy + np.array([shift, 0.0]))


def _shapes_to_window(values: np.ndarray, rect) -> np.ndarray:
    """Lines and polygons cut to ``rect`` from each of their three copies (-360°, 0, +360°), joined again."""
    dims = np.asarray(shapely.get_dimensions(values))
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        moved = _shifted(values, shift)
        hit = np.asarray(shapely.intersects(moved, rect))
        cut = np.full(len(values), None, dtype=object)
        if hit.any():
            cut[hit] = shapely.intersection(moved[hit], rect)
        pieces.append(cut)
    out = np.empty(len(values), dtype=object)
    for j, dim in enumerate(dims):
        parts = [p for p in (pieces[0][j], pieces[1][j], pieces[2][j]) if p is not None and not p.is_empty]
        if not parts:
            continue
        merged = parts[0] if len(parts) == 1 else shapely.union_all(parts)
        out[j] = _of_dimension(merged, int(dim))
    return out


def to_window(values: np.ndarray, lon0: float, box: tuple | None = None) -> np.ndarray:
    """Geometries moved (by ±360°) into the longitude window lon0 ± 180°, cut there.

    Pieces cut at ±180° (the input convention) are joined again when the
    window runs across ±180°: they meet on exactly the same meridian. With
    ``box`` (lon/lat, inside the window) the result is also clipped to it;
    what falls outside becomes None.
    """
    out = np.empty(len(values), dtype=object)
    if len(values) == 0:
        return out
    bx = box if box is not None else (lon0 - 180.0, -90.0, lon0 + 180.0, 90.0)
    is_point = np.asarray(shapely.get_type_id(values)) == shapely.GeometryType.POINT
    if is_point.any():
        out[is_point] = _points_to_window(values[is_point], lon0, box)
    rest = np.flatnonzero(~is_point)
    if rest.size == 0:
        return out
    vals = values[rest]
    b = shapely.bounds(vals)
    inside = (b[:, 0] >= bx[0]) & (b[:, 2] <= bx[2]) & (b[:, 1] >= bx[1]) & (b[:, 3] <= bx[3])
    out[rest[inside]] = vals[inside]
    if not inside.all():
        # Only shapes reaching out of the window (or box) pay for the cutting.
        out[rest[~inside]] = _shapes_to_window(vals[~inside], shapely.box(*bx))
    return out


# -- the projection ---------------------------------------------------------------------------


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
        lon0 = float(wrap_lon(west + span / 2.0, 0.0))
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
        centre = 0.0 if span > 300.0 else float(wrap_lon(round(west + span / 2.0), 0.0))
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
    return float(wrap_lon(round(west + span / 2.0), 0.0))


def _read_crs(crs) -> pyproj.CRS:
    """The caller's ``crs=``, refused with a hint unless it is a geographic or projected CRS."""
    try:
        out = pyproj.CRS.from_user_input(crs)
    except (pyproj.exceptions.CRSError, TypeError, ValueError) as err:
        raise InputError(
            f"crs={crs!r} is not a coordinate reference system pyproj knows ({err}); pass e.g. "
            "'EPSG:4326', 'EPSG:8857' or a proj string, or leave it None to choose one that keeps rings round"
        ) from None
    if out.is_geocentric or not (out.is_geographic or out.is_projected):
        raise InputError(f"crs={crs!r} ({out.name}) is not a map projection; pass a geographic or projected CRS")
    return out


def map_projection(xy: np.ndarray, crs: Any) -> tuple[pyproj.CRS, str, float]:
    """The map's CRS (the caller's, else chosen for the data at ``xy``), its kind and its central meridian."""
    if crs is None:
        map_crs, kind = _choose_crs(xy[:, 0], xy[:, 1])
    else:
        map_crs, kind = _read_crs(crs), "user"
    lon0 = _central_meridian(map_crs)
    if lon0 is None:
        # Plain lon/lat: keep Greenwich centred unless the data straddles ±180°.
        lon0 = _world_centre(*_lon_arc(xy[:, 0])) if len(xy) else 0.0
    return map_crs, kind, lon0


def project(values: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """lon/lat shapely array (None allowed) -> the CRS; None where it has no finite image."""
    out = np.full(len(values), None, dtype=object)
    present = np.array([v is not None and not shapely.is_empty(v) for v in values], dtype=bool)
    if not present.any():
        return out
    # Edges are straight in lon/lat (meridian cuts, Natural Earth borders):
    # extra vertices let them bend as the projection bends them.
    dense = shapely.segmentize(values[present], 1.0)
    projected = np.asarray(gpd.GeoSeries(dense, crs=WGS84).to_crs(crs).values, dtype=object)
    finite = np.isfinite(shapely.bounds(projected)).all(axis=1)
    keep = np.flatnonzero(present)
    out[keep[finite]] = projected[finite]
    return out


def merge_seams(geom: BaseGeometry | None, size: float) -> BaseGeometry | None:
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


# -- extents and the view --------------------------------------------------------------------


def bounds(values) -> np.ndarray | None:
    """(xmin, ymin, xmax, ymax) of all present geometries, or None when there are none."""
    present = [v for v in values if v is not None and not shapely.is_empty(v)]
    if not present:
        return None
    b = shapely.bounds(np.asarray(present, dtype=object))
    return np.array([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()])


def _padded_view(data_bounds: np.ndarray | None, geographic: bool) -> tuple[float, float, float, float]:
    """The data bounds plus a margin on every side (a fixed minimum for a single point)."""
    if data_bounds is None:
        return (-1.0, -1.0, 1.0, 1.0) if geographic else (-1e5, -1e5, 1e5, 1e5)
    x0, y0, x1, y1 = data_bounds
    size = max(x1 - x0, y1 - y0)
    pad = max(_MARGIN * size, 0.5 if geographic else 50e3)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def map_view(
    data_bounds: np.ndarray | None, crs: pyproj.CRS, kind: str, lon0: float
) -> tuple[float, float, float, float]:
    """The part of the map shown: the data plus a margin, or the whole Earth when the data covers much of it."""
    view = _padded_view(data_bounds, bool(crs.is_geographic))
    if kind in ("world", "polar") and data_bounds is not None:
        # Data spread over much of the Earth reads best on the whole of it.
        earth = bounds(project(np.asarray([sphere_outline(lon0)], dtype=object), crs))
        if earth is not None and (data_bounds[2] - data_bounds[0]) > 0.5 * (earth[2] - earth[0]):
            pad = 0.01 * (earth[2] - earth[0])
            view = (
                min(data_bounds[0], earth[0]) - pad,
                min(data_bounds[1], earth[1]) - pad,
                max(data_bounds[2], earth[2]) + pad,
                max(data_bounds[3], earth[3]) + pad,
            )
    return view


def seam_grid(view: tuple[float, float, float, float]) -> float:
    """Snapping grid for :func:`merge_seams`: far below a pixel, far above rounding noise."""
    return 1e-7 * max(view[2] - view[0], view[3] - view[1])


def background_box(crs: pyproj.CRS, view: tuple[float, float, float, float], lon0: float) -> tuple | None:
    """A lon/lat box (inside the window lon0 ± 180°) that covers the view, or None for the whole world.

    Found by mapping a grid over the view back to lon/lat, so backgrounds
    are clipped *before* projecting: far-away countries would otherwise be
    torn across an azimuthal map.
    """
    x0, y0, x1, y1 = view
    gx, gy = np.meshgrid(np.linspace(x0, x1, 25), np.linspace(y0, y1, 25))
    to_ll = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    lon, lat = to_ll.transform(gx.ravel(), gy.ravel(), errcheck=False)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        return None  # part of the view is off the Earth (world maps): use all of it
    # Some inverses answer off the Earth too (wrapped values): a round trip tells.
    from_ll = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True)
    bx, by = from_ll.transform(lon, lat, errcheck=False)
    scale = max(x1 - x0, y1 - y0)
    if not np.allclose(np.c_[bx, by], np.c_[gx.ravel(), gy.ravel()], rtol=0, atol=1e-6 * scale, equal_nan=False):
        return None
    lon = wrap_lon(lon, lon0)
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


def sphere_outline(lon0: float) -> shapely.Polygon:
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
