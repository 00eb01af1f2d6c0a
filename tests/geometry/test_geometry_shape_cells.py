"""The per-cell search of large shapes (docs/exactness.md, step 5b): its bounds against GeographicLib,
and its distances against the per-point search and brute force."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from conftest import oracle_geodesic, oracle_segment
from geographiclib.geodesic import Geodesic

import rangecov
from rangecov.geometry.bounds import Nearness
from rangecov.geometry.distance import distances_to_shapes, shapes_of
from rangecov.geometry.shape_cells import cell_parts, edge_ends, interior_dip, segment_chord

ELL = rangecov.get_ellipsoid("WGS84")


def _random_edges(rng, n, longest_m):
    """n geodesic edges (lon1, lat1, lon2, lat2) of random length up to ``longest_m``, some across
    ±180° and some near the poles."""
    g = oracle_geodesic()
    lon = rng.uniform(-180, 180, n)
    lat = np.r_[rng.uniform(-80, 80, n - 6), [89.5, -89.5, 88.0, -88.0, 10.0, -10.0]]
    lon[-2:] = [179.99, -179.99]
    out = []
    for x, y, s, az in zip(lon, lat, np.exp(rng.uniform(np.log(10.0), np.log(longest_m), n)), rng.uniform(0, 360, n)):
        d = g.Direct(y, x, az, s)
        out.append((x, y, d["lon2"], d["lat2"]))
    return np.array(out)


def test_an_edge_strays_from_its_chord_by_at_most_the_bound(rng):
    """Every point of a geodesic edge lies within `stray` of the straight segment between its ends."""
    g = oracle_geodesic()
    e = _random_edges(rng, 300, 200_000.0)
    half = 0.5 * ELL.distance(e[:, 0], e[:, 1], e[:, 2], e[:, 3])
    ea, eb = ELL.ecef(e[:, 0], e[:, 1]), ELL.ecef(e[:, 2], e[:, 3])
    v = np.unique(np.r_[e[:, :2], e[:, 2:]], axis=0)
    ends = edge_ends(v[:, 0], v[:, 1], e, half=half, ea=ea, eb=eb)
    worst = 0.0
    for k, (x1, y1, x2, y2) in enumerate(e):
        line = g.InverseLine(y1, x1, y2, x2)
        t = np.linspace(0.0, line.s13, 41)
        q = [line.Position(s) for s in t]
        p = ELL.ecef([w["lon2"] for w in q], [w["lat2"] for w in q])
        away = segment_chord(p, np.repeat(ea[k : k + 1], len(p), axis=0), np.repeat(eb[k : k + 1], len(p), axis=0))
        assert away.max() <= ends.stray[k], (k, away.max(), ends.stray[k])
        worst = max(worst, away.max() / ends.stray[k])
    # Not a vacuous bound: the longest edges come within a fifth of it (the sagitta is L^2 / 8R; the
    # bound, from chord <= arc alone, L^2 / (4 sqrt 3 R)).
    assert worst > 0.8


def test_an_edge_dips_below_its_ends_by_at_most_the_bound(rng):
    """A geodesic edge's interior is nowhere nearer to a point than an end's distance less the dip
    L^2 / (2 (s_end - L)) (Hessian comparison with the least Gaussian curvature)."""
    e = _random_edges(rng, 40, 20_000.0)
    g = oracle_geodesic()
    interior = 0
    for x1, y1, x2, y2 in e:
        length = g.Inverse(y1, x1, y2, x2)["s12"]
        mid = g.InverseLine(y1, x1, y2, x2).Position(length / 2)
        # Targets beside the middle (where the dip is deepest) and elsewhere, 5 L to 3,000 km away.
        for az_off, dist in ((90.0, 5 * length), (90.0, 300_000.0), (-90.0, 1_000_000.0), (60.0, 3_000_000.0)):
            t = g.Direct(mid["lat2"], mid["lon2"], mid["azi2"] + az_off, dist)
            p = (t["lon2"], t["lat2"])
            d = oracle_segment(p, (x1, y1), (x2, y2), samples=101)
            s_end = np.array([g.Inverse(p[1], p[0], ey, ex)["s12"] for ex, ey in ((x1, y1), (x2, y2))])
            if d < s_end.min() - 1e-6:  # an interior minimum: below both ends by at most their dips
                assert d >= (s_end - interior_dip(s_end, np.full(2, length))).max() - 1e-6
                interior += 1
    assert interior >= 80  # the targets beside the middle


def _rugged_polygon(lon0, lat0, radius_deg, n, rng):
    """A star-shaped polygon with n vertices (a rugged outline, like a border along rivers)."""
    a = np.sort(rng.uniform(0, 2 * np.pi, n))
    r = radius_deg * (1.0 + 0.15 * rng.standard_normal(n).clip(-3, 3))
    return shapely.Polygon(np.c_[lon0 + r * np.cos(a) / np.cos(np.radians(lat0)), lat0 + r * np.sin(a)])


@pytest.mark.parametrize(
    "where",
    [
        (35.0, 50.0),  # the scenario's latitudes
        (179.5, 10.0),  # across ±180°
        (0.0, 84.0),  # near the North Pole
    ],
)
def test_cells_give_the_per_point_distances_bit_for_bit(where, rng):
    """Points near, inside, far and beyond the cells' bound: the same distances either way, and
    GeographicLib's on a sample."""
    lon0, lat0 = where
    poly = _rugged_polygon(lon0, lat0, 1.0, 1_500, rng)
    line = shapely.LineString(np.c_[lon0 + np.linspace(-2, 2, 300), lat0 - 2.5 + 0.05 * rng.standard_normal(300)])
    shapes = shapes_of(ELL, np.array([poly, line], dtype=object))
    g = oracle_geodesic()
    n = 3_000
    # Mostly within 800 km (cells small enough for their bounds), a few out to 3,000 km (handed back).
    dist = np.r_[np.exp(rng.uniform(np.log(1.0), np.log(800_000.0), n - 100)), rng.uniform(1e6, 3e6, 100)]
    az = rng.uniform(0, 360, n)
    pts = [g.Direct(lat0, lon0, a, s) for a, s in zip(az, dist)]
    px, py = np.array([p["lon2"] for p in pts]), np.array([p["lat2"] for p in pts])
    by_cells = distances_to_shapes(ELL, px, py, shapes, cells=True)
    per_point = distances_to_shapes(ELL, px, py, shapes, cells=False)
    np.testing.assert_array_equal(by_cells, per_point)
    # The points within 100 km alone: dense enough that their cells qualify (checked below).
    near = dist < 100_000.0
    np.testing.assert_array_equal(distances_to_shapes(ELL, px[near], py[near], shapes, cells=True), per_point[near])
    # Not vacuous: the near points are settled per cell, the far ones handed back to the per-point search.
    cp = cell_parts(ELL, px[near], py[near], ELL.ecef(px[near], py[near]), shape=shapes[0], end_pruning=True)
    assert cp.rows.size > 0.8 * near.sum()
    cp = cell_parts(ELL, px, py, ELL.ecef(px, py), shape=shapes[0], end_pruning=True)
    assert cp.rest.size > 0
    # Brute force on a sample: every vertex, and every edge whose chord from its midpoint less half
    # its length (chord <= geodesic) can beat the vertices, through dense sampling.
    xy = shapely.get_coordinates(line)
    for i in rng.choice(n, 4, replace=False):
        best = min(g.Inverse(py[i], px[i], y, x, Geodesic.DISTANCE)["s12"] for x, y in xy)
        for k in range(len(xy) - 1):
            e = g.InverseLine(xy[k, 1], xy[k, 0], xy[k + 1, 1], xy[k + 1, 0])
            m = e.Position(e.s13 / 2)
            chord = np.linalg.norm(ELL.ecef(px[i], py[i]) - ELL.ecef(m["lon2"], m["lat2"]))
            if chord - e.s13 / 2 <= best:
                best = min(best, oracle_segment((px[i], py[i]), xy[k], xy[k + 1], samples=41))
        assert by_cells[i, 1] == pytest.approx(best, abs=1e-3)


def test_points_at_reach_plus_minus_a_centimetre_keep_their_side(rng):
    """Targets moved to within 5 km of 300 km from the held ground: the per-cell distances are the
    per-point ones, so a reach 1 cm either side of each puts it on the right side."""
    held = rangecov.datasets.atacms_kursk_2024().held_proxy
    shapes = shapes_of(ELL, held.geometry.values)
    lon, lat = rng.uniform(28, 44, 4_000), rng.uniform(45, 56, 4_000)
    d = distances_to_shapes(ELL, lon, lat, shapes, cells=False).min(axis=1)
    g = oracle_geodesic()
    keep = (d > 50_000) & (d < 600_000)
    # Each target moved straight away from (or toward) the ground's middle by 300 km less its distance.
    q = []
    for x, y, s in zip(lon[keep], lat[keep], d[keep]):
        out = g.Direct(y, x, g.Inverse(51.0, 35.0, y, x)["azi2"], 300_000.0 - s)
        q.append((out["lon2"], out["lat2"]))
    q = np.array(q)
    exact = distances_to_shapes(ELL, q[:, 0], q[:, 1], shapes, cells=False).min(axis=1)
    got = distances_to_shapes(ELL, q[:, 0], q[:, 1], shapes, cells=True).min(axis=1)
    close = np.abs(exact - 300_000.0) < 5_000.0
    assert close.sum() > 200
    for shift in (-0.01, 0.01):
        assert ((got[close] <= exact[close] + shift) == (shift > 0)).all()


def test_nearness_per_cell_brackets_every_distance(rng):
    """The bounds taken per cell of points hold for every point."""
    held = rangecov.datasets.atacms_kursk_2024().held_proxy
    shapes = shapes_of(ELL, held.geometry.values)
    # Dense enough for small cells (the held ground and 200 km around it).
    lon, lat = rng.uniform(30, 41, 20_000), rng.uniform(48, 53, 20_000)
    near = Nearness(ELL, lon, lat, shapes)
    assert all(x is None for k, x in enumerate(near.near) if not shapes[k].small)
    d = distances_to_shapes(ELL, lon, lat, shapes)
    assert (near.low <= d).all() and (d <= near.high).all()
