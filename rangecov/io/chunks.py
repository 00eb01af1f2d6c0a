"""Reading targets in chunks, for files too large to hold: :func:`open_chunks`.

GeoParquet is read a batch at a time with pyarrow, and point geometries are
decoded straight from their WKB (x and y sit at fixed offsets of a 21-byte
point), without making shapely objects; CSV/TSV tables go through pandas in
chunks whose column types are those of the first chunk; the formats GDAL
streams as Arrow (FlatGeobuf, GeoPackage, GeoJSON, Shapefile) through
pyogrio; and an iterable of GeoDataFrames is taken as it comes.

Each :class:`Chunk` knows the row of the file it starts at, so that a mistake
is reported naming the row (numbered from the file's start) or the row group.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..errors import InputError, MissingCRSError
from ..writing import WGS84, first_line, same_crs
from .reader import existing_path, file_kind, parquet_file, settle_crs, table_separator
from .tables import points_from_table

__all__ = ["Chunk", "ChunkSource", "open_chunks", "rows_beyond", "STREAMED_KINDS"]

# What open_chunks reads a chunk at a time (the rest is read whole by read()).
STREAMED_KINDS = ("geoparquet", "parquet table", "csv", "gdal", "frames")


class Chunk:
    """Rows ``first_row .. first_row + len - 1`` (0-based) of a source.

    Holds the rows either as a GeoDataFrame (``frame``) or as an Arrow table
    with the geometry as WKB (``arrow``, from GeoParquet), and, when every row
    is a present, finite point in longitude/latitude degrees, their
    coordinates (``lonlat``), decoded without shapely.
    """

    def __init__(
        self,
        first_row: int,
        *,
        frame=None,
        arrow=None,
        geometry: str | None = None,
        crs=None,
        lonlat=None,
        keeps_index: bool = False,
        encoding: str = "WKB",
    ):
        self.first_row = first_row
        # How the Arrow table holds its geometry: GeoParquet's "WKB" or "point" (x/y struct).
        self.encoding = encoding
        # Rows of a file are numbered, not labelled: only a caller's own index is written out.
        self.keeps_index = keeps_index
        self._frame = frame
        self.arrow = arrow
        self.geometry = geometry
        self.crs = crs
        self.lonlat = lonlat

    def __len__(self) -> int:
        return len(self._frame) if self._frame is not None else self.arrow.num_rows

    @property
    def index(self) -> pd.Index:
        if self._frame is not None:
            return self._frame.index
        return pd.RangeIndex(self.first_row, self.first_row + len(self))

    def frame(self) -> gpd.GeoDataFrame:
        """The rows as a GeoDataFrame (made from the Arrow table on first call), indexed by file row."""
        if self._frame is None:
            table = self.arrow
            geoms = _geometries(table.column(self.geometry), self.encoding, self.where())
            attrs = table.drop_columns([self.geometry]).to_pandas()
            attrs.index = self.index
            frame = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=self.index), crs=self.crs)
            self._frame = frame[list(table.column_names)].set_geometry(self.geometry)
        return self._frame

    def column(self, name: str) -> pd.Series:
        """One attribute column, indexed like the rows."""
        if self._frame is not None:
            return self._frame[name]
        series = self.arrow.column(name).to_pandas()
        series.index = self.index
        return series.rename(name)

    def where(self) -> str:
        return f"rows {self.first_row + 1:,}-{self.first_row + len(self):,}"


class ChunkSource:
    """An opened source of chunks: ``n_rows`` (None when not known ahead), ``columns``, iteration."""

    def __init__(self, chunks: Iterator[Chunk], *, kind: str, n_rows: int | None, columns: list, name: str):
        self._chunks = chunks
        self.kind = kind
        self.n_rows = n_rows
        self.columns = columns
        self.name = name

    def __iter__(self) -> Iterator[Chunk]:
        return self._chunks


def open_chunks(
    source: str | os.PathLike | Iterable[gpd.GeoDataFrame],
    *,
    chunk_rows: int,
    lon: str | None = None,
    lat: str | None = None,
    crs=None,
    layer: str | int | None = None,
    columns: list[str] | None = None,
) -> ChunkSource:
    """Open ``source`` (a path, or an iterable of GeoDataFrames) for reading ``chunk_rows`` rows at a time.

    ``lon``/``lat``/``crs``/``layer`` are :func:`rangecov.read`'s. ``columns``
    (GeoParquet only) limits the attribute columns read, when the rows
    themselves are not wanted. Nothing but the file's header and metadata is
    read here; mistakes in the rows surface while iterating.
    """
    if isinstance(source, (str, os.PathLike)):
        path = existing_path(source)
        kind = file_kind(path)
        if kind == "table":
            return _csv_source(path, chunk_rows, lon, lat, crs)
        if kind == "parquet":
            return _parquet_source(path, chunk_rows, lon, lat, crs, columns)
        if lon is not None or lat is not None:
            raise InputError(f"lon= and lat= name the coordinate columns of a table; {path} carries its own geometry")
        return _gdal_source(path, chunk_rows, crs, layer)
    if isinstance(source, (pd.DataFrame, gpd.GeoSeries)):
        raise TypeError(
            "targets is a single frame: pass it to rangecov.coverage(), or a path or an iterable of GeoDataFrames here"
        )
    try:
        frames = iter(source)
    except TypeError:
        raise TypeError(
            f"targets must be a file path or an iterable of GeoDataFrames, got {type(source).__name__}"
        ) from None
    return ChunkSource(_frame_chunks(frames), kind="frames", n_rows=None, columns=[], name="targets")


def rows_beyond(path: str | os.PathLike, limit: int) -> bool:
    """Whether the file at ``path`` has more than ``limit`` rows (then it is worth streaming).

    Parquet and GDAL formats store their row count; a table is read up to
    ``limit + 1`` rows of its first column. A file that cannot be counted
    (damaged, unknown format) counts as small: reading it whole reports
    the problem as :func:`rangecov.read` does.
    """
    path = Path(os.fspath(path))
    kind = file_kind(path)
    try:
        if kind == "table":
            head = pd.read_csv(path, sep=table_separator(path), usecols=[0], nrows=limit + 1)
            return len(head) > limit
        if kind == "parquet":
            return parquet_file(path).metadata.num_rows > limit
        import pyogrio

        # Most formats store the count; the others are counted (a pass GDAL makes quickly).
        return pyogrio.read_info(path, force_feature_count=True)["features"] > limit
    except Exception:  # noqa: BLE001 - read() gives the reason
        return False


# -- GeoParquet and plain Parquet -------------------------------------------------------------------


def _parquet_source(path: Path, chunk_rows: int, lon, lat, crs, columns) -> ChunkSource:
    pf = parquet_file(path)
    schema = pf.schema_arrow
    names = list(schema.names)
    geo = (schema.metadata or {}).get(b"geo")
    n_rows = pf.metadata.num_rows
    if geo is None:
        # A table of longitude/latitude columns, as read() takes it.
        def tables() -> Iterator[Chunk]:
            for first, part in _batches(pf, path, chunk_rows, None):
                table = part.to_pandas()
                table.index = pd.RangeIndex(first, first + len(table))
                yield Chunk(first, frame=points_from_table(table, path, lon=lon, lat=lat, crs=crs, first_row=first))

        return ChunkSource(tables(), kind="parquet table", n_rows=n_rows, columns=names, name=str(path))
    if lon is not None or lat is not None:
        raise InputError(f"lon= and lat= name the coordinate columns of a table; {path} is GeoParquet with geometry")
    meta = json.loads(geo)
    geometry = meta["primary_column"]
    column = meta["columns"][geometry]
    if "crs" not in column:
        file_crs = pyproj.CRS.from_user_input("OGC:CRS84")  # GeoParquet's default
    elif column["crs"] is None:
        file_crs = None
    else:
        file_crs = pyproj.CRS.from_user_input(column["crs"])
    file_crs = settle_crs(file_crs, path, crs)
    encoding = str(column.get("encoding", "WKB"))
    encoding = "WKB" if encoding.upper() == "WKB" else encoding.lower()
    if encoding not in ("WKB", "point"):
        raise InputError(
            f"{path}: geometry encoding {encoding!r} is not read in chunks; only 'WKB' (the default) and 'point'. "
            "Rewrite it with geopandas' to_parquet(geometry_encoding='WKB')"
        )
    # An index geopandas stored (e.g. of a filtered frame) comes back as the
    # columns read() gives it ("index", or the index's names), first.
    stored, spaced = _stored_index(schema)
    field_of = {stored.get(f, f): f for f in names}
    names = ([spaced[0]] if spaced else []) + list(stored.values()) + [f for f in names if f not in stored]
    wanted = None
    if columns is not None:
        wanted = [geometry] + [field_of[c] for c in names if c in columns and c in field_of and c != geometry]

    def chunks() -> Iterator[Chunk]:
        lonlat_crs = same_crs(file_crs, WGS84)
        for first, table in _batches(pf, path, chunk_rows, wanted):
            if stored or spaced:
                table = _index_first(table, stored, spaced, first)
            points = _wkb_points if encoding == "WKB" else _struct_points
            lonlat = points(table.column(geometry)) if lonlat_crs else None
            yield Chunk(first, arrow=table, geometry=geometry, crs=file_crs, lonlat=lonlat, encoding=encoding)

    return ChunkSource(chunks(), kind="geoparquet", n_rows=n_rows, columns=names, name=str(path))


def _stored_index(schema) -> tuple[dict, tuple | None]:
    """A pandas index stored with the rows, as the columns ``read()`` gives it (as ``reset_index`` would).

    Returns the fields holding index levels by their new names, and for a
    RangeIndex other than the default ``0..n-1`` (stored as numbers, not a
    field; e.g. of ``frame.iloc[::3]``) its column name, start and step.
    """
    try:
        meta = json.loads((schema.metadata or {}).get(b"pandas", b"{}"))
    except ValueError:
        return {}, None
    levels = meta.get("index_columns", [])
    names = {c.get("field_name"): c.get("name") for c in meta.get("columns", [])}
    fields, spaced = {}, None
    for level, entry in enumerate(levels):
        default = "index" if len(levels) == 1 else f"level_{level}"
        if isinstance(entry, str):
            fields[entry] = names.get(entry) or default
        elif isinstance(entry, dict) and entry.get("kind") == "range":
            start, step, name = entry.get("start", 0), entry.get("step", 1), entry.get("name")
            if (start, step, name) != (0, 1, None):
                spaced = (name or default, int(start), int(step))
    return fields, spaced


def _index_first(table, stored: dict, spaced: tuple | None, first: int):
    """The table with its stored index as leading columns, without the pandas metadata that described it."""
    import pyarrow as pa

    present = [f for f in stored if f in table.column_names]
    order = present + [c for c in table.column_names if c not in stored]
    table = table.select(order).rename_columns([stored.get(c, c) for c in order])
    if spaced is not None:
        name, start, step = spaced
        values = start + step * np.arange(first, first + table.num_rows, dtype=np.int64)
        table = table.add_column(0, name, pa.array(values))
    meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != b"pandas"}
    return table.replace_schema_metadata(meta)


def _batches(pf, path: Path, chunk_rows: int, columns) -> Iterator[tuple[int, object]]:
    """Arrow tables of ``chunk_rows`` rows (the last one shorter) with their first row.

    Read one row group at a time, so that a damaged one is named; a chunk
    may span row groups (rows are gathered until there are enough).
    """
    import pyarrow as pa

    first, start, pending, held = 0, 0, [], 0
    for group in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(group).num_rows
        try:
            for batch in pf.iter_batches(batch_size=chunk_rows, row_groups=[group], columns=columns):
                pending.append(pa.Table.from_batches([batch]))
                held += batch.num_rows
                while held >= chunk_rows:
                    table = pending[0] if len(pending) == 1 else pa.concat_tables(pending).combine_chunks()
                    yield first, table.slice(0, chunk_rows)
                    first += chunk_rows
                    rest = table.slice(chunk_rows)
                    pending, held = ([rest] if rest.num_rows else []), rest.num_rows
        except Exception as err:  # pyarrow raises OSError/ArrowInvalid for damaged pages
            where = f"row group {group} (rows {start + 1:,}-{start + n:,})"
            raise InputError(f"{path}: {where} could not be read: {first_line(err)}") from None
        start += n
    if held:
        yield first, pending[0] if len(pending) == 1 else pa.concat_tables(pending).combine_chunks()


def _geometries(column, encoding: str, where: str) -> np.ndarray:
    """shapely geometries of a GeoParquet geometry column ("WKB" or GeoArrow "point"), None where null."""
    if encoding == "point":
        array = column.combine_chunks()
        x = array.field("x").to_numpy(zero_copy_only=False)
        y = array.field("y").to_numpy(zero_copy_only=False)
        geoms = shapely.points(x, y)
        if array.null_count:
            geoms[~array.is_valid().to_numpy(zero_copy_only=False)] = None
        return geoms
    try:
        return shapely.from_wkb(column.to_numpy(zero_copy_only=False))
    except shapely.errors.GEOSException as err:
        raise InputError(f"{where}: a geometry is not valid WKB ({first_line(err)})") from None


def _struct_points(column) -> tuple[np.ndarray, np.ndarray] | None:
    """x and y of GeoArrow points (a struct of x and y), or None where the general path must look."""
    array = column.combine_chunks()
    if array.null_count or not len(array):
        return None
    x = np.asarray(array.field("x").to_numpy(zero_copy_only=False), dtype=float)
    y = np.asarray(array.field("y").to_numpy(zero_copy_only=False), dtype=float)
    if not (np.isfinite(x).all() and np.isfinite(y).all() and (np.abs(y) <= 90.0).all()):
        return None
    return x, y


def _wkb_points(column) -> tuple[np.ndarray, np.ndarray] | None:
    """x and y of WKB points read at their fixed offsets, or None when a row is anything else.

    Handles 2D (21 bytes) and Z/M (29 bytes) points of either byte order;
    None for nulls, other types, empty points or non-finite coordinates, which
    the general path (shapely) then reads and reports.
    """
    import pyarrow as pa

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if array.null_count or not len(array):
        return None
    if pa.types.is_large_binary(array.type):
        array = array.cast(pa.binary())
    if not pa.types.is_binary(array.type):
        return None
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    size = int(offsets[1] - offsets[0])
    if size not in (21, 29) or not np.array_equal(np.diff(offsets), np.full(len(array), size)):
        return None
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)
    rows = data[offsets[0] : offsets[0] + size * len(array)].reshape(len(array), size)
    order = rows[:, 0]
    if not (order == order[0]).all() or order[0] not in (0, 1):
        return None
    endian = "<" if order[0] == 1 else ">"
    kind = rows[:, 1:5].copy().view(f"{endian}u4").ravel()
    # 1: Point; 1001/2001: Point Z/M (ISO); 0x80000001/0x40000001: EWKB Z/M. 29 bytes: one extra coordinate.
    allowed = (1,) if size == 21 else (1001, 2001, 0x80000001, 0x40000001)
    if not np.isin(kind, allowed).all():
        return None
    x = rows[:, 5:13].copy().view(f"{endian}f8").ravel()
    y = rows[:, 13:21].copy().view(f"{endian}f8").ravel()
    if not (np.isfinite(x).all() and np.isfinite(y).all() and (np.abs(y) <= 90.0).all()):
        return None
    return x.astype(float, copy=False), y.astype(float, copy=False)


# -- CSV / TSV ---------------------------------------------------------------------------------------


def _csv_source(path: Path, chunk_rows: int, lon, lat, crs) -> ChunkSource:
    sep = table_separator(path)
    try:
        head = pd.read_csv(path, sep=sep, nrows=chunk_rows + 1)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path} is empty; a table needs at least a header line naming its columns") from None
    except (pd.errors.ParserError, ValueError) as err:
        raise InputError(f"{path} could not be read as a table: {first_line(err)}") from None
    # Known only when the file ends within the first chunk; counting the
    # rows of a larger file would cost a pass of its own.
    n_rows = len(head) if len(head) <= chunk_rows else None
    # Later chunks are read with the first chunk's types, so that a column
    # cannot turn from 1 into 1.0 (or into text) half way through the file.
    dtypes = {name: _stable_dtype(dtype) for name, dtype in head.iloc[:chunk_rows].dtypes.items()}

    def chunks() -> Iterator[Chunk]:
        reader = pd.read_csv(path, sep=sep, chunksize=chunk_rows, dtype=dtypes)
        first = 0
        while True:
            try:
                table = next(reader)
            except StopIteration:
                return
            except (pd.errors.ParserError, ValueError, TypeError) as err:
                raise InputError(_csv_problem(path, sep, first, chunk_rows, dtypes, err)) from None
            table.index = pd.RangeIndex(first, first + len(table))
            frame = points_from_table(table, path, lon=lon, lat=lat, crs=crs, first_row=first)
            yield Chunk(first, frame=frame)
            first += len(table)

    return ChunkSource(chunks(), kind="csv", n_rows=n_rows, columns=list(head.columns), name=str(path))


def _stable_dtype(dtype):
    """The type later chunks are read with: integers and booleans may meet blanks, so nullable ones."""
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "Int64"
    return dtype


def _csv_problem(path: Path, sep, first: int, chunk_rows: int, dtypes: dict, err: Exception) -> str:
    """Which data rows of the chunk starting at ``first`` do not fit the first chunk's column types."""
    try:
        text = pd.read_csv(path, sep=sep, skiprows=range(1, first + 1), nrows=chunk_rows, dtype=str)
    except (pd.errors.ParserError, ValueError) as again:
        return f"{path} could not be read as a table after data row {first:,}: {first_line(again)}"
    for name, dtype in dtypes.items():
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            values = text[name]
            bad = np.flatnonzero(values.notna() & pd.to_numeric(values, errors="coerce").isna())
            if pd.api.types.is_integer_dtype(dtype) and not bad.size:
                numbers = pd.to_numeric(values, errors="coerce")
                bad = np.flatnonzero(numbers.notna() & (numbers % 1 != 0))
            if bad.size:
                rows = ", ".join(f"{first + int(p) + 1:,}" for p in bad[:5])
                shown = ", ".join(repr(v) for v in values.iloc[bad[:5]])
                return (
                    f"column {name!r} in {path} held {dtype} values in the first {chunk_rows:,} rows but "
                    f"{shown} at data row(s) {rows}; column types come from the first chunk, so fix those "
                    "rows or raise --chunk-rows / chunk_size"
                )
    return f"{path} could not be read as a table after data row {first:,}: {first_line(err)}"


# -- GDAL formats, streamed as Arrow by pyogrio ---------------------------------------------------


def _gdal_source(path: Path, chunk_rows: int, crs, layer) -> ChunkSource:
    import pyogrio

    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception as err:  # pyogrio's DataSourceError/DataLayerError
        raise InputError(f"{path} could not be read: {first_line(err)}") from None
    file_crs = settle_crs(pyproj.CRS.from_user_input(info["crs"]) if info["crs"] else None, path, crs)
    n_rows = int(info["features"]) if info["features"] >= 0 else None
    names = list(info["fields"])

    def chunks() -> Iterator[Chunk]:
        first = 0
        try:
            with pyogrio.open_arrow(path, layer=layer, batch_size=chunk_rows, use_pyarrow=True) as (meta, reader):
                geometry = meta["geometry_name"] or "wkb_geometry"
                for batch in reader:
                    import pyarrow as pa

                    table = pa.Table.from_batches([batch])
                    if meta.get("fid_column") in table.column_names:
                        table = table.drop_columns([meta["fid_column"]])
                    geoms = shapely.from_wkb(table.column(geometry).to_numpy(zero_copy_only=False))
                    attrs = table.drop_columns([geometry]).to_pandas()
                    attrs.index = pd.RangeIndex(first, first + len(attrs))
                    frame = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=attrs.index), crs=file_crs)
                    yield Chunk(first, frame=frame)
                    first += len(attrs)
        except InputError:
            raise
        except Exception as err:  # GDAL's errors for a damaged feature
            raise InputError(f"{path}: could not read the features after row {first:,}: {first_line(err)}") from None

    return ChunkSource(chunks(), kind="gdal", n_rows=n_rows, columns=names, name=str(path))


# -- GeoDataFrames given by the caller --------------------------------------------------------------


def _frame_chunks(frames: Iterator) -> Iterator[Chunk]:
    first = 0
    for i, frame in enumerate(frames):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise TypeError(f"targets: item {i} of the iterable is a {type(frame).__name__}, not a GeoDataFrame")
        if frame.crs is None:
            raise MissingCRSError(f"targets: item {i} of the iterable has no CRS; set one with .set_crs(...)")
        index = frame.index
        unlabelled = isinstance(index, pd.RangeIndex) and index.step == 1 and index.name is None
        yield Chunk(first, frame=frame, keeps_index=not unlabelled)
        first += len(frame)
