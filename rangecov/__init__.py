"""rangecov: exact geodesic reach coverage.

Which targets lie within reach of a set of origins, and what share is that —
on the WGS84 ellipsoid (or any other pyproj knows), exactly and fast.

The names below are loaded on first use (PEP 562), so ``import rangecov.engine``
or ``import rangecov.geodesy`` loads neither pandas, geopandas nor matplotlib.
The layers and what each module owns: ``docs/architecture.md``.

>>> import rangecov
>>> rangecov.parse_distance("190 mi")
305775.36
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Public name -> the module that defines it.
_WHERE = {
    "coverage": "cover",
    "area_coverage": "area",
    "raster_coverage": "raster",
    "place": "placement",
    "Placement": "placement",
    "candidate_grid": "coverage_sets",
    "buffer": "regions",
    "reach": "regions",
    "rings": "regions",
    "compare": "comparison",
    "Comparison": "comparison",
    "default_tolerance": "reaches",
    "CoverageReport": "report",
    "stream_coverage": "streaming",
    "StreamedCoverage": "streaming",
    "read": "io",
    "parse_distance": "units",
    "format_distance": "units",
    "Distance": "units",
    "Reach": "units",
    "get_ellipsoid": "geodesy",
    "ellipsoid_names": "geodesy",
    "Ellipsoid": "geodesy",
    "__version__": "version",
}
# Submodules reachable as attributes without an import of their own.
_SUBMODULES = ("datasets", "engine", "errors", "geodesy", "units", "io", "plot")

__all__ = [
    "coverage",
    "area_coverage",
    "raster_coverage",
    "place",
    "Placement",
    "candidate_grid",
    "buffer",
    "reach",
    "rings",
    "compare",
    "Comparison",
    "default_tolerance",
    "CoverageReport",
    "stream_coverage",
    "StreamedCoverage",
    "read",
    "parse_distance",
    "format_distance",
    "get_ellipsoid",
    "ellipsoid_names",
    "Ellipsoid",
    "Distance",
    "Reach",
    "datasets",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))


if TYPE_CHECKING:  # static type checkers and IDEs see the names directly
    from . import datasets
    from . import engine as engine
    from . import errors as errors
    from . import geodesy as geodesy
    from . import io as io
    from . import plot as plot
    from . import units as units
    from .area import area_coverage
    from .comparison import Comparison, compare
    from .cover import coverage
    from .coverage_sets import candidate_grid
    from .geodesy import Ellipsoid, ellipsoid_names, get_ellipsoid
    from .io import read
    from .placement import Placement, place
    from .raster import raster_coverage
    from .reaches import default_tolerance
    from .regions import buffer, reach, rings
    from .report import CoverageReport
    from .streaming import StreamedCoverage, stream_coverage
    from .units import Distance, Reach, format_distance, parse_distance
    from .version import __version__
