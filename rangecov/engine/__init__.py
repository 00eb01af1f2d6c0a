"""The exact nearest-origin search on plain arrays: an origin index built once, queried many times.

Numbers in, numbers out: longitudes and latitudes in degrees as numpy arrays,
distances in metres, origins named by their position. No pandas, geopandas or
shapely objects, so it runs chunk by chunk over targets read from files, on
dask workers (an :class:`OriginIndex` pickles to its arrays and rebuilds its
trees where it lands), or inside a service.

The search, and why it is exact (each step is in ``docs/exactness.md``):

1. Origins go into a k-d tree over Earth-centred Cartesian coordinates
   (``scipy.spatial.cKDTree``); one tree per reach value for margins.
2. Targets are binned into longitude/latitude cells. Each cell asks the tree
   once, from its centre, for every origin that can be nearest to *some*
   target in it: the chord from the centre to any point of the cell is
   bounded, so the chord bounds hold for the whole cell (step 3b). Most
   cells near the origins keep one candidate.
3. A target whose cell has one candidate gets one exact geodesic solve
   (Karney's algorithm, step 0). With a few, the best by chord is solved;
   the others are solved only if no lower bound rules them out: the chord
   (step 1), ``b * theta`` (step 2), and a bound from the solved pair and
   the geodesic between the two origins (step 3c). Cells with many
   candidates send their targets to a per-target k-d search (step 3).

So every target gets its exact nearest geodesic distance, with one Karney
solve per target plus a few for near-ties; no target is decided by a bound
alone. Per-origin reach maximises ``reach_j - s_j`` instead of minimising
``s_j``, with the same bounds; counts per origin use the upper bound of
step 4 to count whole cells of targets. Large queries use every thread the
index was given, on every stage.

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

# The index (index.py) runs the search (cells.py, search.py) and counts
# (counts.py); only the names below are the engine's public contract.
# pairs_within_chord is what rangecov.geometry needs of it: the k-d query of
# (point, vertex) pairs within a chord, on the engine's threads.
from .index import OriginIndex
from .search import SearchStats, pairs_within_chord

__all__ = ["OriginIndex", "SearchStats", "pairs_within_chord"]
