"""A chunk of targets and a source of chunks: what :mod:`rangecov.io.chunk_reader` and
:mod:`rangecov.io.parquet_reader` yield and :mod:`rangecov.cover.streaming` consumes."""

from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
import pandas as pd

__all__ = ["Chunk", "ChunkSource"]


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
        decode=None,
    ):
        self.first_row = first_row
        # How the Arrow table holds its geometry (GeoParquet's "WKB" or "point"), and
        # decode(column, first_row): its shapely geometries.
        self.encoding = encoding
        self.decode = decode
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
            geoms = self.decode(table.column(self.geometry), self.first_row)
            attrs = table.drop_columns([self.geometry]).to_pandas()
            attrs.index = self.index
            frame = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=self.index), crs=self.crs)
            self._frame = frame[list(table.column_names)].set_geometry(self.geometry)
        return self._frame

    def column(self, name: str) -> pd.Series:
        """One attribute column, indexed like the rows."""
        if self._frame is not None:
            return self._frame[name]
        # Through the table, so that the pandas metadata of the file (e.g. a nullable Int64) types it.
        series = self.arrow.select([name]).to_pandas()[name]
        series.index = self.index
        return series

    def where(self) -> str:
        return f"rows {self.first_row + 1:,}-{self.first_row + len(self):,}"


class ChunkSource:
    """An opened source of chunks: ``n_rows`` (None when not known ahead), ``columns``, iteration."""

    def __init__(
        self,
        chunks: Iterator[Chunk],
        *,
        n_rows: int | None,
        columns: list,
        name: str,
        geometry: str | None = None,
    ):
        self._chunks = chunks
        self.geometry = geometry
        self.n_rows = n_rows
        self.columns = columns
        self.name = name

    def __iter__(self) -> Iterator[Chunk]:
        return self._chunks
