"""Target weights (rangecov.inputs.weights): read and checked once, bad values refused naming the rows, nothing mutated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import points
from weighted import REACH

import rangecov
from rangecov.errors import InputError, InputTypeError

BAD = [
    (pd.Series([1.0, np.nan, 2.0, 3.0]), InputError, "missing values.*row 1"),
    (pd.Series([1.0, None, 2.0, 3.0], dtype=object), InputError, "missing"),
    (pd.Series([1, pd.NA, 2, 3], dtype="Int64"), InputError, "missing"),
    (pd.Series([1.0, np.inf, 2.0, 3.0]), InputError, "infinite values.*row 1"),
    (pd.Series([1.0, -0.5, 2.0, 3.0]), InputError, r"negative values: row 1 \(-0.5\)"),
    (pd.Series([True, False, True, True]), InputTypeError, "booleans"),
    (pd.Series(["1", "two", "3", "4"]), InputTypeError, "not numbers: row 0 \\('1'\\), row 1 \\('two'\\)"),
    (pd.Series([1.0, "two", 3.0, 4.0], dtype=object), InputTypeError, "not numbers: row 1 \\('two'\\)"),
    (pd.Series(pd.to_datetime(["2024-08-06"] * 4)), InputTypeError, "datetime64.* not numbers"),
    (pd.Series([1 + 2j] * 4), InputTypeError, "complex128 values, not numbers"),
    (pd.Series([1, 2**60 + 1, 3, 4]), InputError, "beyond 2\\*\\*53 that floats cannot hold exactly"),
]


@pytest.mark.parametrize("column, error, message", BAD)
def test_bad_weights_are_refused_naming_the_rows(column, error, message):
    origins = points([0.0], [0.0])
    targets = points([0.0, 0.1, 0.2, 0.3], [0.0] * 4, w=column.to_numpy() if column.dtype != object else column)
    before = targets.copy()
    with pytest.raises(error, match=message):
        rangecov.coverage(origins, targets, "100 km", weight="w")
    pd.testing.assert_frame_equal(targets, before)


def test_weight_errors_name_up_to_five_rows_and_the_columns():
    origins = points([0.0], [0.0])
    targets = points(np.zeros(9), np.arange(9) * 0.1, w=-np.arange(1.0, 10.0))
    with pytest.raises(InputError, match=r"row 4 \(-5.0\) and 4 more"):
        rangecov.coverage(origins, targets, "100 km", weight="w")
    with pytest.raises(InputError, match="weight='aircraft' is not a column of the targets; columns: w"):
        rangecov.coverage(origins, targets, "100 km", weight="aircraft")
    with pytest.raises(InputError, match="not a column"):
        rangecov.coverage(origins, targets, "100 km", weight="geometry")
    with pytest.raises(InputError, match="weight='distance_m' is a column rangecov writes"):
        rangecov.coverage(origins, targets.assign(distance_m=1.0), "100 km", weight="distance_m")
    with pytest.raises(InputTypeError, match="weight must be the name of a column"):
        rangecov.coverage(origins, targets, "100 km", weight=["w"])
    with pytest.raises(InputError, match=r"columns: \(none\)"):
        rangecov.coverage(origins, targets.geometry, "100 km", weight="w")
    # Text is refused even where it reads as numbers (a weight column of text is a mistake upstream);
    # an object column of numbers is fine, and so is an integer a float holds exactly.
    with pytest.raises(InputTypeError, match="not numbers"):
        rangecov.coverage(origins, targets.assign(w=[str(v) for v in np.arange(9.0)]), "100 km", weight="w")
    numbers = targets.assign(w=pd.Series(list(range(8)) + [2**60], dtype=object, index=targets.index))
    assert rangecov.coverage(origins, numbers, "100 km", weight="w").weight_total == float(28 + 2**60)


def test_weights_are_not_mutated_and_rows_keep_their_order(scene):
    origins, targets, _ = scene
    before = targets.copy()
    shuffled = targets.sample(frac=1.0, random_state=3)
    report = rangecov.coverage(origins, shuffled, REACH, weight="w")
    pd.testing.assert_frame_equal(targets, before)
    assert report.targets.index.equals(shuffled.index)
    assert report.weight_in == rangecov.coverage(origins, targets, REACH, weight="w").weight_in
