"""The options that say how targets are judged (rangecov.inputs.checks)."""

from __future__ import annotations

import pytest
from conftest import points

import rangecov
from rangecov.errors import InputError


@pytest.fixture
def origins():
    return points([34.80, 36.23], [50.91, 49.99], index=["Sumy", "Kharkiv"], reach=["190 mi", "70 km"])


@pytest.fixture
def targets():
    return points([36.2956, 41.791, 46.21], [51.7506, 48.313, 51.48], name=["Khalino", "Morozovsk", "Engels"])


def test_bad_how_and_min_covered(origins, targets):
    with pytest.raises(InputError, match=r"how='some' is not one of 'any', 'all', 'centroid', 'area'"):
        rangecov.coverage(origins, targets, 1000, how="some")
    with pytest.raises(InputError, match=r"min_covered must be a share in \(0, 1\], got 1.5"):
        rangecov.coverage(origins, targets, 1000, how="area", min_covered=1.5)
    with pytest.raises(InputError, match=r'targets must be polygons for how="area"'):
        rangecov.coverage(origins, targets, 1000, how="area")
