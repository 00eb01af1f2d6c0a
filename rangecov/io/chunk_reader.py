"""Reading targets in chunks, for files too large to hold: :func:`open_chunks`.

GeoParquet is read a row group at a time (:mod:`rangecov.io.parquet_reader`),
point geometries decoded without shapely; CSV/TSV tables go through pandas in
chunks whose column types are those of the first chunk; the formats GDAL
streams as Arrow (FlatGeobuf, GeoPackage, GeoJSON, Shapefile) through
pyogrio; and an iterable of GeoDataFrames is taken as it comes.

Each :class:`Chunk` knows the row of the file it starts at, so that a mistake
is reported naming the row (numbered from the file's start) or the row group.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ..base.remote import is_remote, refuse_remote
from ..errors import FileFormatError, InputError, InputTypeError, MissingCRSError, UnsupportedError
from .chunk import Chunk, ChunkSource
from .coordinates import coordinate_columns, points_from_table, short_repr
from .parquet_reader import parquet_source
from .reader import existing_path, file_kind, parquet_file, parse_crs, settle_crs
from .text import check_separator, damaged_archive, decimal_commas, read_table, table_separator
from .writer import first_line

__all__ = ["open_chunks", "rows_beyond"]


def open_chunks(
    source: str | os.PathLike | Iterable[gpd.GeoDataFrame],
    *,
    chunk_rows: int,
    lon: str | None = None,
    lat: str | None = None,
    crs=None,
    layer: str | int | None = None,
    sep: str | None = None,
    columns: list[str] | None = None,
    allow_remote: bool = False,
) -> ChunkSource:
    """Open ``source`` (a path, or an iterable of GeoDataFrames) for reading ``chunk_rows`` rows at a time.

    ``lon``/``lat``/``crs``/``layer``/``sep`` are :func:`rangecov.read`'s. ``columns``
    (GeoParquet only) limits the attribute columns read, when the rows
    themselves are not wanted. Nothing but the file's header and metadata is
    read here; mistakes in the rows surface while iterating.
    """
    if isinstance(source, (str, os.PathLike)):
        crs = parse_crs(crs)
        if is_remote(source):
            refuse_remote(source, allow_remote)
            raise UnsupportedError(
                f"{os.fspath(source)}: remote sources are not read in chunks; download the file first"
            )
        path = existing_path(source)
        kind = file_kind(path)
        if layer is not None and kind in ("table", "parquet"):
            raise InputError(f"layer= applies to files with several layers, such as GeoPackage; {path} has one table")
        check_separator(sep)
        if sep is not None and kind != "table":
            raise InputError(f"sep= applies to text tables (.csv, .tsv, .txt); {path} is not one, so leave it out")
        if kind == "table":
            return _csv_source(path, chunk_rows, lon=lon, lat=lat, crs=crs, sep=sep)
        if kind == "parquet":
            return parquet_source(path, chunk_rows, lon=lon, lat=lat, crs=crs, columns=columns)
        if lon is not None or lat is not None:
            raise InputError(f"lon= and lat= name the coordinate columns of a table; {path} carries its own geometry")
        return _gdal_source(path, chunk_rows, crs, layer)
    if isinstance(source, (pd.DataFrame, gpd.GeoSeries)):
        raise InputTypeError(
            "targets is a single frame: pass it to rangecov.coverage(), or a path or an iterable of GeoDataFrames here"
        )
    try:
        frames = iter(source)
    except TypeError:
        raise InputTypeError(
            f"targets must be a file path or an iterable of GeoDataFrames, got {type(source).__name__}"
        ) from None
    return ChunkSource(_frame_chunks(frames), n_rows=None, columns=[], name="targets")


def rows_beyond(path: str | os.PathLike, limit: int, sep: str | None = None) -> bool:
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
            head = pd.read_csv(path, sep=table_separator(path, sep), usecols=[0], nrows=limit + 1)
            return len(head) > limit
        if kind == "parquet":
            return parquet_file(path).metadata.num_rows > limit
        import pyogrio

        # Most formats store the count; the others are counted (a pass GDAL makes quickly).
        return pyogrio.read_info(path, force_feature_count=True)["features"] > limit
    except Exception:  # noqa: BLE001 - read() gives the reason
        return False


# -- CSV / TSV ---------------------------------------------------------------------------------------


def _csv_source(
    path: Path, chunk_rows: int, *, lon: str | None, lat: str | None, crs: pyproj.CRS | None, sep: str | None
) -> ChunkSource:
    sep = table_separator(path, sep)
    raw = read_table(path, sep=sep, nrows=chunk_rows + 1, commas=False)
    head = decimal_commas(raw) if sep == ";" else raw
    # Columns of decimal-comma numbers: later chunks read them as text and convert them the same way.
    commas = [name for name in head.columns if head[name].dtype != raw[name].dtype]
    # Known only when the file ends within the first chunk; counting the
    # rows of a larger file would cost a pass of its own.
    n_rows = len(head) if len(head) <= chunk_rows else None
    # Later chunks are read with the first chunk's types, so that a column
    # cannot turn from 1 into 1.0 (or into text) half way through the file.
    dtypes = {name: _stable_dtype(dtype) for name, dtype in raw.iloc[:chunk_rows].dtypes.items()}
    # Coordinates are numbers whatever the first chunk held (whole degrees read as integers).
    for name in coordinate_columns(list(head.columns), lon, lat, path):
        if name is not None and name not in commas and pd.api.types.is_numeric_dtype(head[name].dtype):
            dtypes[name] = "float64"

    def chunks() -> Iterator[Chunk]:
        reader = pd.read_csv(path, sep=sep, chunksize=chunk_rows, dtype=dtypes)
        first = 0
        while True:
            try:
                table = next(reader)
            except StopIteration:
                return
            except (pd.errors.ParserError, ValueError, TypeError) as err:
                raise InputError(_csv_problem(path, sep, first, chunk_rows, dtypes=dtypes, err=err)) from None
            except Exception as err:  # a compressed file cut short or damaged after the first chunk
                if not damaged_archive(err):
                    raise
                raise FileFormatError(
                    f"{path} could not be decompressed after data row {first:,}: {first_line(err)}"
                ) from None
            table.index = pd.RangeIndex(first, first + len(table))
            if commas:
                table = decimal_commas(table, commas)
            frame = points_from_table(_plain_types(table), path, lon=lon, lat=lat, crs=crs, first_row=first)
            yield Chunk(first, frame=frame)
            first += len(table)

    return ChunkSource(chunks(), n_rows=n_rows, columns=list(head.columns), name=str(path))


def _stable_dtype(dtype):
    """The type later chunks are read with: integers and booleans may meet blanks, so nullable ones."""
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "Int64"
    return dtype


def _nullable(arrow_type):
    """pandas' nullable dtype for Arrow integers and booleans (``to_pandas(types_mapper=...)``), else None."""
    import pyarrow as pa

    if pa.types.is_integer(arrow_type):
        return pd.api.types.pandas_dtype(str(arrow_type).replace("int", "Int").replace("uInt", "UInt"))
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def _plain_types(table: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer and boolean columns without a blank in this chunk as numpy's, as pandas reads them
    when a file has no blank there at all."""
    for name in table.columns:
        dtype = table[name].dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and not table[name].hasnans:
            if pd.api.types.is_integer_dtype(dtype):
                table[name] = table[name].astype(np.int64)
            elif pd.api.types.is_bool_dtype(dtype):
                table[name] = table[name].astype(bool)
    return table


def _misfits(values: pd.Series, dtype) -> np.ndarray:
    """Positions of the (text) values that the column type of the first chunk cannot hold."""
    present = values.notna().to_numpy()
    if pd.api.types.is_bool_dtype(dtype):
        words = values.fillna("true").str.strip().str.lower()
        return np.flatnonzero(present & ~words.isin(["true", "false"]).to_numpy())
    if not pd.api.types.is_numeric_dtype(dtype):
        return np.empty(0, dtype=np.intp)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = present & numbers.isna().to_numpy()
    if pd.api.types.is_integer_dtype(dtype):
        bad |= (numbers.notna() & (numbers % 1 != 0)).to_numpy()
    return np.flatnonzero(bad)


def _csv_problem(path: Path, sep: str, first: int, chunk_rows: int, *, dtypes: dict[str, Any], err: Exception) -> str:
    """Which data rows of the chunk starting at ``first`` do not fit the first chunk's column types."""
    try:
        text = pd.read_csv(path, sep=sep, skiprows=range(1, first + 1), nrows=chunk_rows, dtype=str)
    except (pd.errors.ParserError, ValueError) as again:
        return f"{path} could not be read as a table after data row {first:,}: {first_line(again)}"
    for name, dtype in dtypes.items():
        bad = _misfits(text[name], dtype)
        if bad.size:
            rows = ", ".join(f"{first + int(p) + 1:,}" for p in bad[:5])
            shown = ", ".join(short_repr(v) for v in text[name].iloc[bad[:5]])
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
        raise FileFormatError(f"{path} could not be read: {first_line(err)}") from None
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
                    # Integer and boolean fields as nullable types, then numpy's where a chunk has no blank:
                    # a field cannot turn from 1 into 1.0 in the chunks that happen to hold a blank.
                    attrs = _plain_types(table.drop_columns([geometry]).to_pandas(types_mapper=_nullable))
                    attrs.index = pd.RangeIndex(first, first + len(attrs))
                    frame = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=attrs.index), crs=file_crs)
                    yield Chunk(first, frame=frame)
                    first += len(attrs)
        except InputError:
            raise
        except Exception as err:  # GDAL's errors for a damaged feature
            raise InputError(f"{path}: could not read the features after row {first:,}: {first_line(err)}") from None

    return ChunkSource(chunks(), n_rows=n_rows, columns=names, name=str(path), geometry="geometry")


# -- GeoDataFrames given by the caller --------------------------------------------------------------


def _frame_chunks(frames: Iterator) -> Iterator[Chunk]:
    """The caller's frames; their index is written out as columns unless the first one's is unlabelled."""
    first, keeps, names = 0, None, None
    for i, frame in enumerate(frames):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise InputTypeError(f"targets: item {i} of the iterable is a {type(frame).__name__}, not a GeoDataFrame")
        if frame.crs is None:
            raise MissingCRSError(f"targets: item {i} of the iterable has no CRS; set one with .set_crs(...)")
        index = frame.index
        if keeps is None and len(frame):
            # Decided once, so that every chunk writes the same columns.
            keeps = not (isinstance(index, pd.RangeIndex) and index.step == 1 and index.name is None)
            names = list(index.names)
        elif keeps and len(frame) and list(index.names) != names:
            raise InputError(
                f"targets: item {i} of the iterable has an index named {list(index.names)}, the first "
                f"{names}; the index is written as columns, so give every frame the same index names"
            )
        yield Chunk(first, frame=frame, keeps_index=bool(keeps))
        first += len(frame)
