"""Geodesic buffers, reach regions and rings against the oracle.

Every boundary is densified (straight lon/lat reading and geodesic reading of
each edge) and each sample's geodesic distance is compared with the buffer
distance; a random subsample is re-measured with pure-Python geographiclib.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import oracle_geodesic
from geographiclib.geodesic import Geodesic
from shapely import LineString, MultiPoint, Point, Polygon

import rangecov
from rangecov.base import lonlat
from rangecov.errors import InputError, UnsupportedError
from rangecov.geodesy import ellipsoid as geodesy
from rangecov.geodesy.ellipsoid import get_ellipsoid
from rangecov.geodesy.segment import segment_distance
from rangecov.geometry import distance as shape_distance
from rangecov.geometry import drawing, edges

ELL = get_ellipsoid("WGS84")
SAMPLES = 8  # per edge and reading


def boundary_samples(geom, n=SAMPLES):
    """Sample points of every non-artificial edge, in both readings."""
    xs, ys = [], []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)
            x0, y0, x1, y1 = c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1]
            artificial = ((np.abs(x0) == 180) & (x0 == x1)) | ((np.abs(y0) == 90) & (y0 == y1))
            x0, y0, x1, y1 = x0[~artificial], y0[~artificial], x1[~artificial], y1[~artificial]
            if x0.size == 0:
                continue
            f = np.linspace(0.0, 1.0, n + 1)
            xs.append((x0[:, None] + f * (x1 - x0)[:, None]).ravel())
            ys.append((y0[:, None] + f * (y1 - y0)[:, None]).ravel())
            az, _, length = ELL.inverse(x0, y0, x1, y1)
            gx, gy, _ = ELL.forward(
                np.repeat(x0, n + 1), np.repeat(y0, n + 1), np.repeat(az, n + 1), (f * length[:, None]).ravel()
            )
            xs.append(gx)
            ys.append(gy)
    return np.concatenate(xs), np.concatenate(ys)


def vertices(geom):
    out = []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            c = np.asarray(ring.coords)[:-1]
            x0, y0 = c[:, 0], c[:, 1]
            out.append(c[~((np.abs(x0) == 180) | (np.abs(y0) == 90))])
    return np.concatenate(out)


def disk_of(lon, lat, d, **kw):
    return rangecov.buffer(gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326"), d, **kw).iloc[0]


def check_disk(lon, lat, d, tol, rng, *, n_oracle=150):
    geom = disk_of(lon, lat, d, tolerance=tol)
    assert geom.is_valid
    x, y = boundary_samples(geom)
    s = ELL.distance(np.full(x.size, lon), np.full(x.size, lat), x, y)
    assert np.abs(s - d).max() <= tol, f"boundary strays {np.abs(s - d).max():.4g} m > {tol} m"
    # Independent oracle on a subsample, and on the vertices (<= 1 mm).
    g = oracle_geodesic()
    pick = rng.choice(x.size, size=min(n_oracle, x.size), replace=False)
    for i in pick:
        so = g.Inverse(lat, lon, y[i], x[i], Geodesic.DISTANCE)["s12"]
        assert abs(so - d) <= tol
    v = vertices(geom)
    for vx, vy in v[rng.choice(len(v), size=min(40, len(v)), replace=False)]:
        assert abs(g.Inverse(lat, lon, vy, vx, Geodesic.DISTANCE)["s12"] - d) <= 1e-3
    # Points 2 tolerances inside / outside the boundary, all round.
    az = np.linspace(0.0, 360.0, 90, endpoint=False)
    for sign, expect in ((-1, True), (1, False)):
        r = d + sign * 2 * tol
        if r <= 0:
            continue
        px, py, _ = ELL.forward(np.full(az.size, lon), np.full(az.size, lat), az, np.full(az.size, r))
        inside = shapely.contains_xy(geom, px, py) | shapely.intersects_xy(geom, px, py)
        assert (inside == expect).all(), f"{(inside != expect).sum()} points at d{sign:+d}*2tol misplaced"
    return geom


@pytest.mark.parametrize("lat", [0.0, 30.0, 60.0, 80.0, 89.0, 89.9])
@pytest.mark.parametrize("d", [1.0, 10_000.0, 300_000.0, 3_000_000.0, 15_000_000.0])
def test_disk_holds_tolerance(lat, d, rng):
    tol = float(rangecov.default_tolerance(d))
    check_disk(23.0, lat, d, tol, rng)


@pytest.mark.parametrize("lon", [180.0, -180.0, 179.99, -179.7])
def test_disk_at_antimeridian_is_split(lon, rng):
    geom = check_disk(lon, -35.0, 300_000.0, 10.0, rng)
    assert geom.geom_type == "MultiPolygon"
    minx, _, maxx, _ = geom.bounds
    assert minx == -180.0 and maxx == 180.0
    # The cut vertices are exact boundary points on ±180°.
    on = vertices_all(geom)
    cut = on[np.abs(on[:, 0]) == 180.0]
    s = ELL.distance(np.full(len(cut), lon), np.full(len(cut), -35.0), cut[:, 0], cut[:, 1])
    assert cut.size and np.abs(s - 300_000.0).min() <= 1e-3


def vertices_all(geom):
    return np.concatenate([np.asarray(r.coords) for p in shapely.get_parts(geom) for r in [p.exterior, *p.interiors]])


@pytest.mark.parametrize("lat,pole", [(89.0, 90.0), (-88.0, -90.0), (75.0, 90.0)])
def test_disk_around_pole_closes_along_pole_latitude(lat, pole, rng):
    geom = check_disk(120.0, lat, 2_000_000.0, 10.0, rng)
    assert geom.geom_type == "Polygon"
    minx, miny, maxx, maxy = geom.bounds
    assert (minx, maxx) == (-180.0, 180.0)
    assert (maxy if pole > 0 else miny) == pole
    assert geom.contains(Point(-60.0, np.sign(pole) * 89.999))


def test_disk_containing_both_poles_is_globe_minus_hole(rng):
    geom = check_disk(10.0, 20.0, 15_000_000.0, 10.0, rng)
    assert geom.contains(Point(0, 89.99)) and geom.contains(Point(0, -89.99))
    assert not geom.contains(Point(-170.0, -20.0))  # the antipode


def test_whole_globe():
    hm = geodesy.half_meridian(ELL)
    assert disk_of(5.0, 5.0, hm).equals(lonlat.WORLD)
    assert disk_of(5.0, 5.0, 25_000_000.0).equals(lonlat.WORLD)


@pytest.mark.parametrize("lon,lat", [(5.0, 5.0), (0.0, 0.0), (30.0, 60.0), (170.0, 20.0), (100.0, -89.99)])
@pytest.mark.parametrize("where", [0.0, 0.5, 0.99999])
def test_beyond_cut_floor_is_globe_minus_far_patch(lon, lat, where, rng):
    """Between pi*b and the antipodal distance: boundary within tolerance, and a
    dense grid around the antipode classified as the true distances say
    (outside a band of one tolerance)."""
    d = geodesy.cut_floor(ELL) + where * (geodesy.half_meridian(ELL) - geodesy.cut_floor(ELL))
    geom = disk_of(lon, lat, d)
    assert geom.is_valid
    x, y = boundary_samples(geom)
    s = ELL.distance(np.full(x.size, lon), np.full(x.size, lat), x, y)
    assert np.abs(s - d).max() <= 10.0
    alon, alat = lon + 180.0, -lat
    gx = alon + rng.uniform(-1.5, 1.5, 4000)
    gy = np.clip(alat + rng.uniform(-0.7, 0.7, 4000), -90, 90)
    gx = (gx + 180.0) % 360.0 - 180.0
    true = ELL.distance(np.full(gx.size, lon), np.full(gx.size, lat), gx, gy)
    inside = shapely.contains_xy(geom, gx, gy) | shapely.intersects_xy(geom, gx, gy)
    clear = np.abs(true - d) > 10.0
    np.testing.assert_array_equal(inside[clear], (true <= d)[clear])


def test_direct_is_shortest_below_cut_floor(rng):
    """The claim behind tracing disks with Direct: geodesics shorter than pi*b are shortest paths."""
    g = oracle_geodesic()
    s = geodesy.cut_floor(ELL) * (1 - 1e-9)
    for _ in range(200):
        lat, az = rng.uniform(-90, 90), rng.uniform(0, 360)
        p = g.Direct(lat, 0.0, az, s)
        assert abs(g.Inverse(lat, 0.0, p["lat2"], p["lon2"])["s12"] - s) < 1e-6


def test_vertex_count_follows_tolerance_and_distance():
    n = lambda geom: shapely.get_num_coordinates(geom)  # noqa: E731
    coarse = disk_of(30.0, 50.0, 300_000.0, tolerance=100.0)
    fine = disk_of(30.0, 50.0, 300_000.0, tolerance=1.0)
    small = disk_of(30.0, 50.0, 10_000.0, tolerance=1.0)
    # Chord sagitta ~ R dalpha^2 / 8: 100x tighter needs ~10x the vertices.
    assert 7 < n(fine) / n(coarse) < 14
    assert n(small) < n(fine) / 3


@pytest.mark.parametrize("ellipsoid", ["sphere", "GRS80", "clrk66"])
def test_other_ellipsoids(ellipsoid):
    e = get_ellipsoid(ellipsoid)
    g = gpd.GeoSeries([Point(44.0, 61.0)], crs="EPSG:4326")
    geom = rangecov.buffer(g, "190 mi", ellipsoid=ellipsoid).iloc[0]
    x, y = boundary_samples(geom)
    s = e.distance(np.full(x.size, 44.0), np.full(x.size, 61.0), x, y)
    assert np.abs(s - 305_775.36).max() <= 10.0


def test_buffer_keeps_index_and_reads_columns_and_crs():
    frame = gpd.GeoDataFrame(
        {"r": ["100 km", "50 km"]}, geometry=[Point(30, 50), Point(31, 51)], index=["a", "b"], crs="EPSG:4326"
    ).to_crs("EPSG:3857")
    before = frame.copy()
    out = rangecov.buffer(frame, "r")
    assert out.index.tolist() == ["a", "b"] and out.crs.to_epsg() == 4326
    assert out.iloc[0].area > 3 * out.iloc[1].area
    out2 = rangecov.buffer(frame, [100_000, "50 km"])
    assert out2.iloc[0].equals(out.iloc[0])
    assert frame.equals(before)


# --- lines and polygons ---------------------------------------------------


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
                d, _ = segment_distance(ELL, x, y, ax, ay, bx, by)
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


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("d", [10_000.0, 300_000.0])
def test_shape_buffer_holds_tolerance(name, d):
    shape = SHAPES[name]
    geom = buffered_within_tolerance(shape, d)
    if name == "polygon_hole" and d == 10_000.0:
        assert len(geom.interiors) == 1  # the hole survives a small buffer
    if name == "polygon_hole" and d == 300_000.0:
        assert len(geom.interiors) == 0


def test_segment_distance_against_dense_oracle(rng):
    g = oracle_geodesic()
    for _ in range(12):
        a = (rng.uniform(-180, 180), rng.uniform(-80, 80))
        az, length = rng.uniform(0, 360), rng.uniform(1e3, 8e6)
        line = g.Line(a[1], a[0], az)
        b = line.Position(length)
        p = (rng.uniform(-180, 180), rng.uniform(-85, 85))
        if rng.random() < 0.5:  # a point near the segment
            q = line.Position(rng.uniform(0, length))
            r = g.Direct(q["lat2"], q["lon2"], rng.uniform(0, 360), rng.uniform(0, 2e5))
            p = (r["lon2"], r["lat2"])
        ts = np.linspace(0.0, length, 801)
        s = np.array([g.Inverse(p[1], p[0], line.Position(t)["lat2"], line.Position(t)["lon2"])["s12"] for t in ts])
        k = int(np.argmin(s))
        lo, hi = ts[max(k - 1, 0)], ts[min(k + 1, ts.size - 1)]
        f = lambda t: g.Inverse(p[1], p[0], line.Position(t)["lat2"], line.Position(t)["lon2"])["s12"]  # noqa: E731
        for _ in range(80):  # ternary search on the bracketing cells
            m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
            lo, hi = (lo, m2) if f(m1) < f(m2) else (m1, hi)
        expect = min(s.min(), f(0.5 * (lo + hi)))
        got, _ = segment_distance(ELL, p[0], p[1], a[0], a[1], b["lon2"], b["lat2"])
        assert abs(float(got) - expect) <= 1e-3


def test_segment_distance_point_on_segment_is_zero():
    a, b = (10.0, 20.0), (12.0, 21.0)
    az, _, length = ELL.inverse(*a, *b)
    q = ELL.forward(a[0], a[1], az, 0.37 * length)
    d, t = segment_distance(ELL, q[0][0], q[1][0], *a, *b)
    assert float(d) <= 1e-6 and abs(float(t) - 0.37 * float(length[0])) <= 1e-5


# --- reach and rings ------------------------------------------------------


def test_reach_dissolves_and_holds_tolerance():
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(30, 38, 40), rng.uniform(46, 52, 40)
    reach_m = rng.choice([100_000.0, 200_000.0, 305_775.36], 40)
    origins = gpd.GeoDataFrame({"r": reach_m}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    region = rangecov.reach(origins, "r")
    assert region.index.tolist() == ["all"] and region.is_valid.all()
    x, y = boundary_samples(region.iloc[0], n=4)
    s = ELL.distance(np.repeat(lon, x.size), np.repeat(lat, x.size), np.tile(x, 40), np.tile(y, 40)).reshape(40, -1)
    f = (s - reach_m[:, None]).min(axis=0)
    tol = float(rangecov.default_tolerance(reach_m.min()))
    assert np.abs(f).max() <= tol


def test_reach_by_group_and_empty():
    origins = gpd.GeoDataFrame(
        {"side": ["b", "a", "b"]}, geometry=[Point(30, 50), Point(40, 50), Point(31, 50)], crs="EPSG:4326"
    )
    out = rangecov.reach(origins, "100 km", by="side")
    assert out.index.tolist() == ["a", "b"] and out.index.name == "side"
    assert out.loc["a"].geom_type == "Polygon"
    with pytest.raises(InputError, match="by='nope' is not a column"):
        rangecov.reach(origins, "100 km", by="nope")
    origins.loc[1, "side"] = None  # a missing label is a group of its own, not dropped
    out = rangecov.reach(origins, "100 km", by="side")
    assert len(out) == 2 and out.index.isna().sum() == 1


def test_rings_by_list_interval_and_annulus():
    site = gpd.GeoDataFrame({"r": ["70 km"]}, geometry=[Point(35.0, 50.0)], index=["s"], crs="EPSG:4326")
    r = rangecov.rings(site, distances=["100 km", "190 mi"], radials=4)
    rings_only = r[r["kind"] == "ring"]
    assert rings_only["ring"].tolist() == [1, 2]
    assert rings_only["inner_m"].tolist() == [0.0, 100_000.0]
    assert rings_only["outer_m"].tolist() == [100_000.0, 305_775.36]
    annulus = rings_only.geometry.iloc[1]
    assert len(annulus.interiors) == 1
    # Outer and inner boundary both hold the tolerance.
    x, y = boundary_samples(shapely.Polygon(annulus.exterior))
    s = ELL.distance(np.full(x.size, 35.0), np.full(x.size, 50.0), x, y)
    assert np.abs(s - 305_775.36).max() <= 10.0
    x, y = boundary_samples(shapely.Polygon(annulus.interiors[0]))
    s = ELL.distance(np.full(x.size, 35.0), np.full(x.size, 50.0), x, y)
    assert np.abs(s - 100_000.0).max() <= 10.0
    radial = r[r["kind"] == "radial"]
    assert radial["azimuth"].tolist() == [0.0, 90.0, 180.0, 270.0]
    end = np.asarray(radial.geometry.iloc[1].coords)[-1]
    assert abs(ELL.distance(35.0, 50.0, end[0], end[1])[0] - 305_775.36) < 1e-3
    dead = rangecov.rings(site, min_range="r", max_range="300 km")
    assert dead["inner_m"].tolist() == [70_000.0] and len(dead.geometry.iloc[0].interiors) == 1
    by_interval = rangecov.rings(site, interval="50 km", count=3)
    assert by_interval["outer_m"].tolist() == [50_000.0, 100_000.0, 150_000.0]


def test_rings_bad_input():
    site = gpd.GeoSeries([Point(35.0, 50.0)], crs="EPSG:4326")
    with pytest.raises(InputError, match="exactly one of"):
        rangecov.rings(site)
    with pytest.raises(InputError, match="exactly one of"):
        rangecov.rings(site, distances=["1 km"], interval="1 km", count=2)
    with pytest.raises(InputError, match="interval= and count= go together"):
        rangecov.rings(site, interval="10 km")
    with pytest.raises(InputError, match="positive and increasing"):
        rangecov.rings(site, distances=["20 km", "10 km"])
    with pytest.raises(InputError, match="min_range must be smaller"):
        rangecov.rings(site, min_range="300 km", max_range="100 km")
    with pytest.raises(InputError, match="radials"):
        rangecov.rings(site, distances=["1 km"], radials=-1)


def test_line_buffers_beyond_9000_km_are_refused_clearly():
    line = gpd.GeoSeries([LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    with pytest.raises(UnsupportedError, match="supported up to 9,000 km"):
        rangecov.buffer(line, "9500 km")


def test_empty_geometry_refused():
    with pytest.raises(InputError, match="geoms has empty geometry at index label 1"):
        rangecov.buffer(gpd.GeoSeries([Point(0, 0), Point()], crs="EPSG:4326"), "1 km")


def _wiggly(n, seed, closed):
    """A detailed outline: n vertices 0.3-3 km apart around (35°E, 50°N), with a few long edges."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 2 * np.pi, n))
    t[: n // 50] = np.linspace(0, 0.6, n // 50)  # a run of ~10 km edges that keep their sweeps
    t = np.sort(t)
    r = 0.6 + 0.05 * rng.standard_normal(n).cumsum() / np.sqrt(n)
    xy = np.column_stack((35 + r * np.cos(t) / np.cos(np.radians(50)), 50 + r * np.sin(t)))
    return Polygon(xy) if closed else LineString(xy[: n // 2])


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


@pytest.mark.parametrize("pole", [90.0, -90.0])
def test_disk_whose_edge_passes_through_a_pole(pole):
    """Radius exactly the distance to a pole (and 1 µm either side): the disk is not inside-out.

    The boundary vertex on the pole has no longitude of its own; left as
    pyproj gives it, 72 of 90 such disks came back inverted (issue 15).
    """
    g = oracle_geodesic()
    checked = 0
    for lon in (-180.0, -100.0, 0.0, 45.0, 135.0):
        for lat in (-80.0, -45.0, 0.0, 30.0, 70.0):
            lat = lat if pole > 0 else -lat
            exact = float(ELL.distance(np.array([lon]), np.array([lat]), np.array([lon]), np.array([pole]))[0])
            oracle = g.Inverse(lat, lon, pole, lon, Geodesic.DISTANCE)["s12"]
            assert abs(exact - oracle) < 1e-6
            for d in (exact, exact - 1e-6, exact + 1e-6):
                for tol in (1.0, 10.0):
                    geom = disk_of(lon, lat, d, tolerance=tol)
                    assert geom.is_valid and geom.covers(Point(lon, lat)), (lon, lat, d, tol)
                    az = np.linspace(0.0, 360.0, 36, endpoint=False)
                    for sign, expect in ((-1, True), (1, False)):
                        px, py, _ = ELL.forward(
                            np.full(az.size, lon), np.full(az.size, lat), az, np.full(az.size, d + sign * 3 * tol)
                        )
                        inside = shapely.intersects_xy(geom, px, py)
                        assert (inside == expect).all(), (lon, lat, d, tol, sign)
                    checked += 1
    assert checked == 150


@pytest.mark.parametrize("pole", [90.0, -90.0])
def test_disk_through_a_pole_with_the_radius_of_another_solver(pole):
    """Found by fuzzing: the pole's distance from geographiclib (a few nm from pyproj's) put the
    boundary's vertex nanometres from the pole on the wrong side, and the disk came back inside-out
    at 40 of 4,400 radii (e.g. from (0°, -22°)). Vertices within 1.1 µm of a pole now go on it."""
    g = oracle_geodesic()
    for lat in np.arange(-85.0, 86.0, 17.0):
        lat = float(lat if pole > 0 else -lat)
        exact = g.Inverse(lat, 0.0, pole, 0.0, Geodesic.DISTANCE)["s12"]
        for d in (exact, exact - 1e-7, exact + 1e-7):
            geom = disk_of(0.0, lat, d)
            assert geom.is_valid and geom.covers(Point(0.0, lat)), (lat, d)
            assert not geom.covers(Point(180.0, -lat)), (lat, d)  # the antipode, far outside
    assert disk_of(0.0, -22.0, g.Inverse(-22.0, 0.0, 90.0, 0.0)["s12"]).covers(Point(0.0, -22.0))


def test_tolerance_has_a_floor_of_a_millimetre():
    """Found by fuzzing: a 1 µm buffer (default tolerance 10 nm) refined its boundary for ever and
    took all memory. Finer than 1 mm is refused, and so is a distance that cannot exceed it."""
    with pytest.raises(InputError, match=r"tolerance 1e-05 is below 1 mm, the finest rangecov draws"):
        disk_of(10.0, 45.0, 1000.0, tolerance=1e-5)
    with pytest.raises(InputError, match=r"distance 1e-06 m is too small to draw"):
        disk_of(0.0, 90.0, 1e-6)
    g = oracle_geodesic()
    small = disk_of(10.0, 45.0, 0.05)  # 5 cm, tolerance 1 mm
    for az in range(0, 360, 30):
        inside = g.Direct(45.0, 10.0, az, 0.048)
        outside = g.Direct(45.0, 10.0, az, 0.052)
        assert small.covers(Point(inside["lon2"], inside["lat2"]))
        assert not small.covers(Point(outside["lon2"], outside["lat2"]))


def test_refinement_stops_at_its_vertex_budget():
    # A deviation that never passes: the refinement gives up with a clear error, not with all memory.
    def trace(o, t):
        return t.copy(), np.zeros_like(t)

    def never(o, lon1, lat1, lon2, lat2):
        return np.ones_like(lon1)

    start = np.zeros(3, dtype=np.intp), np.array([0.0, 0.5, 1.0])
    with pytest.raises(UnsupportedError, match="more than 1,000 vertices on one curve; use a larger tolerance"):
        edges.refine(*start, *trace(*start), trace, never, np.array([0.5]), max_vertices=1000)


@pytest.mark.parametrize("lon", [1e300, 360.0 * 1e9 + 0.3, -1e15])
def test_disk_about_a_longitude_of_many_turns(lon):
    """Found by fuzzing: a centre at longitude 1e300 gave a polygon of NaN. Longitudes are reduced
    exactly (as GeographicLib and the engine reduce them) before drawing."""
    g = oracle_geodesic()
    geom = disk_of(lon, 10.0, 100_000.0)
    centre = math.fmod(lon, 360.0)
    centre = centre - 360.0 if centre > 180.0 else centre + 360.0 if centre < -180.0 else centre
    assert geom.is_valid and geom.covers(Point(centre, 10.0))
    for az in range(0, 360, 45):
        near, far = g.Direct(10.0, centre, az, 99_970.0), g.Direct(10.0, centre, az, 100_030.0)
        assert geom.covers(Point(near["lon2"], near["lat2"]))
        assert not geom.covers(Point(far["lon2"], far["lat2"]))


def test_reach_and_area_through_a_pole_keep_the_right_side():
    r = float(ELL.distance(np.array([0.0]), np.array([-45.0]), np.array([0.0]), np.array([90.0]))[0])
    site = gpd.GeoSeries([Point(0.0, -45.0)], crs="EPSG:4326")
    region = rangecov.reach(site, r, tolerance=1.0).iloc[0]
    assert region.covers(Point(0.0, -45.0)) and not region.covers(Point(180.0, 60.0))
    box = gpd.GeoSeries([shapely.box(0.5, -45.5, 1.5, -44.5)], crs="EPSG:4326")  # ~80 km east of the site
    share = rangecov.area_coverage(site, box, r, tolerance=1.0)["covered_share"].iloc[0]
    assert share == pytest.approx(1.0, abs=1e-9)


def test_radial_along_the_antimeridian_from_just_west_of_it():
    # Fuzzing found it: a radial due north from 179.99999999999997° runs along the cut meridian, and
    # cutting it at ±180° left only points (IndexError). It is drawn as that meridian.
    origin = gpd.GeoSeries([Point(179.99999999999997, 0.0)], crs="EPSG:4326")
    out = rangecov.rings(origin, distances=["10 km", "50 km"], radials=4)
    radials = out[out["kind"] == "radial"]
    assert len(radials) == 4 and radials.geometry.geom_type.isin(["LineString", "MultiLineString"]).all()
    north = radials.loc[radials["azimuth"] == 0.0].geometry.iloc[0]
    assert abs(abs(north.coords[0][0]) - 180.0) < 1e-9 and north.length == pytest.approx(0.45218, abs=1e-4)


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
