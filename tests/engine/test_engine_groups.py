"""The hierarchy of groups of origins (rangecov.engine.groups, docs/exactness.md, step 3d), against brute force.

Dense origins (clusters within a kilometre, lines hundreds of kilometres
long, outlines of many close vertices) seen from near and far, across ±180°,
around the poles and from near their antipodes: every query whose radius
holds more than ``MORE_K`` origins takes the search through the hierarchy.
Karney's C solver on every pair is the reference (equal to the bit);
geographiclib checks a sample.
"""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
from conftest import oracle_matrix

from rangecov.engine import OriginIndex
from rangecov.engine.groups import hierarchy
from rangecov.engine.search import Points, Tree
from rangecov.geodesy import get_ellipsoid

GEOD = pyproj.Geod(ellps="WGS84")


def _brute(o_lon, o_lat, t_lon, t_lat):
    out = np.empty((t_lon.size, o_lon.size))
    for j in range(o_lon.size):
        out[:, j] = GEOD.inv(np.full(t_lon.size, o_lon[j]), np.full(t_lon.size, o_lat[j]), t_lon, t_lat)[2]
    return out


def _mix(rng, centre_lon, centre_lat):
    """A 1 km cluster, a 600 km line and a ring of close vertices about a centre, each a few hundred origins."""
    n = 150
    c_lon = centre_lon + rng.uniform(0, 0.012, n)
    c_lat = centre_lat + rng.uniform(0, 0.009, n)
    along = np.sort(rng.uniform(0, 600e3, n))
    az = rng.uniform(0, 360)
    l_lon, l_lat, _ = GEOD.fwd(np.full(n, centre_lon), np.full(n, centre_lat), np.full(n, az), along)
    ring_az = np.linspace(0, 360, n, endpoint=False)
    r_lon, r_lat, _ = GEOD.fwd(np.full(n, centre_lon), np.full(n, centre_lat), ring_az, np.full(n, 40e3))
    return np.r_[c_lon, l_lon, r_lon], np.r_[c_lat, l_lat, r_lat]


def _targets(rng, o_lon, o_lat, n=300):
    """Near (within the groups), far (up to 9,000 km) and near-antipodal targets of the origins."""
    pick = rng.integers(0, o_lon.size, n)
    dist = np.r_[
        rng.uniform(0, 50e3, n // 4),
        rng.uniform(50e3, 3e6, n // 4),
        rng.uniform(3e6, 9.5e6, n // 4),
        rng.uniform(1.9e7, 2.0e7, n - 3 * (n // 4)),
    ]
    t_lon, t_lat, _ = GEOD.fwd(o_lon[pick], o_lat[pick], rng.uniform(-180, 180, n), dist)
    return np.asarray(t_lon), np.asarray(t_lat)


CENTRES = [(35.0, 50.0), (179.995, -20.0), (-60.0, 89.5), (10.0, -89.9), (0.0, 0.0)]


@pytest.mark.parametrize("centre", CENTRES)
def test_dense_origins_match_brute_force(rng, centre):
    o_lon, o_lat = _mix(rng, *centre)
    t_lon, t_lat = _targets(rng, o_lon, o_lat)
    d = _brute(o_lon, o_lat, t_lon, t_lat)
    reach = rng.choice([100e3, 300e3, 2_000e3], o_lon.size)  # three values: a group per value
    index = OriginIndex(o_lon, o_lat, reach=reach)
    pos, dist, stats = index.nearest(t_lon, t_lat, return_stats=True)
    assert stats.ball > 0  # the hierarchy ran
    np.testing.assert_array_equal(dist, d.min(axis=1))
    np.testing.assert_array_equal(pos, np.argmin(d, axis=1))
    margin = reach[None, :] - d
    pos2, dist2, m, best = index.nearest_and_margin(t_lon, t_lat)
    np.testing.assert_array_equal(pos2, pos)
    np.testing.assert_array_equal(dist2, dist)
    np.testing.assert_array_equal(m, margin.max(axis=1))
    np.testing.assert_array_equal(best, np.argmax(margin, axis=1))
    np.testing.assert_array_equal(index.min_ratio(t_lon, t_lat), (d / reach[None, :]).min(axis=1))
    o, t, s = index.pairs_within(t_lon, t_lat)
    want_t, want_o = np.nonzero(d <= reach[None, :])
    np.testing.assert_array_equal(t, want_t)
    np.testing.assert_array_equal(o, want_o)
    np.testing.assert_array_equal(s, d[want_t, want_o])
    # And a sample against pure-Python geographiclib.
    few = rng.choice(t_lon.size, 25, replace=False)
    oracle = oracle_matrix(o_lon, o_lat, t_lon[few], t_lat[few])
    np.testing.assert_allclose(dist[few], oracle.min(axis=1), rtol=0, atol=1e-6)


def test_many_reach_values_and_one_reach(rng):
    # More than MAX_REACH_GROUPS values (bands of reach: margins across a group) and one reach.
    o_lon, o_lat = _mix(rng, 24.0, 47.0)
    t_lon, t_lat = _targets(rng, o_lon, o_lat, 200)
    d = _brute(o_lon, o_lat, t_lon, t_lat)
    for reach in (rng.uniform(50e3, 900e3, o_lon.size), np.full(o_lon.size, 300e3)):
        index = OriginIndex(o_lon, o_lat, reach=reach)
        margin = reach[None, :] - d
        m, best = index.max_margin(t_lon, t_lat)
        np.testing.assert_array_equal(m, margin.max(axis=1))
        np.testing.assert_array_equal(best, np.argmax(margin, axis=1))
        np.testing.assert_array_equal(index.min_ratio(t_lon, t_lat), (d / reach[None, :]).min(axis=1))


def test_hierarchy_groups_hold_their_members(rng):
    # Every member lies within its group's chord radius of the centre, at every level; the
    # reference is a member; the groups of a level split the members.
    ell = get_ellipsoid("WGS84")
    o_lon, o_lat = _mix(rng, -120.0, 33.0)
    points = Points(o_lon, o_lat, ell.ecef(o_lon, o_lat))
    tree = Tree.of(points, np.arange(o_lon.size), rng.uniform(0, 1e5, o_lon.size))
    h = hierarchy(tree)
    assert hierarchy(tree) is h  # built once
    assert np.array_equal(np.sort(h.order), np.arange(o_lon.size))
    for level in range(h.depth + 1):
        b = h.bounds(level)
        for i in range(2**level):
            g = 2**level - 1 + i
            members = h.order[b[i] : b[i + 1]]
            assert members.size > 0 and h.ref[g] in members
            gap = tree.points.xyz[members] - h.centre[g]
            assert (np.linalg.norm(gap, axis=1) <= h.radius[g]).all()
            assert h.reach[g] == tree.reach[members].max()
