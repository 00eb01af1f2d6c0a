"""Naming the rows of a file read by :func:`rangecov.io.read` (and the ``rangecov`` command) by a column."""

from __future__ import annotations

import os
import warnings

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from .writer import list_columns

__all__ = ["LABEL_COLUMNS", "label_columns", "name_rows"]

# Rows are named by the first of these columns that is present, complete and unique, so that
# results name origins and targets ("nearest_origin": "Sumy"), not row numbers.
LABEL_COLUMNS = ("name", "id", "label", "site")


def label_columns(columns) -> list:
    """The columns among ``columns`` called name, id, label or site (case and spaces aside), in that order."""
    found = [c for c in columns if isinstance(c, str) and c.strip().casefold() in LABEL_COLUMNS]
    return sorted(found, key=lambda c: LABEL_COLUMNS.index(c.strip().casefold()))


def name_rows(frame: gpd.GeoDataFrame, names: str | None, path) -> gpd.GeoDataFrame:
    """``frame`` with the column ``names`` (or the one ``"auto"`` finds) as its index; see :func:`read`."""
    if names is None:
        return frame
    if names != "auto":
        if names not in frame.columns or names == frame.geometry.name:
            raise InputError(
                f"names={names!r} is not a column of {os.fspath(path)}; columns: "
                f"{list_columns(frame.columns.drop([frame.geometry.name], errors='ignore'))}"
            )
        _check_names(frame[names], names, path)
        return frame.set_index(names)
    found = label_columns(frame.columns)
    for column in found:
        values = frame[column]
        if values.notna().all() and values.is_unique:
            return frame.set_index(column)
    if found:
        warnings.warn(
            f"{os.fspath(path)}: column {found[0]!r} has blanks or repeated values, so the rows are numbered "
            "from 0; name them by a column of unique values with names=...",
            UserWarning,
            stacklevel=3,  # the caller of read()
        )
    return frame


def _check_names(values: pd.Series, column: str, path) -> None:
    """An error naming the blanks or repeated values of the column chosen to name the rows."""
    blank = values.isna().to_numpy()
    repeated = values.duplicated(keep=False).to_numpy() & ~blank
    if blank.any() or repeated.any():
        shown = ", ".join(map(repr, pd.unique(values[repeated])[:5].tolist()))
        what = []
        if repeated.any():
            what.append(f"repeated values ({shown})")
        if blank.any():
            what.append(f"{int(blank.sum())} blank(s)")
        raise InputError(
            f"names={column!r}: the column has {' and '.join(what)} in {os.fspath(path)}; "
            "row names must be unique: choose another column, or names=None to number the rows"
        )
