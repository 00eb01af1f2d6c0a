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
    m, _, _ = best_margin(ell, sub, Points(x, y, ell.ecef(x, y)), workers=1, stats=SearchStats())
    np.testing.assert_array_equal(-m, _brute(o_lon, o_lat, x, y).min(axis=1))
    _, dist = OriginIndex(o_lon, o_lat, workers=1).nearest(x, y)
    np.testing.assert_array_equal(dist, -m)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(y, before[1])
