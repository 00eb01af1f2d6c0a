"""Maximal and set covering on exact coverage sets (rangecov.placement.mclp): exact covered weights."""

from __future__ import annotations

from fractions import Fraction

from conftest import points

import rangecov


def test_covered_weights_are_exact_sums():
    # Candidate 0 covers weights 0.1 and 0.4, candidate 1 covers 0.5: a float sum per group
    # (0.1 + 0.4 = 0.5) must not make all three short of the whole (0.1 + 0.4 + 0.5).
    cand = points([0.0, 10.0], [0.0, 0.0])
    targ = points([0.01, 0.02, 10.01], [0.0, 0.0, 0.0], w=[0.1, 0.4, 0.5])
    both = rangecov.place(cand, targ, "50 km", share=1.0, weight="w")
    assert both.objective == 2 and both.share == 1.0
    tiny = points([0.01, 0.02, 10.01], [0.0, 0.0, 0.0], w=[1.0, 2.0**-53, 2.0**-53])
    best = rangecov.place(cand, tiny, "50 km", k=2, weight="w")
    assert best.covered_weight == best.report.weight_in == float(Fraction(1) + Fraction(2) * Fraction(2.0**-53))
