"""The fixture boundary cases: one origin each, targets 1 cm / 1 mm either side of reach."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import points

import rangecov

CASES = pd.read_csv(Path(__file__).resolve().parents[1] / "fixtures" / "boundary_cases.csv")


@pytest.mark.parametrize("case", sorted(CASES["case"].unique()))
def test_boundary_case(case):
    rows = CASES[CASES["case"] == case]
    origin = rows.iloc[0]
    report = rangecov.coverage(
        points([origin["origin_lon"]], [origin["origin_lat"]]),
        points(rows["target_lon"], rows["target_lat"]),
        float(origin["reach_m"]),
    )
    t = report.targets
    np.testing.assert_allclose(t["distance_m"], rows["oracle_m"], rtol=0, atol=1e-6)
    expected = (rows["oracle_m"] <= rows["reach_m"]).to_numpy()
    np.testing.assert_array_equal(t["in_reach"].to_numpy(), expected)
    # The construction: inside by 1 mm or 1 cm is in, outside is out.
    np.testing.assert_array_equal(expected, (rows["offset_m"] < 0).to_numpy())
