"""rangecov: exact geodesic reach coverage.

Which targets lie within reach of a set of origins, and what share is that —
on the WGS84 ellipsoid (or any other pyproj knows), exactly and fast.

>>> import rangecov
>>> rangecov.parse_distance("190 mi")
305775.36
"""

from importlib.metadata import PackageNotFoundError, version

from . import datasets
from .area import area_coverage
from .buffer import buffer, default_tolerance, reach, rings
from .compare import Comparison, compare
from .coverage import coverage
from .geodesy import Ellipsoid, ellipsoid_names, get_ellipsoid
from .io import read
from .report import CoverageReport
from .units import format_distance, parse_distance

try:
    __version__ = version("rangecov")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

__all__ = [
    "coverage",
    "area_coverage",
    "buffer",
    "reach",
    "rings",
    "compare",
    "Comparison",
    "default_tolerance",
    "CoverageReport",
    "read",
    "parse_distance",
    "format_distance",
    "get_ellipsoid",
    "ellipsoid_names",
    "Ellipsoid",
    "datasets",
    "__version__",
]
