"""The installed version of rangecov (``rangecov.__version__``)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _distribution_version

__all__ = ["__version__"]

try:
    __version__ = _distribution_version("rangecov")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"
