"""Property tests: brute-force equality on small random sets, monotonicity, permutation."""

from __future__ import annotations

import numpy as np
from conftest import check_against_oracle, points
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rangecov

lon = st.floats(-180, 180, allow_nan=False)
lat = st.floats(-90, 90, allow_nan=False)
coords = st.lists(st.tuples(lon, lat), min_size=1, max_size=8)
reach_m = st.floats(0, 20_100_000, allow_nan=False)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(pairs):
    x, y = zip(*pairs)
    return points(list(x), list(y))


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), reach_m)
def test_equals_brute_force(o, t, reach):
    check_against_oracle(frame(o), frame(t), reach, low=reach)


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), st.lists(reach_m, min_size=8, max_size=8))
def test_per_origin_reach_equals_brute_force(o, t, reaches):
    origins = frame(o).assign(reach=reaches[: len(o)])
    check_against_oracle(origins, frame(t), "reach", low=np.array(reaches[: len(o)]))


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), reach_m, reach_m)
def test_growing_reach_never_loses_a_target(o, t, r1, r2):
    small, large = sorted((r1, r2))
    a = rangecov.coverage(frame(o), frame(t), small).targets["in_reach"]
    b = rangecov.coverage(frame(o), frame(t), large).targets["in_reach"]
    assert not (a & ~b).any()


@SETTINGS
@given(coords, st.lists(st.tuples(lon, lat), min_size=1, max_size=15), reach_m, st.randoms())
def test_permuting_origins_changes_nothing(o, t, reach, random):
    perm = list(range(len(o)))
    random.shuffle(perm)
    origins = frame(o)
    a = rangecov.coverage(origins, frame(t), reach).targets
    b = rangecov.coverage(origins.iloc[perm], frame(t), reach).targets
    np.testing.assert_array_equal(a["status"], b["status"])
    np.testing.assert_array_equal(a["distance_m"], b["distance_m"])
    np.testing.assert_array_equal(a["margin_m"], b["margin_m"])
