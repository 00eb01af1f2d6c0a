"""Exact sums of floats (rangecov.base.sums)."""

from __future__ import annotations

import numpy as np
import pytest
from weighted import _exact

from rangecov.base.sums import PrefixSums, exact_sum
from rangecov.errors import InputError


def test_exact_sums():
    values = np.array([1e16, 1.0, -1e16, 0.1, 0.2, 0.3] * 3)
    assert exact_sum(values) == _exact(values)
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, 1000) * 10.0 ** rng.integers(-20, 20, 1000)
    assert exact_sum(x) == _exact(x)
    prefix = PrefixSums(x)
    for k in (0, 1, 17, 999, 1000):
        assert prefix.at(k) == _exact(x[:k])
    assert prefix.first_reaching(prefix.total) == 1000
    assert prefix.first_reaching(prefix.total + 1) == 1001
    with pytest.raises(InputError, match="largest float"):
        exact_sum([1.7e308, 1.7e308])
