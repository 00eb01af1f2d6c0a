"""Geodesic edges drawn in longitude/latitude (rangecov.geometry.edges)."""

from __future__ import annotations

import numpy as np
import pytest

from rangecov.errors import UnsupportedError
from rangecov.geometry import edges


def test_refinement_stops_at_its_vertex_budget():
    # A deviation that never passes: the refinement gives up with a clear error, not with all memory.
    def trace(o, t):
        return t.copy(), np.zeros_like(t)

    def never(o, lon1, lat1, lon2, lat2):
        return np.ones_like(lon1)

    start = np.zeros(3, dtype=np.intp), np.array([0.0, 0.5, 1.0])
    with pytest.raises(UnsupportedError, match="more than 1,000 vertices on one curve; use a larger tolerance"):
        edges.refine(*start, *trace(*start), trace=trace, deviation=never, limit=np.array([0.5]), max_vertices=1000)
