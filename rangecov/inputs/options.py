"""The options of a call, checked once: the reach, its tolerance, ``how``, ``progress``, ``chunk_size``,
``nouns`` and the name of a weight column.

:func:`parse_reach` turns the ``reach`` argument of :func:`rangecov.coverage`
into a :class:`ReachSpec`: a low and a high reach per origin. A new reach
model (e.g. a reach that depends on the azimuth) starts here. The frames
themselves are checked in :mod:`rangecov.inputs.frames`, weight columns'
values in :mod:`rangecov.inputs.weights`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Literal, NamedTuple, get_args

import numpy as np
import pandas as pd

from ..base.schema import format_distance
from ..errors import InputError, InputTypeError
from ..units import parse_distance
from . import frames

__all__ = [
    "ReachKind",
    "ReachSpec",
    "parse_reach",
    "distance_label",
    "status_codes",
    "DEFAULT_TOLERANCE_M",
    "default_tolerance",
    "tolerances",
    "common_tolerance",
    "spec_tolerance",
    "How",
    "HOW",
    "check_how",
    "check_progress",
    "check_chunk_size",
    "check_weight_name",
    "Nouns",
    "DEFAULT_NOUNS",
    "parse_nouns",
]


#: How a reach was given: one distance, a column of the origins, or a (low, high) band.
ReachKind = Literal["scalar", "column", "band"]


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

    kind: ReachKind
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
        # parse_distance takes any real number (numpy's too), though its annotation names float and int only.
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


# -- how targets are judged, and how the work is shown ---------------------------------------------

#: When a line or polygon target counts as in reach (``how=`` of :func:`rangecov.coverage` and the rest).
How = Literal["any", "all", "centroid", "area"]
HOW: tuple[How, ...] = get_args(How)


def check_how(how: How, min_covered: float) -> None:
    """``how=`` and ``min_covered=`` as :func:`rangecov.coverage` takes them, or a ValueError naming them."""
    if how not in HOW:
        raise InputError(f"how={how!r} is not one of {', '.join(map(repr, HOW))}")
    if isinstance(min_covered, bool) or not isinstance(min_covered, numbers.Real) or not 0 < min_covered <= 1:
        raise InputError(f"min_covered must be a share in (0, 1], got {min_covered!r}")


def check_progress(progress, argname: str = "progress") -> None:
    """``progress=`` as every function takes it: True, False or None (automatic)."""
    if progress is not None and not isinstance(progress, bool):
        raise InputTypeError(f"{argname} must be True, False or None (automatic), got {progress!r}")


def check_chunk_size(chunk_size, *, unit: str = "targets", optional: bool = True) -> None:
    """``chunk_size=``: a whole number of ``unit`` >= 1, or (when ``optional``) None for the default."""
    if optional and chunk_size is None:
        return
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral) or chunk_size < 1:
        default = " (or None for the default)" if optional else ""
        raise InputError(f"chunk_size must be a whole number of {unit} >= 1{default}, got {chunk_size!r}")


def check_weight_name(weight, reserved: tuple = ()) -> str | None:
    """``weight=`` as the functions take it: None or a column name (str), not one of the ``reserved`` result columns."""
    if weight is not None and not isinstance(weight, str):
        raise InputTypeError(
            f"weight must be the name of a column of the targets (str), got {type(weight).__name__} {weight!r}"
        )
    if weight in reserved:
        # The result has a column of that name (distance_m, ...): which one would be weighed would depend on the path.
        raise InputError(f"weight={weight!r} is a column rangecov writes to the results; rename the targets' column")
    return weight


# -- what the origins and targets are called ----------------------------------------------------------


class Nouns(NamedTuple):
    """What the origins and targets are called in headlines, summaries and map titles."""

    origin: str
    origins: str
    target: str
    targets: str

    def of(self, n: int, kind: str) -> str:
        """``"1 airfield"`` or ``"5 airfields"``: the noun of ``kind`` ("origin" or "target") for ``n``."""
        return getattr(self, kind if n == 1 else kind + "s")


DEFAULT_NOUNS = Nouns("origin", "origins", "target", "targets")


def parse_nouns(nouns) -> Nouns:
    """``nouns=`` as :func:`rangecov.coverage` takes it: None, or (origins, targets).

    Each is a plural (``"launch sites"``: the singular is that without its
    final "s", "ies" becoming "y") or a (singular, plural) pair for nouns
    that need one (``("bus depot", "bus depots")``, ``("radar", "radar")``).
    """
    if nouns is None:
        return DEFAULT_NOUNS
    if isinstance(nouns, str) or not isinstance(nouns, (tuple, list)) or len(nouns) != 2:
        raise InputTypeError(
            f"nouns must be a pair (origins, targets), e.g. ('launch sites', 'airfields'), got {nouns!r}"
        )
    pairs = []
    for what, noun in zip(("origins", "targets"), nouns):
        if isinstance(noun, str):
            plural = noun.strip()
            singular = (
                plural[:-3] + "y"
                if plural.endswith("ies")
                else plural[:-1]
                if plural.endswith("s") and not plural.endswith("ss")
                else plural
            )
            noun = (singular, plural)
        if not (
            isinstance(noun, (tuple, list)) and len(noun) == 2 and all(isinstance(w, str) and w.strip() for w in noun)
        ):
            raise InputError(
                f"nouns: the {what} noun must be a plural such as 'airfields' or a (singular, plural) pair, got {noun!r}"
            )
        pairs.append((noun[0].strip(), noun[1].strip()))
    return Nouns(pairs[0][0], pairs[0][1], pairs[1][0], pairs[1][1])
