"""The share in reach as a function of one common reach: where a curve is evaluated and the k for a share.

A report's curve comes from its exact per-target values (distances, or
factors for a reach per origin) in one pass; these helpers read the user's
points and shares.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import InputError
from ..units import parse_distance, share_fraction

__all__ = ["reach_points", "factor_points", "targets_needed"]


def targets_needed(share, total: int) -> int:
    """How many targets make ``share`` of ``total``: ``ceil(share * total)``, at least 1.

    Fraction keeps 0.9 * 10 at 9, not 9.000000000000002 (which would ask for
    10 targets); a share too small for one target still needs one.
    """
    return max(1, math.ceil(share_fraction(share) * total))


def reach_points(reaches, values: np.ndarray) -> np.ndarray:
    if reaches is None:
        return np.unique(values[np.isfinite(values)])
    if isinstance(reaches, (str, numbers.Real)):
        reaches = [reaches]
    out = []
    for r in reaches:
        try:
            out.append(parse_distance(r))
        except (TypeError, ValueError) as err:
            raise type(err)(f"reaches: {err}") from None
    return np.asarray(out, dtype=float)


def factor_points(factors, values: np.ndarray) -> np.ndarray:
    if factors is None:
        return np.unique(values[np.isfinite(values)])
    arr = np.atleast_1d(np.asarray(factors, dtype=object))
    try:
        out = arr.astype(float)
    except (TypeError, ValueError):
        raise InputError(f"factors must be non-negative numbers, got {factors!r}") from None
    if not np.all(np.isfinite(out) & (out >= 0)):
        raise InputError(f"factors must be non-negative finite numbers, got {factors!r}")
    return out
