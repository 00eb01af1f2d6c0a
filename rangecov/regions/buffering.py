"""Geodesic buffers, dissolved reach regions and range rings with a guaranteed tolerance.

All three return polygons in longitude/latitude (EPSG:4326) whose boundary
lies within ``tolerance`` of the true geodesic boundary on the ellipsoid,
whether their edges are read as straight lines in lon/lat (as shapely,
GeoJSON and geopandas read them) or as geodesics (as rangecov and
GeographicLib read them). How that is achieved is in ``docs/exactness.md``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..base.lonlat import polygonal
from ..base.schema import INNER_M, OUTER_M
from ..errors import InputError, InputTypeError
from ..geodesy.ellipsoid import get_ellipsoid
from ..geometry.buffers import buffer_values, dissolve
from ..geometry.disks import disks
from ..geometry.edges import geodesic_line
from ..inputs import frames
from ..inputs.options import check_progress, common_tolerance, spec_tolerance, tolerances
from ..units import Distance, parse_distance

__all__ = ["buffer", "reach", "rings", "reach_regions"]


def _as_geoseries_input(geoms, argname: str):
    if isinstance(geoms, BaseGeometry) or (
        isinstance(geoms, (list, np.ndarray)) and len(geoms) and isinstance(geoms[0], BaseGeometry)
    ):
        raise InputTypeError(
            f"{argname} must be a GeoSeries or GeoDataFrame with a CRS, so that its coordinates are "
            f"placed on the Earth; wrap shapely geometries with geopandas.GeoSeries([...], crs='EPSG:4326')"
        )
    return geoms


def buffer(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame,
    distance: Distance | str | Sequence[Distance],
    *,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
    progress: bool | None = None,
) -> gpd.GeoSeries:
    """The region within a geodesic distance of each geometry, as lon/lat polygons.

    Parameters
    ----------
    geoms : GeoSeries or GeoDataFrame
        Points, lines or polygons (and multi-parts), in any CRS pyproj knows.
        Line and polygon edges are read as geodesics between their vertices
        (as PostGIS ``geography`` does), the short way round, also across
        ±180°; a ring around a pole encloses the smaller side it makes. An
        edge from -180° to 180° along a parallel (a lon/lat box around a
        pole) is refused: as a geodesic it has no length; ``segmentize`` it.
    distance : distance, column name or sequence
        A distance for every row (a number is metres; ``"190 mi"`` carries its
        unit, see :func:`rangecov.parse_distance`), the name of a column of
        ``geoms``, or one value per row. Must be positive.
    tolerance : distance, optional
        How far the returned boundary may stray from the true one. Default:
        10 m, or 1% of the distance when that is smaller, but at least 1 mm
        (the finest tolerance drawn). Must be below the distance.
    ellipsoid : str, default "WGS84"
        Any ``ellps`` name pyproj knows.
    progress : bool or None, default None
        A tqdm bar on stderr: ``None`` shows one only when stderr is a
        terminal and the work lasts more than about a second; ``True``
        always (needs ``tqdm``); ``False`` never.

    Returns
    -------
    GeoSeries
        One (Multi)Polygon per row, EPSG:4326, same index. Valid; split at
        the antimeridian into a MultiPolygon; a region around a pole is closed
        along that pole's latitude.

    Notes
    -----
    Model: geodesics on the ellipsoid; the buffer of ``G`` is the set of
    points whose geodesic distance to ``G`` is at most ``distance``.

    Error bound: every point of the returned boundary is within ``tolerance``
    of the true boundary, with its edges read either as straight lines in
    lon/lat or as geodesics; the only exceptions are the artificial edges
    along ±180° longitude and ±90° latitude. Vertices of a single disk lie on
    the true boundary (Karney's direct problem, ~15 nm); vertices where two
    pieces of one geometry's buffer cross are within the tolerance. Vertices
    are added only where an edge would stray more than half the tolerance at
    its midpoint, so their number follows the distance, tolerance and
    latitude. See ``docs/exactness.md``.

    Point buffers work for every distance up to the whole globe (from the
    antipodal distance, 20,004 km on WGS84, on). Beyond ``pi * b``
    (19,970 km) the region is the globe minus a small patch around the
    antipode, traced from there. Buffers of lines and polygons work up to
    9,000 km (``NotImplementedError`` beyond: an edge's sweep is drawn as
    the strip its right-angle geodesics cover, and those meet beyond a
    quarter meridian); distances to them, in ``coverage``, are exact at any
    separation.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> sites = gpd.GeoSeries([Point(34.80, 50.91)], index=["Sumy"], crs="EPSG:4326")
    >>> ring = buffer(sites, "190 mi")
    >>> ring.index.tolist(), ring.crs.to_epsg(), bool(ring.is_valid.all())
    (['Sumy'], 4326, True)
    """
    geoms = _as_geoseries_input(geoms, "geoms")
    values = frames.lonlat_geometries(geoms, "geoms")
    n = len(values)
    dist = frames.per_row_distance(distance, geoms, n, "distance", positive=True)
    tol = tolerances(tolerance, dist)
    ell = get_ellipsoid(ellipsoid)
    check_progress(progress)
    out = buffer_values(ell, values, dist, tol, progress)
    return gpd.GeoSeries(out, index=geoms.index.copy(), crs="EPSG:4326", name="geometry")


def reach(
    origins: gpd.GeoSeries | gpd.GeoDataFrame,
    reach: Distance | str | Sequence[Distance],
    *,
    tolerance: Distance | None = None,
    by: str | None = None,
    ellipsoid: str = "WGS84",
    progress: bool | None = None,
) -> gpd.GeoSeries:
    """The dissolved region within reach of any origin: one (Multi)Polygon per group.

    Parameters
    ----------
    origins : GeoSeries or GeoDataFrame
        Points, lines or polygons in any CRS.
    reach : distance, column name or sequence
        As ``distance`` in :func:`buffer`: one reach for all, or per origin.
    tolerance : distance, optional
        As in :func:`buffer` (default from the smallest reach).
    by : str, optional
        A column of ``origins``; one region per distinct value (sorted),
        indexed by it. Without it, a single row labelled ``"all"``.
    ellipsoid : str, default "WGS84"
    progress : bool or None, default None
        A tqdm bar on stderr: ``None`` shows one only when stderr is a
        terminal and the work lasts more than about a second; ``True``
        always (needs ``tqdm``); ``False`` never.

    Returns
    -------
    GeoSeries
        EPSG:4326, valid polygons.

    Notes
    -----
    The union is taken in lon/lat. Where two disks' boundaries cross, the
    crossing vertex lies on both edges, each within ``tolerance`` of its own
    true boundary, so the distance function of the union,
    ``min_j (dist(o_j, p) - reach_j)``, is within ``[-tolerance, tolerance]``
    at every boundary point (tested).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> sites = gpd.GeoDataFrame({"side": ["a", "a", "b"]},
    ...     geometry=[Point(34.8, 50.9), Point(36.2, 50.0), Point(35.0, 48.5)], crs="EPSG:4326")
    >>> reach(sites, "300 km", by="side").index.tolist()
    ['a', 'b']
    """
    origins = _as_geoseries_input(origins, "origins")
    values = frames.lonlat_geometries(origins, "origins")
    n = len(values)
    dist = frames.per_row_distance(reach, origins, n, "reach", positive=True)
    tol = common_tolerance(tolerance, dist)
    ell = get_ellipsoid(ellipsoid)
    if by is None:
        keys = pd.Index(["all"] * n)
    else:
        # by= is always a column (of any label type), never a value.
        if not isinstance(origins, gpd.GeoDataFrame) or by not in origins.columns:
            columns = ", ".join(map(str, frames.column_names(origins)))
            raise InputError(f"by={by!r} is not a column of origins; columns: {columns}")
        keys = pd.Index(origins[by])
    # Missing group labels form their own group rather than vanishing.
    key_codes, uniques = pd.factorize(keys, sort=True, use_na_sentinel=False)
    check_progress(progress)
    groups = dissolve(ell, values, dist, tol, groups=key_codes, n_groups=len(uniques), progress=progress)
    name = by if by is not None else None
    index = pd.Index(uniques, name=name) if by is not None else pd.Index(["all"])
    if n == 0:
        index, groups = pd.Index([], name=name), []
    return gpd.GeoSeries(groups, index=index, crs="EPSG:4326", name="geometry")


def reach_regions(report: Any, tolerance: Distance | None = None) -> gpd.GeoDataFrame:
    """The reach region of a coverage report as drawn polygons (EPSG:4326), as its maps show it.

    Rows ``"reach"`` (the low reach of every origin) and, for a band,
    ``"high"``, indexed by ``region``, with the ``tolerance_m`` they are
    drawn within (default: 10 m or 1% of the smallest reach, at least 1 mm). The origins
    are the report's own, each with its own reach. Cached per report and
    tolerance, so a map and an interactive map of one report draw it once.
    """
    spec = report.reach_spec
    tol = spec_tolerance(tolerance, spec)  # "1 km" and 1000 share one drawing
    cache = _REGIONS.setdefault(report, {})
    if tol not in cache:
        values = frames.lonlat_geometries(report.input_origins, "origins")
        names, reaches = ["reach"], [spec.low]
        if report.reach_kind == "band":
            names.append("high")
            reaches.append(spec.high)
        geoms = [dissolve(report.ellipsoid, values, r, tol)[0] for r in reaches]
        cache[tol] = gpd.GeoDataFrame({"region": names, "tolerance_m": tol}, geometry=geoms, crs="EPSG:4326").set_index(
            "region"
        )
    return cache[tol]


# Drawn reach regions per report (dropped with the report).
_REGIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def rings(
    origins: gpd.GeoSeries | gpd.GeoDataFrame,
    *,
    distances: Sequence[Distance] | str | None = None,
    interval: Distance | None = None,
    count: int | str | None = None,
    min_range: Distance | None = None,
    max_range: Distance | None = None,
    radials: int = 0,
    tolerance: Distance | None = None,
    ellipsoid: str = "WGS84",
) -> gpd.GeoDataFrame:
    """Concentric geodesic range rings around point origins (like ArcGIS Pro's *Generate Range Rings*).

    Exactly one way of saying which rings to draw:

    - ``distances``: a list of distances, each a ring (annulus) from the
      previous distance (0 for the first) out to it;
    - ``interval`` and ``count``: ``count`` rings ``interval`` apart;
    - ``min_range`` and ``max_range``: one annulus, the ground a weapon with
      a minimum range can reach (``min_range`` may be 0).

    Each of these may instead name a column of ``origins`` (per-origin
    values; for ``distances``, a column holding lists).

    Parameters
    ----------
    origins : GeoSeries or GeoDataFrame of points
    radials : int, default 0
        Also return this many radial lines per origin (geodesics from the
        origin to the outermost ring, evenly spaced in azimuth from north),
        as rows with ``kind == "radial"``.
    tolerance : distance, optional
        As in :func:`buffer` (default from the smallest ring radius).
    ellipsoid : str, default "WGS84"

    Returns
    -------
    GeoDataFrame
        One row per ring (``kind == "ring"``) and per radial: columns
        ``origin`` (the origin's index label), ``ring`` (1 = innermost),
        ``inner_m``, ``outer_m``, ``kind``, ``azimuth`` (radials only) and
        ``geometry`` (EPSG:4326). Rings hold the buffer tolerance on both
        their outer and their inner boundary; radial lines are densified
        so that read as straight lon/lat lines they stay within the
        tolerance of the geodesic.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> site = gpd.GeoSeries([Point(34.8, 50.9)], index=["Sumy"], crs="EPSG:4326")
    >>> r = rings(site, interval="100 km", count=3)
    >>> r[["origin", "ring", "inner_m", "outer_m"]]
      origin  ring   inner_m   outer_m
    0   Sumy     1       0.0  100000.0
    1   Sumy     2  100000.0  200000.0
    2   Sumy     3  200000.0  300000.0
    >>> rings(site, min_range="70 km", max_range="300 km")[["inner_m", "outer_m"]]
       inner_m   outer_m
    0  70000.0  300000.0
    """
    origins = _as_geoseries_input(origins, "origins")
    lon, lat = frames.point_lonlat(origins, "origins")
    n = lon.size
    if not isinstance(radials, (int, np.integer)) or isinstance(radials, bool) or radials < 0:
        raise InputError(f"radials must be a non-negative whole number, got {radials!r}")
    bounds = _ring_bounds(
        origins, n, distances, interval=interval, count=count, min_range=min_range, max_range=max_range
    )
    ell = get_ellipsoid(ellipsoid)
    positive = np.concatenate([b[b > 0] for b in bounds]) if bounds else np.empty(0)
    if positive.size == 0:
        return gpd.GeoDataFrame(
            {"origin": [], "ring": [], INNER_M: [], OUTER_M: [], "kind": [], "azimuth": []},
            geometry=[],
            crs="EPSG:4326",
        )
    tol = common_tolerance(tolerance, positive)

    owner = np.concatenate([np.full(b.size - 1, i) for i, b in enumerate(bounds)])
    inner = np.concatenate([b[:-1] for b in bounds])
    outer = np.concatenate([b[1:] for b in bounds])
    # One disk per distinct (origin, radius), then annuli as differences.
    need = pd.DataFrame({"o": np.r_[owner, owner[inner > 0]], "r": np.r_[outer, inner[inner > 0]]}).drop_duplicates()
    drawn = disks(
        ell, lon[need["o"].to_numpy()], lat[need["o"].to_numpy()], need["r"].to_numpy(), np.full(len(need), tol)
    )
    lookup = {(o, r): g for o, r, g in zip(need["o"], need["r"], drawn)}
    rows = []
    for o, lo_, hi_, k in zip(owner, inner, outer, _ring_numbers(owner)):
        g = lookup[(o, hi_)]
        if lo_ > 0:
            g = polygonal(shapely.difference(g, lookup[(o, lo_)]))
        rows.append((origins.index[o], k, float(lo_), float(hi_), "ring", np.nan, g))
    for o in range(n if radials else 0):
        far = bounds[o].max()
        for j in range(radials):
            az = 360.0 * j / radials
            line = geodesic_line(ell, lon[o], lat[o], az, far, tol=tol)
            rows.append((origins.index[o], 0, 0.0, float(far), "radial", az, line))
    frame = pd.DataFrame(rows, columns=["origin", "ring", INNER_M, OUTER_M, "kind", "azimuth", "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _ring_bounds(origins, n: int, distances, *, interval, count, min_range, max_range) -> list[np.ndarray]:
    """Per origin, the ring radii in metres, starting with the inner edge of the first ring."""
    modes = [
        distances is not None,
        interval is not None or count is not None,
        min_range is not None or max_range is not None,
    ]
    if sum(modes) != 1:
        raise InputError("give exactly one of: distances=[...]; interval= with count=; or min_range= with max_range=")
    if distances is not None:
        return _ring_lists(distances, origins, n)
    if modes[1]:
        if interval is None or count is None:
            raise InputError("interval= and count= go together: e.g. interval='50 km', count=4")
        step = frames.per_row_distance(interval, origins, n, "interval", positive=True)
        cnt = _counts(count, origins, n)
        return [np.arange(c + 1) * s for s, c in zip(step, cnt)]
    if max_range is None:
        raise InputError("min_range= needs max_range=, e.g. min_range='70 km', max_range='300 km'")
    hi = frames.per_row_distance(max_range, origins, n, "max_range", positive=True)
    lo = np.zeros(n) if min_range is None else frames.per_row_distance(min_range, origins, n, "min_range")
    if (lo >= hi).any():
        raise InputError("min_range must be smaller than max_range for every origin")
    return [np.array([a, b]) for a, b in zip(lo, hi)]


def _ring_numbers(owner: np.ndarray) -> np.ndarray:
    """1, 2, ... within each origin's run of rings."""
    out = np.ones(owner.size, dtype=int)
    for i in range(1, owner.size):
        if owner[i] == owner[i - 1]:
            out[i] = out[i - 1] + 1
    return out


def _counts(count, origins, n: int) -> np.ndarray:
    named = frames.named_column(origins, count)
    if named is not None:
        vals = named.to_numpy()
    else:
        vals = np.full(n, count, dtype=object)
    out = []
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise InputError(f"count must be a whole number of rings >= 1 (or a column of them), got {v!r}")
        out.append(int(v))
    return np.asarray(out)


def _ring_lists(distances, origins, n: int) -> list[np.ndarray]:
    named = frames.named_column(origins, distances)
    if named is not None:
        per = list(named)
        what = f"distances column {distances!r}"
    elif isinstance(distances, (list, tuple, np.ndarray, pd.Series)):
        per = [list(distances)] * n
        what = "distances"
    else:
        raise InputTypeError(
            "distances must be a list of distances, e.g. ['100 km', '190 mi'], or the name of a "
            f"column of origins holding such lists; got {distances!r}"
        )
    out = []
    for values in per:
        if not isinstance(values, (list, tuple, np.ndarray, pd.Series)) or len(values) == 0:
            raise InputError(f"{what} must hold a non-empty list of distances per origin, got {values!r}")
        try:
            metres = np.array([parse_distance(v) for v in values])
        except (ValueError, TypeError) as err:
            raise InputError(f"{what}: {err}") from None
        if (metres <= 0).any() or (np.diff(metres) <= 0).any():
            raise InputError(f"{what} must be positive and increasing, got {list(values)!r}")
        out.append(np.r_[0.0, metres])
    return out
