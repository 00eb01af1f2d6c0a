"""The ellipsoid, exact distances and the chord bounds (rangecov.geodesy.ellipsoid), checked against geographiclib.

Each step of the exactness argument in docs/exactness.md."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
from conftest import oracle_geodesic

import rangecov
from rangecov.errors import InputError


def random_pairs(rng, n, antipodal_share=0.3):
    lon1 = rng.uniform(-180, 180, n)
    lat1 = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon2 = rng.uniform(-180, 180, n)
    lat2 = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    k = int(n * antipodal_share)
    # Near-antipodal pairs, where the chord bound is weakest and bound 3 stops applying.
    lon2[:k] = lon1[:k] + 180 + rng.normal(0, 2, k)
    lat2[:k] = np.clip(-lat1[:k] + rng.normal(0, 2, k), -90, 90)
    return lon1, lat1, lon2, lat2


ELLIPSOIDS = ["WGS84", "sphere", "clrk66"]


def test_bad_ellipsoid(origins, targets):
    with pytest.raises(InputError, match=r"ellipsoid 'WGS-84' is not known; accepted names: .*WGS84"):
        rangecov.coverage(origins, targets, 1000, ellipsoid="WGS-84")


@pytest.mark.parametrize("ellipsoid", ["WGS84", "sphere", "clrk66"])
def test_bounds_hold(rng, ellipsoid):
    ell = rangecov.get_ellipsoid(ellipsoid)
    g = oracle_geodesic(ellipsoid)
    lon1, lat1, lon2, lat2 = random_pairs(rng, 3000)
    s = np.array([g.Inverse(a, b, c, d)["s12"] for a, b, c, d in zip(lat1, lon1, lat2, lon2)])
    p, q = ell.ecef(lon1, lat1), ell.ecef(lon2, lat2)
    chord = np.linalg.norm(p - q, axis=1)
    tol = 1e-7  # metres of floating-point slack
    # Bound 1: chord <= geodesic.
    assert (chord <= s + tol).all()
    # Bound 2: b * theta <= geodesic (and the combined lower bound).
    assert (ell.lower_bound(p, q) <= s + tol).all()
    # Step 2a: the chord of any pair within s is at most chord_reach(s), and
    # so every pair the search must consider is inside that radius; also for
    # pairs at the poles and on the equator.
    assert (chord <= ell.chord_reach(s)).all()
    extra = np.array([[0, 90, 0, -90], [10, 90, 170, 89.9], [0, 0, 180, 0], [0, 0, 179.5, 0], [0, 0, 0, 90]])
    for lo1, la1, lo2, la2 in extra:
        pe, qe = ell.ecef(np.array([lo1]), np.array([la1])), ell.ecef(np.array([lo2]), np.array([la2]))
        se = g.Inverse(la1, lo1, la2, lo2)["s12"]
        assert np.linalg.norm(pe - qe) <= ell.chord_reach(se)
    # Bound 3: s <= 2 rho asin(c / 2 rho) wherever c < 2 rho.
    rho = ell.rho
    ok = chord < 2 * rho
    assert ok.sum() > 1000
    if ell.f > 0:
        assert (~ok).sum() > 10  # the near-antipodal regime is exercised too
    x = chord[ok] / (2 * rho)
    upper = 2 * rho * np.arcsin(x)
    # asin is ill-conditioned near 1: the chord's own rounding (~1e-9 m) is amplified
    # by 1/sqrt(1 - x^2), up to ~400 here. (The engine uses the well-conditioned
    # inverse, sin, below.) On the sphere the bound is an equality, so this matters.
    condition = 1 / np.sqrt(1 - x * x)
    assert (s[ok] <= upper + 1e-6 * condition).all()
    # ... and the chord radius that certifies "s <= reach" is sound.
    reach = s * rng.uniform(0.99, 1.01, s.size)
    certified = chord <= ell.chord_surely_within(reach)
    assert (s[certified] <= reach[certified]).all()
    assert 0.1 < certified.mean() < 0.9  # both outcomes are exercised


def test_distance_matches_geographiclib_to_a_micrometre(rng):
    ell = rangecov.get_ellipsoid("WGS84")
    g = oracle_geodesic()
    lon1, lat1, lon2, lat2 = random_pairs(rng, 3000, antipodal_share=0.5)
    # Exactly antipodal and polar cases too.
    lon1[:4], lat1[:4], lon2[:4], lat2[:4] = [0, 10, 0, 30], [0, 20, 90, -90], [180, -170, 77, 30], [0, -20, -90, 90]
    s = np.array([g.Inverse(a, b, c, d)["s12"] for a, b, c, d in zip(lat1, lon1, lat2, lon2)])
    np.testing.assert_allclose(ell.distance(lon1, lat1, lon2, lat2), s, rtol=0, atol=1e-6)


def test_threaded_distance_equals_serial(rng):
    ell = rangecov.get_ellipsoid("WGS84")
    lon1, lat1, lon2, lat2 = random_pairs(rng, 50_000)
    serial = ell.geod.inv(lon1, lat1, lon2, lat2)[2]
    np.testing.assert_array_equal(ell.distance(lon1, lat1, lon2, lat2), serial)


def test_ecef_matches_pyproj(rng):
    import pyproj

    ell = rangecov.get_ellipsoid("WGS84")
    lon, lat = rng.uniform(-180, 180, 100), rng.uniform(-90, 90, 100)
    tr = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    x, y, z = tr.transform(lon, lat, np.zeros(100))
    np.testing.assert_allclose(ell.ecef(lon, lat), np.column_stack([x, y, z]), rtol=0, atol=1e-6)


def test_chord_reach_is_tighter_than_the_distance_far_away():
    ell = rangecov.get_ellipsoid("WGS84")
    near, far = ell.chord_reach(np.array([300e3, 9_000e3]))
    assert near == pytest.approx(300e3, abs=1e-2)
    assert far < 8_400e3  # the search radius of a target 9,000 km from every origin
    sphere = rangecov.get_ellipsoid("sphere")
    # On a sphere it is the chord of the arc itself.
    assert sphere.chord_reach(9_000e3) == pytest.approx(2 * sphere.a * np.sin(9_000e3 / (2 * sphere.a)), rel=1e-9)


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


@pytest.mark.parametrize("ellipsoid", ["WGS84", "sphere", "clrk66"])
def test_lower_bound_around_holds_for_every_member_and_is_tight(rng, ellipsoid):
    # Step 3d: R anywhere (poles, ±180°), T from 10 km to 9,000 km, members of a group within 30%,
    # 1% or 0.01% of that: the bound of the group's box never exceeds any member's distance
    # (GeographicLib); for one member it is within a metre of the truth (a bound 1 m too
    # optimistic fails), and never below step 3c's by more than its second-order term.
    ell = rangecov.get_ellipsoid(ellipsoid)
    g = oracle_geodesic(ellipsoid)
    tight, finite = [], 0
    for i in range(150):
        r_lon = rng.choice([rng.uniform(-180, 180), 180.0, -179.99])
        r_lat = rng.choice([np.degrees(np.arcsin(rng.uniform(-1, 1))), 89.999, -90.0, 0.0])
        s = rng.choice([rng.uniform(1e4, 1e5), rng.uniform(1e5, 3e6), rng.uniform(3e6, 9e6)])
        t = g.Direct(r_lat, r_lon, rng.uniform(-180, 180), s)
        to_t = g.Inverse(r_lat, r_lon, t["lat2"], t["lon2"])
        radius = s * rng.choice([0.3, 0.01, 1e-4])
        qs = [g.Direct(r_lat, r_lon, rng.uniform(-180, 180), radius * rng.uniform(0, 1)) for _ in range(12)]
        steps = [g.Inverse(r_lat, r_lon, q["lat2"], q["lon2"]) for q in qs]
        length = np.array([v["s12"] for v in steps])
        az = np.array([v["azi1"] for v in steps])
        x, y = length * np.sin(np.radians(az)), length * np.cos(np.radians(az))
        truth = np.array([g.Inverse(t["lat2"], t["lon2"], q["lat2"], q["lon2"])["s12"] for q in qs])
        span = np.full(12, length.max())
        one = ell.lower_bound_around(
            np.full(12, to_t["s12"]), np.full(12, to_t["azi1"]), box=(x, x, y, y), longest=length, span=span
        )
        group = ell.lower_bound_around(
            to_t["s12"], to_t["azi1"], box=(x.min(), x.max(), y.min(), y.max()), longest=length.max(), span=span[0]
        )
        assert (truth >= one).all(), (i, truth - one)
        assert truth.min() >= group, (i, truth.min() - group)
        if np.isfinite(group):
            finite += 1
            assert group <= one.min()
            tight.append(np.min(truth - one))
    assert finite > 100
    assert np.min(tight) < 1.0 and np.median(tight) < 1.0


@pytest.mark.parametrize("ellipsoid", ["WGS84", "sphere", "clrk66"])
def test_distance_lower_is_below_every_geodesic_of_that_chord(rng, ellipsoid):
    # Step 2a inverted: random pairs from a metre to antipodal, poles and ±180°: never above
    # Karney's distance, and within 3 % of it near the antipode, where the chord is 36 % short.
    ell = rangecov.get_ellipsoid(ellipsoid)
    g = pyproj.Geod(ellps=ellipsoid)
    n = 4000
    lon1, lat1 = rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon2, lat2 = rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    lon2[:500], lat2[:500] = lon1[:500] + 180.0 + rng.normal(0, 0.5, 500), -lat1[:500]
    lat1[500:510], lat2[500:510] = 90.0, -90.0
    s = g.inv(lon1, lat1, lon2, lat2)[2]
    c = np.linalg.norm(ell.ecef(lon1, lat1) - ell.ecef(lon2, lat2), axis=1)
    bound = ell.distance_lower(c)
    assert (bound <= s).all()
    assert np.median((s - bound)[:500] / s[:500]) < 0.03 and np.median((s - c)[:500] / s[:500]) > 0.3
