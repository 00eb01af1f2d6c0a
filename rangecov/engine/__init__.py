"""The exact nearest-origin search on plain arrays: an origin index built once, queried many times.

Numbers in, numbers out: longitudes and latitudes in degrees as numpy arrays,
distances in metres, origins named by their position. No pandas, geopandas or
shapely objects, so it runs chunk by chunk over targets read from files, on
dask workers (an :class:`OriginIndex` pickles to its arrays and rebuilds its
trees where it lands), or inside a service.

The search, and why it is exact (each step is in ``docs/exactness.md``):

1. Origins and targets are placed in Earth-centred Cartesian coordinates and
   the origins go into a k-d tree (``scipy.spatial.cKDTree``).
2. For each target the tree gives the origins nearest by chord. The exact
   geodesic ``s1`` to the first is computed (Karney's algorithm, step 0).
3. Every other origin has geodesic ``>= chord`` (step 1) and ``>= b * theta``
   (step 2). Only origins with chord within ``C(s1)`` can be nearer (step
   2a): they are collected from the 4 nearest, else the 16 nearest, else a
   ball query; those whose lower bound exceeds ``s1`` are dropped, and the
   rest are measured exactly (step 3).

So every target gets its exact nearest geodesic distance, with one Karney
solve per target plus a few for the rare ties; no target is decided by a
bound alone. Per-origin reach maximises ``reach_j - s_j`` instead of
minimising ``s_j``, with the same bounds; counts per origin use the upper
bound of step 4 to count whole boxes of targets.

Examples
--------
>>> import numpy as np
>>> from rangecov.engine import OriginIndex
>>> idx = OriginIndex([34.80, 36.23], [50.91, 49.99], reach=305_775.36)
>>> pos, dist = idx.nearest(np.array([36.2956, 46.2106]), np.array([51.7506, 51.4811]))
>>> pos.tolist(), np.round(dist / 1000, 1).tolist()
([0, 1], [140.0, 723.2])
>>> o, t, d = idx.pairs_within(np.array([36.2956, 46.2106]), np.array([51.7506, 51.4811]))
>>> o.tolist(), t.tolist()
([0, 1], [0, 0])
"""

from __future__ import annotations

# The index (index.py) runs the search (search.py) and counts (counts.py); only
# the names below are the engine's public contract.
from .index import OriginIndex
from .search import SearchStats

__all__ = ["OriginIndex", "SearchStats"]
