"""Calls from many threads at once on shared inputs give the answers of serial calls, bit for bit.

A library inside a service (a web map's "what is in range?" endpoint) is
called from several threads at once; nothing in rangecov may keep state
between calls or change what it is given.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd

import rangecov

THREADS = 8


def _inputs():
    s = rangecov.datasets.atacms_kursk_2024()
    rng = np.random.default_rng(11)
    n = 10_000
    targets = gpd.GeoDataFrame(
        {"k": rng.integers(0, 4, n)},
        geometry=gpd.points_from_xy(rng.uniform(25, 50, n), rng.uniform(42, 58, n)),
        crs="EPSG:4326",
    )
    return s, targets


def _calls(s, targets):
    """One call of each kind: (name, function) pairs whose results are compared."""
    return [
        ("points", lambda: rangecov.coverage(s.launch_sites, targets, "300 km").targets),
        ("per-origin reach", lambda: rangecov.coverage(s.launch_sites, targets, "reach").targets),
        ("band", lambda: rangecov.coverage(s.launch_sites, targets, ("250 km", "300 km")).targets),
        ("polygons", lambda: rangecov.coverage(s.launch_sites, s.regions, "190 mi", how="all").targets),
        ("buffer", lambda: rangecov.buffer(s.launch_sites, "190 mi")),
        ("area", lambda: rangecov.area_coverage(s.launch_sites, s.regions, "190 mi")),
    ]


def _same(a, b) -> bool:
    if isinstance(a, gpd.GeoSeries):
        return bool(a.geom_equals_exact(b, tolerance=0.0).all()) and a.index.equals(b.index)
    for column in a.columns:
        x, y = a[column], b[column]
        if isinstance(x.dtype, gpd.array.GeometryDtype):
            if not gpd.GeoSeries(x).geom_equals_exact(gpd.GeoSeries(y), tolerance=0.0).all():
                return False
        elif not x.equals(y):
            return False
    return a.index.equals(b.index)


def test_threads_give_the_serial_answers_and_change_nothing():
    s, targets = _inputs()
    before = [frame.copy() for frame in (s.launch_sites, s.regions, targets)]
    calls = _calls(s, targets)
    serial = {name: call() for name, call in calls}
    jobs = [(name, call) for name, call in calls for _ in range(2)]
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda job: (job[0], job[1]()), jobs))
    assert len(results) == len(jobs)
    for name, result in results:
        assert _same(result, serial[name]), name
    for original, frame in zip(before, (s.launch_sites, s.regions, targets)):
        pd.testing.assert_frame_equal(original, frame)
