"""Lon/lat polygons drawn in another CRS (a raster's) within a tolerance, and raster cells' areas on the ellipsoid.

A polygon rangecov draws (a reach region, a region with geodesic edges) has
straight lon/lat edges within a tolerance of the truth (docs/exactness.md,
step 6). A raster in Mollweide or a polar projection reads every edge as
straight in *its* CRS, which is another curve. :func:`to_crs_within`
inserts vertices (points of the lon/lat edges) until, drawn straight in the
target CRS, every edge stays within a given distance of its lon/lat reading
on the ellipsoid (docs/exactness.md, step 8). :func:`cell_areas` gives the
area on the ellipsoid of raster cells, for densities per km².
"""

from __future__ import annotations

import numpy as np
import pyproj
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from ..base.tuning import CELL_AREA_STEP, MAX_SPLITS, MAX_VERTICES
from ..errors import UnsupportedError
from ..geodesy.ellipsoid import Ellipsoid

__all__ = ["to_crs_within", "cell_areas", "lonlat_transformers"]


def lonlat_transformers(crs: pyproj.CRS) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    """Transformers lon/lat (EPSG:4326) → ``crs`` and back, x = longitude first."""
    lonlat = pyproj.CRS.from_epsg(4326)
    forward = pyproj.Transformer.from_crs(lonlat, crs, always_xy=True)
    back = pyproj.Transformer.from_crs(crs, lonlat, always_xy=True)
    return forward, back


def to_crs_within(geoms, crs: pyproj.CRS, ell: Ellipsoid, tol: float, *, x_range=None) -> list[BaseGeometry]:
    """Lon/lat polygons in ``crs``, each edge drawn straight there within ``tol`` metres of its lon/lat reading.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        Polygons or MultiPolygons in lon/lat (EPSG:4326), straight lon/lat edges, within [-180, 180].
    crs : pyproj.CRS
        The target CRS.
    tol : float
        Metres on the ellipsoid.
    x_range : (float, float), optional
        For a geographic ``crs`` only: the longitudes the target spans (a raster from 0° to 360°);
        every polygon is repeated 360° to either side where that range needs it.

    Notes
    -----
    Each edge P→Q is split at its lon/lat midpoint L while the target's
    straight midpoint, mapped back to lon/lat (M), is more than ``tol / 2``
    from L on the ellipsoid. The two curves from P to Q are compared at the
    same parameter, so ``s(M, L)`` bounds the distance from M to the lon/lat
    edge; the factor 2 is the margin of step 6 for the deviation's departure
    from a parabola. New vertices are points of the lon/lat edge, so the
    drawing's vertices stay within the lon/lat drawing's own tolerance. An
    edge shared by two polygons (the cut at ±180°) is split the same way in
    both, so they still meet.
    """
    forward, back = lonlat_transformers(crs)
    geographic = crs.is_geographic
    out: list[BaseGeometry] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            out.append(shapely.Polygon())
            continue
        parts = []
        # Polygons only: points and lines (a reach of 0 draws the origins themselves) have no area to weigh.
        polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
        if not polys:
            out.append(shapely.Polygon())
            continue
        for poly in polys:
            rings = [_ring(np.asarray(poly.exterior.coords), forward, back, ell, tol)]
            rings += [_ring(np.asarray(r.coords), forward, back, ell, tol) for r in poly.interiors]
            parts.append(shapely.Polygon(rings[0], rings[1:]))
        drawn: BaseGeometry = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
        if geographic and x_range is not None:
            drawn = _copies_over(drawn, x_range)
        out.append(drawn)
    return out


def _ring(coords: np.ndarray, forward, back, ell: Ellipsoid, tol: float) -> np.ndarray:
    """One closed lon/lat ring, densified and mapped into the target CRS."""
    lon, lat = coords[:, 0].astype(float), coords[:, 1].astype(float)
    # t: each vertex's place along the ring (its edge index plus a fraction); refined edges add places.
    pieces = [(lon[:-1], lat[:-1], lon[1:], lat[1:])]
    kept_lon, kept_lat, kept_key = [lon[:-1]], [lat[:-1]], [np.arange(lon.size - 1, dtype=float)]
    keys = np.arange(lon.size - 1, dtype=float)
    width = np.ones(lon.size - 1)
    total = lon.size
    for _ in range(MAX_SPLITS):
        p_lon, p_lat, q_lon, q_lat = pieces[-1]
        if p_lon.size == 0:
            break
        m_lon, m_lat = _straight_midpoint(p_lon, p_lat, q_lon, q_lat, forward=forward, back=back)
        l_lon, l_lat = (p_lon + q_lon) / 2.0, (p_lat + q_lat) / 2.0
        dev = ell.geod.inv(m_lon, m_lat, l_lon, l_lat)[2]
        if not np.isfinite(dev).all():
            raise UnsupportedError(_outside(forward))
        split = dev > tol / 2.0
        if not split.any():
            break
        total += int(split.sum())
        if total > MAX_VERTICES:
            raise UnsupportedError(
                f"drawing a boundary in {_crs_name(forward)} within {tol:g} m needs more than {MAX_VERTICES:,} "
                "vertices; give a larger tolerance"
            )
        s = split
        kept_lon.append(l_lon[s])
        kept_lat.append(l_lat[s])
        half = width[s] / 2.0
        kept_key.append(keys[s] + half)
        keys = np.concatenate([keys[s], keys[s] + half])
        width = np.concatenate([half, half])
        pieces.append(
            (
                np.concatenate([p_lon[s], l_lon[s]]),
                np.concatenate([p_lat[s], l_lat[s]]),
                np.concatenate([l_lon[s], q_lon[s]]),
                np.concatenate([l_lat[s], q_lat[s]]),
            )
        )
    else:
        raise UnsupportedError(
            f"an edge could not be drawn in {_crs_name(forward)} within {tol:g} m after {MAX_SPLITS} halvings: "
            "the boundary reaches where that CRS is not defined (e.g. beyond its hemisphere)"
        )
    all_lon, all_lat, all_key = np.concatenate(kept_lon), np.concatenate(kept_lat), np.concatenate(kept_key)
    order = np.argsort(all_key, kind="stable")
    x, y = forward.transform(all_lon[order], all_lat[order])
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise UnsupportedError(_outside(forward))
    return np.column_stack([np.append(x, x[0]), np.append(y, y[0])])


def _straight_midpoint(
    p_lon: NDArray[np.float64],
    p_lat: NDArray[np.float64],
    q_lon: NDArray[np.float64],
    q_lat: NDArray[np.float64],
    *,
    forward: pyproj.Transformer,
    back: pyproj.Transformer,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The midpoint of each edge drawn straight in the target CRS, in lon/lat."""
    px, py = forward.transform(p_lon, p_lat)
    qx, qy = forward.transform(q_lon, q_lat)
    m_lon, m_lat = back.transform((np.asarray(px) + np.asarray(qx)) / 2.0, (np.asarray(py) + np.asarray(qy)) / 2.0)
    m_lon = np.asarray(m_lon, dtype=float)
    # A geographic target may give the midpoint 360° away from the lon/lat edge; the same point.
    m_lon = m_lon - 360.0 * np.round((m_lon - (p_lon + q_lon) / 2.0) / 360.0)
    return m_lon, np.asarray(m_lat, dtype=float)


def _copies_over(drawn: BaseGeometry, x_range) -> BaseGeometry:
    """A geographic drawing repeated 360° to either side where the raster's longitudes need it."""
    lo, hi = x_range
    copies = [drawn]
    for shift in (-720.0, -360.0, 360.0, 720.0):
        if hi > -180.0 + shift and lo < 180.0 + shift:

            def shifted(c: NDArray[np.float64], d: float = shift) -> NDArray[np.float64]:
                return c + np.array([d, 0.0])

            copies.append(shapely.transform(drawn, shifted))
    if len(copies) == 1:
        return drawn
    parts = [p for c in copies for p in shapely.get_parts(c)]
    return shapely.MultiPolygon(parts)


def _outside(forward: pyproj.Transformer) -> str:
    return (
        f"the boundary reaches where {_crs_name(forward)} is not defined (a point maps to infinity); "
        "use a raster in a CRS that covers the whole region"
    )


def _crs_name(transformer: pyproj.Transformer) -> str:
    return transformer.target_crs.name if transformer.target_crs is not None else "the CRS"


def cell_areas(x_edges: np.ndarray, y_edges: np.ndarray, crs: pyproj.CRS, ell: Ellipsoid) -> np.ndarray:
    """Areas on the ellipsoid (m²) of the cells between consecutive ``x_edges`` and ``y_edges`` of ``crs``.

    Each cell's corners and edge midpoints are mapped to lon/lat and then to
    the cylindrical equal-area projection of the ellipsoid (whose planar
    areas are ellipsoidal areas, exactly), where the cell is an octagon. For
    a lon/lat grid the cell's edges are meridians and parallels, straight in
    that projection, so the area is exact; for a projected grid the octagon
    follows edges straight in ``crs`` to third order in the cell size
    (1e-10 relative for 1 km cells).

    Returns an array (len(y_edges) - 1, len(x_edges) - 1).
    """
    x_edges, y_edges = np.asarray(x_edges, dtype=float), np.asarray(y_edges, dtype=float)
    back = lonlat_transformers(crs)[1]
    out = np.empty((y_edges.size - 1, x_edges.size - 1))
    step = max(1, CELL_AREA_STEP // max(1, x_edges.size - 1))
    for r0 in range(0, out.shape[0], step):
        r1 = min(out.shape[0], r0 + step)
        out[r0:r1] = _octagon_areas(x_edges, y_edges[r0 : r1 + 1], back, ell)
    return out


def _octagon_areas(x_edges: np.ndarray, y_edges: np.ndarray, back, ell: Ellipsoid) -> np.ndarray:
    """:func:`cell_areas` of one block of rows."""
    xm, ym = (x_edges[:-1] + x_edges[1:]) / 2.0, (y_edges[:-1] + y_edges[1:]) / 2.0

    def cea(xs, ys):
        gx, gy = np.meshgrid(xs, ys)
        lon, lat = back.transform(gx, gy)
        return np.radians(np.asarray(lon, dtype=float)), _authalic_y(ell, np.asarray(lat, dtype=float))

    corner = cea(x_edges, y_edges)  # (ny+1, nx+1)
    across = cea(xm, y_edges)  # midpoints of the cells' top and bottom edges (ny+1, nx)
    down = cea(x_edges, ym)  # midpoints of their left and right edges (ny, nx+1)
    # The octagon, in order: four corners with the edge midpoints between them.
    ring = [
        (corner, 0, 0),
        (across, 0, 0),
        (corner, 0, 1),
        (down, 0, 1),
        (corner, 1, 1),
        (across, 1, 0),
        (corner, 1, 0),
        (down, 0, 0),
    ]
    ny, nx = ym.size, xm.size
    lons = np.stack([g[0][i : i + ny, j : j + nx] for g, i, j in ring])
    ys = np.stack([g[1][i : i + ny, j : j + nx] for g, i, j in ring])
    # A cell across ±180°: its longitudes unwrapped about its first corner.
    lons -= 2 * np.pi * np.round((lons - lons[0]) / (2 * np.pi))
    xs = ell.a * lons
    return 0.5 * np.abs(np.sum(xs * np.roll(ys, -1, axis=0) - np.roll(xs, -1, axis=0) * ys, axis=0))


def _authalic_y(ell: Ellipsoid, lat_deg: np.ndarray) -> np.ndarray:
    """The equal-area cylindrical y of a latitude on the ellipsoid: ``a·q(φ)/2`` (Snyder 1987, eq. 3-12)."""
    e2 = ell.e2
    s = np.sin(np.radians(lat_deg))
    if e2 == 0.0:
        return ell.a * s
    e = np.sqrt(e2)
    q = (1.0 - e2) * (s / (1.0 - e2 * s * s) - np.log((1.0 - e * s) / (1.0 + e * s)) / (2.0 * e))
    return ell.a * q / 2.0
