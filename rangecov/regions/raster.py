"""How much of a raster's weight (people, livestock, anything per cell) lies within reach: ``raster_coverage``."""

from __future__ import annotations

import os
from typing import Any, Literal, get_args

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..base.lonlat import polygonal
from ..base.schema import ERROR_BOUND, IN_REACH, MARGINAL, RASTER_COLUMNS, SHARE, TOTAL
from ..errors import InputError, MissingCRSError
from ..geodesy.ellipsoid import get_ellipsoid
from ..geometry.buffers import dissolve
from ..geometry.drawing import draw_many
from ..geometry.projected import cell_areas, to_crs_within
from ..inputs import frames
from ..inputs.frames import check_polygons
from ..inputs.options import common_tolerance, parse_reach
from ..io.writer import list_columns
from ..units import Distance, Reach
from .raster_source import RasterGrid, open_raster, raster_modules

__all__ = ["raster_coverage"]

#: ``values=`` of :func:`raster_coverage`: each cell holds a count (people), or a density (people per km²).
Values = Literal["count", "density"]
VALUES: tuple[Values, ...] = get_args(Values)
# exactextract's coverage fractions are float32: within 2**-24 of the true fraction; the products and
# sums in float64 add far less. Four times that, of the weight counted, bounds both.
_FRACTION_ROUNDING = 4 * 2.0**-24


def raster_coverage(
    origins: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | os.PathLike | Any,
    reach: Reach,
    *,
    regions: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    by: str | None = None,
    values: Values = "count",
    band: int = 1,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
    allow_remote: bool = False,
) -> pd.DataFrame:
    """The weight of a raster (people per cell, or per km²) within geodesic reach of the origins.

    Parameters
    ----------
    origins : GeoDataFrame or GeoSeries
        Points, lines or polygons, any CRS, as for :func:`rangecov.coverage`.
    raster : path or xarray.DataArray
        A raster GDAL reads (GeoTIFF, ...) or a DataArray with a CRS
        (rioxarray), north-up (rotated or sheared grids are refused), in any
        CRS: WorldPop is EPSG:4326, GHS-POP Mollweide (ESRI:54009). Nodata
        and NaN cells are left out.
    reach : distance, column name or (low, high)
        As for :func:`rangecov.coverage`: one distance, a column of
        ``origins``, or a band (the weight between ``low`` and ``high`` is
        ``marginal``).
    regions : GeoDataFrame or GeoSeries of polygons, optional
        Zones to report on (edges read as geodesics, as everywhere in
        rangecov); one row per region, in their order and index. Without
        them, one row ``"all"``: the whole raster.
    by : str, optional
        A column of ``regions``: one row per value (regions with one value
        are joined first, so an overlap counts once).
    values : {"count", "density"}, default "count"
        What a cell holds: a count for the cell, or a density per km², then
        multiplied by the cell's area on the ellipsoid.
    band : int, default 1
        The band to read (from 1, as GDAL counts).
    tolerance : distance, optional
        How close to the true geodesic boundaries the reach region is drawn
        in the raster's CRS; default 10 m or 1% of the smallest reach.
    ellipsoid : str, default "WGS84"
    allow_remote : bool, default False
        Read a raster given as a URL or a GDAL network path (``/vsicurl/``,
        ``s3://``), as :func:`rangecov.read` does; refused otherwise.

    Returns
    -------
    DataFrame
        One row per region (or per ``by`` value, or ``"all"``): ``total``
        (the weight of the region), ``in_reach`` (within reach; within
        ``low`` for a band), ``marginal`` (between ``low`` and ``high`` for a
        band, else 0), ``share`` (``in_reach / total``; NaN for a total of 0)
        and ``error_bound``.

    Notes
    -----
    Model: each cell's value is spread evenly over the cell as the raster's
    CRS draws it, and a cell counts by the fraction of its area inside the
    geodesic reach region (exactextract's coverage fractions, not cell
    centres).

    Error bound: the reach region is drawn within ``tolerance`` of its true
    boundary (docs/exactness.md, steps 6 and 8), so every cell the true or
    the drawn boundary crosses lies in the band between the regions drawn at
    ``reach ± 2·tolerance``. ``error_bound`` is the weight of every cell that
    band touches (whole cells: it holds whatever the spread of people inside
    a cell), of both ends for a band reach, plus ``4·2⁻²⁴`` of the region's
    weight for exactextract's float32 fractions; ``|in_reach − true| ≤
    error_bound``, and the same for ``marginal``. Region edges are drawn
    within ``tolerance`` too; cells they split are counted by fraction, and
    that is not in the bound.

    Examples
    --------
    25 people per km² over the scenario's theatre (a 0.05° grid), and how
    many of them live within 190 mi of the launch sites, per country:

    >>> import numpy as np, xarray as xr
    >>> import rioxarray  # noqa: F401  (gives DataArrays their .rio)
    >>> from rangecov import datasets
    >>> s = datasets.atacms_kursk_2024()
    >>> lon, lat = np.arange(30, 45, 0.05) + 0.025, np.arange(56, 46, -0.05) - 0.025
    >>> people = xr.DataArray(np.full((lat.size, lon.size), 25.0), coords={"y": lat, "x": lon}, dims=("y", "x"))
    >>> people = people.rio.write_crs("EPSG:4326")
    >>> table = raster_coverage(s.launch_sites, people, s.reach, regions=s.regions, by="country", values="density")
    >>> (table[["total", "in_reach", "error_bound"]] / 1e6).round(2)
             total  in_reach  error_bound
    country
    RU        7.40      5.15         0.11
    UA        2.18      2.18         0.00
    """
    ell = get_ellipsoid(ellipsoid)
    if values not in VALUES:
        raise InputError(f"values={values!r} is not one of {', '.join(map(repr, VALUES))}")
    (exactextract,) = raster_modules("exactextract")
    grid = open_raster(raster, band, allow_remote=allow_remote)
    zones, index = _zones(regions, by)
    o_vals = frames.lonlat_geometries(origins, "origins")
    spec = parse_reach(reach, origins, len(o_vals))
    ends = [spec.low] if spec.kind != "band" else [spec.low, spec.high]
    tol = common_tolerance(tolerance, np.concatenate(ends))
    # Half the tolerance for the lon/lat drawing, half for its drawing in the raster's CRS (step 8).
    x_range = (grid.bounds[0], grid.bounds[2])

    def in_raster_crs(geoms):
        return to_crs_within(geoms, grid.crs, ell, tol / 2.0, x_range=x_range)

    drawn_ends = []
    for dist in ends:
        # polygonal(): a reach of 0 draws the origins themselves, which have no area.
        inner, region, outer = (polygonal(dissolve(ell, o_vals, dist + k * tol, tol / 2.0)[0]) for k in (-2, 0, 2))
        band_ring = polygonal(shapely.difference(outer, inner))
        drawn_ends.append(in_raster_crs([region, band_ring]))
    if zones is None:
        xmin, ymin, xmax, ymax = grid.bounds
        zone_geoms = [shapely.box(xmin, ymin, xmax, ymax)]
    else:
        zone_geoms = _joined(in_raster_crs(draw_many(ell, zones.values)), zones.codes, len(index))
    rows, cols = grid.window(shapely.total_bounds(np.asarray(zone_geoms, dtype=object)))
    weights = _cell_weights(grid, rows, cols, values, ell)
    features = []
    for zone in zone_geoms:
        # The whole raster's weight needs no fractions: its cells are summed directly (below).
        features.append(zone if zones is not None else None)
        for region, band_ring in drawn_ends:
            features += [_clip(zone, region), _clip(zone, band_ring)] if zones is not None else [region, band_ring]
    sums = _extract(exactextract, grid, rows, cols, weights=weights, features=features)
    if zones is None:
        sums[0, 0] = float(np.nansum(weights))
    per_zone = 1 + 2 * len(ends)
    table = []
    for k in range(len(zone_geoms)):
        row = sums[k * per_zone : (k + 1) * per_zone]
        total = row[0, 0]
        low_in, low_touched = row[1, 0], row[2, 1]
        high_in, high_touched = (row[3, 0], row[4, 1]) if len(ends) == 2 else (low_in, 0.0)
        marginal = max(high_in - low_in, 0.0)
        table.append(
            {
                TOTAL: total,
                IN_REACH: low_in,
                MARGINAL: marginal,
                SHARE: low_in / total if total > 0 else np.nan,
                ERROR_BOUND: low_touched + high_touched + _FRACTION_ROUNDING * total,
            }
        )
    return pd.DataFrame(table, index=index, columns=list(RASTER_COLUMNS))


class _Zones:
    def __init__(self, values: np.ndarray, codes: np.ndarray) -> None:
        self.values = values
        self.codes = codes


def _zones(regions, by) -> tuple[_Zones | None, pd.Index]:
    """The regions' lon/lat polygons and the output index (regions', the ``by`` values, or ``"all"``)."""
    if regions is None:
        if by is not None:
            raise InputError("by= groups regions: give regions=... too, or leave by out for the whole raster")
        return None, pd.Index(["all"])
    if getattr(regions, "crs", None) is None and isinstance(regions, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise MissingCRSError(
            "regions has no CRS, so its polygons cannot be placed on the Earth; set it with regions.set_crs(...)"
        )
    values = frames.lonlat_geometries(regions, "regions")
    check_polygons(values, regions.index, "regions", "to hold part of the raster")
    if by is None:
        return _Zones(values, np.arange(len(values))), regions.index
    if not isinstance(by, str) or not isinstance(regions, gpd.GeoDataFrame) or by not in regions.columns:
        columns = list_columns(frames.attribute_columns(regions))
        raise InputError(f"by={by!r} is not a column of the regions; columns: {columns}")
    codes, keys = pd.factorize(regions[by], sort=True, use_na_sentinel=False)
    return _Zones(values, codes), pd.Index(keys, name=by)


def _joined(geoms: list, codes: np.ndarray, n: int) -> list:
    """One polygon per code: the union of the regions that share it (an overlap counts once)."""
    if codes.size == n and np.array_equal(codes, np.arange(n)):
        return geoms
    arr = np.asarray(geoms, dtype=object)
    return [polygonal(shapely.union_all(arr[codes == k])) for k in range(n)]


def _clip(zone, piece):
    """``zone ∩ piece`` in the raster's CRS (GEOS); an empty polygon when they do not meet."""
    if piece is None or piece.is_empty or not shapely.intersects(zone, piece):
        return shapely.Polygon()
    try:
        return polygonal(shapely.intersection(zone, piece))
    except shapely.errors.GEOSException:
        return polygonal(shapely.intersection(shapely.make_valid(zone), shapely.make_valid(piece)))


def _cell_weights(grid: RasterGrid, rows: slice, cols: slice, values: Values, ell) -> np.ndarray:
    """The weight per cell of a block (NaN for nodata): the values, or densities per km² times the cells' areas."""
    block = grid.read(rows, cols)
    infinite = np.flatnonzero(np.isinf(block))
    if infinite.size:
        r, c = np.unravel_index(infinite[0], block.shape)
        raise InputError(
            f"{grid.name} has infinite values ({infinite.size:,} cells, e.g. at row {rows.start + r}, "
            f"column {cols.start + c}); set them to nodata"
        )
    negative = np.flatnonzero(block < 0)
    if negative.size:
        r, c = np.unravel_index(negative[0], block.shape)
        what = "counts" if values == "count" else "densities"
        raise InputError(
            f"{grid.name} has negative {what} ({negative.size:,} cells, e.g. {block[r, c]:g} at row "
            f"{rows.start + r}, column {cols.start + c}); a weight is >= 0 (set such cells to nodata)"
        )
    if values == "density":
        xs, ys = grid.edges(rows, cols)
        with np.errstate(invalid="ignore"):
            area = cell_areas(xs, ys, grid.crs, ell)
        # Cells off the Earth (the corners of a Mollweide grid) have no area: nodata.
        block = np.where(np.isfinite(area), block * area / 1e6, np.nan)
    return block


def _extract(exactextract, grid: RasterGrid, rows: slice, cols: slice, *, weights: np.ndarray, features: list):
    """Per feature: the weight counted by coverage fraction, and the weight of every cell it touches."""
    from exactextract.raster import NumPyRasterSource

    out = np.zeros((len(features), 2))
    if weights.size == 0:
        return out
    xs, ys = grid.edges(rows, cols)
    source = NumPyRasterSource(weights, xs[0], ys[-1], xs[-1], ys[0], nodata=np.nan, srs_wkt=grid.crs.to_wkt())
    live = [k for k, f in enumerate(features) if f is not None and not f.is_empty]
    if not live:
        return out
    frame = gpd.GeoDataFrame(geometry=[features[k] for k in live], crs=grid.crs)
    result = exactextract.exact_extract(
        source, frame, ["weighted=sum", "touched=sum(coverage_weight=none)"], output="pandas"
    )
    out[live, 0] = result["weighted"].to_numpy(dtype=float)
    out[live, 1] = result["touched"].to_numpy(dtype=float)
    return out
