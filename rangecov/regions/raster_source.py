"""Rasters as :func:`rangecov.raster_coverage` reads them: a file GDAL reads (rasterio) or an xarray DataArray (rioxarray).

rasterio, rioxarray and exactextract are the optional extra ``rangecov[raster]``,
imported here when a raster is read.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
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

__all__ = ["RasterGrid", "open_raster", "raster_modules"]

_INSTALL = 'install them with pip install "rangecov[raster]"'


def raster_modules(*names: str) -> list:
    """The optional modules named (``rasterio``, ``exactextract``, ``rioxarray``), or an error saying how to install them."""
    import importlib

    out = []
    for name in names:
        try:
            out.append(importlib.import_module(name))
        except ImportError:
            raise MissingDependencyError(
                f"raster_coverage needs rasterio, exactextract, xarray and rioxarray ({name} is missing); {_INSTALL}"
            ) from None
    return out


@dataclass
class RasterGrid:
    """One band of a north-up raster: where its cells are, and how to read a block of them.

    ``x0``, ``y0`` are the outer corner of cell (0, 0) (top left), ``dx`` > 0 and
    ``dy`` > 0 the cell size; rows run southward (a south-up raster is read
    flipped). ``read(rows, cols)`` returns float64 values with nodata as NaN.
    """

    crs: pyproj.CRS
    x0: float
    y0: float
    dx: float
    dy: float
    height: int
    width: int
    name: str
    _read: Any

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the whole raster."""
        return self.x0, self.y0 - self.height * self.dy, self.x0 + self.width * self.dx, self.y0

    def window(self, bounds) -> tuple[slice, slice]:
        """The rows and columns of the cells that ``bounds`` (xmin, ymin, xmax, ymax) touches, clipped to the raster."""
        xmin, ymin, xmax, ymax = bounds
        c0 = max(0, int(np.floor((xmin - self.x0) / self.dx)))
        c1 = min(self.width, int(np.ceil((xmax - self.x0) / self.dx)))
        r0 = max(0, int(np.floor((self.y0 - ymax) / self.dy)))
        r1 = min(self.height, int(np.ceil((self.y0 - ymin) / self.dy)))
        return slice(r0, max(r0, r1)), slice(c0, max(c0, c1))

    def read(self, rows: slice, cols: slice) -> np.ndarray:
        """Values of a block as float64, nodata and NaN as NaN."""
        return self._read(rows, cols)

    def edges(self, rows: slice, cols: slice) -> tuple[np.ndarray, np.ndarray]:
        """The x edges (west to east) and y edges (north to south) of a block's cells."""
        xs = self.x0 + self.dx * np.arange(cols.start, cols.stop + 1)
        ys = self.y0 - self.dy * np.arange(rows.start, rows.stop + 1)
        return xs, ys


def open_raster(raster, band, *, allow_remote: bool = False) -> RasterGrid:
    """A :class:`RasterGrid` for a path GDAL reads (a remote one only when allowed) or an xarray DataArray
    with a CRS (rioxarray)."""
    if isinstance(band, bool) or not isinstance(band, numbers.Integral) or band < 1:
        raise InputError(f"band must be a band number >= 1 (bands count from 1, as in GDAL), got {band!r}")
    if isinstance(raster, (str, os.PathLike)):
        if is_remote(raster):
            refuse_remote(raster, allow_remote)
        return _from_file(os.fspath(raster), int(band))
    if type(raster).__name__ == "DataArray":
        return _from_dataarray(raster, int(band))
    raise InputTypeError(
        f"raster must be a path to a raster file (GeoTIFF, ...) or an xarray DataArray, got {type(raster).__name__}"
    )


def _check_transform(t, name: str) -> tuple[float, float, float, float, bool]:
    """x0, y0, dx, dy and whether rows run northward, from an affine transform; rotations refused."""
    a, b, c, d, e, f = t.a, t.b, t.c, t.d, t.e, t.f
    if b != 0 or d != 0:
        raise InputError(
            f"{name} has a rotated or sheared grid (geotransform terms {b:g}, {d:g}); warp it to a north-up grid "
            "first, e.g. with gdalwarp"
        )
    if not (a > 0 and e != 0 and all(np.isfinite([a, c, e, f]))):
        raise InputError(f"{name} has no usable grid (cell size {a:g} × {e:g}); is it georeferenced?")
    return c, f, a, abs(e), e > 0


def _from_file(path: str, band: int) -> RasterGrid:
    (rasterio,) = raster_modules("rasterio")
    if os.path.isdir(path):
        raise PathIsFolderError(f"raster {path!r} is a folder; give a raster file")
    if not os.path.exists(path) and not is_remote(path):
        raise FileMissingError(f"raster {path!r} does not exist")
    try:
        with rasterio.open(path) as ds:
            crs, transform, count, nodata = ds.crs, ds.transform, ds.count, ds.nodatavals
            height, width = ds.height, ds.width
    except rasterio.errors.RasterioError as err:
        raise FileFormatError(f"raster {path!r} cannot be read as a raster: {err}") from None
    if crs is None:
        raise MissingCRSError(
            f"raster {path!r} has no CRS, so its cells cannot be placed on the Earth; set one, e.g. "
            "gdal_edit.py -a_srs EPSG:4326 FILE"
        )
    if band > count:
        raise InputError(f"band={band} does not exist: raster {path!r} has {count} band(s)")
    x0, y0, dx, dy, flipped = _check_transform(transform, f"raster {path!r}")
    fill = nodata[band - 1]

    def read(rows: slice, cols: slice) -> np.ndarray:
        from rasterio.windows import Window

        r0, r1 = (height - rows.stop, height - rows.start) if flipped else (rows.start, rows.stop)
        with rasterio.open(path) as ds:
            block = ds.read(band, window=Window(cols.start, r0, cols.stop - cols.start, r1 - r0), masked=True)
        values = np.ma.filled(block.astype(np.float64), np.nan)
        if fill is not None and not np.isnan(fill):
            values[values == fill] = np.nan
        return values[::-1] if flipped else values

    if flipped:
        y0 = y0 + height * dy
    return RasterGrid(pyproj.CRS.from_user_input(crs.to_wkt()), x0, y0, dx, dy, height, width, f"raster {path!r}", read)


def _from_dataarray(da, band: int) -> RasterGrid:
    raster_modules("rioxarray")
    name = f"raster DataArray {da.name!r}" if da.name is not None else "the raster DataArray"
    crs = da.rio.crs
    if crs is None:
        raise MissingCRSError(f"{name} has no CRS; set one with da.rio.write_crs('EPSG:4326')")
    y_dim, x_dim = da.rio.y_dim, da.rio.x_dim
    others = [d for d in da.dims if d not in (y_dim, x_dim)]
    if len(others) > 1:
        raise InputError(
            f"{name} must have dimensions ({y_dim}, {x_dim}) and at most one band dimension; it has {da.dims}"
        )
    if others:
        if band > da.sizes[others[0]]:
            raise InputError(
                f"band={band} does not exist: {name} has {da.sizes[others[0]]} band(s) along {others[0]!r}"
            )
        da = da.isel({others[0]: band - 1})
    elif band != 1:
        raise InputError(f"band={band} does not exist: {name} has one band")
    da = da.transpose(y_dim, x_dim)
    x0, y0, dx, dy, flipped = _check_transform(da.rio.transform(), name)
    height, width = da.shape
    nodata = da.rio.nodata if da.rio.nodata is not None else da.rio.encoded_nodata

    def read(rows: slice, cols: slice) -> np.ndarray:
        r0, r1 = (height - rows.stop, height - rows.start) if flipped else (rows.start, rows.stop)
        # A copy: the caller's array is never written to.
        values = np.array(da.isel({y_dim: slice(r0, r1), x_dim: cols}).values, dtype=np.float64, copy=True)
        if nodata is not None and not np.isnan(nodata):
            values[values == nodata] = np.nan
        return values[::-1] if flipped else values

    if flipped:
        y0 = y0 + height * dy
    return RasterGrid(pyproj.CRS.from_user_input(crs.to_wkt()), x0, y0, dx, dy, height, width, name, read)
