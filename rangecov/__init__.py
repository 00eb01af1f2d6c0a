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
    "coverage": "cover.entry",
    "area_coverage": "regions.area",
    "raster_coverage": "regions.raster",
    "place": "placement.sites",
    "Placement": "placement.sites",
    "candidate_grid": "placement.candidates",
    "buffer": "regions.buffering",
    "reach": "regions.buffering",
    "rings": "regions.buffering",
    "compare": "results.comparison",
    "Comparison": "results.comparison",
    "default_tolerance": "inputs.options",
    "CoverageReport": "results.report",
    "stream_coverage": "cover.streaming",
    "StreamedCoverage": "cover.streaming",
    "dask_coverage": "cover.dask_frames",
    "read": "io",
    "parse_distance": "units",
    "format_distance": "units",
    "Distance": "units",
    "Reach": "units",
    "get_ellipsoid": "geodesy.ellipsoid",
    "ellipsoid_names": "geodesy.ellipsoid",
    "Ellipsoid": "geodesy.ellipsoid",
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
    "dask_coverage",
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
    from .cover.dask_frames import dask_coverage
    from .cover.entry import coverage
    from .cover.streaming import StreamedCoverage, stream_coverage
    from .geodesy.ellipsoid import Ellipsoid, ellipsoid_names, get_ellipsoid
    from .inputs.options import default_tolerance
    from .io import read
    from .placement.candidates import candidate_grid
    from .placement.sites import Placement, place
    from .regions.area import area_coverage
    from .regions.buffering import buffer, reach, rings
    from .regions.raster import raster_coverage
    from .results.comparison import Comparison, compare
    from .results.report import CoverageReport
    from .units import Distance, Reach, format_distance, parse_distance
    from .version import __version__
