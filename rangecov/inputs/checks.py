"""Checks of the options that say how targets are judged: ``how=``, ``min_covered=``, polygons where an area is needed."""

from __future__ import annotations

import numbers

import numpy as np
import shapely

from ..errors import InputError
from .frames import describe_labels

__all__ = ["HOW", "check_how", "check_polygons"]

HOW = ("any", "all", "centroid", "area")


def check_how(how: str, min_covered: float) -> None:
    """``how=`` and ``min_covered=`` as :func:`rangecov.coverage` takes them, or a ValueError naming them."""
    if how not in HOW:
        raise InputError(f"how={how!r} is not one of {', '.join(map(repr, HOW))}")
    if isinstance(min_covered, bool) or not isinstance(min_covered, numbers.Real) or not 0 < min_covered <= 1:
        raise InputError(f"min_covered must be a share in (0, 1], got {min_covered!r}")


def check_polygons(values: np.ndarray, index, argname: str, why: str) -> None:
    """Refuse any geometry of ``values`` that is not a polygon or multipolygon, naming the rows by ``index``."""
    kinds = np.asarray(shapely.get_type_id(values))
    bad = (kinds != shapely.GeometryType.POLYGON) & (kinds != shapely.GeometryType.MULTIPOLYGON)
    if bad.any():
        raise InputError(f"{argname} must be polygons {why}; found other geometry at {describe_labels(index[bad])}")
