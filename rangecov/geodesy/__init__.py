"""The geodesy layer: the ellipsoid, Karney's solutions and the bounds that prune them.

:mod:`rangecov.geodesy.ellipsoid` holds the model (:class:`Ellipsoid`, the chord
bounds of ``docs/exactness.md`` steps 1-4); :mod:`rangecov.geodesy.segment`
the exact distance from points to geodesic segments (step 5). Arrays in,
arrays out: nothing here loads pandas, geopandas or shapely.
"""

from __future__ import annotations

from .ellipsoid import Ellipsoid, ellipsoid_names, get_ellipsoid
from .segment import segment_distance

__all__ = ["Ellipsoid", "get_ellipsoid", "ellipsoid_names", "segment_distance"]
