"""Reading the user's files into GeoDataFrames: :func:`read` and the format it picks by extension.

Spatial files go through GDAL (:func:`geopandas.read_file`) or
:func:`geopandas.read_parquet`; tables of longitude/latitude become points in
:mod:`rangecov.io.coordinates`.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from ..base.remote import is_remote, refuse_remote
from ..errors import (
    FileFormatError,
    FileMissingError,
    InputError,
    InputTypeError,
    MissingCRSError,
    MissingDependencyError,
    PathIsFolderError,
)
from .coordinates import points_from_table
from .naming import name_rows
from .text import COMPRESSIONS, TABLE_SEPARATORS, check_separator, decimal_commas, read_table, suffixes
from .writer import first_line, is_default_index, same_crs

__all__ = [
    "read",
    "file_kind",
    "SUPPORTED_READ",
    "existing_path",
    "parquet_file",
    "parse_crs",
    "settle_crs",
]

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

# A DataFrame, or a GeoDataFrame kept one.
FrameT = TypeVar("FrameT", bound=pd.DataFrame)


def read(
    path: str | os.PathLike,
    *,
    lon: str | None = None,
    lat: str | None = None,
    crs: Any = None,
    layer: str | int | None = None,
    sep: str | None = None,
    names: str | None = "auto",
    allow_remote: bool = False,
) -> gpd.GeoDataFrame:
    """Read a spatial file or a table of longitude/latitude into a GeoDataFrame, its rows named.

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
        * tables: ``.csv``, ``.tsv`` and ``.txt``, optionally compressed
          (``.csv.gz``, ``.tsv.zip`` and the like), and Parquet without
          GeoParquet metadata. Points are built from a longitude and a
          latitude column. The separator is found in the header line: the
          most frequent of comma, tab, semicolon and pipe outside quotes
          (runs of spaces for a ``.txt`` without any), else the extension's
          (comma; tab for ``.tsv``). In a semicolon-separated table, text
          columns of numbers with decimal commas (``50,91``) are read as
          numbers, as spreadsheets in many locales write them.
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
        The one exception: a GeoJSON file is read as longitude/latitude, as
        its specification says, unless its numbers cannot be degrees
        (beyond ±90 or ±540, e.g. UTM metres); then ``crs=`` says what they are.
    layer : str or int, optional
        The layer of a multi-layer file (e.g. a GeoPackage), by name or by
        0-based position. Without it the first layer is read, with a warning
        when there are several.
    sep : str, optional
        For tables: the separator, when the one found in the header is not
        it (e.g. ``sep=";"``); ``"\\s+"`` for runs of spaces. Decimal commas are
        read when it is ``";"``.
    names : str or None, default "auto"
        The column that names the rows (it becomes the index, so that results
        say ``nearest_origin == "Sumy"``, not ``0``). ``"auto"``: the first
        of the columns ``name``, ``id``, ``label``, ``site`` (ignoring case
        and surrounding spaces) whose values are all present and unique; when
        such columns exist but none qualifies, the rows are numbered from 0
        with a warning saying why. A column name: that column, which must be
        complete and unique. ``None``: rows numbered from 0. The ``rangecov``
        command names rows by the same rule (``--origin-names``,
        ``--target-names``).
    allow_remote : bool, default False
        Read a remote source: a URL (``https://``, ``s3://``, ...) or a GDAL
        network path (``/vsicurl/``, ``/vsis3/``, ...). Refused by default, so
        that a file name taken from elsewhere cannot make rangecov fetch
        anything. Tables are read by pandas, Parquet by pyarrow (``s3://``,
        ``gs://`` need fsspec), the rest by GDAL.

    Returns
    -------
    GeoDataFrame
        With a CRS, its rows named as ``names`` says (else a RangeIndex); an
        index stored in a Parquet file comes back as columns, and is then
        named by the same rule. For tables the longitude and latitude
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
        spatial file without a CRS and no ``crs=`` (as
        :class:`rangecov.errors.MissingCRSError`), a ``crs=`` that differs
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
    >>> list(sites.columns), sites.index.name
    (['oblast', 'reach', 'note', 'geometry'], 'name')
    >>> sites.crs.to_string()
    'EPSG:4326'
    >>> sites.geometry.iloc[0].wkt
    'POINT (34.8 50.91)'
    >>> sites.index[0]
    'Sumy'

    A spatial file keeps its own geometry and CRS:

    >>> with resources.as_file(bundled / "border_regions.geojson") as geojson_path:
    ...     regions = read(geojson_path, names=None)
    >>> regions.crs.to_string(), list(regions.columns)
    ('EPSG:4326', ['name', 'name_en', 'iso_3166_2', 'country', 'source', 'geometry'])
    """
    if names is not None and not isinstance(names, str):
        raise InputTypeError(f'names= must be a column name, "auto" or None, got {type(names).__name__} {names!r}')
    frame = _read(path, lon=lon, lat=lat, crs=crs, layer=layer, sep=sep, allow_remote=allow_remote)
    return name_rows(frame, names, path)


def _read(path, *, lon, lat, crs, layer, sep, allow_remote) -> gpd.GeoDataFrame:
    """read() before its rows are named."""
    user_crs = parse_crs(crs)
    for argname, value in (("lon", lon), ("lat", lat)):
        if value is not None and not isinstance(value, str):
            raise InputTypeError(f"{argname}= must be a column name (str), got {type(value).__name__} {value!r}")
    if layer is not None and (isinstance(layer, bool) or not isinstance(layer, (str, int))):
        raise InputTypeError(f"layer= must be a layer name (str) or a 0-based position (int), got {layer!r}")
    check_separator(sep)
    if is_remote(path):
        refuse_remote(path, allow_remote)
        return _read_remote(str(path), lon=lon, lat=lat, crs=user_crs, layer=layer, sep=sep)
    path = existing_path(path)

    kind = file_kind(path)
    if layer is not None and kind in ("table", "parquet"):
        raise InputError(f"layer= applies to files with several layers, such as GeoPackage; {path} has one table")
    if sep is not None and kind != "table":
        raise InputError(f"sep= applies to text tables (.csv, .tsv, .txt); {path} is not one, so leave it out")
    if kind == "table":
        return points_from_table(read_table(path, sep=sep), path, lon=lon, lat=lat, crs=user_crs)
    if kind == "parquet" and not _has_geo_metadata(path):
        table = _default_index(_call_reader(pd.read_parquet, path, "Parquet"))
        return points_from_table(table, path, lon=lon, lat=lat, crs=user_crs)
    if kind == "parquet":
        frame = _call_reader(gpd.read_parquet, path, "GeoParquet")
    else:
        frame = _read_gdal(path, layer=layer, known=kind == "spatial")
        if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
            # GDAL also reads attribute-only tables (a GeoPackage table, a
            # spreadsheet): they get their points from lon/lat columns too.
            return points_from_table(pd.DataFrame(frame), path, lon=lon, lat=lat, crs=user_crs)

    if lon is not None or lat is not None:
        raise InputError(
            f"lon= and lat= name the coordinate columns of a table; {path} is a spatial file that "
            "carries its own geometry, so leave them out"
        )
    return _default_index(_settle_crs(frame, path, user_crs))


def _read_remote(url: str, *, lon, lat, crs, layer, sep) -> gpd.GeoDataFrame:
    """A remote source, by its extension: tables through pandas, Parquet through pyarrow, the rest through GDAL."""
    kind = file_kind(url.split("?", 1)[0])
    try:
        if kind == "table":
            # The header is not fetched twice to find the separator: the extension's, unless given.
            last, before = suffixes(Path(url.split("?", 1)[0]))
            sep = sep or TABLE_SEPARATORS[before if last in COMPRESSIONS else last]
            table = decimal_commas(pd.read_csv(url, sep=sep)) if sep == ";" else pd.read_csv(url, sep=sep)
            return points_from_table(table, Path(url), lon=lon, lat=lat, crs=crs)
        if kind == "parquet":
            frame = gpd.read_parquet(url)
        else:
            frame = gpd.read_file(url, layer=layer)
    except (OSError, ValueError, RuntimeError, ImportError) as err:  # network, format and missing-fsspec errors
        raise InputError(f"{url} could not be read: {first_line(err)}") from None
    return _default_index(_settle_crs(frame, Path(url), crs))


def parse_crs(crs) -> pyproj.CRS | None:
    """``crs=`` as a pyproj CRS (None stays None), or a ValueError naming it."""
    if crs is None:
        return None
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise InputError(
            f"crs={crs!r} is not a CRS pyproj understands; give e.g. crs='EPSG:4326' "
            "(longitude/latitude in degrees) or crs='EPSG:3857'"
        ) from None


def existing_path(path) -> Path:
    """``path`` as a Path, or FileMissingError naming it (and its folder when that is missing too)."""
    try:
        path = Path(os.fspath(path))
    except TypeError:
        raise InputTypeError(f"path must be a file path (str or os.PathLike), got {type(path).__name__}") from None
    if not path.exists():
        parent = path.parent
        missing_dir = "" if parent.is_dir() else f" (nor does its folder {parent})"
        raise FileMissingError(f"{path} does not exist{missing_dir}")
    return path


def file_kind(path: str | os.PathLike) -> str:
    """What :func:`read` takes a file for, by its extension alone (the file need not exist).

    Returns ``"table"`` (longitude/latitude columns: ``.csv``, ``.tsv``,
    ``.txt``, and compressed ``.csv``/``.tsv``), ``"parquet"`` (GeoParquet or
    a table, told apart by the file's metadata), ``"spatial"`` (a format GDAL
    reads, such as GeoJSON) or ``"other"`` (left to GDAL to recognise).

    Examples
    --------
    >>> from rangecov.io import file_kind
    >>> file_kind("sites.csv.gz"), file_kind("sites.parquet"), file_kind("regions.GPKG"), file_kind("notes")
    ('table', 'parquet', 'spatial', 'other')
    """
    last, before = suffixes(Path(path))
    if last in TABLE_SEPARATORS or (last in COMPRESSIONS and before in (".csv", ".tsv")):
        return "table"
    if last in _PARQUET:
        return "parquet"
    if last in _SPATIAL:
        return "spatial"
    return "other"  # GDAL may still recognise it from the content


def parquet_file(path: Path):
    """``pyarrow.parquet.ParquetFile`` of ``path`` (only its footer is read), or an error saying why not."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError(
            f'reading {path} needs pyarrow for Parquet files; install it with pip install "rangecov[parquet]"'
        ) from None
    try:
        return pq.ParquetFile(path)
    except Exception as err:  # pyarrow's ArrowInvalid and OSError for a file that is not Parquet
        raise FileFormatError(f"{path} could not be read as Parquet: {first_line(err)}") from None


def _has_geo_metadata(path: Path) -> bool:
    return b"geo" in (parquet_file(path).schema_arrow.metadata or {})


def _call_reader(reader, path: Path, what: str):
    try:
        return reader(path)
    except ImportError:
        raise MissingDependencyError(
            f'reading {path} needs pyarrow for {what} files; install it with pip install "rangecov[parquet]"'
        ) from None
    except Exception as err:  # pyarrow and geopandas raise many types for a damaged file
        raise FileFormatError(f"{path} could not be read as {what}: {first_line(err)}") from err


def _read_gdal(path: Path, *, layer, known: bool) -> pd.DataFrame:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    what = _SPATIAL.get(suffixes(path)[0], "a spatial file")
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except DataSourceError as err:
        if known:
            raise FileFormatError(f"{path} could not be read as {what}: {first_line(err)}") from None
        if path.is_dir():
            # GDAL reads some folders (a File Geodatabase .gdb, a folder of shapefiles); not this one.
            raise PathIsFolderError(
                f"{path} is a folder, and not one GDAL reads (such as a .gdb); give a file in it ({SUPPORTED_READ})"
            ) from None
        if suffixes(path)[0] == ".zip":
            # GDAL reads a zipped shapefile (.zip, .shp.zip) from inside the archive: say so, as
            # the list of extensions below would not.
            raise FileFormatError(
                f"{path} is not a zip archive holding a shapefile (its .shp, .shx and .dbf) or another file GDAL reads"
            ) from None
        raise InputError(
            f"{path} is not in a format rangecov reads; supported are {SUPPORTED_READ}, "
            "or any other format GDAL recognises"
        ) from None
    listed = ", ".join(map(repr, layers))
    if isinstance(layer, int):
        if not 0 <= layer < len(layers):
            raise InputError(f"layer={layer} is out of range: {path} has {len(layers)} layer(s): {listed}")
        layer = layers[layer]
    elif layer is not None and layer not in layers:
        raise InputError(f"layer={layer!r} is not in {path}; its layers are: {listed}")
    elif layer is None and len(layers) > 1:
        # Say which one we took, so the choice is never silent (pyogrio's own
        # warning would point into pyogrio rather than at the caller).
        warnings.warn(
            f"{path} has {len(layers)} layers ({listed}); reading the first, {layers[0]!r}; choose one with layer=",
            UserWarning,
            stacklevel=4,  # the caller of read(), through _read()
        )
        layer = layers[0]
    try:
        frame = gpd.read_file(path, layer=layer)
    except (DataSourceError, DataLayerError) as err:
        raise FileFormatError(f"{path} could not be read as {what}: {first_line(err)}") from None
    if len(frame.columns) == 0:
        # Neither a geometry nor a field: GDAL gave up silently (e.g. on a GML entity bomb), and
        # "no longitude/latitude columns" would send the user looking for columns that are not there.
        raise FileFormatError(f"{path} could not be read as {what}: GDAL found no geometry and no fields in it")
    return frame


def _settle_crs(frame: gpd.GeoDataFrame, path: Path, user_crs: pyproj.CRS | None) -> gpd.GeoDataFrame:
    if user_crs is not None and _not_degrees(frame, path):
        # A GeoJSON is longitude/latitude by its specification, and GDAL says so whatever it holds;
        # numbers beyond ±90/±540 cannot be that, so crs= says what they are.
        return frame.set_crs(user_crs, allow_override=True)
    crs = settle_crs(None if frame.crs is None else pyproj.CRS.from_user_input(frame.crs), path, user_crs)
    return frame if frame.crs is not None else frame.set_crs(crs)


def _not_degrees(frame: gpd.GeoDataFrame, path: Path) -> bool:
    """Whether ``frame``, read from a GeoJSON file as EPSG:4326, holds numbers that cannot be degrees."""
    if suffixes(path)[0] not in (".geojson", ".json") or frame.crs is None or not frame.crs.is_geographic:
        return False
    b = frame.total_bounds
    return bool(np.isfinite(b).all() and (max(abs(b[1]), abs(b[3])) > 90 or max(abs(b[0]), abs(b[2])) > 540))


def settle_crs(file_crs: pyproj.CRS | None, path: Path, user_crs) -> pyproj.CRS:
    """The CRS of a spatial file's coordinates: its own, else ``crs=`` (which must not contradict it).

    ``user_crs`` is what the caller passed as ``crs=`` (anything pyproj reads, or None).
    """
    user_crs = parse_crs(user_crs) if not isinstance(user_crs, pyproj.CRS) else user_crs
    if file_crs is None:
        if user_crs is None:
            raise MissingCRSError(
                f"{path} has no CRS, so its coordinates cannot be placed on the Earth; "
                "pass crs= with the CRS they are in, e.g. crs='EPSG:4326' for longitude/latitude in degrees"
            )
        return user_crs
    if user_crs is not None and not same_crs(file_crs, user_crs):
        name = user_crs.to_string()
        raise InputError(
            f"{path} has CRS {file_crs.to_string()} ({file_crs.name}) but crs={name!r} was given; "
            f"read it without crs= and convert with .to_crs({name!r}), or, if the file's CRS is wrong, "
            f"replace it with .set_crs({name!r}, allow_override=True)"
        )
    return file_crs


def _default_index(frame: FrameT) -> FrameT:
    # A Parquet file may store an index; return it as columns so that every
    # format gives the same shape (and write_frame writes labels as columns).
    if is_default_index(frame.index):
        return frame
    return frame.reset_index()
