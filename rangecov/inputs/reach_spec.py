"""What a reach can be (a distance, a column of distances, a band) and the tolerance of drawn regions.

:func:`parse_reach` turns the ``reach`` argument of :func:`rangecov.coverage`
into a :class:`ReachSpec`: a low and a high reach per origin. A new reach
model (e.g. a reach that depends on the azimuth) starts here.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..base.schema import format_distance
from ..errors import InputError, InputTypeError
from ..units import parse_distance
from . import frames

__all__ = [
    "ReachSpec",
    "parse_reach",
    "distance_label",
    "status_codes",
    "DEFAULT_TOLERANCE_M",
    "default_tolerance",
    "tolerances",
    "common_tolerance",
    "spec_tolerance",
]

# A target's status, in this order; reports store them as codes into it.


@dataclass(frozen=True)
class ReachSpec:
    """The reach of every origin, as :func:`parse_reach` read it.

    Attributes
    ----------
    kind : str
        ``"scalar"`` (one distance), ``"column"`` (a column of origins) or
        ``"band"`` (a ``(low, high)`` pair).
    low, high : ndarray
        Metres per origin: a target is ``"in"`` within ``low`` of some
        origin, ``"out"`` beyond ``high`` of every origin (equal but for a band).
    label : str
        How headlines name it, e.g. ``"190 mi (305.8 km)"``.
    """

    kind: str
    low: np.ndarray
    high: np.ndarray
    label: str

    @property
    def uniform(self) -> bool:
        """True when every origin has the same (low) reach."""
        return self.low.size == 0 or bool(np.all(self.low == self.low[0]))

    @property
    def per_origin(self) -> bool:
        """True when origins have differing reach (a column with several values)."""
        return self.kind == "column" and not self.uniform


def status_codes(margin: np.ndarray, high_margin: np.ndarray) -> np.ndarray:
    """Codes into STATUS_CATEGORIES: "in" where ``margin >= 0``, else "marginal" where ``high_margin >= 0``."""
    codes = (~(np.asarray(high_margin) >= 0)).astype(np.int8)  # NaN counts as out, as it always has
    codes += 1
    codes[np.asarray(margin) >= 0] = 0
    return codes


def distance_label(value, metres: float) -> str:
    """A distance as the user wrote it, with kilometres added when they differ: ``"190 mi (305.8 km)"``."""
    if isinstance(value, str):
        text = " ".join(value.split())
        km = format_distance(metres)
        same = text.replace(" ", "").replace(",", "") == km.replace(" ", "").replace(",", "")
        return text if same else f"{text} ({km})"
    return format_distance(metres)


def parse_reach(reach, origins, n_origins: int) -> ReachSpec:
    """Read ``reach``: a distance, a column of ``origins`` or a (low, high) band."""
    columns = frames.column_names(origins)
    values = frames.named_column(origins, reach)
    if values is not None:
        low = frames.per_row_distance(reach, origins, n_origins, "reach")
        if low.size and np.all(low == low[0]):
            text = distance_label(values.iloc[0], low[0])
            label = f"{text[:-1]}; column {reach!r})" if text.endswith(")") else f"{text} (column {reach!r})"
        else:
            label = f"per-origin reach (column {reach!r})"
        return ReachSpec("column", low, low, label)
    if isinstance(reach, (list, np.ndarray, pd.Series)):
        raise InputTypeError(
            f"reach as a {type(reach).__name__} is ambiguous: for a (low, high) band pass a tuple, "
            "e.g. reach=('180 mi', '200 mi'); for a reach per origin put the values in a column "
            "of origins and pass its name, e.g. reach='reach'"
        )
    if isinstance(reach, tuple):
        if len(reach) != 2:
            raise InputError(
                f"reach as a band must be a (low, high) pair of distances, got {len(reach)} values: {reach!r}"
            )
        lo, hi = (parse_distance(v) for v in reach)
        if lo > hi:
            raise InputError(f"reach band {reach!r}: low ({lo:g} m) must not exceed high ({hi:g} m)")
        label = f"{distance_label(reach[0], lo)} to {distance_label(reach[1], hi)}"
        return ReachSpec("band", np.full(n_origins, lo), np.full(n_origins, hi), label)
    if isinstance(reach, str):
        try:
            metres = parse_distance(reach)
        except ValueError as err:
            where = f"; origins has columns: {', '.join(map(str, columns))}" if columns else ""
            raise InputError(f"reach {reach!r} is neither a column of origins nor a distance ({err}){where}") from None
    elif isinstance(reach, numbers.Real) and not isinstance(reach, bool):
        metres = parse_distance(reach)
    else:
        raise InputTypeError(
            "reach must be a distance (metres, or a string such as '190 mi'), the name of a column "
            f"of origins, or a (low, high) tuple of distances; got {type(reach).__name__} {reach!r}"
        )
    every = np.full(n_origins, metres)
    return ReachSpec("scalar", every, every, distance_label(reach, metres))


DEFAULT_TOLERANCE_M = 10.0
# The finest tolerance of a drawn boundary. Vertices are placed by the midpoint test of
# docs/exactness.md (step 6), computed in metres on a 6,400 km Earth through Karney's
# solutions; below about 10 µm its rounding exceeds the tolerance and the refinement never
# ends (fuzzing found it: a 1 µm buffer asked for 10^18 vertices). 1 mm leaves room.
MIN_TOLERANCE_M = 1e-3


def default_tolerance(distance: float | np.ndarray) -> float | np.ndarray:
    """The tolerance used when none is given: 10 m, or 1% of the distance if smaller, but not below 1 mm.

    Examples
    --------
    >>> default_tolerance(300_000.0)
    10.0
    >>> default_tolerance(500.0)
    5.0
    >>> default_tolerance(0.05)
    0.001
    """
    out = np.clip(0.01 * np.asarray(distance, dtype=float), MIN_TOLERANCE_M, DEFAULT_TOLERANCE_M)
    return float(out) if out.ndim == 0 else out


def tolerances(tolerance, distance: np.ndarray) -> np.ndarray:
    """Per-row tolerance in metres, checked against the distances."""
    if tolerance is None:
        tiny = distance <= MIN_TOLERANCE_M
        if tiny.any():
            raise InputError(
                f"distance {distance[tiny].min():g} m is too small to draw: a drawn boundary has a tolerance "
                f"of at least {MIN_TOLERANCE_M * 1000:g} mm, and the distance must exceed it"
            )
        return np.asarray(default_tolerance(distance), dtype=float).reshape(distance.shape)
    try:
        tol = parse_distance(tolerance)
    except (ValueError, TypeError) as err:
        raise type(err)(f"tolerance: {err}") from None
    if tol <= 0:
        raise InputError(f"tolerance must be positive, got {tolerance!r}")
    if tol < MIN_TOLERANCE_M:
        raise InputError(
            f"tolerance {tolerance!r} is below {MIN_TOLERANCE_M * 1000:g} mm, the finest rangecov draws "
            "(finer, the rounding of the vertex placement exceeds it); use tolerance='1 mm' or more"
        )
    too_big = tol >= distance
    if too_big.any():
        raise InputError(
            f"tolerance {tolerance!r} ({tol:g} m) is not smaller than the distance "
            f"({distance[too_big].min():g} m); use a tolerance below the distance, e.g. 1% of it"
        )
    return np.full(distance.shape, tol)


def spec_tolerance(tolerance, spec: ReachSpec) -> float:
    """The tolerance of the reach regions of a :class:`ReachSpec` (see :func:`common_tolerance`)."""
    return common_tolerance(tolerance, np.r_[spec.low, spec.high])


def common_tolerance(tolerance, distances: np.ndarray) -> float:
    """One tolerance for regions drawn together: as given (checked against the smallest positive
    distance), else the default for the smallest positive distance (1 m without one).

    With no distances at all (no origins) nothing is drawn: a given tolerance
    need only be positive, and the default is 1 m.
    """
    distances = np.asarray(distances, dtype=float)
    if distances.size == 0:
        return float(tolerances(tolerance, np.array([np.inf]))[0]) if tolerance is not None else 1.0
    positive = distances[distances > 0]
    ref = positive.min() if positive.size else 1.0
    return float(tolerances(tolerance, np.array([ref]))[0])
