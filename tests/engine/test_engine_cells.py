"""The cell search of rangecov.engine (docs/exactness.md, steps 3b and 3c), path by path.

Each new bound is checked on its own against pure-Python geographiclib, and
the search that rests on them against brute force: Karney's C solver
(pyproj) on every (origin, target) pair for thousands of targets, so that
cells are small enough to take every path, and geographiclib on a sample.
"""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
from conftest import oracle_geodesic, oracle_matrix

import rangecov
from rangecov.engine import OriginIndex
from rangecov.engine.cells import CELL_MAX, make_cells

ELLIPSOIDS = ["WGS84", "sphere", "clrk66"]


def _brute(o_lon, o_lat, t_lon, t_lat, ellipsoid="WGS84"):
    """Karney (pyproj, C) on every pair: (targets, origins)."""
    g = pyproj.Geod(ellps=ellipsoid)
    out = np.empty((t_lon.size, o_lon.size))
    for j, (x, y) in enumerate(zip(o_lon, o_lat)):
        out[:, j] = g.inv(np.full(t_lon.size, x), np.full(t_lon.size, y), t_lon, t_lat)[2]
    return out


@pytest.mark.parametrize("ellipsoid", ELLIPSOIDS)
def test_cells_hold_their_targets(rng, ellipsoid):
    # Regional, worldwide, across ±180°, around a pole, on one line, all on one point.
    ell = rangecov.get_ellipsoid(ellipsoid)
    n = 5000
    sets = [
        (rng.uniform(15, 60, n), rng.uniform(40, 65, n)),
        (rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))),
        (np.where(rng.random(n) < 0.5, rng.uniform(170, 180, n), rng.uniform(-180, -170, n)), rng.uniform(50, 70, n)),
        (rng.uniform(-180, 180, n), rng.uniform(85, 90, n)),
        (np.full(n, 12.5), rng.uniform(-90, 90, n)),
        (np.full(n, -179.9), np.full(n, -90.0)),
        (rng.uniform(-720, 720, n) + 1e6 * 360, rng.uniform(-10, 10, n)),  # longitudes far outside ±180
    ]
    for lon, lat in sets:
        for per_cell in (1, 16):
            cells = make_cells(ell, lon, lat, per_cell)
            centre = ell.ecef(cells.lon[cells.of_target], cells.lat[cells.of_target])
            chord = np.linalg.norm(ell.ecef(lon, lat) - centre, axis=1)
            assert (chord <= cells.radius[cells.of_target]).all()
            assert len(cells) <= max(4 * lon.size // per_cell, 1) + 1024


@pytest.mark.parametrize("ellipsoid", ELLIPSOIDS)
def test_box_chord_bounds_every_point_of_the_box(rng, ellipsoid):
    ell = rangecov.get_ellipsoid(ellipsoid)
    for _ in range(300):
        half_lon = rng.choice([1e-6, 0.01, 1.0, 30.0, 180.0])
        lat_a = rng.uniform(-90, 90)
        lat_b = min(90.0, lat_a + rng.choice([1e-6, 0.01, 1.0, 20.0, 180.0]))
        centre_lat = (lat_a + lat_b) / 2
        centre_lon = rng.uniform(-180, 180)
        lon = centre_lon + rng.uniform(-half_lon, half_lon, 400)
        lat = rng.uniform(lat_a, lat_b, 400)
        lon[:4] = centre_lon + np.array([-1, 1, -1, 1]) * half_lon  # the corners
        lat[:4] = [lat_a, lat_a, lat_b, lat_b]
        equatorward = 0.0 if lat_a <= 0 <= lat_b else (lat_a if lat_a > 0 else lat_b)
        bound = ell.box_chord(centre_lat, (lat_b - lat_a) / 2, half_lon, equatorward)
        chord = np.linalg.norm(ell.ecef(lon, lat) - ell.ecef([centre_lon], [centre_lat]), axis=1)
        assert (chord <= bound).all()
        # Not much looser than the farthest corner: a bound that is always huge would pass too.
        assert bound <= 1.5 * chord[:4].max() + 0.01 or half_lon >= 30


@pytest.mark.parametrize("ellipsoid", ELLIPSOIDS)
def test_distance_upper_bounds_the_geodesic(rng, ellipsoid):
    ell = rangecov.get_ellipsoid(ellipsoid)
    g = oracle_geodesic(ellipsoid)
    lon1, lat1 = rng.uniform(-180, 180, 2000), np.degrees(np.arcsin(rng.uniform(-1, 1, 2000)))
    lon2 = lon1 + rng.normal(0, 60, 2000)
    lat2 = np.clip(lat1 + rng.normal(0, 40, 2000), -90, 90)
    lon2[:200], lat2[:200] = lon1[:200] + 180 + rng.normal(0, 1, 200), -lat1[:200]  # near antipodes
    s = np.array([g.Inverse(b, a, d, c)["s12"] for a, b, c, d in zip(lon1, lat1, lon2, lat2)])
    chord = np.linalg.norm(ell.ecef(lon1, lat1) - ell.ecef(lon2, lat2), axis=1)
    up = ell.distance_upper(chord)
    assert (s <= up).all()
    assert np.isinf(up[:200]).any() and np.isfinite(up).mean() > 0.8  # both regimes exercised


@pytest.mark.parametrize("ellipsoid", ELLIPSOIDS)
def test_lower_bound_beside_holds_and_is_tight(rng, ellipsoid):
    # T, O, Q anywhere: poles, ±180°, O to T from a metre to beyond pi b / 2, Q up to O-T away.
    ell = rangecov.get_ellipsoid(ellipsoid)
    g = oracle_geodesic(ellipsoid)
    gaps, finite = [], 0
    for i in range(1500):
        o_lon = rng.choice([rng.uniform(-180, 180), 180.0, -179.99])
        o_lat = rng.choice([np.degrees(np.arcsin(rng.uniform(-1, 1))), 89.999, -90.0, 0.0])
        s = rng.choice([rng.uniform(1, 1e3), rng.uniform(1e3, 1e5), rng.uniform(1e5, 3e6), rng.uniform(3e6, 1.2e7)])
        t = g.Direct(o_lat, o_lon, rng.uniform(-180, 180), s)
        step = s * rng.uniform(0, 1) * rng.choice([1.0, 0.1, 0.01])
        q = g.Direct(o_lat, o_lon, rng.uniform(-180, 180), step)
        to_t = g.Inverse(t["lat2"], t["lon2"], o_lat, o_lon)
        to_q = g.Inverse(o_lat, o_lon, q["lat2"], q["lon2"])
        truth = g.Inverse(t["lat2"], t["lon2"], q["lat2"], q["lon2"])["s12"]
        bound = ell.lower_bound_beside(to_t["s12"], to_t["azi2"] + 180.0, to_q["s12"], to_q["azi1"])
        assert truth >= bound, (i, truth, bound)
        if np.isfinite(bound):
            finite += 1
            gaps.append((truth - bound) / max(to_q["s12"], 1.0))
    # It applies to most pairs and is close: within 1% of the step for most of them.
    assert finite > 1000
    assert np.median(gaps) < 0.01


def _dense_case(rng, n_o=52, n_t=12_000):
    o_lon, o_lat = rng.uniform(22, 40, n_o), rng.uniform(44, 52, n_o)
    o_lon[:12], o_lat[:12] = 41.0, np.linspace(49.8, 50.2, 12)  # a tight row: many candidates per cell
    # Most targets among the origins (small cells: one candidate or a few), the rest far and wide.
    near = rng.random(n_t) < 0.8
    t_lon = np.where(near, rng.uniform(20, 45, n_t), rng.uniform(10, 65, n_t))
    t_lat = np.where(near, rng.uniform(42, 55, n_t), rng.uniform(35, 70, n_t))
    # Targets on origins, beside the row, across ±180° and near the North Pole.
    t_lon[:20], t_lat[:20] = o_lon[:20], o_lat[:20]
    t_lon[20:220], t_lat[20:220] = rng.uniform(170, 190, 200), rng.uniform(60, 89.99, 200)
    return o_lon, o_lat, t_lon, t_lat


def test_cell_search_takes_every_path_and_matches_brute_force(rng):
    o_lon, o_lat, t_lon, t_lat = _dense_case(rng)
    # A cluster of CELL_MAX + 20 origins within a kilometre: cells far from it hold more
    # candidates than the table, and their targets take the per-target search.
    k = CELL_MAX + 20
    o_lon = np.r_[o_lon, 60.0 + rng.normal(0, 0.005, k)]
    o_lat = np.r_[o_lat, 30.0 + rng.normal(0, 0.005, k)]
    d = _brute(o_lon, o_lat, t_lon, t_lat)
    pos, dist, stats = OriginIndex(o_lon, o_lat).nearest(t_lon, t_lat, return_stats=True)
    np.testing.assert_array_equal(dist, d.min(axis=1))  # the same C solver: equal to the bit
    np.testing.assert_array_equal(pos, np.argmin(d, axis=1))  # lowest position on ties
    # Every path ran: one candidate, a few (chords, then bounds), and the per-target search.
    assert stats.single > 0 and stats.first_k > 0 and stats.targets - stats.single - stats.first_k > 0
    assert stats.cells > 0
    # And the distances are GeographicLib's (the independent oracle), on a sample.
    sample = rng.choice(t_lon.size, 200, replace=False)
    want = oracle_matrix(o_lon, o_lat, t_lon[sample], t_lat[sample]).min(axis=1)
    np.testing.assert_allclose(dist[sample], want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("values", [2, 40])
def test_nearest_and_margin_is_both_calls_in_one(rng, values):
    o_lon, o_lat, t_lon, t_lat = _dense_case(rng, n_t=8000)
    reach = rng.choice(np.linspace(70e3, 500e3, values), o_lon.size)
    reach[5] = 0.0
    o_lon[7], o_lat[7] = o_lon[3], o_lat[3]  # two origins at one place, with different reach
    d = _brute(o_lon, o_lat, t_lon, t_lat)
    idx = OriginIndex(o_lon, o_lat, reach=reach)
    pos, dist, margin, arg = idx.nearest_and_margin(t_lon, t_lat)
    for a, b in zip((pos, dist), idx.nearest(t_lon, t_lat)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip((margin, arg), idx.max_margin(t_lon, t_lat)):
        np.testing.assert_array_equal(a, b)
    value = reach[None, :] - d
    np.testing.assert_array_equal(margin, value.max(axis=1))
    np.testing.assert_array_equal(arg, np.argmax(value, axis=1))


@pytest.mark.parametrize("reach", [1.0, 300e3, 3e6, 20_100e3])
def test_counts_per_cell_match_brute_force(rng, reach):
    o_lon, o_lat, t_lon, t_lat = _dense_case(rng, n_o=60, n_t=10_000)
    d = _brute(o_lon, o_lat, t_lon, t_lat)
    r = np.where(np.arange(60) % 3 == 0, reach, reach / 2)
    got = OriginIndex(o_lon, o_lat, reach=r).count_within(t_lon, t_lat)
    np.testing.assert_array_equal(got, (d <= r[None, :]).sum(axis=0))


def test_targets_at_reach_plus_minus_a_centimetre_in_dense_cells(rng):
    # Boundary targets among thousands of others, so that they sit in small cells.
    g = oracle_geodesic()
    o_lon, o_lat, t_lon, t_lat = _dense_case(rng, n_o=80, n_t=6000)
    reach = 150e3
    pts = [
        g.Direct(float(o_lat[j]), float(o_lon[j]), float(az), reach + dr)
        for j in range(80)
        for az, dr in zip(rng.uniform(-180, 180, 4), (-0.01, 0.01, -0.01, 0.01))
    ]
    b_lon, b_lat = np.array([p["lon2"] for p in pts]), np.array([p["lat2"] for p in pts])
    t_lon, t_lat = np.r_[t_lon, b_lon], np.r_[t_lat, b_lat]
    idx = OriginIndex(o_lon, o_lat, reach=reach)
    _, dist = idx.nearest(t_lon, t_lat)
    want = oracle_matrix(o_lon, o_lat, b_lon, b_lat).min(axis=1)
    np.testing.assert_allclose(dist[-b_lon.size :], want, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(dist[-b_lon.size :] <= reach, want <= reach)
    assert CELL_MAX >= 2


def test_read_only_targets_are_read_not_written(rng):
    # The one-thread solves write over their own gathers; the caller's arrays, even
    # read-only ones, are only read (the per-target path too).
    from rangecov.engine.search import Points, SearchStats, Tree, best_margin

    ell = rangecov.get_ellipsoid("WGS84")
    o_lon, o_lat = rng.uniform(20, 40, 50), rng.uniform(40, 60, 50)
    x, y = rng.uniform(20, 40, 300), rng.uniform(40, 60, 300)
    x.flags.writeable = False
    y.flags.writeable = False
    before = (x.copy(), y.copy())
    sub = Tree.of(Points(o_lon, o_lat, ell.ecef(o_lon, o_lat)), np.arange(50), np.zeros(50))
    m, _, _ = best_margin(ell, sub, Points(x, y, ell.ecef(x, y)), 1, SearchStats())
    np.testing.assert_array_equal(-m, _brute(o_lon, o_lat, x, y).min(axis=1))
    _, dist = OriginIndex(o_lon, o_lat, workers=1).nearest(x, y)
    np.testing.assert_array_equal(dist, -m)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(y, before[1])
