"""Exact geodesic distance from points to geodesic segments (rangecov.geodesy.segment), at any separation
(docs/exactness.md, step 5)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import oracle_geodesic, oracle_segment

from rangecov.geodesy.ellipsoid import get_ellipsoid
from rangecov.geodesy.segment import Grid, Slope, cell_lower_bound, certify_far, segment_distance

ELL = get_ellipsoid("WGS84")


def far_cases(seed, n):
    """Segments of 1-3,000 km and points 9,000-20,000 km from a point of each."""
    rng = np.random.default_rng(seed)
    g = oracle_geodesic()
    out = []
    for _ in range(n):
        a = (rng.uniform(-180, 180), rng.uniform(-80, 80))
        line = g.Line(a[1], a[0], rng.uniform(0, 360))
        length = rng.uniform(1e3, 3e6)
        bq = line.Position(length)
        q = line.Position(rng.uniform(0, length))
        pq = g.Direct(q["lat2"], q["lon2"], rng.uniform(0, 360), rng.uniform(9e6, 2e7))
        out.append(((pq["lon2"], pq["lat2"]), a, (bq["lon2"], bq["lat2"])))
    return out


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
        got, _ = segment_distance(ELL, p[0], p[1], alon=a[0], alat=a[1], blon=b["lon2"], blat=b["lat2"])
        assert abs(float(got) - expect) <= 1e-3


def test_segment_distance_point_on_segment_is_zero():
    a, b = (10.0, 20.0), (12.0, 21.0)
    az, _, length = ELL.inverse(*a, *b)
    q = ELL.forward(a[0], a[1], az, 0.37 * length)
    d, t = segment_distance(ELL, q[0][0], q[1][0], alon=a[0], alat=a[1], blon=b[0], blat=b[1])
    assert float(d) <= 1e-6 and abs(float(t) - 0.37 * float(length[0])) <= 1e-5


@pytest.mark.parametrize("seed", [1, 2])
def test_segment_distance_far_from_the_segment(seed):
    for p, a, b in far_cases(seed, 10):
        got, _ = segment_distance(ELL, p[0], p[1], alon=a[0], alat=a[1], blon=b[0], blat=b[1])
        assert abs(float(got) - oracle_segment(p, a, b)) <= 1e-3


@pytest.mark.parametrize(
    "p, a, b",
    [
        ((0.0, 90.0), (0.0, 0.0), (30.0, 0.0)),  # every point of the equator is a quarter meridian from the pole
        ((10.0, 89.99), (0.0, 0.0), (120.0, 0.0)),  # nearly so, over a third of the equator
        ((-165.0, -0.3), (10.0, 0.2), (20.0, -0.1)),  # near the antipode of the segment's middle
        ((-170.0, 1.0), (0.0, 0.0), (20.0, 0.0)),  # the antipode of an end lies on the far side
        ((100.0, -45.0), (-80.0, 44.0), (-79.0, 46.0)),  # near-antipodal, off the equator
    ],
)
def test_segment_distance_flat_and_antipodal(p, a, b):
    got, _ = segment_distance(ELL, p[0], p[1], alon=a[0], alat=a[1], blon=b[0], blat=b[1])
    assert abs(float(got) - oracle_segment(p, a, b, samples=801)) <= 1e-3


@pytest.mark.parametrize("seed", [3, 4])
def test_branch_and_bound_alone_finds_the_far_minimum(seed):
    # From the two ends only (no grid, no narrowed roots) the splitting must still reach the minimum:
    # every cell it drops rests on the lower bound of the comparison, so a bound that ever exceeded
    # the truth would leave the result above the oracle's.
    for p, a, b in far_cases(seed, 6):
        az, _, length = ELL.inverse(a[0], a[1], b[0], b[1])
        slope = Slope(ELL, np.array([p[0]]), np.array([p[1]]), alon=np.array([a[0]]), alat=np.array([a[1]]), az=az)
        rows, t = np.zeros(2, dtype=np.intp), np.array([0.0, float(length[0])])
        g, s = slope(rows, t)
        best_s, best_t = certify_far(
            ELL,
            slope,
            Grid(rows, t, g, s),
            roots=(rows[:0], t[:0]),
            best_s=s.min(keepdims=True),
            best_t=t[[np.argmin(s)]],
        )
        assert abs(float(best_s[0]) - oracle_segment(p, a, b)) <= 2e-4


def test_cell_lower_bound_never_exceeds_the_distance():
    rng = np.random.default_rng(9)
    for p, a, b in far_cases(11, 12):
        az, _, length = ELL.inverse(a[0], a[1], b[0], b[1])
        slope = Slope(ELL, np.array([p[0]]), np.array([p[1]]), alon=np.array([a[0]]), alat=np.array([a[1]]), az=az)
        t0 = rng.uniform(0, length[0], 20)
        t1 = np.minimum(t0 + rng.uniform(1e3, 1e6, 20), length[0])
        rows = np.zeros(20, dtype=np.intp)
        (g0, s0), (g1, s1) = slope(rows, t0), slope(rows, t1)
        low = cell_lower_bound(ELL, t1 - t0, s0, s1, g0=g0, g1=g1)
        inside = np.linspace(0, 1, 41)[None, :] * (t1 - t0)[:, None] + t0[:, None]
        _, s_in = slope(np.zeros(inside.size, dtype=np.intp), inside.ravel())
        assert np.all(low <= s_in.reshape(20, 41).min(axis=1) + 1e-9)
        assert np.all(
            low[np.isfinite(low)]
            > s_in.reshape(20, 41).min(axis=1)[np.isfinite(low)] - 0.01 * (t1 - t0)[np.isfinite(low)] - 1e3
        )
