"""Coverage sets for site placement: which candidates cover which targets, exactly, and candidate grids.

:func:`coverage_sets` is the candidates × targets matrix of "within reach"
(the engine's pairs within reach for points, exact distances to lines and
polygons otherwise); :func:`group_targets` joins targets covered by the same
candidates (a smaller integer program, the same answer); :func:`candidate_grid`
puts candidate sites on a grid over an area.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import scipy.sparse as sp
import shapely

from ..base.lonlat import centroids
from ..base.sums import exact_sum
from ..engine import OriginIndex
from ..errors import InputError
from ..geometry.distance import distance_matrix
from ..inputs import frames
from ..units import Distance, parse_distance
from .mclp import GroupWeights

__all__ = ["coverage_sets", "group_targets", "candidate_grid"]


def coverage_sets(ell, c_lon, c_lat, candidates, targets, *, spec, how) -> tuple[sp.csr_matrix, int]:
    """The candidates × targets 0/1 matrix of "within reach" (the band's low end), and targets only marginal."""
    n_c, n_t = c_lon.size, len(targets)
    t_vals = frames.lonlat_geometries(targets, "targets")
    points = np.asarray(shapely.get_type_id(t_vals)) == shapely.GeometryType.POINT
    if how == "centroid" and not points.all():
        t_vals = centroids(t_vals)
        points[:] = True
    if points.all():
        index = OriginIndex(c_lon, c_lat, ellipsoid=ell)
        t_lon, t_lat = shapely.get_x(t_vals), shapely.get_y(t_vals)
        po, pt, _ = index.pairs_within(t_lon, t_lat, reach=spec.low)
        high = index.pairs_within(t_lon, t_lat, reach=spec.high)[1] if spec.kind == "band" else pt
    else:
        c_vals = np.asarray(shapely.points(c_lon, c_lat), dtype=object)
        # Only "within low / high" is read: pairs that cannot change it are not measured.
        d = distance_matrix(ell, c_vals, np.asarray(t_vals, dtype=object), reach=(spec.low, spec.high))
        pt, po = np.nonzero(d <= spec.low[None, :])
        high = np.nonzero(d <= spec.high[None, :])[0]
    cover = sp.csr_matrix((np.ones(po.size), (po, pt)), shape=(n_c, n_t))
    within = np.zeros(n_t, dtype=bool)
    within[pt] = True
    beyond_low = np.zeros(n_t, dtype=bool)
    beyond_low[high] = True
    return cover, int((beyond_low & ~within).sum())


def group_targets(cover: sp.csr_matrix, w: np.ndarray) -> tuple[sp.csr_matrix, GroupWeights]:
    """Targets covered by the same candidates as one group (their weights added): a smaller program, same answer."""
    by_target = cover.T.tocsr()
    keys: dict = {}
    members: list[list[int]] = []
    for t in range(by_target.shape[0]):
        cols = by_target.indices[by_target.indptr[t] : by_target.indptr[t + 1]]
        if cols.size == 0:
            continue
        key = np.sort(cols).tobytes()
        g = keys.setdefault(key, len(members))
        if g == len(members):
            members.append([])
        members[g].append(t)
    weights = GroupWeights.of([exact_sum(w[m]) for m in members])
    firsts = [m[0] for m in members]
    grouped = by_target[firsts].T.tocsr() if firsts else sp.csr_matrix((cover.shape[0], 0))
    grouped.data[:] = 1.0
    return grouped, weights


def candidate_grid(area: gpd.GeoDataFrame | gpd.GeoSeries, spacing: Distance) -> gpd.GeoSeries:
    """Points on a square grid of ``spacing`` inside ``area``, drawn in a local azimuthal equidistant projection.

    The projection is centred on the area's centroid, so the spacing is true
    (to within the projection's scale error, under 0.2% within 500 km of the
    centre). Returns a GeoSeries in EPSG:4326 indexed 0, 1, ... in rows from
    north-west to south-east.

    Examples
    --------
    >>> from rangecov import datasets
    >>> held = datasets.atacms_kursk_2024().held_proxy
    >>> len(candidate_grid(held, "10 km")) > 800
    True
    """
    step = parse_distance(spacing)
    if not step > 0:
        raise InputError(f"spacing must be a positive distance, got {spacing!r}")
    polygons = frames.lonlat_geometries(area, "area")
    whole = shapely.union_all(polygons)
    centre = whole.centroid
    aeqd = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m")
    local = gpd.GeoSeries([whole], crs="EPSG:4326").to_crs(aeqd).iloc[0]
    xmin, ymin, xmax, ymax = local.bounds
    xs = np.arange(math.floor(xmin / step), math.ceil(xmax / step) + 1) * step
    ys = np.arange(math.ceil(ymax / step), math.floor(ymin / step) - 1, -1) * step
    gx, gy = np.meshgrid(xs, ys)
    pts = shapely.points(gx.ravel(), gy.ravel())
    inside = pts[shapely.contains_xy(local, gx.ravel(), gy.ravel())]
    return gpd.GeoSeries(inside, crs=aeqd).to_crs("EPSG:4326")  # indexed 0, 1, ... as built
