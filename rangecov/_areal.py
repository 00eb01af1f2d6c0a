"""Coverage of and by lines and polygons: exact distances, regions drawn within a tolerance, areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from . import _disk, _frames, _progress, _shapes
from .buffer import _buffer_values, _tolerances
from .geodesy import Ellipsoid

__all__: list[str] = []


geodesic_area = _shapes.geodesic_area


def region(ell: Ellipsoid, origins: np.ndarray, dist: np.ndarray, tol: float, progress=False) -> BaseGeometry:
    """Union of the origins' buffers at their own distances, drawn within ``tol``.

    An origin whose distance is not positive contributes itself (drawn
    within 1 mm): the points within 0 of it.
    """
    if len(origins) == 0:
        return shapely.Polygon()
    pos = dist > 0
    pieces = _buffer_values(ell, origins[pos], dist[pos], np.full(int(pos.sum()), tol), progress) if pos.any() else []
    pieces += _shapes.draw_many(ell, origins[~pos])
    return shapely.union_all(pieces)


def centroids(values: np.ndarray) -> np.ndarray:
    """shapely's lon/lat centroids, taken after unwrapping geometries cut at ±180°.

    A geometry whose parts span more than 180° of longitude is assumed to be
    cut at the antimeridian: its western longitudes are moved by +360° first,
    and the centroid is wrapped back into [-180, 180].
    """
    out = np.asarray(shapely.centroid(values), dtype=object)
    b = shapely.bounds(values)
    for k in np.flatnonzero(b[:, 2] - b[:, 0] > 180.0):
        moved = shapely.transform(
            values[k], lambda xy: np.column_stack((np.where(xy[:, 0] < 0, xy[:, 0] + 360.0, xy[:, 0]), xy[:, 1]))
        )
        c = shapely.centroid(moved)
        out[k] = shapely.Point(float(_disk._wrap(np.array(c.x))), c.y)
    return out


def check_polygons(values: np.ndarray, index, argname: str, why: str) -> None:
    kinds = np.asarray(shapely.get_type_id(values))
    bad = (kinds != shapely.GeometryType.POLYGON) & (kinds != shapely.GeometryType.MULTIPOLYGON)
    if bad.any():
        raise ValueError(
            f"{argname} must be polygons {why}; found other geometry at {_frames.describe_labels(index[bad])}"
        )


# Targets per slice of the distance computation (one progress step).
_SLICE = 1024


def shape_coverage(ell: Ellipsoid, origins, targets, reach, *, how: str, min_covered: float, tolerance, progress=None):
    """``coverage`` for origins or targets that include lines or polygons (see its docstring)."""
    from .coverage import _parse_reach, _report

    o_vals = _frames.lonlat_geometries(origins, "origins")
    t_vals = _frames.lonlat_geometries(targets, "targets")
    n_o, n_t = len(o_vals), len(t_vals)
    spec = _parse_reach(reach, origins, n_o)
    if how == "area":
        check_polygons(t_vals, targets.index, "targets", 'for how="area"')
    probe = centroids(t_vals) if how == "centroid" else t_vals
    dist = np.empty((n_t, n_o))
    o_shapes = _shapes.origin_shapes(ell, o_vals)
    # Targets are independent, so slices change nothing but let a bar advance.
    for part in _progress.chunks(n_t, _SLICE, desc="distances", unit="target", progress=progress):
        dist[part] = _shapes.distance_matrix(ell, o_vals, probe[part], o_shapes)
    if n_o:
        nearest = np.argmin(dist, axis=1)
        distance = dist[np.arange(n_t), nearest]
    else:
        nearest, distance = None, np.full(n_t, np.inf)
    counts = (dist <= spec.low[None, :]).sum(axis=0)
    extra = {}
    t_point = np.asarray(shapely.get_type_id(probe)) == shapely.GeometryType.POINT
    # Distances decide "any", "centroid", and points under "all" (for a
    # point, all of it is any of it).
    if n_o:
        m = spec.low[None, :] - dist
        covering = np.argmax(m, axis=1)
        margin = m[np.arange(n_t), covering]
        high_margin = (spec.high[None, :] - dist).max(axis=1)
    else:
        covering, margin, high_margin = None, np.full(n_t, -np.inf), np.full(n_t, -np.inf)
    status = np.where(margin >= 0, 0, np.where(high_margin >= 0, 1, 2)).astype(np.int8)
    if how in ("all", "area"):
        share = np.zeros(n_t)
        drawn_rows = ~t_point if how == "all" else np.ones(n_t, dtype=bool)
        status[drawn_rows] = 2
        # Only targets with some part within the high reach can qualify.
        near = drawn_rows & ((dist <= spec.high[None, :]).any(axis=1) if n_o else np.zeros(n_t, dtype=bool))
        if near.any():
            reaches = np.r_[spec.low, spec.high]
            ref = reaches[reaches > 0].min() if (reaches > 0).any() else 1.0
            tol = float(_tolerances(tolerance, np.array([ref]))[0])
            inner = region(ell, o_vals, spec.low - tol, tol)
            outer = region(ell, o_vals, spec.high + tol, tol)
            shapely.prepare(inner)
            shapely.prepare(outer)
            nominal = region(ell, o_vals, spec.low, tol) if how == "area" else None
            rows = np.flatnonzero(near)
            with _progress.bar(rows.size, desc=f"how={how}", unit="target", progress=progress) as pb:
                for t, g in zip(rows, _shapes.draw_many(ell, t_vals[rows])):
                    pb.update(1)
                    if how == "all":
                        status[t] = 0 if inner.covers(g) else (1 if outer.covers(g) else 2)
                        continue
                    total = geodesic_area(ell, g)
                    lo = geodesic_area(ell, shapely.intersection(g, inner)) / total
                    hi = geodesic_area(ell, shapely.intersection(g, outer)) / total
                    share[t] = geodesic_area(ell, shapely.intersection(g, nominal)) / total
                    status[t] = 0 if lo >= min_covered else (2 if hi < min_covered else 1)
        if how == "area":
            extra["covered_share"] = share
        # The decision may rest on several origins together: no single margin.
        if covering is not None:
            covering = np.where(drawn_rows, -1, covering)
        margin = np.where(drawn_rows, np.nan, margin)
    return _report(
        ell,
        origins,
        targets,
        spec,
        distance=distance,
        nearest=nearest,
        margin=margin,
        covering=covering,
        status=status,
        count_origins=lambda: counts,
        extra=extra,
        how=how,
        tolerance=tolerance,
        factors=lambda: _ratios(dist, spec.low),
    )


def _ratios(dist: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """``min_j dist[:, j] / reach_j`` per row; a reach of 0 gives 0 on the origin, infinity off it."""
    if dist.shape[1] == 0:
        return np.full(dist.shape[0], np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            reach[None, :] > 0, dist / np.where(reach > 0, reach, 1.0)[None, :], np.where(dist == 0, 0.0, np.inf)
        )
    return ratio.min(axis=1)


def covered_areas(
    ell: Ellipsoid, origins: np.ndarray, dist: np.ndarray, tol: float, regions: np.ndarray, progress=None
) -> tuple[np.ndarray, np.ndarray, list[BaseGeometry]]:
    """Area, covered area (m²) and covered geometry of each region."""
    reach_region = region(ell, origins, dist, tol, progress=progress)
    shapely.prepare(reach_region)
    areas, covered, geoms = [], [], []
    with _progress.bar(len(regions), desc="areas", unit="region", progress=progress) as pb:
        for drawn in _shapes.draw_many(ell, regions):
            areas.append(geodesic_area(ell, drawn))
            piece = _disk._polygonal(shapely.intersection(drawn, reach_region))
            covered.append(geodesic_area(ell, piece))
            geoms.append(piece)
            pb.update(1)
    return np.asarray(areas), np.asarray(covered), geoms


def area_table(ell, origins, regions, reach, *, tolerance, keep_geometry, progress=None):
    """The body of :func:`rangecov.area_coverage`."""
    o_vals = _frames.lonlat_geometries(origins, "origins")
    r_vals = _frames.lonlat_geometries(regions, "regions")
    check_polygons(r_vals, regions.index, "regions", "to have an area")
    if isinstance(reach, tuple):
        raise TypeError("area_coverage takes one reach (a distance or a column of origins), not a band")
    dist = _frames.per_row_distance(reach, origins, len(o_vals), "reach", positive=True)
    tol = float(_tolerances(tolerance, np.array([dist.min()]))[0]) if len(dist) else 1.0
    area, covered, geoms = covered_areas(ell, o_vals, dist, tol, r_vals, progress=progress)
    out = _frames.as_frame(regions, "regions", ("area_km2", "covered_km2", "covered_share", "covered_geometry"))
    out["area_km2"] = area / 1e6
    out["covered_km2"] = covered / 1e6
    out["covered_share"] = np.where(area > 0, covered / np.where(area > 0, area, 1.0), np.nan)
    if keep_geometry:
        import geopandas as gpd

        out["covered_geometry"] = gpd.GeoSeries(geoms, index=out.index, crs="EPSG:4326")
    return out, pd.Series({"tolerance_m": tol})
