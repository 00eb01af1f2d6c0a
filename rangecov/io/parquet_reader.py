"""GeoParquet (and Parquet tables of longitude/latitude) read a chunk at a time, for :func:`rangecov.io.chunk_reader.open_chunks`.

Read one row group at a time with pyarrow, so that a damaged one is named.
Point geometries are decoded straight from their WKB (x and y sit at fixed
offsets of a 21-byte point) or from GeoArrow's x/y struct, without making
shapely objects; the rows stay Arrow data, typed by the file's pandas
metadata, with a stored index given the columns :func:`rangecov.read` gives it.
"""

from __future__ import annotations

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
    geometry, column, file_crs = _geo_column(geo, names, path)
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

    metadata = _file_metadata(schema, stored, spaced)

    def decode(column, first: int) -> np.ndarray:
        return _geometries(column, encoding, first, str(path))

    def chunks() -> Iterator[Chunk]:
        lonlat_crs = same_crs(file_crs, WGS84)
        for first, table in _batches(pf, path, chunk_rows, wanted):
            if stored or spaced:
                table = _index_first(table, stored, spaced, first)
            table = table.replace_schema_metadata(metadata)
            points = _wkb_points if encoding == "WKB" else _struct_points
            lonlat = points(table.column(geometry)) if lonlat_crs else None
            yield Chunk(
                first, arrow=table, geometry=geometry, crs=file_crs, lonlat=lonlat, encoding=encoding, decode=decode
            )

    return ChunkSource(chunks(), n_rows=n_rows, columns=names, name=str(path), geometry=geometry)


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


def _batches(pf, path: Path, chunk_rows: int, columns) -> Iterator[tuple[int, Any]]:  # Any: pyarrow Tables, untyped
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
            raise FileFormatError(f"{path}: {where} could not be read: {first_line(err)}") from None
        start += n
    if held:
        yield first, pending[0] if len(pending) == 1 else pa.concat_tables(pending).combine_chunks()


def _geometries(column, encoding: str, first_row: int, source: str) -> np.ndarray:
    """shapely geometries of a GeoParquet geometry column ("WKB" or GeoArrow "point"), None where null."""
    if encoding == "point":
        array = column.combine_chunks()
        x = array.field("x").to_numpy(zero_copy_only=False)
        y = array.field("y").to_numpy(zero_copy_only=False)
        geoms = shapely.points(x, y)
        if array.null_count:
            geoms[~array.is_valid().to_numpy(zero_copy_only=False)] = None
        return geoms
    wkb = column.to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    bad = np.flatnonzero(pd.isna(geoms) & ~pd.isna(wkb))
    if bad.size:
        rows = ", ".join(f"{first_row + int(b):,}" for b in bad[:5])
        raise InputError(
            f"{source}: the geometry at index label(s) {rows} (0-based rows from the file's start) is not valid WKB"
        )
    return geoms


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
