"""Distances with units: parse "190 mi" into metres, and format metres for people."""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction
from typing import SupportsFloat

from .errors import InputError, InputTypeError

__all__ = ["parse_distance", "parse_share", "format_distance", "ACCEPTED_UNITS", "Distance", "Reach", "Share"]

#: A distance: metres as a number, or a string with a unit ("190 mi", "300 km").
Distance = float | int | str
#: A reach: a distance, the name of a column of origins (one reach each), or a (low, high) band.
Reach = Distance | tuple[Distance, Distance]
#: A share: a number in [0, 1], or a string such as "0.9" or "90%".
Share = float | int | str

# Symbols are case-sensitive because case carries meaning in them ("nm" is a
# nanometre to a physicist, "M" a mega prefix); words are not.
_SYMBOLS = {
    "m": 1.0,
    "km": 1000.0,
    "KM": 1000.0,
    "Km": 1000.0,
    "mi": 1609.344,
    "MI": 1609.344,
    "Mi": 1609.344,
    "nmi": 1852.0,
    "NMI": 1852.0,
    "NM": 1852.0,
    "ft": 0.3048,
    "FT": 0.3048,
    "Ft": 0.3048,
    "yd": 0.9144,
    "YD": 0.9144,
    "Yd": 0.9144,
}
_WORDS = {
    "meter": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "kilometer": 1000.0,
    "kilometers": 1000.0,
    "kilometre": 1000.0,
    "kilometres": 1000.0,
    "mile": 1609.344,
    "miles": 1609.344,
    "nautical mile": 1852.0,
    "nautical miles": 1852.0,
    "foot": 0.3048,
    "feet": 0.3048,
    "yard": 0.9144,
    "yards": 0.9144,
}
_AMBIGUOUS = {
    "nm": "'nm' is ambiguous (nanometre or nautical mile); write 'nmi' or 'NM' for nautical miles",
    "M": "'M' is ambiguous (metre, mile or mega); write 'm', 'mi' or 'km'",
}

ACCEPTED_UNITS = (
    "m, km, mi (statute mile, 1609.344 m), nmi or NM (nautical mile, 1852 m), ft, yd, "
    "or the words metre(s)/meter(s), kilometre(s)/kilometer(s), mile(s), "
    "nautical mile(s), foot/feet, yard(s)"
)

_NUMBER_UNIT = re.compile(r"^\s*(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>.*?)\s*$")


def _unit_factor(unit: str, original: str) -> float:
    if unit in _SYMBOLS:
        return _SYMBOLS[unit]
    if unit in _AMBIGUOUS:
        raise InputError(f"distance {original!r}: {_AMBIGUOUS[unit]}")
    word = " ".join(unit.lower().split())
    if word in _WORDS:
        return _WORDS[word]
    if not unit:
        raise InputError(
            f"distance {original!r} has no unit; write it with one of: {ACCEPTED_UNITS} "
            "(a plain number, not a string, is taken as metres)"
        )
    raise InputError(f"distance {original!r} has unknown unit {unit!r}; accepted units: {ACCEPTED_UNITS}")


def parse_distance(value: SupportsFloat | str) -> float:
    """Return a distance in metres.

    Parameters
    ----------
    value : float, int or str
        A number is taken as metres. A string is a number followed by a unit,
        with or without a space: ``"190 mi"``, ``"305.8km"``, ``"165 nmi"``,
        ``"190 miles"``. Unit symbols (m, km, mi, nmi/NM, ft, yd) are
        case-sensitive; unit words (metres, kilometres, miles, nautical miles,
        feet, yards) are not.

    Returns
    -------
    float
        The distance in metres; zero is allowed.

    Raises
    ------
    ValueError
        For negative, NaN, infinite or empty values and unknown or ambiguous
        units; the message names the value and lists the accepted units.
    TypeError
        For values that are neither numbers nor strings.

    Notes
    -----
    The statute mile is exactly 1609.344 m and the nautical mile exactly
    1852 m; the conversion is exact up to one rounding of a float multiply.

    Examples
    --------
    >>> parse_distance("190 mi")
    305775.36
    >>> parse_distance("300 km")
    300000.0
    >>> parse_distance(1500)
    1500.0
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        raise InputTypeError(
            f"distance must be a number of metres or a string with a unit such as '190 mi', "
            f"got {type(value).__name__} {value!r}"
        )
    if isinstance(value, str):
        match = _NUMBER_UNIT.match(value)
        if not value.strip():
            raise InputError(f"distance {value!r} is empty; write e.g. '300 km' ({ACCEPTED_UNITS})")
        if match is None:
            raise InputError(
                f"distance {value!r} is not a number followed by a unit, e.g. '190 mi'; "
                f"accepted units: {ACCEPTED_UNITS}"
            )
        metres = float(match["num"]) * _unit_factor(match["unit"], value)
    else:
        metres = float(value)
    if math.isnan(metres) or math.isinf(metres):
        raise InputError(f"distance {value!r} must be finite")
    if metres < 0:
        raise InputError(f"distance {value!r} must not be negative")
    return metres


def parse_share(value: Share, *, argname: str = "share", zero: bool = False) -> float:
    """A share as a float: ``0.9``, ``"0.9"`` or ``"90%"`` (the command line's spelling, taken in Python too).

    Within (0, 1], or [0, 1] with ``zero``; anything else is an error naming ``argname``.

    Examples
    --------
    >>> parse_share("90%"), parse_share(0.9), parse_share(" 12.5 % ")
    (0.9, 0.9, 0.125)
    """
    accepted = f"a number in {'[0' if zero else '(0'}, 1] or a percentage such as '90%'"
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        raise InputTypeError(f"{argname} must be {accepted}, got {type(value).__name__} {value!r}")
    if isinstance(value, str):
        text = value.strip()
        try:
            share = float(text[:-1].strip()) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise InputError(f"{argname} must be {accepted}, got {value!r}") from None
    else:
        share = float(value)
    if not ((0 <= share if zero else 0 < share) and share <= 1):
        raise InputError(f"{argname} must be {accepted}, got {value!r}")
    return share


def share_fraction(share: Share) -> Fraction:
    """A share as the exact fraction it was meant as: 0.9 is 9/10, not 0.90000000000000002220."""
    return Fraction(parse_share(share)).limit_denominator(10**9)


def format_distance(metres: float) -> str:
    """Format metres for a person: ``"305.8 km"``, ``"850 m"``.

    Examples
    --------
    >>> format_distance(305775.36)
    '305.8 km'
    >>> format_distance(850)
    '850 m'
    >>> format_distance(1e300)
    '1e+297 km'
    """
    if not math.isfinite(metres):
        return str(metres)
    if metres >= 1e9:  # beyond any distance on Earth: keep the headline short
        return f"{metres / 1000:.3g} km"
    if metres >= 1000:
        return f"{metres / 1000:,.1f} km".replace(".0 km", " km")
    return f"{metres:.3g} m"
