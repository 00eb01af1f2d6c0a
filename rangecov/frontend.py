"""What a front end needs beyond the public API: the result vocabulary and a few checked steps.

The ``rangecov`` command (:mod:`rangecov.cli`) imports the library only
through the package root (``rangecov.coverage``, ``rangecov.read``, ...), the
public faces of :mod:`rangecov.io`, :mod:`rangecov.plot`, :mod:`rangecov.engine`,
:mod:`rangecov.datasets` and :mod:`rangecov.demo`, and this module
(``tests/test_layout.py`` holds it to that). A new front end (a web
endpoint, a QGIS plugin) may use it the same way: its names are kept when the
modules behind them move.

- The result vocabulary: every name of :mod:`rangecov.base.schema` (column
  names such as :data:`DISTANCE_M`, the statuses, the JSON documents and
  :func:`format_share`, :func:`format_weight`, :func:`json_number`,
  :func:`json_value`).
- :func:`is_remote`, :func:`refuse_remote`: the one rule for URLs and GDAL
  network paths; :data:`CHUNK_ROWS`, the rows of a streamed chunk by default.
- Loaded on first use (they bring geopandas): :func:`point_lonlat` (a frame's
  points as lon/lat arrays, checked), :func:`per_row_distance` (a distance or
  a column of distances), :func:`polygonal` (the polygons of a geometry),
  :func:`geodesic_area` (the ellipsoidal area of a lon/lat polygon) and
  :func:`common_tolerance` (one tolerance for regions drawn together).

>>> from rangecov import frontend
>>> frontend.STATUS_CATEGORIES, frontend.format_share(0.25)
(('in', 'marginal', 'out'), '25.0%')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base.remote import is_remote, refuse_remote
from .base.schema import *  # noqa: F403 -- the whole vocabulary, by design
from .base.schema import __all__ as _VOCABULARY
from .base.tuning import CHUNK_ROWS

# Name -> the module that defines it, imported on first use (as the package root does).
_LAZY = {
    "point_lonlat": "inputs.frames",
    "per_row_distance": "inputs.frames",
    "common_tolerance": "inputs.options",
    "polygonal": "base.lonlat",
    "geodesic_area": "geometry.drawing",
}

__all__ = [*_VOCABULARY, "is_remote", "refuse_remote", "CHUNK_ROWS", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"rangecov.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    pass
