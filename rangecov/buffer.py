"""Geodesic buffers, dissolved reach regions and range rings with a guaranteed tolerance.

All three return polygons in longitude/latitude (EPSG:4326) whose boundary
lies within ``tolerance`` of the true geodesic boundary on the ellipsoid,
whether their edges are read as straight lines in lon/lat (as shapely,
GeoJSON and geopandas read them) or as geodesics (as rangecov and
GeographicLib read them). How that is achieved is in ``docs/exactness.md``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from . import _disk, _frames, _progress, _shapes
from .geodesy import Ellipsoid, get_ellipsoid
from .units import parse_distance

__all__ = ["buffer", "reach", "rings", "default_tolerance"]

DEFAULT_TOLERANCE_M = 10.0


def default_tolerance(distance: float | np.ndarray) -> float | np.ndarray:
    """The tolerance used when none is given: 10 m, or 1% of the distance if smaller.

    Examples
    --------
    >>> default_tolerance(300_000.0)
    10.0
    >>> default_tolerance(500.0)
    5.0
    """
    out = np.minimum(DEFAULT_TOLERANCE_M, 0.01 * np.asarray(distance, dtype=float))
    return float(out) if out.ndim == 0 else out


def _tolerances(tolerance, distance: np.ndarray) -> np.ndarray:
    """Per-row tolerance in metres, checked against the distances."""
    if tolerance is None:
        return np.asarray(default_tolerance(distance), dtype=float).reshape(distance.shape)
    try:
        tol = parse_distance(tolerance)
    except (ValueError, TypeError) as err:
        raise type(err)(f"tolerance: {err}") from None
    if tol <= 0:
        raise ValueError(f"tolerance must be positive, got {tolerance!r}")
    too_big = tol >= distance
    if too_big.any():
        raise ValueError(
            f"tolerance {tolerance!r} ({tol:g} m) is not smaller than the distance "
            f"({distance[too_big].min():g} m); use a tolerance below the distance, e.g. 1% of it"
        )
    return np.full(distance.shape, tol)


def _as_geoseries_input(geoms, argname: str):
    if isinstance(geoms, BaseGeometry) or (
        isinstance(geoms, (list, np.ndarray)) and len(geoms) and isinstance(geoms[0], BaseGeometry)
    ):
        raise TypeError(
            f"{argname} must be a GeoSeries or GeoDataFrame with a CRS, so that its coordinates are "
            f"placed on the Earth; wrap shapely geometries with geopandas.GeoSeries([...], crs='EPSG:4326')"
        )
    return geoms


def buffer(
    geoms: gpd.GeoSeries | gpd.GeoDataFrame,
    distance,
    *,
    tolerance=None,
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
        10 m, or 1% of the distance when that is smaller. Must be below the
        distance.
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
    antipode, traced from there. Lines and polygons work up to 9,000 km
    (``NotImplementedError`` beyond).

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
    values = _frames.lonlat_geometries(geoms, "geoms")
    n = len(values)
    dist = _frames.per_row_distance(distance, geoms, n, "distance", positive=True)
    tol = _tolerances(tolerance, dist)
    ell = get_ellipsoid(ellipsoid)
    _progress.check(progress)
    out = _buffer_values(ell, values, dist, tol, progress)
    return gpd.GeoSeries(out, index=geoms.index.copy(), crs="EPSG:4326", name="geometry")


# Point buffers per batch (one progress step); batches keep the vectorised disk tracing efficient.
_POINT_BATCH = 256


def _buffer_values(
    ell: Ellipsoid, values: np.ndarray, dist: np.ndarray, tol: np.ndarray, progress=False
) -> list[BaseGeometry]:
    """Buffers of lon/lat shapely geometries (already checked)."""
    kinds = np.asarray(shapely.get_type_id(values))
    is_point = kinds == shapely.GeometryType.POINT
    out: list[BaseGeometry] = [None] * len(values)  # type: ignore[list-item]
    pts = np.flatnonzero(is_point)
    others = np.flatnonzero(~is_point)
    with _progress.bar(len(values), desc="buffers", unit="geom", progress=progress) as pb:
        for start in range(0, pts.size, _POINT_BATCH):
            batch = pts[start : start + _POINT_BATCH]
            x = shapely.get_x(values[batch])
            y = shapely.get_y(values[batch])
            for k, g in zip(batch, _disk.disks(ell, x, y, dist[batch], tol[batch])):
                out[k] = g
            pb.update(batch.size)
        for k in others:
            out[k] = _shapes.buffer_shape(ell, values[k], float(dist[k]), float(tol[k]))
            pb.update(1)
    return out


def reach(
    origins: gpd.GeoSeries | gpd.GeoDataFrame,
    reach,
    *,
    tolerance=None,
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
    values = _frames.lonlat_geometries(origins, "origins")
    n = len(values)
    dist = _frames.per_row_distance(reach, origins, n, "reach", positive=True)
    tol = _tolerances(tolerance, dist)
    if tolerance is None and n:
        tol = np.full(n, tol.min())
    ell = get_ellipsoid(ellipsoid)
    if by is None:
        keys = pd.Index(["all"] * n)
    else:
        if not isinstance(origins, gpd.GeoDataFrame) or by not in origins.columns:
            cols = list(origins.columns) if isinstance(origins, gpd.GeoDataFrame) else []
            raise ValueError(f"by={by!r} is not a column of origins; columns: {', '.join(map(str, cols))}")
        keys = pd.Index(origins[by])
    # Identical origin-and-reach rows give identical disks; draw each once.
    # Missing group labels form their own group rather than vanishing.
    key_codes, uniques = pd.factorize(keys, sort=True, use_na_sentinel=False)
    wkb = shapely.to_wkb(values)
    frame = pd.DataFrame({"k": key_codes, "w": wkb, "d": dist})
    first = ~frame.duplicated()
    idx = np.flatnonzero(first.to_numpy())
    _progress.check(progress)
    pieces = _buffer_values(ell, values[idx], dist[idx], tol[idx], progress)
    groups: list[BaseGeometry] = []
    for code in range(len(uniques)):
        members = [p for p, c in zip(pieces, key_codes[idx]) if c == code]
        groups.append(_disk._polygonal(shapely.union_all(members)))
    name = by if by is not None else None
    index = pd.Index(uniques, name=name) if by is not None else pd.Index(["all"])
    if n == 0:
        index = pd.Index([], name=name)
    return gpd.GeoSeries(groups, index=index, crs="EPSG:4326", name="geometry")


def rings(
    origins: gpd.GeoSeries | gpd.GeoDataFrame,
    *,
    distances=None,
    interval=None,
    count: int | None = None,
    min_range=None,
    max_range=None,
    radials: int = 0,
    tolerance=None,
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
    lon, lat = _frames.point_lonlat(origins, "origins")
    n = lon.size
    modes = [
        distances is not None,
        interval is not None or count is not None,
        min_range is not None or max_range is not None,
    ]
    if sum(modes) != 1:
        raise ValueError("give exactly one of: distances=[...]; interval= with count=; or min_range= with max_range=")
    if not isinstance(radials, (int, np.integer)) or isinstance(radials, bool) or radials < 0:
        raise ValueError(f"radials must be a non-negative whole number, got {radials!r}")
    bounds: list[np.ndarray] = []  # per origin, the ring radii incl. the inner start
    if distances is not None:
        bounds = _ring_lists(distances, origins, n)
    elif modes[1]:
        if interval is None or count is None:
            raise ValueError("interval= and count= go together: e.g. interval='50 km', count=4")
        step = _frames.per_row_distance(interval, origins, n, "interval", positive=True)
        cnt = _counts(count, origins, n)
        bounds = [np.arange(c + 1) * s for s, c in zip(step, cnt)]
    else:
        if max_range is None:
            raise ValueError("min_range= needs max_range=, e.g. min_range='70 km', max_range='300 km'")
        hi = _frames.per_row_distance(max_range, origins, n, "max_range", positive=True)
        lo = np.zeros(n) if min_range is None else _frames.per_row_distance(min_range, origins, n, "min_range")
        if (lo >= hi).any():
            raise ValueError("min_range must be smaller than max_range for every origin")
        bounds = [np.array([a, b]) for a, b in zip(lo, hi)]
    ell = get_ellipsoid(ellipsoid)
    positive = np.concatenate([b[b > 0] for b in bounds]) if bounds else np.empty(0)
    if positive.size == 0:
        return gpd.GeoDataFrame(
            {"origin": [], "ring": [], "inner_m": [], "outer_m": [], "kind": [], "azimuth": []},
            geometry=[],
            crs="EPSG:4326",
        )
    if tolerance is None:
        tol = float(default_tolerance(positive.min()))
    else:
        tol = float(_tolerances(tolerance, np.array([positive.min()]))[0])

    owner = np.concatenate([np.full(b.size - 1, i) for i, b in enumerate(bounds)])
    inner = np.concatenate([b[:-1] for b in bounds])
    outer = np.concatenate([b[1:] for b in bounds])
    # One disk per distinct (origin, radius), then annuli as differences.
    need = pd.DataFrame({"o": np.r_[owner, owner[inner > 0]], "r": np.r_[outer, inner[inner > 0]]}).drop_duplicates()
    disks = _disk.disks(
        ell, lon[need["o"].to_numpy()], lat[need["o"].to_numpy()], need["r"].to_numpy(), np.full(len(need), tol)
    )
    lookup = {(o, r): g for o, r, g in zip(need["o"], need["r"], disks)}
    rows = []
    for o, lo_, hi_, k in zip(owner, inner, outer, _ring_numbers(owner)):
        g = lookup[(o, hi_)]
        if lo_ > 0:
            g = _disk._polygonal(shapely.difference(g, lookup[(o, lo_)]))
        rows.append((origins.index[o], k, float(lo_), float(hi_), "ring", np.nan, g))
    for o in range(n if radials else 0):
        far = bounds[o].max()
        for j in range(radials):
            az = 360.0 * j / radials
            rows.append(
                (
                    origins.index[o],
                    0,
                    0.0,
                    float(far),
                    "radial",
                    az,
                    _shapes.geodesic_line(ell, lon[o], lat[o], az, far, tol),
                )
            )
    frame = pd.DataFrame(rows, columns=["origin", "ring", "inner_m", "outer_m", "kind", "azimuth", "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _ring_numbers(owner: np.ndarray) -> np.ndarray:
    """1, 2, ... within each origin's run of rings."""
    out = np.ones(owner.size, dtype=int)
    for i in range(1, owner.size):
        if owner[i] == owner[i - 1]:
            out[i] = out[i - 1] + 1
    return out


def _counts(count, origins, n: int) -> np.ndarray:
    if isinstance(count, str) and isinstance(origins, gpd.GeoDataFrame) and count in origins.columns:
        vals = origins[count].to_numpy()
    else:
        vals = np.full(n, count, dtype=object)
    out = []
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"count must be a whole number of rings >= 1 (or a column of them), got {v!r}")
        out.append(int(v))
    return np.asarray(out)


def _ring_lists(distances, origins, n: int) -> list[np.ndarray]:
    if isinstance(distances, str) and isinstance(origins, gpd.GeoDataFrame) and distances in origins.columns:
        per = list(origins[distances])
        what = f"distances column {distances!r}"
    elif isinstance(distances, (list, tuple, np.ndarray, pd.Series)):
        per = [list(distances)] * n
        what = "distances"
    else:
        raise TypeError(
            "distances must be a list of distances, e.g. ['100 km', '190 mi'], or the name of a "
            f"column of origins holding such lists; got {distances!r}"
        )
    out = []
    for values in per:
        if not isinstance(values, (list, tuple, np.ndarray, pd.Series)) or len(values) == 0:
            raise ValueError(f"{what} must hold a non-empty list of distances per origin, got {values!r}")
        try:
            metres = np.array([parse_distance(v) for v in values])
        except (ValueError, TypeError) as err:
            raise ValueError(f"{what}: {err}") from None
        if (metres <= 0).any() or (np.diff(metres) <= 0).any():
            raise ValueError(f"{what} must be positive and increasing, got {list(values)!r}")
        out.append(np.r_[0.0, metres])
    return out
