"""Writing result tables (GeoDataFrames) to files, in the format the extension names.

:func:`write_frame` writes a GeoDataFrame as GeoJSON, GeoPackage, GeoParquet
or CSV, so that :func:`rangecov.io.read` gets it back; :func:`frame_text`
gives the CSV or GeoJSON text for standard output. Both are also available
from :mod:`rangecov.io`.

This module sits in the API layer, below the front ends, because
:meth:`rangecov.CoverageReport.to_file` writes with it. It also holds the
helpers that reading shares (:func:`first_line`, :func:`same_crs`,
:func:`list_columns`, :func:`is_default_index`): :mod:`rangecov.io` may import
from here, never the other way.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from geopandas.array import GeometryDtype

from ..errors import (
    FileMissingError,
    InputError,
    InputTypeError,
    MissingCRSError,
    MissingDependencyError,
    OutputExistsError,
    PathIsFolderError,
)

__all__ = ["write_frame", "frame_text"]  # and, for streamed writing: prepare_table, plain_column, check_output_path

_MAX_COLUMNS = 30

_WRITE_FORMATS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".csv": "csv",
    ".fgb": "fgb",
}
SUPPORTED_WRITE = ".geojson, .gpkg, .fgb, .parquet, .csv"
WGS84 = pyproj.CRS.from_epsg(4326)  # what GeoJSON (RFC 7946) and our CSV hold
# The key of ``frame.attrs`` where read() notes a table's coordinate columns (names and the
# file's column order), so that CSV output writes them back as the file had them.
COORDINATE_COLUMNS = "rangecov_coordinate_columns"
FORMAT_NAMES = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "fgb": "FlatGeobuf", "parquet": "GeoParquet", "csv": "CSV"}
# The GDAL driver of each format written through GDAL.
GDAL_DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "fgb": "FlatGeobuf"}
# FlatGeobuf's spatial index sorts the features along a curve; without it they stay in the frame's order.
GDAL_LAYER_OPTIONS = {"fgb": {"SPATIAL_INDEX": "NO"}}


# --------------------------------------------------------------------------- shared with reading


def first_line(err: BaseException) -> str:
    """The first sentence of an error's message (or its type's name), for one-line reports."""
    # GDAL's messages go on with advice about driver prefixes that does not
    # apply to read(); the first sentence says what went wrong.
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text.split(".;")[0].split("; It might help")[0]


def same_crs(a: pyproj.CRS, b: pyproj.CRS) -> bool:
    """Whether two CRSs place coordinates alike (axis order aside, as geopandas treats x as longitude)."""
    # OGC:CRS84 and EPSG:4326 differ only in axis order, which geopandas
    # ignores (x is always longitude); GDAL may also return an equivalent
    # CRS without its EPSG code.
    if a == b or a.equals(b, ignore_axis_order=True):
        return True
    code = a.to_epsg()
    return code is not None and code == b.to_epsg()


def is_default_index(index: pd.Index) -> bool:
    """Whether ``index`` is the unnamed ``0..n-1`` RangeIndex (which files need not store)."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None


def list_columns(columns: Sequence) -> str:
    """Column names for a message: the first 30, then how many more ("(none)" for none)."""
    names = [str(c) for c in columns]
    shown = ", ".join(names[:_MAX_COLUMNS])
    more = len(names) - _MAX_COLUMNS
    return shown + (f" and {more} more" if more > 0 else "") if names else "(none)"


# --------------------------------------------------------------------------- writing


def write_frame(
    frame: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    layer: str | None = None,
    argname: str = "path",
) -> Path:
    """Write a GeoDataFrame to a file, in the format its extension names.

    Parameters
    ----------
    frame : GeoDataFrame
        With an active geometry column and a CRS. It is not changed.
    path : str or os.PathLike
        The file to write:

        * ``.geojson`` or ``.json``: GeoJSON, reprojected to EPSG:4326 as
          RFC 7946 asks (coordinates at full precision; geometries are not
          cut at the antimeridian);
        * ``.gpkg``: GeoPackage, one layer;
        * ``.fgb``: FlatGeobuf;
        * ``.parquet``: GeoParquet;
        * ``.csv``: a plain table in EPSG:4326. Points become ``lon`` and
          ``lat`` columns where the geometry column was, so that
          :func:`rangecov.io.read` gets them back; other geometry becomes WKT
          text in a ``geometry`` column.
    overwrite : bool, default False
        Replace an existing file. The new file is written beside it and moved
        into place, so a failed write leaves the old one intact.
    layer : str, optional
        The GeoPackage layer name (default: the file name without its
        extension) and the GeoJSON collection's ``name``; other formats have
        no layer name and ignore it.
    argname : str, default "path"
        How error messages name ``path`` (e.g. ``"--output"`` for a command
        line).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        If ``frame`` is not a GeoDataFrame.
    ValueError
        For an unsupported extension (listing the supported ones), a frame
        without an active geometry column or a CRS, and column names that
        collide with the ones written (e.g. an index named like a column).
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    FileNotFoundError
        If the folder of ``path`` does not exist.

    Notes
    -----
    What the formats can hold decides a few conversions, made on a copy:

    * An index that is not the default ``0..n-1`` RangeIndex is written as
      column(s) named after it (``"index"`` when unnamed), so labels survive.
    * Geometry columns other than the active one (e.g. ``covered_geometry``)
      are written as WKT text in every format: GeoJSON and GeoPackage hold a
      single geometry per feature, and readers of GeoParquet disagree about
      several. Parse them back with :meth:`geopandas.GeoSeries.from_wkt`.
    * Object columns holding only integers (and None) become nullable
      integers, only booleans nullable booleans; mixed types (e.g. labels
      that are numbers and strings) become strings, with None kept missing.
    * Categorical columns stay categorical in Parquet and are written as
      their values elsewhere. Bool, int and float columns keep their type.
    * GeoJSON cannot hold the columns of a frame without rows, so an empty
      frame comes back from GeoJSON with a geometry column only.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import geopandas
    >>> from rangecov.io import read, write_frame
    >>> sites = geopandas.GeoDataFrame(
    ...     {"name": ["Sumy", "Kharkiv"]},
    ...     geometry=geopandas.points_from_xy([34.80, 36.23], [50.91, 49.99]),
    ...     crs="EPSG:4326",
    ... )
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_frame(sites, Path(folder) / "sites.csv")
    ...     print(written.read_text().strip())
    ...     back = read(written, names=None)
    name,lon,lat
    Sumy,34.8,50.91
    Kharkiv,36.23,49.99
    >>> bool(back.geom_equals(sites.geometry).all())
    True
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        hint = ""
        if isinstance(frame, pd.DataFrame):
            hint = (
                "; make one with geopandas.GeoDataFrame(df, geometry=..., crs=...), or use df.to_csv for a plain table"
            )
        raise InputTypeError(f"frame must be a geopandas GeoDataFrame, got {type(frame).__name__}{hint}")
    if frame.active_geometry_name is None or frame.active_geometry_name not in frame.columns:
        raise InputError("frame has no active geometry column; set one with frame.set_geometry('column_name')")
    if frame.crs is None:
        raise MissingCRSError(
            "frame has no CRS, so its file could not be placed on the Earth when read back; "
            "set it first, e.g. frame.set_crs('EPSG:4326') for longitude/latitude in degrees"
        )
    if layer is not None and not isinstance(layer, str):
        raise InputTypeError(f"layer= must be a layer name (str), got {type(layer).__name__} {layer!r}")

    path, fmt = check_output_path(path, overwrite=overwrite, argname=argname)
    table = prepare_table(frame, fmt)
    # Write beside the target and move into place: os.replace is atomic, so
    # a write that fails half-way never leaves a truncated file, and
    # overwrite=True replaces a GeoPackage whole instead of adding a layer.
    temporary = temporary_beside(path)
    try:
        _write(table, temporary, fmt, layer=layer or path.stem)
        os.replace(temporary, path)
    except (RuntimeError, ValueError, TypeError, NotImplementedError) as err:
        raise InputError(f"frame could not be written as {FORMAT_NAMES[fmt]} to {path}: {first_line(err)}") from err
    finally:
        remove_file(temporary)
    return path


def check_output_path(path, *, overwrite: bool, argname: str = "path") -> tuple[Path, str]:
    """``path`` as a Path and the format its extension names, once it is safe to write there."""
    try:
        path = Path(os.fspath(path))
    except TypeError:
        raise InputTypeError(f"{argname} must be a file path (str or os.PathLike), got {type(path).__name__}") from None
    suffix = path.suffix.lower()
    if suffix not in _WRITE_FORMATS:
        which = f"extension {path.suffix!r}" if path.suffix else "no extension"
        raise InputError(f"{argname} {str(path)!r} has {which}; write one of {SUPPORTED_WRITE}")
    folder = path.parent
    if not folder.is_dir():
        raise FileMissingError(f"{argname}: folder {folder} does not exist; create it first")
    if path.is_dir():
        raise PathIsFolderError(f"{argname} {str(path)!r} is a folder; give a file name ending in {suffix}")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass overwrite=True to replace it")
    return path, _WRITE_FORMATS[suffix]


def temporary_beside(path: Path, suffix: str | None = None) -> Path:
    """A fresh hidden name in ``path``'s folder, to write into and then move to ``path`` (os.replace is atomic)."""
    return path.parent / f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix if suffix is None else suffix}"


def remove_file(path: Path) -> None:
    """Remove a file if it is there, with SQLite's (GeoPackage's) side files."""
    for leftover in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{leftover}").unlink(missing_ok=True)


def frame_text(frame: gpd.GeoDataFrame, fmt: str) -> str:
    """The text ``write_frame`` would write for ``"csv"`` or ``"geojson"``, for standard output."""
    table = prepare_table(frame, fmt)
    if fmt == "csv":
        return table.to_csv(index=False)
    assert isinstance(table, gpd.GeoDataFrame)  # prepare_table keeps the geometry for every format but CSV
    return table.to_json(na="null", drop_id=True, to_wgs84=False) + "\n"


def _write(table: pd.DataFrame, path: Path, fmt: str, *, layer: str) -> None:
    if fmt == "csv":
        table.to_csv(path, index=False)
    elif fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingDependencyError(
                'writing GeoParquet needs pyarrow; install it with pip install "rangecov[parquet]"'
            ) from None
        table.to_parquet(path, index=False)
    else:
        assert isinstance(table, gpd.GeoDataFrame)  # prepare_table keeps the geometry for every format but CSV
        options = GDAL_LAYER_OPTIONS.get(fmt, {})
        table.to_file(path, driver=GDAL_DRIVERS[fmt], layer=layer, index=False, layer_options=options)


def prepare_table(frame: gpd.GeoDataFrame, fmt: str) -> pd.DataFrame:
    """A copy of ``frame`` in the shape ``fmt`` can hold (see write_frame's notes)."""
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()].unique()
        raise InputError(f"frame has duplicate column names ({list_columns(dup)}); rename them first")
    out = frame.copy()
    geometry = out.active_geometry_name
    assert geometry is not None  # every caller has checked the frame's active geometry

    if not is_default_index(out.index):
        if isinstance(out.index, pd.MultiIndex):
            names = [n if n is not None else f"level_{i}" for i, n in enumerate(out.index.names)]
        else:
            names = [out.index.name if out.index.name is not None else "index"]
        clash = [n for n in names if n in out.columns]
        if clash:
            raise InputError(
                f"frame's index is named {list_columns(clash)}, like a column, so it cannot be written "
                "as a column; rename one, e.g. frame.rename_axis('label')"
            )
        out = out.reset_index(names=names if len(names) > 1 else names[0])

    # Column names must be text in every format; 0 and "0" would collide.
    if any(not isinstance(c, str) for c in out.columns):
        renamed = [str(c) for c in out.columns]
        if len(set(renamed)) != len(renamed):
            raise InputError("frame has column names that are equal as text (e.g. 0 and '0'); rename them")
        geometry = str(geometry)
        out.columns = renamed
        out = out.set_geometry(geometry)

    to_lonlat = fmt in ("geojson", "csv") and not same_crs(pyproj.CRS.from_user_input(out.crs), WGS84)
    for name in out.columns:
        if name == geometry:
            continue
        out[name] = plain_column(out[name], fmt, to_lonlat=to_lonlat)
    if to_lonlat:
        out = out.to_crs(WGS84)

    if fmt != "csv":
        return out
    # The names and place the file's coordinate columns had, when the points are still in its degrees.
    read_as = None if to_lonlat else out.attrs.get(COORDINATE_COLUMNS)
    return _csv_table(out, geometry, read_as)


def _as_read(table: pd.DataFrame, read_as: dict | None):
    """Where and under which names to write the coordinates as the file had them, or None.

    ``read_as`` is what :func:`rangecov.read` noted in ``attrs[COORDINATE_COLUMNS]``: the longitude
    and latitude column names and the file's column order. The pair goes after the last column
    that preceded it in the file (first if none did). Returns the position and the two (name, "x" or "y") in the file's order, or None when the
    note is missing or its names are taken.
    """
    if not isinstance(read_as, dict):
        return None
    lon, lat, order = read_as.get("lon"), read_as.get("lat"), read_as.get("order")
    if not (isinstance(lon, str) and isinstance(lat, str) and isinstance(order, list)):
        return None
    if lon in table.columns or lat in table.columns or lon not in order or lat not in order:
        return None
    pair = sorted([(order.index(lon), lon, "x"), (order.index(lat), lat, "y")])
    earlier = set(order[: pair[0][0]])
    before = [i for i, c in enumerate(table.columns) if c in earlier]
    return (before[-1] + 1 if before else 0), [(name, axis) for _, name, axis in pair]


def plain_column(column: pd.Series, fmt: str, *, to_lonlat: bool) -> pd.Series:
    """One non-active column as a type the format can hold."""
    if isinstance(column.dtype, GeometryDtype):
        series = gpd.GeoSeries(column)
        if to_lonlat and series.crs is not None and not same_crs(series.crs, WGS84):
            series = series.to_crs(WGS84)  # same coordinates as the active geometry
        return pd.Series(_wkt(series.values), index=column.index, dtype=object)
    if isinstance(column.dtype, pd.CategoricalDtype):
        if fmt == "parquet":
            return column  # Parquet has dictionary columns that come back categorical
        column = column.astype(object)
    if column.dtype != object:
        return column
    geoms = np.array([isinstance(v, shapely.Geometry) for v in column], dtype=bool)
    if geoms.any():
        values = np.asarray(column, dtype=object).copy()
        values[geoms] = _wkt(values[geoms])
        column = pd.Series(values, index=column.index, dtype=object)
    kind = pd.api.types.infer_dtype(column, skipna=True)
    try:
        if kind == "integer":
            return column.astype("Int64")
        if kind == "boolean":
            return column.astype("boolean")
        if kind in ("floating", "mixed-integer-float"):
            return column.astype(float)
    except (TypeError, ValueError, OverflowError):  # e.g. integers beyond 64 bits
        pass
    if kind in ("mixed", "mixed-integer", "integer", "boolean"):
        # Parquet needs one type per column and GDAL would guess; text holds
        # every label and keeps the missing ones missing.
        return column.map(lambda v: v if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v))
    return column


def _wkt(values) -> np.ndarray:
    # Full precision: the default rounds to 6 decimals, about 0.1 m in degrees.
    return np.asarray(shapely.to_wkt(np.asarray(values, dtype=object), rounding_precision=-1), dtype=object)


def _csv_table(out: gpd.GeoDataFrame, geometry: str, read_as: dict | None = None) -> pd.DataFrame:
    values = np.asarray(out.geometry.values, dtype=object)
    present = ~pd.isna(values)
    kinds = np.asarray(shapely.get_type_id(values))
    position = list(out.columns).index(geometry)
    table = pd.DataFrame(out.drop(columns=geometry))
    if (kinds[present] == shapely.GeometryType.POINT).all():
        placed = _as_read(table, read_as)
        if placed is not None:
            # Back where the file had them, under its names (Lat, Long), as a spreadsheet user expects.
            position, names = placed
            coordinate = {"x": shapely.get_x(values), "y": shapely.get_y(values)}
            for offset, (name, axis) in enumerate(names):
                table.insert(position + offset, name, coordinate[axis])
            return table
        clash = [c for c in ("lon", "lat") if c in table.columns]
        if clash:
            raise InputError(
                f"frame has column(s) {', '.join(clash)}, where CSV output writes the point coordinates; "
                f"drop or rename them, e.g. frame.drop(columns={clash!r})"
            )
        table.insert(position, "lon", shapely.get_x(values))
        table.insert(position + 1, "lat", shapely.get_y(values))
        return table
    if "geometry" in table.columns:
        raise InputError(
            "frame has a column named 'geometry' besides its active geometry column, where CSV output "
            "writes the geometry as WKT; rename it"
        )
    table.insert(position, "geometry", _wkt(values))
    return table
