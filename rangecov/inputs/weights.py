"""Target weights (``coverage(weight=...)``): read and checked once, the same way in memory, streamed and on dask.

A weight is a finite, non-negative number per target (aircraft at an
airfield, people in a place). Sums of weights are exact
(:mod:`rangecov.base.sums`), so weighted totals of chunks and partitions are those
of the whole.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..errors import InputError, InputTypeError
from ..io.writer import list_columns
from .frames import attribute_columns

__all__ = ["weight_column", "weight_values"]

# What a summary gains with a weight, in the order of total, count, share, marginal.

# Integers beyond 2**53 are not all floats; a weight is summed as a float.
_EXACT_INT = 2**53


def weight_column(frame, weight: str, *, argname: str = "targets") -> pd.Series:
    """The column ``weight`` of ``frame``, or an error listing the columns."""
    columns = attribute_columns(frame)
    if weight not in columns:
        raise InputError(f"weight={weight!r} is not a column of the {argname}; columns: {list_columns(columns)}")
    return frame[weight]


def weight_values(column: pd.Series, weight: str, *, rows: str = "") -> np.ndarray:
    """The weights of ``column`` as float64, or an error naming up to five offending rows.

    Accepted: integers and floats (nullable ones too, and object columns of
    numbers) that are finite and non-negative. Refused, each with the rows
    named: missing, NaN, infinite, negative, booleans, text (also text that
    reads as a number: a weight column of text is a mistake upstream), dates,
    durations, complex numbers. ``rows`` says where the column came from (a
    chunk of a file) for the message.
    """
    where = f" ({rows})" if rows else ""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise InputTypeError(
            f"weight={weight!r} holds booleans{where}; a weight is a number per target (e.g. aircraft, population)"
        )
    real = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)
    if not real:
        # Text, dates, durations, complex numbers: not weights. An object column may hold numbers.
        if not pd.api.types.is_object_dtype(dtype):
            raise InputTypeError(
                f"weight={weight!r} holds {dtype} values, not numbers{where}: {_rows(column, column.notna())}; "
                "a weight is a finite number >= 0 per target"
            )
        bad = column.map(lambda v: v is not None and not (isinstance(v, numbers.Real) and not isinstance(v, bool)))
        bad = bad & column.notna()
        if bad.any():
            raise InputTypeError(
                f"weight={weight!r} holds values that are not numbers{where}: {_rows(column, bad)}; "
                "a weight is a finite number >= 0 per target"
            )
        column = pd.to_numeric(column)
    if pd.api.types.is_integer_dtype(column.dtype) and len(column):
        ints = column.dropna().to_numpy()
        inexact = np.zeros(len(column), dtype=bool)
        # Integers beyond 2**53 that a float does not hold exactly (2**60 it does).
        inexact[np.flatnonzero(column.notna())] = (np.abs(ints.astype(np.float64)) > _EXACT_INT) & (
            ints.astype(np.float64).astype(ints.dtype) != ints
        )
        if inexact.any():
            raise InputError(
                f"weight={weight!r} holds integers beyond 2**53 that floats cannot hold exactly{where}: "
                f"{_rows(column, inexact)}; scale them down"
            )
    values = column.to_numpy(dtype=float, na_value=np.nan)
    problems = (
        (np.isnan(values), "missing"),
        (np.isinf(values), "infinite"),
        (values < 0, "negative"),
    )
    for mask, what in problems:
        if mask.any():
            raise InputError(
                f"weight={weight!r} has {what} values{where}: {_rows(column, mask)}; "
                "a weight is a finite number >= 0 per target"
            )
    return values


def _rows(column: pd.Series, mask) -> str:
    """Up to five of the rows ``mask`` picks, as ``label (value)``, and how many more."""
    mask = np.asarray(mask, dtype=bool)
    picked = np.flatnonzero(mask)
    shown = ", ".join(f"row {_plain(column.index[i])!r} ({_plain(column.iloc[i])!r})" for i in picked[:5])
    more = f" and {picked.size - 5} more" if picked.size > 5 else ""
    return shown + more


def _plain(value):
    """numpy scalars as the Python values they hold (``-0.5``, not ``np.float64(-0.5)``)."""
    return value.item() if isinstance(value, np.generic) else value
