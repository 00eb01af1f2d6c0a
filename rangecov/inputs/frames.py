"""Checking the caller's GeoDataFrames/GeoSeries and reading lon/lat out of them.

Every user mistake is caught here with a message that names the argument and
what to do, before any geometry library sees it.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..base.lonlat import MAX_LONGITUDE
from ..errors import InputError, InputTypeError, MissingCRSError
from ..units import parse_distance

__all__ = [
    "describe_labels",
    "check_frame",
    "Checked",
    "checked",
    "point_lonlat",
    "point_kinds",
    "non_points",
    "lonlat_geometries",
    "as_frame",
    "latitude_hint",
    "column_names",
    "named_column",
    "per_row_distance",
    "check_polygons",
    "is_dask_frame",
]

# Longitude/latitude on WGS84, what every geometry is turned into.
_WGS84 = pyproj.CRS("EPSG:4326")

_MAX_LABELS = 5


def describe_labels(labels: Sequence) -> str:
    """'index labels 3, 7, 9' with at most five shown and a count of the rest."""
    labels = list(labels)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in labels[:_MAX_LABELS])
    more = len(labels) - _MAX_LABELS
    suffix = f" and {more} more" if more > 0 else ""
    return f"index label{'s' if len(labels) > 1 else ''} {shown}{suffix}"


def check_frame(obj, argname: str) -> gpd.GeoSeries:
    """Return the active geometry of a GeoDataFrame/GeoSeries, checking type and CRS."""
    if isinstance(obj, gpd.GeoDataFrame):
        try:
            geoms = obj.geometry
        except AttributeError:
            raise InputError(
                f"{argname} is a GeoDataFrame without an active geometry column; "
                f"set one with {argname}.set_geometry('column_name')"
            ) from None
    elif isinstance(obj, gpd.GeoSeries):
        geoms = obj
    else:
        hint = ""
        if isinstance(obj, pd.DataFrame):
            hint = (
                "; for a table with longitude/latitude columns use "
                "geopandas.GeoDataFrame(df, geometry=geopandas.points_from_xy(df.lon, df.lat), crs='EPSG:4326')"
            )
        raise InputTypeError(f"{argname} must be a geopandas GeoDataFrame or GeoSeries, got {type(obj).__name__}{hint}")
    if geoms.crs is None:
        raise MissingCRSError(
            f"{argname} has no CRS, so its coordinates cannot be placed on the Earth; "
            f"if they are longitude/latitude in degrees, set it with {argname}.set_crs('EPSG:4326')"
        )
    return geoms


@dataclass(frozen=True)
class Checked:
    """A GeoDataFrame/GeoSeries checked once (type, CRS) with its geometries' type ids.

    What :func:`rangecov.coverage` passes on, so that no later step checks the
    same frame again. :meth:`lonlat` reads (and checks) the points' coordinates.
    """

    frame: gpd.GeoDataFrame | gpd.GeoSeries
    argname: str
    geoms: gpd.GeoSeries
    kinds: np.ndarray

    def points_only(self) -> bool:
        """True when no present geometry is anything but a point (or empty)."""
        return non_points(self.geoms, self.kinds)[1].size == 0

    def lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Longitude and latitude of the points (see :func:`point_lonlat`)."""
        return point_lonlat(self.frame, self.argname, kinds=self.kinds, geoms=self.geoms)


def checked(obj, argname: str) -> Checked:
    """``obj`` checked once (:func:`check_frame`) with its type ids; a :class:`Checked` is returned as it is."""
    if isinstance(obj, Checked):
        return obj
    geoms = check_frame(obj, argname)
    return Checked(obj, argname, geoms, point_kinds(geoms))


def lonlat_crs(crs: pyproj.CRS) -> bool:
    """Whether coordinates in ``crs`` are already longitude/latitude on WGS84: EPSG:4326, or OGC:CRS84
    (GeoParquet's default), which differs only in axis order, which geopandas ignores (x is longitude)."""
    return crs.to_epsg() == 4326 or crs.equals(_WGS84, ignore_axis_order=True)


def _refuse_missing(missing: np.ndarray, index, argname: str) -> None:
    if missing.any():
        raise InputError(
            f"{argname} has missing geometry (None) at {describe_labels(index[missing])}; "
            f"drop those rows, e.g. {argname}[~{argname}.geometry.isna()]"
        )


def _to_lonlat(crs: pyproj.CRS, argname: str) -> pyproj.Transformer:
    """The transformer from the caller's CRS to EPSG:4326, or a ValueError naming the argument."""
    try:
        return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    except pyproj.exceptions.ProjError as err:
        raise InputError(
            f"{argname}: its CRS {crs.name!r} cannot be converted to longitude/latitude on the Earth (EPSG:4326): {err}"
        ) from None


def point_kinds(obj) -> np.ndarray:
    """shapely's geometry type id of every row (-1 for missing): one pass, shared by the checks."""
    geoms = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
    return np.asarray(shapely.get_type_id(np.asarray(geoms.values)))


def non_points(obj, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the present geometries that are not points, and of the non-empty ones among them.

    Emptiness costs a pass of its own, so it is asked only of those rows.
    ``kinds`` is :func:`point_kinds` of ``obj``.
    """
    odd = np.flatnonzero((kinds != shapely.GeometryType.POINT) & (kinds != -1))
    if not odd.size:
        return odd, odd
    values = np.asarray((obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj).values)
    return odd, odd[~np.asarray(shapely.is_empty(values[odd]))]


def point_lonlat(
    obj, argname: str, *, kinds: np.ndarray | None = None, geoms: gpd.GeoSeries | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude in degrees (EPSG:4326) of a frame of points.

    Raises TypeError/ValueError naming ``argname`` and up to five offending
    index labels for: a wrong type, no CRS, missing or empty geometry,
    non-point geometry, NaN or infinite coordinates, and latitudes beyond ±90°.
    ``kinds`` is :func:`point_kinds` of ``obj`` and ``geoms`` its checked
    geometry (:func:`check_frame`) when the caller has them already.
    """
    if geoms is None:
        geoms = check_frame(obj, argname)
    values = np.asarray(geoms.values)
    index = obj.index
    if kinds is None:
        kinds = point_kinds(geoms)
    _refuse_missing(kinds == -1, index, argname)
    odd, solid = non_points(geoms, kinds)
    if solid.size:
        found = sorted(set(np.asarray(geoms.geom_type)[solid]))
        raise InputError(
            f"{argname} must contain points only; found {', '.join(found)} at "
            f"{describe_labels(index[solid])}; use e.g. {argname}.representative_point()"
        )
    # Emptiness is asked only of the rows without coordinates (below).
    bad = np.ones(len(values), dtype=bool)  # empty non-points remain: GEOS has no x/y for them
    if not odd.size:
        try:
            x = shapely.get_x(values)
            y = shapely.get_y(values)
            bad = ~(np.isfinite(x) & np.isfinite(y))
        except shapely.errors.GEOSException:  # GEOS refuses the coordinates of an empty point
            pass
    if bad.any():
        empty = np.zeros(len(values), dtype=bool)
        empty[bad] = np.asarray(shapely.is_empty(values[bad]))
        if empty.any():
            raise InputError(f"{argname} has empty geometry at {describe_labels(index[empty])}; drop those rows")
        raise InputError(f"{argname} has NaN or infinite coordinates at {describe_labels(index[bad])}")

    crs = pyproj.CRS.from_user_input(geoms.crs)
    if not lonlat_crs(crs):
        transformer = _to_lonlat(crs, argname)
        if crs.is_geocentric:
            # Earth-centred X/Y/Z needs all three coordinates.
            z = shapely.get_z(values)
            flat = ~np.isfinite(z)
            if flat.any():
                raise InputError(
                    f"{argname} uses the geocentric CRS {crs.name!r} but has 2D points at "
                    f"{describe_labels(index[flat])}; geocentric points need X, Y and Z"
                )
            x, y, _ = transformer.transform(x, y, z)
        else:
            x, y = transformer.transform(x, y)
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        bad = ~(np.isfinite(x) & np.isfinite(y))
        if bad.any():
            raise InputError(
                f"{argname}: coordinates at {describe_labels(index[bad])} could not be "
                f"transformed from {crs.name} to longitude/latitude (outside the CRS's area?)"
            )
    off = np.abs(y) > 90.0
    if off.any():
        raise InputError(
            f"{argname} has latitude beyond ±90° at {describe_labels(index[off])} "
            f"(values {', '.join(f'{v:g}' for v in y[off][:_MAX_LABELS])}); "
            + latitude_hint(x[off], y[off], argname, geographic=crs.is_geographic)
        )
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


# Beyond this many "degrees" in both coordinates, numbers are projected metres or feet, not
# swapped degrees (the largest longitude a table may hold is 540).
_PROJECTED = 1000.0


def latitude_hint(x: np.ndarray, y: np.ndarray, argname: str, *, geographic: bool) -> str:
    """What to do about latitudes beyond ±90° (``x``, ``y``: the offending coordinates, as given).

    Large numbers in a geographic CRS are projected coordinates read as degrees (a GeoJSON
    without a "crs" member is always read as EPSG:4326): swapping would not help, a CRS would.
    """
    if geographic and np.abs(y).min() > _PROJECTED and np.abs(x).min() > _PROJECTED:
        return (
            f"these look like projected coordinates (metres or feet), not degrees: {argname} says its CRS "
            f"is geographic (a file without a CRS, or a GeoJSON, is read as degrees); give the CRS the "
            f"numbers are in, e.g. {argname}.set_crs('EPSG:32633', allow_override=True)"
        )
    return "are longitude and latitude swapped? Points are (x=longitude, y=latitude)"


def as_frame(obj, argname: str, replaced: Sequence[str]) -> gpd.GeoDataFrame:
    """A copy of the caller's data as a GeoDataFrame, ready for new columns.

    A GeoSeries becomes the geometry column. Columns named in ``replaced``
    (ours, e.g. from re-running on a report's own table) are dropped with a
    warning naming them, so the new ones are appended at the end.
    """
    if isinstance(obj, gpd.GeoSeries):
        name = obj.name if isinstance(obj.name, str) and obj.name and obj.name not in replaced else "geometry"
        return gpd.GeoDataFrame(geometry=obj.rename(name).copy(), crs=obj.crs)
    if obj.geometry.name in replaced:
        raise InputError(
            f"{argname}'s geometry column is named {obj.geometry.name!r}, a column rangecov writes; "
            f"rename it, e.g. {argname}.rename_geometry('geometry')"
        )
    out = obj.copy()
    clash = [c for c in replaced if c in out.columns]
    if clash:
        warnings.warn(
            f"{argname} already has column(s) {', '.join(clash)}; rangecov replaces them",
            UserWarning,
            stacklevel=3,
        )
        out = out.drop(columns=clash)
    return out


def lonlat_geometries(obj, argname: str) -> np.ndarray:
    """The geometries of a frame as a shapely array in longitude/latitude (EPSG:4326).

    Points, lines and polygons (and their multi-parts) are accepted. Raises
    TypeError/ValueError naming ``argname`` and the offending index labels for
    a wrong type, no CRS, missing, empty or invalid geometry (pointing at
    ``shapely.make_valid``), geometry collections, NaN coordinates and
    latitudes beyond ±90°.
    """
    geoms = check_frame(obj, argname)
    values = np.asarray(geoms.values, dtype=object)
    index = obj.index
    _refuse_missing(np.asarray(geoms.isna()), index, argname)
    empty = np.asarray(shapely.is_empty(values))
    if empty.any():
        raise InputError(f"{argname} has empty geometry at {describe_labels(index[empty])}; drop those rows")
    kinds = np.asarray(shapely.get_type_id(values))
    odd = kinds == shapely.GeometryType.GEOMETRYCOLLECTION
    if odd.any():
        raise InputError(
            f"{argname} has geometry collections at {describe_labels(index[odd])}; accepted are "
            "points, lines and polygons and their multi-part forms (split collections with .explode())"
        )
    coords = shapely.get_coordinates(values)
    if not np.isfinite(coords).all():
        bad = ~np.isfinite(shapely.bounds(values)).all(axis=1)
        raise InputError(f"{argname} has NaN or infinite coordinates at {describe_labels(index[bad])}")
    crs = pyproj.CRS.from_user_input(geoms.crs)
    if not lonlat_crs(crs):
        if crs.is_geocentric:
            raise InputError(
                f"{argname} uses the geocentric CRS {crs.name!r}; lines and polygons need a "
                f"geographic or projected CRS (convert with {argname}.to_crs('EPSG:4326'))"
            )
        transformer = _to_lonlat(crs, argname)
        values = shapely.transform(values, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
        bad = ~np.isfinite(shapely.bounds(values)).all(axis=1)
        if bad.any():
            raise InputError(
                f"{argname}: coordinates at {describe_labels(index[bad])} could not be "
                f"transformed from {crs.name} to longitude/latitude (outside the CRS's area?)"
            )
    ys = shapely.bounds(values)[:, [1, 3]]
    off = (np.abs(ys) > 90.0).any(axis=1)
    if off.any():
        xs = shapely.bounds(values)[off][:, [0, 2]]
        raise InputError(
            f"{argname} has latitude beyond ±90° at {describe_labels(index[off])}; "
            + latitude_hint(xs.ravel(), ys[off].ravel(), argname, geographic=crs.is_geographic)
        )
    # Lines and polygons are also measured in lon/lat (centroids, cuts at ±180°), where a vertex at
    # 1e300° overflows (fuzzing found it); within one and a half turns, the bound tables are read
    # with, edges unwrapped across ±180° still work. A point may carry any longitude: it is reduced.
    far = (np.abs(shapely.bounds(values)[:, [0, 2]]) > MAX_LONGITUDE).any(axis=1) & (
        kinds != shapely.GeometryType.POINT
    )
    if far.any():
        raise InputError(
            f"{argname} has lines, polygons or multi-points with longitudes beyond ±{MAX_LONGITUDE:g}° at "
            f"{describe_labels(index[far])}; write their vertices within -180..180° (or unwrapped across "
            "±180° by less than a turn)"
        )
    # An edge from -180 to 180 along a parallel is a full circle in the
    # lon/lat reading but a zero-length geodesic: a polar cap written as a
    # lon/lat box would silently collapse.
    kinds = np.asarray(shapely.get_type_id(values))
    lined = np.flatnonzero((kinds != shapely.GeometryType.POINT) & (kinds != shapely.GeometryType.MULTIPOINT))
    if lined.size:
        # Edges join consecutive vertices of one line or ring: the last vertex of one part and the
        # first of the next are no edge (a line cut at ±180° ends at 180 and goes on from -180).
        parts, part_owner = shapely.get_parts(values[lined], return_index=True)
        solid = np.asarray(shapely.get_type_id(parts)) == shapely.GeometryType.POLYGON
        rings, ring_owner = shapely.get_rings(parts[solid], return_index=True)
        curves = np.concatenate([parts[~solid], rings])
        curve_owner = np.concatenate([part_owner[~solid], part_owner[solid][ring_owner]])
        xy, curve = shapely.get_coordinates(curves, return_index=True)
        same = curve[1:] == curve[:-1]
        full = same & (np.abs(xy[1:, 0] - xy[:-1, 0]) >= 360.0) & (xy[1:, 1] == xy[:-1, 1]) & (np.abs(xy[1:, 1]) < 90.0)
        if full.any():
            rows = np.unique(lined[curve_owner[curve[1:][full]]])
            raise InputError(
                f"{argname} has an edge from -180° to 180° along a parallel at {describe_labels(index[rows])}; "
                "rangecov reads edges as geodesics, for which that edge has zero length. To follow the "
                f"parallel (e.g. a polar cap), add vertices along it first, e.g. {argname}.segmentize(1) "
                "(one vertex per degree)"
            )
    invalid = ~np.asarray(shapely.is_valid(values))
    if invalid.any():
        reasons = "; ".join(shapely.is_valid_reason(values[invalid][:_MAX_LABELS]))
        raise InputError(
            f"{argname} has invalid geometry at {describe_labels(index[invalid])} ({reasons}); "
            f"repair it first, e.g. {argname}.geometry.make_valid() (shapely.make_valid)"
        )
    return values


def column_names(obj) -> list:
    """The columns of a GeoDataFrame (for messages); none for a GeoSeries."""
    return list(obj.columns) if isinstance(obj, gpd.GeoDataFrame) else []


def attribute_columns(obj) -> list:
    """The columns of a frame other than its geometry (for messages listing them): none for a GeoSeries.

    A dask-geopandas frame keeps its geometry column's name on its (empty) meta.
    """
    columns = list(getattr(obj, "columns", [])) if not isinstance(obj, gpd.GeoSeries) else []
    geometry = getattr(obj, "_geometry_column_name", None) or getattr(
        getattr(obj, "_meta", None), "_geometry_column_name", None
    )
    return [c for c in columns if c != geometry]


def named_column(obj, value) -> pd.Series | None:
    """The column of ``obj`` that ``value`` names, or None when ``value`` is not one of its column names.

    The one reading of arguments that may be "a column name or a value"
    (reach, distance, interval, count, ring lists): a string that names a
    column is that column, anything else is a value.
    """
    if isinstance(value, str) and isinstance(obj, gpd.GeoDataFrame) and value in obj.columns:
        return obj[value]
    return None


def per_row_distance(value, obj, n: int, argname: str, *, positive: bool = False) -> np.ndarray:
    """A distance per row of ``obj`` in metres from a scalar, a column name or a sequence.

    Scalars and strings go through :func:`rangecov.parse_distance`. A string
    naming a column of ``obj`` reads that column; a list, array or Series of
    length ``n`` gives one value per row. Missing values are refused.
    """
    columns = column_names(obj)
    named = named_column(obj, value)
    if named is not None:
        items = list(named.items())
        where = f"{argname} column {value!r}"
    elif isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        seq: list[tuple[Hashable, Any]] = (
            list(value.items()) if isinstance(value, pd.Series) else list(enumerate(value))
        )
        if len(seq) != n:
            raise InputError(f"{argname} has {len(seq)} values but there are {n} rows; give one per row")
        items = seq
        where = argname
    else:
        try:
            metres = parse_distance(value)
        except ValueError as err:
            hint = f"; columns: {', '.join(map(str, columns))}" if isinstance(value, str) and columns else ""
            raise InputError(f"{argname} {value!r} is neither a column nor a distance ({err}){hint}") from None
        except TypeError as err:
            raise InputTypeError(f"{argname}: {err}") from None
        if positive and metres <= 0:
            raise InputError(f"{argname} must be positive, got {value!r}")
        return np.full(n, metres)
    missing = [label for label, v in items if pd.api.types.is_scalar(v) and pd.isna(v)]
    if missing:
        raise InputError(f"{where} has missing values at {describe_labels(missing)}")
    out = np.empty(len(items))
    for i, (label, v) in enumerate(items):
        try:
            out[i] = parse_distance(v)
        except (ValueError, TypeError) as err:
            raise InputError(f"{where} at index label {label!r}: {err}") from None
        if positive and out[i] <= 0:
            raise InputError(f"{where} must be positive; got {v!r} at index label {label!r}")
    return out


def check_polygons(values: np.ndarray, index, argname: str, why: str) -> None:
    """Refuse any geometry of ``values`` that is not a polygon or multipolygon, naming the rows by ``index``."""
    kinds = np.asarray(shapely.get_type_id(values))
    bad = (kinds != shapely.GeometryType.POLYGON) & (kinds != shapely.GeometryType.MULTIPOLYGON)
    if bad.any():
        raise InputError(f"{argname} must be polygons {why}; found other geometry at {describe_labels(index[bad])}")


def is_dask_frame(obj) -> bool:
    """Whether ``obj`` is a dask-geopandas GeoDataFrame/GeoSeries (asked without importing dask)."""
    return type(obj).__module__.split(".")[0] in ("dask_geopandas", "dask") and hasattr(obj, "map_partitions")
