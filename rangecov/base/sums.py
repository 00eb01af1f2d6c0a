"""Exact sums of floats: weights added without rounding, rounded once at the end.

A weighted share is a ratio of two sums of weights. Summed in floats, ten
weights of 0.1 make 0.9999999999999999 and nine of them 0.8999999999999999,
so a share of 0.9 would need the tenth target; and the sum of chunks would
differ from the sum of the whole. Here sums are exact rationals
(:class:`fractions.Fraction`), rounded to the nearest float only when shown,
so every count of weight is that of the whole, in any order and any chunking.

- :func:`exact_sum`: one sum, at C speed (``math.fsum`` run until nothing is left);
- :class:`PrefixSums`: the sums of the first k values for every k, exactly (integers).
"""

from __future__ import annotations

import bisect
import math
from fractions import Fraction

import numpy as np

from ..errors import InputError

__all__ = ["exact_sum", "PrefixSums", "exact_ratio", "as_float"]


def exact_sum(values) -> Fraction:
    """The exact sum of finite floats, as a Fraction.

    ``math.fsum`` returns the sum rounded once; the rounding error is itself
    a sum of the same values minus that result, so repeating until it is
    zero gives floats whose sum is exactly the true sum (each pass holds 53
    more bits; a few passes at most in practice).

    >>> exact_sum([0.1] * 10) == 10 * Fraction(0.1)
    True
    """
    values = np.asarray(values, dtype=float).ravel().tolist()  # Python floats, made in C
    parts: list[float] = []
    try:
        while True:
            part = math.fsum(values + [-p for p in parts])
            if part == 0.0:
                break
            parts.append(part)
    except OverflowError:
        raise InputError("the weights add up to more than the largest float (about 1.8e308); scale them down") from None
    return sum((Fraction(p) for p in parts), Fraction(0))


def as_float(value: Fraction) -> float:
    """An exact sum rounded once to a float, or an error when no float holds it (beyond about 1.8e308)."""
    try:
        return float(value)
    except OverflowError:
        raise InputError("the weights add up to more than the largest float (about 1.8e308); scale them down") from None


def exact_ratio(numerator: Fraction, denominator: Fraction) -> float:
    """``numerator / denominator`` rounded once (``float`` of a Fraction divides its integers, correctly
    rounded); NaN when the denominator is 0."""
    return float(Fraction(numerator) / Fraction(denominator)) if denominator else float("nan")


class PrefixSums:
    """The exact sums of the first k values, for every k, as integers of one scale.

    Every finite float is an integer times a power of two; scaled by the
    smallest power among the values, each is an integer and every prefix
    sum an exact Python integer. Building costs about half a microsecond per
    value (Python integers); a sum at ``k`` is then a look-up.

    >>> p = PrefixSums(np.full(10, 0.1))
    >>> p.first_reaching(Fraction(9, 10) * p.total)
    9
    >>> p.floats([0, 3, 10]).tolist()
    [0.0, 0.30000000000000004, 1.0]
    """

    def __init__(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float)
        mantissa, exponent = np.frexp(values)
        # value = m * 2**e with m in [0.5, 1): the integer m * 2**53 times 2**(e - 53), exactly.
        ints = (mantissa * 2.0**53).astype(np.int64)
        shifts = exponent.astype(np.int64) - 53
        nonzero = ints != 0
        self._scale = int(shifts[nonzero].min()) if nonzero.any() else 0
        up = (shifts - self._scale).tolist()
        sums = [0]
        running = 0
        for m, s in zip(ints.tolist(), up):
            if m:
                running += m << s
            sums.append(running)
        self._sums = sums

    def __len__(self) -> int:
        return len(self._sums) - 1

    def _exact(self, n: int) -> Fraction:
        return Fraction(n) * Fraction(2) ** self._scale

    @property
    def total(self) -> Fraction:
        """The sum of all the values, exactly."""
        return self._exact(self._sums[-1])

    def at(self, k: int) -> Fraction:
        """The sum of the first ``k`` values, exactly."""
        return self._exact(self._sums[k])

    def floats(self, ks) -> np.ndarray:
        """The sums of the first ``k`` values for each ``k``, each rounded once."""
        return np.array([float(self.at(int(k))) for k in np.asarray(ks).ravel()], dtype=float)

    def first_reaching(self, threshold: Fraction) -> int:
        """The smallest ``k`` whose prefix sum is at least ``threshold`` (len + 1 when none is)."""
        # Compare in integers of the scale: sum_k * 2**scale >= threshold.
        scaled = Fraction(threshold) / Fraction(2) ** self._scale
        target = math.ceil(scaled)
        k = bisect.bisect_left(self._sums, target)
        return k if k < len(self._sums) else len(self._sums)
