"""Weighted targets: the oracle's exact sums."""

from __future__ import annotations

from fractions import Fraction

REACH = 300_000.0


def _exact(values) -> Fraction:
    """The oracle's sum: every float as the exact rational it is, added in Python."""
    return sum((Fraction(float(v)) for v in values), Fraction(0))
