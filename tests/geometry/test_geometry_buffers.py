"""Buffers of lines and polygons (rangecov.geometry.buffers): every boundary sample within the tolerance."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from boundaries import boundary_samples
from shapely import LineString, MultiPoint, Polygon

import rangecov
from rangecov.errors import UnsupportedError
from rangecov.geodesy.ellipsoid import get_ellipsoid
from rangecov.geodesy.segment import segment_distance
from rangecov.geometry import distance as shape_distance
from rangecov.geometry import drawing

ELL = get_ellipsoid("WGS84")


def distance_to_shape(geom, x, y):
    """Brute-force geodesic distance from points to a line/polygon (exact segment distances)."""
    best = np.full(x.size, np.inf)
    for part in shapely.get_parts(geom):
        if part.geom_type == "Point":
            best = np.minimum(best, ELL.distance(np.full(x.size, part.x), np.full(x.size, part.y), x, y))
            continue
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            c = np.asarray(ring.coords)
            for (ax, ay), (bx, by) in zip(c[:-1], c[1:]):
                d, _ = segment_distance(ELL, x, y, alon=ax, alat=ay, blon=bx, blat=by)
                best = np.minimum(best, d)
        if part.geom_type == "Polygon":
            # Inside means inside the polygon with geodesic edges: densify to 1 mm first.
            best = np.where(shapely.contains_xy(drawing.draw_polygon(ELL, part, 1e-3), x, y), 0.0, best)
    return best


def buffered_within_tolerance(shape, d, *, brute_force=None):
    """Buffer ``shape`` at ``d`` (default 10 m tolerance) and check every boundary sample stays within 10 m.

    By default every sample is measured by brute force over every edge. With
    ``brute_force=n`` (large outlines), every sample is measured with the
    package's exact distance (step 5) and n of them by brute force as well.
    """
    geom = rangecov.buffer(gpd.GeoSeries([shape], crs="EPSG:4326"), d).iloc[0]
    assert geom.is_valid
    x, y = boundary_samples(geom, n=4)
    if brute_force is None:
        dist = distance_to_shape(shape, x, y)
    else:
        dist = shape_distance.distances_to_shapes(ELL, x, y, shape_distance.shapes_of(ELL, [shape]))[:, 0]
        pick = np.random.default_rng(0).choice(x.size, size=min(brute_force, x.size), replace=False)
        np.testing.assert_allclose(distance_to_shape(shape, x[pick], y[pick]), dist[pick], atol=1e-3)
    assert np.abs(dist - d).max() <= 10.0
    return geom


SHAPES = {
    "line": LineString([(30, 50), (35, 51), (36, 48)]),
    "polygon": Polygon([(30, 50), (35, 51), (36, 48), (30, 50)]),
    "polygon_hole": Polygon([(20, 40), (30, 40), (30, 48), (20, 48)], [[(22, 42), (28, 42), (28, 46), (22, 46)]]),
    "antimeridian": LineString([(170, 60), (-170, 62)]),
    "high_latitude": LineString([(0, 85), (90, 85), (180, 85)]),
    "multipoint": MultiPoint([(10, 10), (10.5, 10.2)]),
}


def _wiggly(n, seed, closed):
    """A detailed outline: n vertices 0.3-3 km apart around (35°E, 50°N), with a few long edges."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 2 * np.pi, n))
    t[: n // 50] = np.linspace(0, 0.6, n // 50)  # a run of ~10 km edges that keep their sweeps
    t = np.sort(t)
    r = 0.6 + 0.05 * rng.standard_normal(n).cumsum() / np.sqrt(n)
    xy = np.column_stack((35 + r * np.cos(t) / np.cos(np.radians(50)), 50 + r * np.sin(t)))
    return Polygon(xy) if closed else LineString(xy[: n // 2])


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("d", [10_000.0, 300_000.0])
def test_shape_buffer_holds_tolerance(name, d):
    shape = SHAPES[name]
    geom = buffered_within_tolerance(shape, d)
    if name == "polygon_hole" and d == 10_000.0:
        assert len(geom.interiors) == 1  # the hole survives a small buffer
    if name == "polygon_hole" and d == 300_000.0:
        assert len(geom.interiors) == 0


def test_line_buffers_beyond_9000_km_are_refused_clearly():
    line = gpd.GeoSeries([LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    with pytest.raises(UnsupportedError, match="supported up to 9,000 km"):
        rangecov.buffer(line, "9500 km")


@pytest.mark.parametrize("closed", [True, False], ids=["polygon", "line"])
@pytest.mark.parametrize("d", [5_000.0, 300_000.0])
def test_detailed_outline_buffer_holds_tolerance(closed, d):
    """Short edges lose their sweeps (their sliver is below tol/4); the boundary must still hold tol."""
    shape = _wiggly(300, 11, closed)
    assert shape.is_valid
    edges = np.asarray(shape.exterior.coords if closed else shape.coords)
    _, _, length = ELL.inverse(edges[:-1, 0], edges[:-1, 1], edges[1:, 0], edges[1:, 1])
    swept = length**2 > 2 * d * 10.0
    assert (~swept).sum() > 20 and swept.any()  # the case under test: edges with and without sweeps
    buffered_within_tolerance(shape, d, brute_force=800)


def test_buffer_when_geos_cannot_node_the_pieces():
    # Fuzzing found it: with a vertex at 1e-308°, GEOS's union of a line's sweeps raised
    # "found non-noded intersection". The pieces are then drawn 10 µm inside the tolerance and
    # snap-rounded (a 1e-10° grid moves a vertex < 8 µm), so the result still holds the tolerance.
    line = LineString([(0, 0), (0.9144, 0), (-113.727131, 0), (0.0625, -31), (1.112537e-308, 7), (0, -40)])
    out = rangecov.buffer(gpd.GeoSeries([line], crs="EPSG:4326"), "1 km")
    region = out.geometry.iloc[0]
    assert region.is_valid and not region.is_empty
    edge = shapely.get_coordinates(region.boundary)[::7]
    probes = gpd.GeoSeries(shapely.points(edge), crs="EPSG:4326")
    d = rangecov.coverage(gpd.GeoSeries([line], crs="EPSG:4326"), probes, "1 km").targets["distance_m"]
    assert (abs(d - 1000.0) <= 10.0).all()


def test_reach_of_a_polygon_with_a_vertex_on_the_pole():
    # Fuzzing found it: the sweep of an edge ending on the pole touches itself where its longitudes
    # meet there, and GEOS refused to cut it at ±180° ("side location conflict"). Such a piece is
    # made valid first; the region agrees with the exact distances.
    poly = gpd.GeoSeries([Polygon([(90, 85), (45, 90), (45, 59.01924), (90, 85)])], crs="EPSG:4326")
    region = rangecov.reach(poly, 1000.0).geometry.iloc[0]
    assert region.is_valid
    rng = np.random.default_rng(15)
    pts = np.column_stack([rng.uniform(40, 95, 800), rng.uniform(55, 89.99, 800)])
    d = rangecov.coverage(poly, gpd.GeoSeries(shapely.points(pts), crs="EPSG:4326"), "1 km").targets["distance_m"]
    inside = shapely.contains_xy(region, pts[:, 0], pts[:, 1])
    tol = 10.0  # the default for 1 km
    assert not (inside & (d.to_numpy() > 1000.0 + tol)).any() and not (~inside & (d.to_numpy() < 1000.0 - tol)).any()
    assert inside.sum() > 100
