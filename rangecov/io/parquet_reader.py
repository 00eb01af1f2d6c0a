"""GeoParquet (and Parquet tables of longitude/latitude) read a chunk at a time, for :func:`rangecov.io.chunk_reader.open_chunks`.

Read one row group at a time with pyarrow, so that a damaged one is named.
Point geometries are decoded straight from their WKB (x and y sit at fixed
offsets of a 21-byte point) or from GeoArrow's x/y struct, without making
shapely objects; the rows stay Arrow data, typed by the file's pandas
metadata, with a stored index given the columns :func:`rangecov.read` gives it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely

from ..errors import FileFormatError, InputError
from .chunk import Chunk, ChunkSource
from .coordinates import points_from_table
from .reader import parquet_file, settle_crs
from .writer import WGS84, first_line, same_crs

# ParquetLayout, geoparquet_layout, wkb_points and struct_points serve cover.dask_frames too.
__all__ = ["parquet_source"]


def parquet_source(
    path: Path,
    chunk_rows: int,
    *,
    lon: str | None,
    lat: str | None,
    crs: pyproj.CRS | None,
    columns: Sequence[str] | None,
) -> ChunkSource:
    """GeoParquet (or plain Parquet with lon/lat columns) a chunk at a time; see :func:`rangecov.io.chunk_reader.open_chunks`."""
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

        return ChunkSource(tables(), n_rows=n_rows, columns=names, name=str(path))
    if lon is not None or lat is not None:
        raise InputError(f"lon= and lat= name the coordinate columns of a table; {path} is GeoParquet with geometry")
    layout = geoparquet_layout(pf, path, crs=crs, columns=columns)

    def chunks() -> Iterator[Chunk]:
        for first, table in _batches(pf, path, chunk_rows, layout.wanted):
            yield layout.chunk(first, table)

    return ChunkSource(chunks(), n_rows=n_rows, columns=layout.names, name=str(path), geometry=layout.geometry)


class ParquetLayout:
    """How the row groups of one GeoParquet file become :class:`Chunk` s: its geometry column and
    encoding, CRS, stored index and the columns read.

    Picklable (plain values), so that a dask task can be handed it with the
    row groups it reads (:meth:`read`); every chunk is made by :meth:`chunk`,
    whether streamed or on a worker.

    Attributes
    ----------
    path : Path
    geometry : str
        The primary geometry column.
    names : list of str
        The columns a chunk's rows have (a stored index first, as :func:`rangecov.read` gives it).
    wanted : list of str or None
        The file's fields read (None: all).
    row_groups : list of int
        Rows per row group.
    """

    def __init__(self, path: Path, pf, *, geometry: str, column: dict, crs: pyproj.CRS, columns) -> None:
        schema = pf.schema_arrow
        names = list(schema.names)
        self.path = path
        self.geometry = geometry
        self.crs = crs
        encoding = str(column.get("encoding", "WKB"))
        self.encoding = "WKB" if encoding.upper() == "WKB" else encoding.lower()
        if self.encoding not in ("WKB", "point"):
            raise InputError(
                f"{path}: geometry encoding {encoding!r} is not read in chunks; only 'WKB' (the default) and 'point'. "
                "Rewrite it with geopandas' to_parquet(geometry_encoding='WKB')"
            )
        # An index geopandas stored (e.g. of a filtered frame) comes back as the
        # columns read() gives it ("index", or the index's names), first.
        self.stored, self.spaced = _stored_index(schema)
        self.field_of = {self.stored.get(f, f): f for f in names}
        self.names = (
            ([self.spaced[0]] if self.spaced else [])
            + list(self.stored.values())
            + [f for f in names if f not in self.stored]
        )
        self.wanted = self._fields(columns)
        self.metadata = _file_metadata(schema, self.stored, self.spaced)
        self.lonlat_crs = same_crs(crs, WGS84)
        self.row_groups = [pf.metadata.row_group(g).num_rows for g in range(pf.metadata.num_row_groups)]

    def _fields(self, columns: Sequence[str] | None) -> list[str] | None:
        """The file's fields holding the geometry and ``columns`` (None: all)."""
        if columns is None:
            return None
        field_of = self.field_of
        return [self.geometry] + [
            field_of[c] for c in self.names if c in columns and c in field_of and c != self.geometry
        ]

    def narrowed(self, columns: Sequence[str]) -> ParquetLayout:
        """The same layout reading only the geometry and ``columns``."""
        out = copy.copy(self)
        out.wanted = self._fields(columns)
        return out

    def decode(self, column, first: int) -> np.ndarray:
        """shapely geometries of a chunk's geometry column (``first``: its first row, for errors)."""
        return column_geometries(column, self.encoding, first, str(self.path))

    def chunk(self, first: int, table) -> Chunk:
        """The chunk of rows ``first ..`` read as ``table``: the stored index as columns, the file's pandas
        metadata, and lon/lat decoded without shapely where every row is a point in lon/lat."""
        if self.stored or self.spaced:
            table = _index_first(table, self.stored, self.spaced, first)
        table = table.replace_schema_metadata(self.metadata)
        points = wkb_points if self.encoding == "WKB" else struct_points
        lonlat = points(table.column(self.geometry)) if self.lonlat_crs else None
        return Chunk(
            first,
            arrow=table,
            geometry=self.geometry,
            crs=self.crs,
            lonlat=lonlat,
            encoding=self.encoding,
            decode=self.decode,
        )

    def read(self, groups: range, first: int) -> Chunk:
        """Row groups ``groups`` (consecutive) as one chunk whose first row is ``first`` (from the file's start)."""
        pf = parquet_file(self.path)
        n_rows = sum(self.row_groups[g] for g in groups)
        tables = [
            table for _, table in _batches(pf, self.path, max(n_rows, 1), self.wanted, groups=groups, first=first)
        ]
        if not tables:  # no rows: the file's columns, empty
            empty = pf.schema_arrow.empty_table()
            tables = [empty if self.wanted is None else empty.select(self.wanted)]
        return self.chunk(first, tables[0])


def geoparquet_layout(pf, path: Path, *, crs: pyproj.CRS | None, columns: Sequence[str] | None) -> ParquetLayout:
    """The :class:`ParquetLayout` of the GeoParquet file ``pf`` (a ``pyarrow.parquet.ParquetFile`` of ``path``).

    ``crs`` is ``crs=`` as the caller gave it (for a file without one);
    ``columns`` limits the attribute columns read (None: all).
    """
    names = list(pf.schema_arrow.names)
    geometry, column, file_crs = _geo_column(pf.schema_arrow.metadata[b"geo"], names, path)
    file_crs = settle_crs(file_crs, path, crs)
    return ParquetLayout(path, pf, geometry=geometry, column=column, crs=file_crs, columns=columns)


def _geo_column(geo: bytes, names: list, path: Path) -> tuple[str, dict, pyproj.CRS | None]:
    """The primary geometry column in GeoParquet's ``geo`` metadata: its name, its entry and its CRS."""
    # The metadata is data from the file like any other: malformed, it is the file's fault
    # (one line, as read() reports it), not a KeyError from inside rangecov.
    try:
        meta = json.loads(geo)
        geometry = meta["primary_column"]
        column = meta["columns"][geometry]
        if geometry in names and isinstance(column, dict):
            if "crs" not in column:
                return geometry, column, pyproj.CRS.from_user_input("OGC:CRS84")  # GeoParquet's default
            return geometry, column, None if column["crs"] is None else pyproj.CRS.from_user_input(column["crs"])
        problem = f"its primary column {geometry!r} is not a described column of the file"
    except (ValueError, TypeError, KeyError, pyproj.exceptions.CRSError) as err:
        problem = f"no key {err}" if isinstance(err, KeyError) else first_line(err)
    raise FileFormatError(f"{path} has malformed GeoParquet metadata ('geo'): {problem}")


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
    """The table with its stored index as leading columns (named as ``read()`` names them)."""
    import pyarrow as pa

    present = [f for f in stored if f in table.column_names]
    order = present + [c for c in table.column_names if c not in stored]
    table = table.select(order).rename_columns([stored.get(c, c) for c in order])
    if spaced is not None:
        name, start, step = spaced
        values = start + step * np.arange(first, first + table.num_rows, dtype=np.int64)
        table = table.add_column(0, name, pa.array(values))
    return table


def _file_metadata(schema, stored: dict, spaced) -> dict:
    """The file's schema metadata for every chunk: its pandas part keeps typing the columns (e.g. a
    nullable Int64) but, once the stored index is made columns, names no index."""
    meta = dict(schema.metadata or {})
    if (stored or spaced) and b"pandas" in meta:
        pandas_meta = json.loads(meta[b"pandas"])
        pandas_meta["index_columns"] = []
        for column in pandas_meta.get("columns", []):
            if column.get("field_name") in stored:
                column["field_name"] = column["name"] = stored[column["field_name"]]
        meta[b"pandas"] = json.dumps(pandas_meta).encode()
    return meta


def _batches(
    pf, path: Path, chunk_rows: int, columns, *, groups: range | None = None, first: int = 0
) -> Iterator[tuple[int, Any]]:  # Any: pyarrow Tables, untyped
    """Arrow tables of ``chunk_rows`` rows (the last one shorter) with their first row.

    Read one row group at a time, so that a damaged one is named; a chunk
    may span row groups (rows are gathered until there are enough).
    ``groups`` (consecutive; default all) whose first row is ``first``.
    """
    import pyarrow as pa

    groups = range(pf.metadata.num_row_groups) if groups is None else groups
    start, pending, held = first, [], 0
    for group in groups:
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
            raise FileFormatError(f"{path}: {where} could not be read: {first_line(err)}") from None
        start += n
    if held:
        yield first, pending[0] if len(pending) == 1 else pa.concat_tables(pending).combine_chunks()


def column_geometries(column, encoding: str, first_row: int, source: str) -> np.ndarray:
    """shapely geometries of a GeoParquet geometry column ("WKB" or GeoArrow "point"), None where null."""
    if encoding == "point":
        array = column.combine_chunks()
        x = array.field("x").to_numpy(zero_copy_only=False)
        y = array.field("y").to_numpy(zero_copy_only=False)
        geoms = shapely.points(x, y)
        if array.null_count:
            geoms[~array.is_valid().to_numpy(zero_copy_only=False)] = None
        return geoms
    # 2D points: read at their fixed offsets and made with shapely.points, 3 times faster than
    # parsing each WKB (the same coordinates, bit for bit); Z/M points keep their third coordinate.
    xy = wkb_points(column, flat=True)
    if xy is not None:
        return np.asarray(shapely.points(*xy), dtype=object)
    wkb = column.to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    bad = np.flatnonzero(pd.isna(geoms) & ~pd.isna(wkb))
    if bad.size:
        rows = ", ".join(f"{first_row + int(b):,}" for b in bad[:5])
        raise InputError(
            f"{source}: the geometry at index label(s) {rows} (0-based rows from the file's start) is not valid WKB"
        )
    return geoms


def struct_points(column) -> tuple[np.ndarray, np.ndarray] | None:
    """x and y of GeoArrow points (a struct of x and y), or None where the general path must look."""
    array = column.combine_chunks()
    if array.null_count or not len(array):
        return None
    x = np.asarray(array.field("x").to_numpy(zero_copy_only=False), dtype=float)
    y = np.asarray(array.field("y").to_numpy(zero_copy_only=False), dtype=float)
    if not (np.isfinite(x).all() and np.isfinite(y).all() and (np.abs(y) <= 90.0).all()):
        return None
    return x, y


def wkb_points(column, *, flat: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
    """x and y of WKB points read at their fixed offsets, or None when a row is anything else.

    Handles 2D (21 bytes) and, unless ``flat``, Z/M (29 bytes) points of either
    byte order; None for nulls, other types, empty points or non-finite
    coordinates, which the general path (shapely) then reads and reports.
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
    if size not in ((21,) if flat else (21, 29)) or not np.array_equal(np.diff(offsets), np.full(len(array), size)):
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
