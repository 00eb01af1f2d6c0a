"""Writing result rows chunk by chunk: :class:`RowSink`.

Rows go into a hidden temporary file beside the output, which is moved into
place (``os.replace``, atomic) only when the last chunk is written; a failed
or interrupted run removes it, so it leaves neither a partial output nor a
temporary file. The format follows the extension, as for
:func:`rangecov.io.write_frame`, and each chunk is converted by the same rules
(:func:`rangecov.io.writer.prepare_table`):

* GeoParquet: one row group per chunk with pyarrow's ParquetWriter; rows read
  from GeoParquet keep their columns as Arrow data and their geometry as the
  same WKB bytes (no shapely on the way);
* GeoPackage: appended chunk by chunk through GDAL (pyogrio);
* FlatGeobuf and GeoJSON, which GDAL cannot append to: staged in a temporary
  GeoPackage and streamed into the output format at the end;
* CSV: appended as text.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj

from ..errors import MissingDependencyError, OutputWriteError
from .writer import (
    FORMAT_NAMES,
    GDAL_DRIVERS,
    GDAL_LAYER_OPTIONS,
    check_output_path,
    first_line,
    plain_column,
    prepare_table,
    remove_file,
    temporary_beside,
)

__all__ = ["RowSink"]


class RowSink:
    """An output file written chunk by chunk and committed at the end.

    Parameters
    ----------
    path : str or os.PathLike
        The output; its extension names the format (``.parquet``, ``.gpkg``,
        ``.fgb``, ``.geojson``, ``.csv``).
    overwrite : bool
        Replace an existing file (checked now, before any work).
    argname : str
        How messages name ``path``.
    """

    def __init__(self, path: str | os.PathLike, *, overwrite: bool, argname: str = "out") -> None:
        self.path, self.fmt = check_output_path(path, overwrite=overwrite, argname=argname)
        if self.fmt == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise MissingDependencyError(
                    'writing GeoParquet needs pyarrow; install it with pip install "rangecov[parquet]"'
                ) from None
        staged = self.fmt in ("fgb", "geojson")
        self.temporary = temporary_beside(self.path, ".gpkg" if staged else None)
        self._writer: Any = None  # pyarrow.parquet.ParquetWriter (pyarrow has no type information)
        self._schema = None
        self._rows = 0

    # -- chunks ------------------------------------------------------------------------------------

    def write_frame(self, frame: gpd.GeoDataFrame) -> None:
        """Append the rows of a GeoDataFrame (its index is written as :func:`write_frame` does)."""
        table = prepare_table(frame, self.fmt)
        if self.fmt == "csv":
            # The header once, with the first chunk (which may have no rows).
            table.to_csv(self.temporary, mode="a", header=not self.temporary.exists(), index=False)
        elif self.fmt == "parquet":
            import pyarrow as pa

            # prepare_table keeps the frame's active geometry for every format but CSV.
            assert isinstance(table, gpd.GeoDataFrame) and table.active_geometry_name is not None
            geometry = table.active_geometry_name
            arrow = pa.table(table.to_arrow(index=False, geometry_encoding="WKB"))
            self._write_parquet(arrow, geometry, table.crs)
        else:
            assert isinstance(table, gpd.GeoDataFrame)  # as above
            self._append_gdal(table)
        self._rows += len(frame)

    def write_arrow(self, arrow, added: dict, *, geometry: str, crs: pyproj.CRS, encoding: str = "WKB") -> None:
        """Append rows held as Arrow (geometry as WKB) plus the ``added`` result columns (pandas Series).

        For GeoParquet the columns are passed through; other formats go by a GeoDataFrame.
        """
        if self.fmt != "parquet":
            raise ValueError("write_arrow is for GeoParquet output")  # pragma: no cover - callers check
        import pyarrow as pa

        extra = pd.DataFrame({name: plain_column(series, "parquet", to_lonlat=False) for name, series in added.items()})
        clash = [c for c in extra.columns if c in arrow.column_names]
        if clash:
            arrow = arrow.drop_columns(clash)
        extra_arrow = pa.Table.from_pandas(extra, preserve_index=False)
        for name in extra_arrow.column_names:
            arrow = arrow.append_column(extra_arrow.schema.field(name), extra_arrow.column(name))
        self._write_parquet(arrow, geometry, crs, encoding)
        self._rows += arrow.num_rows

    def _write_parquet(self, arrow, geometry: str, crs, encoding: str = "WKB") -> None:
        import pyarrow.parquet as pq

        if self._writer is None:
            meta = dict(arrow.schema.metadata or {})
            meta[b"geo"] = json.dumps(_geo_metadata(geometry, crs, encoding)).encode()
            self._schema = arrow.schema.with_metadata(meta)
            self._writer = pq.ParquetWriter(self.temporary, self._schema)
        self._writer.write_table(arrow.cast(self._schema))

    def _append_gdal(self, table: gpd.GeoDataFrame) -> None:
        import pyogrio

        try:
            pyogrio.write_dataframe(
                table,
                self.temporary,
                driver="GPKG",
                layer=self.path.stem,
                append=self._rows > 0,
                promote_to_multi=False,
            )
        except (OSError, RuntimeError, ValueError) as err:  # GDAL's DataSourceError is a RuntimeError
            raise OutputWriteError(f"could not write {self.path}: {first_line(err)}") from err

    # -- the end -------------------------------------------------------------------------------------

    def commit(self) -> Path:
        """Close the temporary file and move it into place; returns the path written."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if not self.temporary.exists():
            raise ValueError(f"nothing was written to {self.path}")  # pragma: no cover - callers write first
        if self.fmt in ("fgb", "geojson"):
            final = temporary_beside(self.path)
            try:
                _convert(self.temporary, final, self.fmt, self.path.stem)
                os.replace(final, self.path)
            finally:
                remove_file(final)
                remove_file(self.temporary)
        else:
            os.replace(self.temporary, self.path)
        return self.path

    def abort(self) -> None:
        """Remove the temporary file: a failed run leaves no output."""
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # noqa: BLE001 - the file is removed anyway
                pass
            self._writer = None
        remove_file(self.temporary)


def _geo_metadata(geometry: str, crs, encoding: str = "WKB") -> dict:
    """GeoParquet file metadata for one geometry column (1.0 for WKB, 1.1 for GeoArrow points)."""
    column: dict = {"encoding": encoding, "geometry_types": ["Point"] if encoding == "point" else []}
    column["crs"] = None if crs is None else pyproj.CRS.from_user_input(crs).to_json_dict()
    version = "1.0.0" if encoding == "WKB" else "1.1.0"
    return {"version": version, "primary_column": geometry, "columns": {geometry: column}}


def _convert(staged: Path, final: Path, fmt: str, layer: str) -> None:
    """Stream the staged GeoPackage into ``fmt`` (FlatGeobuf, GeoJSON) a batch at a time."""
    import pyogrio

    try:
        with pyogrio.open_arrow(staged, use_pyarrow=True) as (meta, reader):
            geometry = meta["geometry_name"] or "geom"
            info = pyogrio.read_info(staged)
            pyogrio.write_arrow(
                reader,
                final,
                driver=GDAL_DRIVERS[fmt],
                layer=layer,
                geometry_name=geometry,
                geometry_type=info["geometry_type"] or "Unknown",
                crs=info["crs"],
                layer_options=GDAL_LAYER_OPTIONS.get(fmt),
            )
    except Exception as err:  # GDAL's errors
        raise OutputWriteError(f"could not write {FORMAT_NAMES[fmt]} to {final}: {first_line(err)}") from err
