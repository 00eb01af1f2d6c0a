"""rangecov.engine.OriginIndex on plain arrays, against pure-Python geographiclib.

Every answer is compared with brute force over all (origin, target) pairs:
targets at reach ± 1 cm, across ±180°, at and near both poles, near-antipodal
pairs and reach beyond half the meridian; then pickling, threads and bad input.
"""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from conftest import oracle_geodesic, oracle_matrix

from rangecov.engine import OriginIndex, SearchStats
from rangecov.errors import InputError


def _world(rng, n):
    """Points over the whole globe plus the awkward places: the poles, ±180°, antipodes."""
    lon = rng.uniform(-180, 180, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon[:6] = [180.0, -180.0, 179.9999, 0.0, 12.0, -170.0]
    lat[:6] = [10.0, -10.0, 0.0, 90.0, -90.0, 89.9999]
    return lon, lat


def _near_boundary(rng, o_lon, o_lat, reach, per_origin=4):
    """Targets exactly reach ± 1 cm from each origin (oracle Direct), in every direction."""
    g = oracle_geodesic()
    lon, lat = [], []
    for x, y, r in zip(o_lon, o_lat, np.broadcast_to(reach, o_lon.shape)):
        for az in rng.uniform(-180, 180, per_origin):
            for d in (r - 0.01, r + 0.01):
                p = g.Direct(float(y), float(x), float(az), float(d))
                lon.append(p["lon2"])
                lat.append(p["lat2"])
    return np.array(lon), np.array(lat)


@pytest.fixture
def case(rng):
    o_lon, o_lat = _world(rng, 40)
    o_lon = np.r_[o_lon, o_lon[7]]  # a duplicate origin
    o_lat = np.r_[o_lat, o_lat[7]]
    b_lon, b_lat = _near_boundary(rng, o_lon[:10], o_lat[:10], 1_500_000.0)
    t_lon, t_lat = _world(rng, 150)
    # Antipodes of some origins, and points on origins.
    t_lon = np.r_[t_lon, b_lon, o_lon[10:14] - 180.0, o_lon[14:16]]
    t_lat = np.r_[t_lat, b_lat, -o_lat[10:14], o_lat[14:16]]
    return o_lon, o_lat, t_lon, t_lat, oracle_matrix(o_lon, o_lat, t_lon, t_lat)


def test_nearest_matches_brute_force(case):
    o_lon, o_lat, t_lon, t_lat, d = case
    pos, dist, stats = OriginIndex(o_lon, o_lat).nearest(t_lon, t_lat, return_stats=True)
    np.testing.assert_allclose(dist, d.min(axis=1), rtol=0, atol=1e-6)
    np.testing.assert_allclose(d[np.arange(len(t_lon)), pos], dist, rtol=0, atol=1e-6)
    assert isinstance(stats, SearchStats) and stats.targets == len(t_lon)
    assert stats.exact_solves >= len(t_lon)
    assert (dist[-2:] == 0.0).all() and not np.signbit(dist[-2:]).any()  # on an origin: +0.0


@pytest.mark.parametrize("reach", [1_500_000.0, 20_000_000.0, 0.0])
def test_pairs_within_matches_brute_force(case, reach):
    o_lon, o_lat, t_lon, t_lat, d = case
    po, pt, s = OriginIndex(o_lon, o_lat, reach=reach).pairs_within(t_lon, t_lat)
    want_t, want_o = np.nonzero(d <= reach)  # row-major: by target, then origin
    np.testing.assert_array_equal(pt, want_t)
    np.testing.assert_array_equal(po, want_o)
    np.testing.assert_allclose(s, d[want_t, want_o], rtol=0, atol=1e-6)


def test_pairs_within_per_origin_reach_and_override(case, rng):
    o_lon, o_lat, t_lon, t_lat, d = case
    reach = rng.choice([0.0, 800e3, 1_500_000.0, 5e6], len(o_lon))
    idx = OriginIndex(o_lon, o_lat, reach=reach)
    po, pt, _ = idx.pairs_within(t_lon, t_lat)
    want_t, want_o = np.nonzero(d <= reach[None, :])
    np.testing.assert_array_equal(np.c_[pt, po], np.c_[want_t, want_o])
    po, pt, _ = idx.pairs_within(t_lon, t_lat, reach=2e6)  # a reach given to the query wins
    want_t, want_o = np.nonzero(d <= 2e6)
    np.testing.assert_array_equal(np.c_[pt, po], np.c_[want_t, want_o])


def test_margins_counts_and_ratios_match_brute_force(case, rng):
    o_lon, o_lat, t_lon, t_lat, d = case
    reach = rng.choice([0.0, 800e3, 1_500_000.0, 5e6], len(o_lon))
    idx = OriginIndex(o_lon, o_lat, reach=reach)
    margin, arg = idx.max_margin(t_lon, t_lat)
    want = (reach[None, :] - d).max(axis=1)
    np.testing.assert_allclose(margin, want, rtol=0, atol=1e-6)
    np.testing.assert_allclose(reach[arg] - d[np.arange(len(t_lon)), arg], want, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(idx.count_within(t_lon, t_lat), (d <= reach[None, :]).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(reach[None, :] > 0, d / np.where(reach > 0, reach, 1.0), np.where(d == 0, 0.0, np.inf))
    np.testing.assert_allclose(idx.min_ratio(t_lon, t_lat), ratio.min(axis=1), rtol=1e-12, atol=1e-12)


def test_many_reach_values_use_one_tree_and_agree(case, rng):
    o_lon, o_lat, t_lon, t_lat, d = case
    reach = rng.uniform(1e5, 3e6, len(o_lon))  # more distinct values than per-value trees
    margin, _ = OriginIndex(o_lon, o_lat, reach=reach).max_margin(t_lon, t_lat)
    np.testing.assert_allclose(margin, (reach[None, :] - d).max(axis=1), rtol=0, atol=1e-6)


def test_pickles_to_arrays_and_answers_the_same(case):
    o_lon, o_lat, t_lon, t_lat, _ = case
    idx = OriginIndex(o_lon, o_lat, reach=1e6, ellipsoid="WGS84", workers=1)
    before = idx.nearest(t_lon, t_lat)  # builds a tree; the pickle must not carry it
    payload = pickle.dumps(idx)
    assert len(payload) < 4 * o_lon.nbytes + 2000
    back = pickle.loads(payload)
    assert back.workers == 1 and back.ellipsoid.name == "WGS84" and len(back) == len(idx)
    for a, b in zip(back.nearest(t_lon, t_lat), before):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(back.pairs_within(t_lon, t_lat), idx.pairs_within(t_lon, t_lat)):
        np.testing.assert_array_equal(a, b)


def test_one_index_from_many_threads_at_once(rng):
    o_lon, o_lat = _world(rng, 500)
    t_lon, t_lat = _world(rng, 20_000)
    idx = OriginIndex(o_lon, o_lat, reach=np.where(np.arange(500) % 2, 3e5, 7e5))
    # Nothing built yet: the threads race to build the same trees.
    jobs = [idx.nearest, idx.max_margin, idx.nearest, idx.max_margin, idx.min_ratio, idx.count_within] * 2
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda f: f(t_lon, t_lat), jobs))
    fresh = OriginIndex(o_lon, o_lat, reach=idx.reach, workers=1)
    for f, got in zip(jobs, results):
        want = getattr(fresh, f.__name__)(t_lon, t_lat)
        for a, b in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            np.testing.assert_array_equal(a, b)


def test_empty_inputs():
    idx = OriginIndex([], [], reach=[])
    pos, dist = idx.nearest([1.0, 2.0], [3.0, 4.0])
    assert pos.tolist() == [-1, -1] and np.isinf(dist).all()
    assert [a.size for a in idx.pairs_within([1.0], [2.0])] == [0, 0, 0]
    assert np.isinf(idx.min_ratio([1.0], [2.0])).all()
    pos, dist = OriginIndex([1.0], [2.0]).nearest([], [])
    assert pos.size == dist.size == 0


def test_coordinates_are_copied_and_read_only():
    lon, lat = np.array([10.0, 20.0]), np.array([0.0, 5.0])
    idx = OriginIndex(lon, lat, reach=[1e5, 2e5])
    lon[0] = 99.0  # the caller's array stays theirs
    assert idx.lon[0] == 10.0
    with pytest.raises(ValueError, match="read-only"):
        idx.lon[0] = 1.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lon": [0.0, 1.0], "lat": [0.0]}, "same length"),
        ({"lon": [0.0, np.nan], "lat": [0.0, 1.0]}, "must be finite"),
        ({"lon": [0.0], "lat": [91.0]}, r"within ±90°"),
        ({"lon": [0.0], "lat": [0.0], "reach": -1.0}, "reach must be finite and not negative"),
        ({"lon": [0.0, 1.0], "lat": [0.0, 1.0], "reach": [1.0, 2.0, 3.0]}, "one per origin"),
        ({"lon": [0.0], "lat": [0.0], "workers": 0}, "workers must be a whole number"),
        ({"lon": [0.0], "lat": [0.0], "ellipsoid": "WGS-84"}, "not known"),
        ({"lon": ["a"], "lat": [0.0]}, "arrays of numbers"),
    ],
)
def test_bad_input_names_the_argument(kwargs, message):
    args = {k: kwargs.pop(k) for k in ("lon", "lat")}
    with pytest.raises((ValueError, TypeError), match=message):
        OriginIndex(args["lon"], args["lat"], **kwargs)


def test_queries_needing_a_reach_say_so():
    idx = OriginIndex([0.0], [0.0])
    for query in (idx.pairs_within, idx.max_margin, idx.count_within, idx.min_ratio):
        with pytest.raises(InputError, match=r"needs the origins' reach: OriginIndex\(lon, lat, reach=...\)"):
            query([1.0], [1.0])
    with pytest.raises(InputError, match=r"target latitudes must be within ±90°"):
        idx.nearest([0.0], [100.0])


def test_reach_as_a_series_or_range_and_a_registered_ellipsoid_object():
    import pandas as pd

    from rangecov import get_ellipsoid
    from rangecov.geodesy.ellipsoid import Ellipsoid

    a = OriginIndex(pd.Series([0.0, 1.0]), pd.Series([0.0, 1.0]), reach=pd.Series([1e5, 2e5]))
    b = OriginIndex([0.0, 1.0], [0.0, 1.0], reach=range(2), ellipsoid=get_ellipsoid("GRS80"))
    assert a.reach.tolist() == [1e5, 2e5] and b.reach.tolist() == [0.0, 1.0]
    assert pickle.loads(pickle.dumps(b)).ellipsoid == get_ellipsoid("GRS80")
    # An ellipsoid its name would not give back could not travel in a pickle: refused.
    wgs = get_ellipsoid("WGS84")
    fake = Ellipsoid(name="WGS84", a=wgs.a + 1.0, b=wgs.b, f=wgs.f, geod=wgs.geod)
    with pytest.raises(InputError, match="ellipsoid must be a name pyproj knows"):
        OriginIndex([0.0], [0.0], ellipsoid=fake)
