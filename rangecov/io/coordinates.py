"""Tables with longitude/latitude columns made into GeoDataFrames of points, for :func:`rangecov.io.read`.

The columns are found by name (see :data:`LON_NAMES`, :data:`LAT_NAMES`) or
as named by the caller, and their values checked: every mistake is reported
naming the column, the 1-based data rows and the fix.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from numpy.typing import NDArray

from ..base.lonlat import MAX_LONGITUDE
from ..errors import InputError
from .writer import COORDINATE_COLUMNS, WGS84, list_columns, same_crs

__all__ = ["points_from_table", "coordinate_columns", "short_repr", "LON_NAMES", "LAT_NAMES"]

_MAX_SHOWN = 5
# Characters of a text value quoted in a message: a field of a damaged or hostile file can be
# megabytes long, and the message must stay one readable line.
_MAX_TEXT = 40

# Auto-detected coordinate columns, in order of preference: when a table has
# several (e.g. both "lon" and "x"), the first in these lists wins.
LON_NAMES = ("lon", "lng", "long", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")


def _rows(positions: np.ndarray, first_row: int = 0) -> str:
    """'data rows 3, 7, 9 and 2 more' from 0-based positions (row 1 is the first after the header).

    ``first_row``: the 0-based data row of position 0 (a chunk read from the middle of a file).
    """
    numbers = [f"{int(p) + first_row + 1:,}" if first_row else str(int(p) + 1) for p in positions]
    shown = ", ".join(numbers[:_MAX_SHOWN])
    more = len(numbers) - _MAX_SHOWN
    return f"data row{'s' if len(numbers) > 1 else ''} {shown}" + (f" and {more} more" if more > 0 else "")


def short_repr(text: str) -> str:
    """``repr(text)``, or for a long text its first characters and its length: ``'xxx'... (1,000,000 characters)``."""
    if len(text) <= _MAX_TEXT:
        return repr(text)
    return f"{text[:_MAX_TEXT]!r}... ({len(text):,} characters)"


def _shown_values(values: Iterable[Any]) -> str:
    def one(v):
        if isinstance(v, str):
            return short_repr(v)
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
        raise InputError(f"{argname}={wanted!r} is not a column of {path}; columns: {list_columns(columns)}")
    for candidate in candidates:
        for column in columns:
            if normal(column) == candidate:
                return column
    return None


def coordinate_columns(columns: Sequence, lon: str | None, lat: str | None, path: Path) -> tuple:
    """The longitude and latitude columns among ``columns``: named (matched loosely) or found by name; None if not."""
    return _find_column(columns, lon, LON_NAMES, "lon", path), _find_column(columns, lat, LAT_NAMES, "lat", path)


def _no_coordinates(columns: Sequence, lon_col, lat_col, path: Path) -> None:
    """The error for a table without its longitude and/or latitude column."""
    if lon_col is None and lat_col is None:
        what, fix = "longitude/latitude columns", "name them with lon=... and lat=..."
    elif lon_col is None:
        what, fix = f"longitude column (latitude is {lat_col!r})", "name it with lon=..."
    else:
        what, fix = f"latitude column (longitude is {lon_col!r})", "name it with lat=..."
    hint = ""
    if any(str(c).strip().casefold() in ("geometry", "wkt") for c in columns):
        hint = " (a WKT geometry column is not read; parse it with geopandas.GeoSeries.from_wkt)"
    joined = [sep for sep in (";", "\t", "|", ",") if any(sep in str(c) for c in columns)]
    if joined:
        # Names that hold a separator: the file was split at another one (given, or found in its header).
        hint = f" (the column names hold {joined[0]!r}: if the file is separated by it, pass sep={joined[0]!r})"
    raise InputError(
        f"no {what} found in {path} (looked for {'/'.join(LON_NAMES)} and {'/'.join(LAT_NAMES)}); "
        f"columns: {list_columns(columns)}; {fix}{hint}"
    )


def points_from_table(
    table: pd.DataFrame,
    path: Path,
    *,
    lon: str | None,
    lat: str | None,
    crs: pyproj.CRS | None,
    first_row: int = 0,
) -> gpd.GeoDataFrame:
    """Points from the longitude/latitude columns of ``table`` (read from ``path``, which messages name).

    ``lon``/``lat`` name the columns (matched ignoring case and surrounding
    spaces when not exact), else they are found among :data:`LON_NAMES` and
    :data:`LAT_NAMES`. ``crs`` is the CRS of the coordinates (EPSG:4326 when
    None). The coordinate columns are dropped: the geometry carries them.
    ``first_row`` is the 0-based data row of the table's first row, for
    messages about a chunk read from the middle of a file; the table's
    index is kept.
    """
    columns = list(table.columns)
    lon_col, lat_col = coordinate_columns(columns, lon, lat, path)
    if lon_col is None or lat_col is None:
        _no_coordinates(columns, lon_col, lat_col, path)
    if lon_col == lat_col:
        raise InputError(f"lon= and lat= both name column {lon_col!r} of {path}; give two different columns")
    rest = table.drop(columns=[lon_col, lat_col])
    if "geometry" in rest.columns:
        raise InputError(
            f"{path} has a column named 'geometry' besides its coordinate columns {lon_col!r} and {lat_col!r}; "
            "read() puts the points there, so rename that column in the file"
        )

    x = _numbers(table[lon_col], lon_col, path, first_row)
    y = _numbers(table[lat_col], lat_col, path, first_row)
    crs = crs if crs is not None else WGS84
    if crs.is_geographic:
        _check_degrees(x, y, lon_col=lon_col, lat_col=lat_col, path=path, first_row=first_row)
    frame = gpd.GeoDataFrame(rest, geometry=gpd.points_from_xy(x, y), crs=crs)
    if same_crs(crs, WGS84) and all(isinstance(c, str) for c in columns):
        # Noted for CSV output, which writes the points back under these names, where they were.
        frame.attrs[COORDINATE_COLUMNS] = {"lon": lon_col, "lat": lat_col, "order": list(columns)}
    return frame


def _numbers(column: pd.Series, name: Hashable, path: Path, first_row: int) -> NDArray[np.float64]:
    values = np.asarray(pd.to_numeric(column, errors="coerce"), dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raw = column.iloc[bad]
        raise InputError(
            f"column {name!r} in {path} must hold finite numbers; found {_shown_values(raw)} at {_rows(bad, first_row)}"
        )
    return values


def _check_degrees(
    x: NDArray[np.float64], y: NDArray[np.float64], *, lon_col: Hashable, lat_col: Hashable, path: Path, first_row: int
) -> None:
    off = np.flatnonzero(np.abs(y) > 90.0)
    if off.size:
        hint = ""
        if np.abs(x[off]).min() > 1000 and np.abs(y[off]).min() > 1000:
            hint = (
                "; these look like projected coordinates (metres or feet), not degrees: "
                "pass the CRS they are in, e.g. crs='EPSG:32633'"
            )
        elif (np.abs(x) <= 90.0).all():
            hint = (
                f"; longitude and latitude look swapped (every longitude is within ±90°): "
                f"if so, read with lon={lat_col!r}, lat={lon_col!r}"
            )
        raise InputError(
            f"latitude column {lat_col!r} in {path} has values beyond ±90° at {_rows(off, first_row)} "
            f"({_shown_values(y[off])}){hint}"
        )
    # Beyond one and a half turns a "longitude" is not one (e.g. metres);
    # name the projected CRS instead.
    off = np.flatnonzero(np.abs(x) > MAX_LONGITUDE)
    if off.size:
        raise InputError(
            f"longitude column {lon_col!r} in {path} has values outside -540..540° at {_rows(off, first_row)} "
            f"({_shown_values(x[off])}); if these are projected coordinates, pass their CRS, e.g. crs='EPSG:3857'"
        )
