"""Coverage of and by lines and polygons: exact distances, and regions drawn within a tolerance."""

from __future__ import annotations

import numpy as np
import shapely

from ..base import progress as progress_bars
from ..base.lonlat import centroids
from ..base.schema import COVERED_SHARE
from ..base.tuning import POINT_TARGET_CHUNK, POINT_TARGET_PAIRS, SHAPE_CHUNK
from ..geodesy.ellipsoid import Ellipsoid
from ..geometry.bounds import reach_ratio
from ..geometry.buffers import dissolve
from ..geometry.distance import distance_matrix, origin_shapes
from ..geometry.drawing import draw_many, geodesic_area
from ..inputs import frames
from ..inputs.frames import check_polygons
from ..inputs.options import How, parse_reach, spec_tolerance, status_codes
from ..results.report import CoverageReport

__all__ = ["shape_coverage"]


def shape_coverage(
    ell: Ellipsoid, origins, targets, reach, *, how: How, min_covered: float, tolerance, progress=None, chunk_size=None
) -> CoverageReport:
    """``coverage`` for origins or targets that include lines or polygons (see its docstring)."""
    o_vals = frames.lonlat_geometries(origins, "origins")
    t_vals = frames.lonlat_geometries(targets, "targets")
    n_o, n_t = len(o_vals), len(t_vals)
    spec = parse_reach(reach, origins, n_o)
    if how == "area":
        check_polygons(t_vals, targets.index, "targets", 'for how="area"')
    probe = centroids(t_vals) if how == "centroid" else t_vals
    dist = np.empty((n_t, n_o))
    o_shapes = origin_shapes(ell, o_vals)
    # Targets are independent, so chunks change nothing but let a bar advance.
    if chunk_size is None:
        points = bool(n_t) and (np.asarray(shapely.get_type_id(probe)) == shapely.GeometryType.POINT).all()
        chunk_size = (
            max(SHAPE_CHUNK, min(POINT_TARGET_CHUNK, POINT_TARGET_PAIRS // max(n_o, 1))) if points else SHAPE_CHUNK
        )
    for part in progress_bars.chunks(n_t, chunk_size, desc="distances", unit="target", progress=progress):
        # Pairs that cannot change an answer stay infinite (see distance_matrix).
        dist[part] = distance_matrix(ell, o_vals, probe[part], o_shapes, reach=(spec.low, spec.high))
    rows = np.arange(n_t)
    if n_o:
        nearest = np.argmin(dist, axis=1)
        # Distances decide "any", "centroid", and points under "all" (for a
        # point, all of it is any of it).
        covering = np.argmax(spec.low[None, :] - dist, axis=1)
        distance, margin = dist[rows, nearest], spec.low[covering] - dist[rows, covering]
        high_margin = (spec.high[None, :] - dist).max(axis=1)
    else:
        nearest = covering = None
        distance, margin, high_margin = np.full(n_t, np.inf), np.full(n_t, -np.inf), np.full(n_t, -np.inf)
    status = status_codes(margin, high_margin)
    extra = {}
    if how in ("all", "area"):
        t_point = np.asarray(shapely.get_type_id(probe)) == shapely.GeometryType.POINT
        drawn_rows = ~t_point if how == "all" else np.ones(n_t, dtype=bool)
        # Only targets with some part within the high reach can qualify.
        near = drawn_rows & ((dist <= spec.high[None, :]).any(axis=1) if n_o else np.zeros(n_t, dtype=bool))
        status[drawn_rows] = 2
        share = _drawn_decisions(
            ell,
            o_vals,
            t_vals,
            spec,
            rows=np.flatnonzero(near),
            status=status,
            how=how,
            min_covered=min_covered,
            tolerance=tolerance,
            progress=progress,
        )
        if how == "area":
            extra[COVERED_SHARE] = share
        # The decision may rest on several origins together: no single margin.
        if covering is not None:
            covering = np.where(drawn_rows, -1, covering)
        margin = np.where(drawn_rows, np.nan, margin)
    counts = (dist <= spec.low[None, :]).sum(axis=0)
    return CoverageReport.from_columns(
        origins,
        targets,
        spec,
        distance=distance,
        nearest=nearest,
        margin=margin,
        covering=covering,
        status=status,
        count_origins=lambda: counts,
        factors=lambda: _ratios(dist, spec.low),
        how=how,
        tolerance=tolerance,
        ellipsoid=ell,
        extra=extra,
    )


def _drawn_decisions(ell, o_vals, t_vals, spec, *, rows, status, how, min_covered, tolerance, progress) -> np.ndarray:
    """Decide ``status[rows]`` on regions drawn at reach ∓ tolerance (docs/exactness.md, step 7).

    Returns the covered share of every target (0 where not measured).
    """
    share = np.zeros(len(t_vals))
    if rows.size == 0:
        return share
    tol = spec_tolerance(tolerance, spec)
    reaches = [spec.low - tol, spec.high + tol] + ([spec.low] if how == "area" else [])
    inner, outer, *nominal = (dissolve(ell, o_vals, r, tol)[0] for r in reaches)
    shapely.prepare(inner)
    shapely.prepare(outer)
    drawn = np.asarray(draw_many(ell, t_vals[rows]), dtype=object)
    within = shapely.covers(inner, drawn)
    # A target wholly inside the inner region, or missing the outer one, is decided without areas.
    apart = ~within & ~shapely.intersects(outer, drawn) if how == "area" else np.zeros(rows.size, dtype=bool)
    with progress_bars.bar(rows.size, desc=f"how={how}", unit="target", progress=progress) as pb:
        for t, g, whole, none in zip(rows, drawn, within, apart):
            pb.update(1)
            if how == "all":
                status[t] = 0 if whole else (1 if outer.covers(g) else 2)
                continue
            if whole or none:
                share[t] = 1.0 if whole else 0.0
                status[t] = 0 if share[t] >= min_covered else 2
                continue
            total = geodesic_area(ell, g)
            lo = geodesic_area(ell, shapely.intersection(g, inner)) / total
            hi = geodesic_area(ell, shapely.intersection(g, outer)) / total
            share[t] = geodesic_area(ell, shapely.intersection(g, nominal[0])) / total
            status[t] = 0 if lo >= min_covered else (2 if hi < min_covered else 1)
    return share


def _ratios(dist: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """``min_j dist[:, j] / reach_j`` per row; a reach of 0 gives 0 on the origin, infinity off it."""
    if dist.shape[1] == 0:
        return np.full(dist.shape[0], np.inf)
    return reach_ratio(dist, reach).min(axis=1)
