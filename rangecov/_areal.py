"""Coverage of and by lines and polygons: exact distances, regions drawn within a tolerance, areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from . import _disk, _frames, _shapes
from .buffer import _buffer_values, _tolerances
from .geodesy import Ellipsoid

__all__: list[str] = []


def geodesic_area(ell: Ellipsoid, geom: BaseGeometry) -> float:
    """Area in m² of a lon/lat (Multi)Polygon with geodesic edges (GeographicLib's polygon area)."""
    if geom is None or geom.is_empty:
        return 0.0
    total = 0.0
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            area, _ = ell.geod.geometry_area_perimeter(part)
            total += abs(area)
    return total


def draw(ell: Ellipsoid, geom: BaseGeometry) -> BaseGeometry:
    """A geometry with its edges drawn within 1 mm of the geodesics, for shapely predicates."""
    if geom.geom_type == "Point":
        return geom
    return _shapes.Shape(ell, geom).draw()


def region(ell: Ellipsoid, origins: np.ndarray, dist: np.ndarray, tol: float) -> BaseGeometry:
    """Union of the origins' buffers at their own distances, drawn within ``tol``."""
    if len(origins) == 0:
        return shapely.Polygon()
    pieces = _buffer_values(ell, origins, dist, np.full(len(origins), tol))
    return _disk._polygonal(shapely.union_all(pieces))


def check_polygons(values: np.ndarray, index, argname: str, why: str) -> None:
    kinds = np.asarray(shapely.get_type_id(values))
    bad = (kinds != shapely.GeometryType.POLYGON) & (kinds != shapely.GeometryType.MULTIPOLYGON)
    if bad.any():
        raise ValueError(f"{argname} must be polygons {why}; found other geometry at {_frames.describe_labels(index[bad])}")


def shape_coverage(ell: Ellipsoid, origins, targets, reach, *, how: str, min_covered: float, tolerance):
    """``coverage`` for origins or targets that include lines or polygons (see its docstring)."""
    from .coverage import _parse_reach, _report

    o_vals = _frames.lonlat_geometries(origins, "origins")
    t_vals = _frames.lonlat_geometries(targets, "targets")
    n_o, n_t = len(o_vals), len(t_vals)
    spec = _parse_reach(reach, origins, n_o)
    if how == "area":
        check_polygons(t_vals, targets.index, "targets", 'for how="area"')
    probe = shapely.centroid(t_vals) if how == "centroid" else t_vals
    dist = _shapes.distance_matrix(ell, o_vals, probe)
    if n_o:
        nearest = np.argmin(dist, axis=1)
        distance = dist[np.arange(n_t), nearest]
    else:
        nearest, distance = None, np.full(n_t, np.inf)
    counts = (dist <= spec.low[None, :]).sum(axis=0)
    extra = {}
    if how in ("any", "centroid"):
        if n_o:
            m = spec.low[None, :] - dist
            covering = np.argmax(m, axis=1)
            margin = m[np.arange(n_t), covering]
            high_margin = (spec.high[None, :] - dist).max(axis=1)
        else:
            covering, margin, high_margin = None, np.full(n_t, -np.inf), np.full(n_t, -np.inf)
        status = np.where(margin >= 0, 0, np.where(high_margin >= 0, 1, 2)).astype(np.int8)
    else:
        status = np.full(n_t, 2, dtype=np.int8)
        share = np.zeros(n_t)
        # Only targets with some part within the high reach can qualify.
        near = (dist <= spec.high[None, :]).any(axis=1) if n_o else np.zeros(n_t, dtype=bool)
        if near.any():
            tol = float(_tolerances(tolerance, np.array([spec.low.min()]))[0])
            inner = region(ell, o_vals, spec.low - tol, tol)
            outer = region(ell, o_vals, spec.high + tol, tol)
            shapely.prepare(inner)
            shapely.prepare(outer)
            nominal = region(ell, o_vals, spec.low, tol) if how == "area" else None
            for t in np.flatnonzero(near):
                g = draw(ell, t_vals[t])
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
        covering, margin = None, np.full(n_t, np.nan)
    return _report(
        ell, origins, targets, spec, distance=distance, nearest=nearest, margin=margin, covering=covering,
        status=status, count_origins=lambda: counts, extra=extra,
    )


def covered_areas(
    ell: Ellipsoid, origins: np.ndarray, dist: np.ndarray, tol: float, regions: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[BaseGeometry]]:
    """Area, covered area (m²) and covered geometry of each region."""
    reach_region = region(ell, origins, dist, tol)
    shapely.prepare(reach_region)
    areas, covered, geoms = [], [], []
    for g in regions:
        areas.append(geodesic_area(ell, g))
        piece = _disk._polygonal(shapely.intersection(draw(ell, g), reach_region))
        covered.append(geodesic_area(ell, piece))
        geoms.append(piece)
    return np.asarray(areas), np.asarray(covered), geoms


def area_table(ell, origins, regions, reach, *, tolerance, keep_geometry):
    """The body of :func:`rangecov.area_coverage`."""
    o_vals = _frames.lonlat_geometries(origins, "origins")
    r_vals = _frames.lonlat_geometries(regions, "regions")
    check_polygons(r_vals, regions.index, "regions", "to have an area")
    if isinstance(reach, tuple):
        raise TypeError("area_coverage takes one reach (a distance or a column of origins), not a band")
    dist = _frames.per_row_distance(reach, origins, len(o_vals), "reach", positive=True)
    tol = float(_tolerances(tolerance, np.array([dist.min()]))[0]) if len(dist) else 1.0
    area, covered, geoms = covered_areas(ell, o_vals, dist, tol, r_vals)
    out = _frames.as_frame(regions, "regions", ("area_km2", "covered_km2", "covered_share", "covered_geometry"))
    out["area_km2"] = area / 1e6
    out["covered_km2"] = covered / 1e6
    out["covered_share"] = np.where(area > 0, covered / np.where(area > 0, area, 1.0), np.nan)
    if keep_geometry:
        import geopandas as gpd

        out["covered_geometry"] = gpd.GeoSeries(geoms, index=out.index, crs="EPSG:4326")
    return out, pd.Series({"tolerance_m": tol})
