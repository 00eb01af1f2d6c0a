"""Reading the user's files into GeoDataFrames, and writing result tables.

:func:`read` turns a spatial file (GeoJSON, GeoPackage, Shapefile, GeoParquet,
anything GDAL reads) or a table with longitude/latitude columns (CSV, TSV,
Parquet) into a GeoDataFrame with a CRS. :func:`write_frame` writes a
GeoDataFrame by the extension of the path, so that :func:`read` gets it back.

Every user mistake (a missing file, an unknown extension, a column that is not
there, a value that is not a number) is caught here and reported in one
sentence that names the argument and the fix, before pandas or GDAL can answer
with a traceback from deep inside.
"""

from __future__ import annotations

import os
import secrets
import warnings
from pathlib import Path
from typing import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from geopandas.array import GeometryDtype

__all__ = ["read", "write_frame"]

_MAX_SHOWN = 5
_MAX_COLUMNS = 30

# Auto-detected coordinate columns, in order of preference: when a table has
# several (e.g. both "lon" and "x"), the first in these lists wins.
LON_NAMES = ("lon", "lng", "long", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")

_TABLE_SEPARATORS = {".csv": ",", ".tsv": "\t", ".txt": None}  # None: let the parser sniff
_COMPRESSIONS = {".gz", ".bz2", ".xz", ".zst", ".zip"}
_PARQUET = {".parquet", ".geoparquet"}
_SPATIAL = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".fgb": "FlatGeobuf",
    ".kml": "KML",
    ".kmz": "KML",
    ".gml": "GML",
    ".gpx": "GPX",
}
SUPPORTED_READ = (
    ".geojson, .json, .gpkg, .shp, .fgb, .kml, .parquet, .geoparquet (spatial files) "
    "and .csv, .tsv, .txt, .parquet (tables with longitude/latitude columns)"
)

_WRITE_FORMATS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".csv": "csv",
}
SUPPORTED_WRITE = ".geojson, .gpkg, .parquet, .csv"
_WGS84 = pyproj.CRS.from_epsg(4326)  # what GeoJSON (RFC 7946) and our CSV hold
_FORMAT_NAMES = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "parquet": "GeoParquet", "csv": "CSV"}


# --------------------------------------------------------------------------- reading


def read(
    path: str | os.PathLike,
    *,
    lon: str | None = None,
    lat: str | None = None,
    crs=None,
    layer: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read a spatial file or a table of longitude/latitude into a GeoDataFrame.

    Parameters
    ----------
    path : str or os.PathLike
        The file. The format follows the extension:

        * spatial files, read with :func:`geopandas.read_file`: GeoJSON
          (``.geojson``, ``.json``), GeoPackage (``.gpkg``), Shapefile
          (``.shp``), FlatGeobuf (``.fgb``), KML (``.kml``) and any other
          extension GDAL recognises from the content;
        * GeoParquet (``.parquet`` or ``.geoparquet`` with GeoParquet
          metadata), read with :func:`geopandas.read_parquet`;
        * tables: ``.csv``, ``.tsv`` (tab-separated), either optionally
          compressed (``.csv.gz``, ``.tsv.zip`` and the like), ``.txt``
          (comma, tab, semicolon, pipe or spaces, the first found in the
          header line)
          and Parquet without GeoParquet metadata. Points are built from a
          longitude and a latitude column.
    lon, lat : str, optional
        For tables: the names of the longitude (x) and latitude (y) columns.
        A name not given is looked for, ignoring case and surrounding spaces,
        among ``lon, lng, long, longitude, x`` and ``lat, latitude, y``; when
        several are present the first in these lists wins (``lon`` over
        ``x``). Not allowed for spatial files, which carry their geometry.
    crs : optional
        Anything :meth:`pyproj.CRS.from_user_input` accepts. For tables, the
        CRS of the coordinates (default ``"EPSG:4326"``, degrees of WGS84);
        give it for projected coordinates, e.g. ``crs="EPSG:3857"``. For a
        spatial file without a CRS it sets one; for a file with a different
        CRS it is an error, because coordinates are never silently
        reinterpreted (convert with ``.to_crs`` after reading instead).
    layer : str or int, optional
        The layer of a multi-layer file (e.g. a GeoPackage), by name or by
        0-based position. Without it the first layer is read, with a warning
        when there are several.

    Returns
    -------
    GeoDataFrame
        With a CRS and a default RangeIndex: no column is made the index
        (use e.g. ``.set_index("name")``), and an index stored in a Parquet
        file comes back as columns. For tables the longitude and latitude
        columns are removed: the point geometry carries them, and copies
        beside it would go stale after ``.to_crs``. A table without rows gives
        an empty GeoDataFrame with the table's other columns.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an unreadable file or an unknown format (listing the supported
        extensions), a layer that is not there (listing the layers), a
        spatial file without a CRS and no ``crs=``, a ``crs=`` that differs
        from the file's or that pyproj does not understand, and, for tables,
        coordinate columns that are not found (listing the columns), values
        that are missing or not numbers, and latitudes beyond ±90° in a
        geographic CRS (naming the 1-based data rows, where row 1 is the
        first after the header; blank lines are not counted).
    ImportError
        If a Parquet file is read without pyarrow installed.

    Examples
    --------
    A table of launch sites bundled with rangecov, with ``lat`` and ``lon``
    columns:

    >>> from importlib import resources
    >>> from rangecov.io import read
    >>> bundled = resources.files("rangecov") / "data" / "atacms_kursk_2024"
    >>> with resources.as_file(bundled / "launch_sites.csv") as csv_path:
    ...     sites = read(csv_path)
    >>> list(sites.columns)
    ['name', 'oblast', 'reach', 'note', 'geometry']
    >>> sites.crs.to_string()
    'EPSG:4326'
    >>> sites.geometry.iloc[0].wkt
    'POINT (34.8 50.91)'

    A spatial file keeps its own geometry and CRS:

    >>> with resources.as_file(bundled / "border_regions.geojson") as geojson_path:
    ...     regions = read(geojson_path)
    >>> regions.crs.to_string(), list(regions.columns)
    ('EPSG:4326', ['name', 'name_en', 'iso_3166_2', 'country', 'source', 'geometry'])
    """
    user_crs = _parse_crs(crs)
    for argname, value in (("lon", lon), ("lat", lat)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{argname}= must be a column name (str), got {type(value).__name__} {value!r}")
    if layer is not None and (isinstance(layer, bool) or not isinstance(layer, (str, int))):
        raise TypeError(f"layer= must be a layer name (str) or a 0-based position (int), got {layer!r}")
    path = _existing(path)

    kind = _kind(path)
    if layer is not None and kind in ("table", "parquet"):
        raise ValueError(f"layer= applies to files with several layers, such as GeoPackage; {path} has one table")
    if kind == "table":
        return _points_from_table(_read_table(path), path, lon=lon, lat=lat, crs=user_crs)
    if kind == "parquet" and not _has_geo_metadata(path):
        table = _default_index(_call_reader(pd.read_parquet, path, "Parquet"))
        return _points_from_table(table, path, lon=lon, lat=lat, crs=user_crs)
    if kind == "parquet":
        frame = _call_reader(gpd.read_parquet, path, "GeoParquet")
    else:
        frame = _read_gdal(path, layer=layer, known=kind == "spatial")
        if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
            # GDAL also reads attribute-only tables (a GeoPackage table, a
            # spreadsheet): they get their points from lon/lat columns too.
            return _points_from_table(pd.DataFrame(frame), path, lon=lon, lat=lat, crs=user_crs)

    if lon is not None or lat is not None:
        raise ValueError(
            f"lon= and lat= name the coordinate columns of a table; {path} is a spatial file that "
            "carries its own geometry, so leave them out"
        )
    return _default_index(_settle_crs(frame, path, user_crs))


def _parse_crs(crs) -> pyproj.CRS | None:
    if crs is None:
        return None
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise ValueError(
            f"crs={crs!r} is not a CRS pyproj understands; give e.g. crs='EPSG:4326' "
            "(longitude/latitude in degrees) or crs='EPSG:3857'"
        ) from None


def _existing(path) -> Path:
    try:
        path = Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"path must be a file path (str or os.PathLike), got {type(path).__name__}") from None
    if not path.exists():
        parent = path.parent
        missing_dir = "" if parent.is_dir() else f" (nor does its folder {parent})"
        raise FileNotFoundError(f"{path} does not exist{missing_dir}")
    return path


def _suffixes(path: Path) -> tuple[str, str]:
    """The last extension and the one before it, lower-case (".csv", ".gz" for "a.csv.gz")."""
    suffixes = [s.lower() for s in path.suffixes]
    last = suffixes[-1] if suffixes else ""
    before = suffixes[-2] if len(suffixes) > 1 else ""
    return last, before


def _kind(path: Path) -> str:
    last, before = _suffixes(path)
    if last in _TABLE_SEPARATORS or (last in _COMPRESSIONS and before in (".csv", ".tsv")):
        return "table"
    if last in _PARQUET:
        return "parquet"
    if last in _SPATIAL:
        return "spatial"
    return "other"  # GDAL may still recognise it from the content


def _read_table(path: Path) -> pd.DataFrame:
    last, before = _suffixes(path)
    try:
        sep = _TABLE_SEPARATORS[before if last in _COMPRESSIONS else last] or _sniff_separator(path)
        return pd.read_csv(path, sep=sep)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path} is empty; a table needs at least a header line naming its columns") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text; save it as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet)") from None
    except (pd.errors.ParserError, ValueError) as err:
        # The parser's own message says where (e.g. "Expected 3 fields in line 4, saw 5").
        raise ValueError(f"{path} could not be read as a table: {_first_line(err)}") from None


def _sniff_separator(path: Path) -> str:
    """The separator of a .txt table, from its header line: , tab ; | or else runs of spaces."""
    with open(path, encoding="utf-8") as fh:
        header = next((line.strip() for line in fh if line.strip()), "")
    # Decided by the header alone, not csv.Sniffer: left free, the sniffer
    # takes a letter of a one-column header for the separator, and it gives
    # up on columns aligned with a varying number of spaces.
    for sep in (",", "\t", ";", "|"):
        if sep in header:
            return sep
    return r"\s+" if len(header.split()) > 1 else ","


def _has_geo_metadata(path: Path) -> bool:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(
            f'reading {path} needs pyarrow for Parquet files; install it with pip install "rangecov[parquet]"'
        ) from None
    try:
        metadata = pq.read_schema(path).metadata or {}
    except Exception as err:  # pyarrow's ArrowInvalid and OSError for a file that is not Parquet
        raise ValueError(f"{path} could not be read as Parquet: {_first_line(err)}") from None
    return b"geo" in metadata


def _call_reader(reader, path: Path, what: str):
    try:
        return reader(path)
    except ImportError:
        raise ImportError(
            f'reading {path} needs pyarrow for {what} files; install it with pip install "rangecov[parquet]"'
        ) from None
    except Exception as err:  # pyarrow and geopandas raise many types for a damaged file
        raise ValueError(f"{path} could not be read as {what}: {_first_line(err)}") from err


def _read_gdal(path: Path, *, layer, known: bool) -> pd.DataFrame:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    what = _SPATIAL.get(_suffixes(path)[0], "a spatial file")
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except DataSourceError as err:
        if known:
            raise ValueError(f"{path} could not be read as {what}: {_first_line(err)}") from None
        raise ValueError(
            f"{path} is not in a format rangecov reads; supported are {SUPPORTED_READ}, "
            "or any other format GDAL recognises"
        ) from None
    listed = ", ".join(map(repr, layers))
    if isinstance(layer, int):
        if not 0 <= layer < len(layers):
            raise ValueError(f"layer={layer} is out of range: {path} has {len(layers)} layer(s): {listed}")
        layer = layers[layer]
    elif layer is not None and layer not in layers:
        raise ValueError(f"layer={layer!r} is not in {path}; its layers are: {listed}")
    elif layer is None and len(layers) > 1:
        # Say which one we took, so the choice is never silent (pyogrio's own
        # warning would point into pyogrio rather than at the caller).
        warnings.warn(
            f"{path} has {len(layers)} layers ({listed}); reading the first, {layers[0]!r}; choose one with layer=",
            UserWarning,
            stacklevel=3,  # the caller of read()
        )
        layer = layers[0]
    try:
        return gpd.read_file(path, layer=layer)
    except (DataSourceError, DataLayerError) as err:
        raise ValueError(f"{path} could not be read as {what}: {_first_line(err)}") from None


def _first_line(err: BaseException) -> str:
    # GDAL's messages go on with advice about driver prefixes that does not
    # apply to read(); the first sentence says what went wrong.
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text.split(".;")[0].split("; It might help")[0]


def _same_crs(a: pyproj.CRS, b: pyproj.CRS) -> bool:
    # OGC:CRS84 and EPSG:4326 differ only in axis order, which geopandas
    # ignores (x is always longitude); GDAL may also return an equivalent
    # CRS without its EPSG code.
    if a == b or a.equals(b, ignore_axis_order=True):
        return True
    code = a.to_epsg()
    return code is not None and code == b.to_epsg()


class _NoCRS(ValueError):
    """A spatial file without a CRS (the command line then applies its --crs)."""


def _settle_crs(frame: gpd.GeoDataFrame, path: Path, user_crs: pyproj.CRS | None) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if user_crs is None:
            raise _NoCRS(
                f"{path} has no CRS, so its coordinates cannot be placed on the Earth; "
                "pass crs= with the CRS they are in, e.g. crs='EPSG:4326' for longitude/latitude in degrees"
            )
        return frame.set_crs(user_crs)
    if user_crs is not None and not _same_crs(pyproj.CRS.from_user_input(frame.crs), user_crs):
        name = user_crs.to_string()
        raise ValueError(
            f"{path} has CRS {frame.crs.to_string()} ({frame.crs.name}) but crs={name!r} was given; "
            f"read it without crs= and convert with .to_crs({name!r}), or, if the file's CRS is wrong, "
            f"replace it with .set_crs({name!r}, allow_override=True)"
        )
    return frame


def _default_index(frame: pd.DataFrame) -> pd.DataFrame:
    # A Parquet file may store an index; return it as columns so that every
    # format gives the same shape (and write_frame writes labels as columns).
    if _is_default_index(frame.index):
        return frame
    return frame.reset_index()


def _is_default_index(index: pd.Index) -> bool:
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None


def _list_columns(columns: Sequence) -> str:
    names = [str(c) for c in columns]
    shown = ", ".join(names[:_MAX_COLUMNS])
    more = len(names) - _MAX_COLUMNS
    return shown + (f" and {more} more" if more > 0 else "") if names else "(none)"


def _rows(positions: np.ndarray) -> str:
    """'data rows 3, 7, 9 and 2 more' from 0-based positions (row 1 is the first after the header)."""
    numbers = [str(int(p) + 1) for p in positions]
    shown = ", ".join(numbers[:_MAX_SHOWN])
    more = len(numbers) - _MAX_SHOWN
    return f"data row{'s' if len(numbers) > 1 else ''} {shown}" + (f" and {more} more" if more > 0 else "")


def _shown_values(values: Sequence) -> str:
    def one(v):
        if isinstance(v, str):
            return repr(v)
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return "missing"
        return f"{v:g}" if isinstance(v, (float, np.floating)) else repr(v)

    return ", ".join(one(v) for v in list(values)[:_MAX_SHOWN])


def _find_column(columns: Sequence, wanted: str | None, candidates: Sequence[str], argname: str, path: Path):
    """The column named by lon=/lat=, or the first auto-detected one, or None."""

    def normal(name) -> str:
        return str(name).strip().casefold()

    if wanted is not None:
        if wanted in columns:
            return wanted
        # Headers often carry stray spaces or capitals (" Lat "); a unique
        # match ignoring them is what the caller meant.
        loose = [c for c in columns if normal(c) == normal(wanted)]
        if len(loose) == 1:
            return loose[0]
        raise ValueError(f"{argname}={wanted!r} is not a column of {path}; columns: {_list_columns(columns)}")
    for candidate in candidates:
        for column in columns:
            if normal(column) == candidate:
                return column
    return None


def _points_from_table(
    table: pd.DataFrame, path: Path, *, lon: str | None, lat: str | None, crs: pyproj.CRS | None
) -> gpd.GeoDataFrame:
    columns = list(table.columns)
    lon_col = _find_column(columns, lon, LON_NAMES, "lon", path)
    lat_col = _find_column(columns, lat, LAT_NAMES, "lat", path)
    if lon_col is None or lat_col is None:
        # Which one is missing decides what the caller has to name.
        if lon_col is None and lat_col is None:
            what, fix = "longitude/latitude columns", "name them with lon=... and lat=..."
        elif lon_col is None:
            what, fix = f"longitude column (latitude is {lat_col!r})", "name it with lon=..."
        else:
            what, fix = f"latitude column (longitude is {lon_col!r})", "name it with lat=..."
        hint = ""
        if any(str(c).strip().casefold() in ("geometry", "wkt") for c in columns):
            hint = " (a WKT geometry column is not read; parse it with geopandas.GeoSeries.from_wkt)"
        raise ValueError(
            f"no {what} found in {path} (looked for {'/'.join(LON_NAMES)} and {'/'.join(LAT_NAMES)}); "
            f"columns: {_list_columns(columns)}; {fix}{hint}"
        )
    if lon_col == lat_col:
        raise ValueError(f"lon= and lat= both name column {lon_col!r} of {path}; give two different columns")
    rest = table.drop(columns=[lon_col, lat_col])
    if "geometry" in rest.columns:
        raise ValueError(
            f"{path} has a column named 'geometry' besides its coordinate columns {lon_col!r} and {lat_col!r}; "
            "read() puts the points there, so rename that column in the file"
        )

    x = _numbers(table[lon_col], lon_col, path)
    y = _numbers(table[lat_col], lat_col, path)
    crs = crs if crs is not None else _WGS84
    if crs.is_geographic:
        _check_degrees(x, y, lon_col, lat_col, path)
    return gpd.GeoDataFrame(rest, geometry=gpd.points_from_xy(x, y), crs=crs)


def _numbers(column: pd.Series, name, path: Path) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce")
    values = np.asarray(values, dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raw = column.iloc[bad]
        raise ValueError(
            f"column {name!r} in {path} must hold finite numbers; found {_shown_values(raw)} at {_rows(bad)}"
        )
    return values


def _check_degrees(x: np.ndarray, y: np.ndarray, lon_col, lat_col, path: Path) -> None:
    off = np.flatnonzero(np.abs(y) > 90.0)
    if off.size:
        hint = ""
        if (np.abs(x) <= 90.0).all():
            hint = (
                f"; longitude and latitude look swapped (every longitude is within ±90°): "
                f"if so, read with lon={lat_col!r}, lat={lon_col!r}"
            )
        raise ValueError(
            f"latitude column {lat_col!r} in {path} has values beyond ±90° at {_rows(off)} "
            f"({_shown_values(y[off])}){hint}"
        )
    # Beyond one and a half turns a "longitude" is not one (e.g. metres);
    # name the projected CRS instead.
    off = np.flatnonzero(np.abs(x) > 540.0)
    if off.size:
        raise ValueError(
            f"longitude column {lon_col!r} in {path} has values outside -540..540° at {_rows(off)} "
            f"({_shown_values(x[off])}); if these are projected coordinates, pass their CRS, e.g. crs='EPSG:3857'"
        )


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
        * ``.parquet``: GeoParquet;
        * ``.csv``: a plain table in EPSG:4326. Points become ``lon`` and
          ``lat`` columns where the geometry column was, so that
          :func:`read` gets them back; other geometry becomes WKT text in a
          ``geometry`` column.
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
    ...     back = read(written)
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
        raise TypeError(f"frame must be a geopandas GeoDataFrame, got {type(frame).__name__}{hint}")
    if frame.active_geometry_name is None or frame.active_geometry_name not in frame.columns:
        raise ValueError("frame has no active geometry column; set one with frame.set_geometry('column_name')")
    if frame.crs is None:
        raise ValueError(
            "frame has no CRS, so its file could not be placed on the Earth when read back; "
            "set it first, e.g. frame.set_crs('EPSG:4326') for longitude/latitude in degrees"
        )
    if layer is not None and not isinstance(layer, str):
        raise TypeError(f"layer= must be a layer name (str), got {type(layer).__name__} {layer!r}")

    try:
        path = Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"{argname} must be a file path (str or os.PathLike), got {type(path).__name__}") from None
    suffix = path.suffix.lower()
    if suffix not in _WRITE_FORMATS:
        which = f"extension {path.suffix!r}" if path.suffix else "no extension"
        raise ValueError(f"{argname} {str(path)!r} has {which}; write one of {SUPPORTED_WRITE}")
    fmt = _WRITE_FORMATS[suffix]
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"{argname}: folder {folder} does not exist; create it first")
    if path.is_dir():
        raise IsADirectoryError(f"{argname} {str(path)!r} is a folder; give a file name ending in {suffix}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")

    table = _prepare(frame, fmt)
    # Write beside the target and move into place: os.replace is atomic, so
    # a write that fails half-way never leaves a truncated file, and
    # overwrite=True replaces a GeoPackage whole instead of adding a layer.
    temporary = folder / f".{path.stem}.{secrets.token_hex(4)}.tmp{suffix}"
    try:
        _write(table, temporary, fmt, layer=layer or path.stem)
        os.replace(temporary, path)
    except (RuntimeError, ValueError, TypeError, NotImplementedError) as err:
        raise ValueError(f"frame could not be written as {_FORMAT_NAMES[fmt]} to {path}: {_first_line(err)}") from err
    finally:
        for leftover in ("", "-journal", "-wal", "-shm"):  # SQLite (GeoPackage) side files too
            Path(f"{temporary}{leftover}").unlink(missing_ok=True)
    return path


def frame_text(frame: gpd.GeoDataFrame, fmt: str) -> str:
    """The text ``write_frame`` would write for ``"csv"`` or ``"geojson"``, for standard output."""
    table = _prepare(frame, fmt)
    if fmt == "csv":
        return table.to_csv(index=False)
    return table.to_json(na="null", drop_id=True, to_wgs84=False) + "\n"


def _write(table: pd.DataFrame, path: Path, fmt: str, *, layer: str) -> None:
    if fmt == "csv":
        table.to_csv(path, index=False)
    elif fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ImportError(
                'writing GeoParquet needs pyarrow; install it with pip install "rangecov[parquet]"'
            ) from None
        table.to_parquet(path, index=False)
    else:
        driver = "GeoJSON" if fmt == "geojson" else "GPKG"
        table.to_file(path, driver=driver, layer=layer, index=False)


def _prepare(frame: gpd.GeoDataFrame, fmt: str) -> pd.DataFrame:
    """A copy of ``frame`` in the shape ``fmt`` can hold (see write_frame's notes)."""
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()].unique()
        raise ValueError(f"frame has duplicate column names ({_list_columns(dup)}); rename them first")
    out = frame.copy()
    geometry = out.active_geometry_name

    if not _is_default_index(out.index):
        if isinstance(out.index, pd.MultiIndex):
            names = [n if n is not None else f"level_{i}" for i, n in enumerate(out.index.names)]
        else:
            names = [out.index.name if out.index.name is not None else "index"]
        clash = [n for n in names if n in out.columns]
        if clash:
            raise ValueError(
                f"frame's index is named {_list_columns(clash)}, like a column, so it cannot be written "
                "as a column; rename one, e.g. frame.rename_axis('label')"
            )
        out = out.reset_index(names=names if len(names) > 1 else names[0])

    # Column names must be text in every format; 0 and "0" would collide.
    if any(not isinstance(c, str) for c in out.columns):
        renamed = [str(c) for c in out.columns]
        if len(set(renamed)) != len(renamed):
            raise ValueError("frame has column names that are equal as text (e.g. 0 and '0'); rename them")
        geometry = str(geometry)
        out.columns = renamed
        out = out.set_geometry(geometry)

    to_lonlat = fmt in ("geojson", "csv") and not _same_crs(pyproj.CRS.from_user_input(out.crs), _WGS84)
    for name in out.columns:
        if name == geometry:
            continue
        out[name] = _plain_column(out[name], fmt, to_lonlat=to_lonlat)
    if to_lonlat:
        out = out.to_crs(_WGS84)

    if fmt != "csv":
        return out
    return _csv_table(out, geometry)


def _plain_column(column: pd.Series, fmt: str, *, to_lonlat: bool) -> pd.Series:
    """One non-active column as a type the format can hold."""
    if isinstance(column.dtype, GeometryDtype):
        series = gpd.GeoSeries(column)
        if to_lonlat and series.crs is not None and not _same_crs(series.crs, _WGS84):
            series = series.to_crs(_WGS84)  # same coordinates as the active geometry
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


def _csv_table(out: gpd.GeoDataFrame, geometry: str) -> pd.DataFrame:
    values = np.asarray(out.geometry.values, dtype=object)
    present = ~pd.isna(values)
    kinds = np.asarray(shapely.get_type_id(values))
    position = list(out.columns).index(geometry)
    table = pd.DataFrame(out.drop(columns=geometry))
    if (kinds[present] == shapely.GeometryType.POINT).all():
        clash = [c for c in ("lon", "lat") if c in table.columns]
        if clash:
            raise ValueError(
                f"frame has column(s) {', '.join(clash)}, where CSV output writes the point coordinates; "
                f"drop or rename them, e.g. frame.drop(columns={clash!r})"
            )
        table.insert(position, "lon", shapely.get_x(values))
        table.insert(position + 1, "lat", shapely.get_y(values))
        return table
    if "geometry" in table.columns:
        raise ValueError(
            "frame has a column named 'geometry' besides its active geometry column, where CSV output "
            "writes the geometry as WKT; rename it"
        )
    table.insert(position, "geometry", _wkt(values))
    return table
