"""Maximal covering and set covering on exact coverage sets: greedy, and an integer program (HiGHS through scipy).

The input is numeric only: a sparse 0/1 matrix ``cover`` (candidates ×
target groups; a group is targets covered by the same candidates, so its
weight is their sum), the groups' weights, the fixed candidates, and either
``k`` or the weight to reach. :mod:`rangecov.placement.sites` builds it from
geometries and reads the answer back.

Covered weights are recomputed exactly (each group's weight an exact sum, a
Fraction) from the chosen candidates, never read from the solver, so an
answer's objective is exact whatever the solver's tolerances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["GroupWeights", "Solution", "greedy", "solve", "covered_weight"]


class GroupWeights(NamedTuple):
    """The weight of each group of targets: floats for the solver and greedy's choices, exact sums for every count."""

    floats: np.ndarray
    exact: np.ndarray  # object array of Fractions

    @classmethod
    def of(cls, exact: list[Fraction]) -> GroupWeights:
        sums = np.empty(len(exact), dtype=object)
        sums[:] = exact
        return cls(np.array([float(v) for v in exact], dtype=float), sums)

    def sum(self, picked: np.ndarray) -> Fraction:
        """The exact weight of the groups ``picked`` (a boolean mask)."""
        return sum(self.exact[picked].tolist(), Fraction(0))


@dataclass
class Solution:
    """Chosen candidate positions and what they achieve.

    ``objective``: the exact covered weight (maximising with ``k``) or the
    number of sites (with a weight to reach); ``bound``: a proven upper bound
    on the covered weight (``k``) or lower bound on the number of sites, or
    None for greedy alone; ``status``: "optimal", "time limit" or "greedy".
    """

    chosen: np.ndarray
    covered: Fraction
    objective: float
    bound: float | None
    status: str


def covered_weight(cover: sp.csr_matrix, weights: GroupWeights, chosen: np.ndarray) -> Fraction:
    """The exact weight of the groups that some chosen candidate covers."""
    if chosen.size == 0:
        return Fraction(0)
    hit = np.asarray(cover[chosen].sum(axis=0)).ravel() > 0
    return weights.sum(hit)


def greedy(
    cover: sp.csr_matrix,
    weights: GroupWeights,
    fixed: np.ndarray,
    *,
    k: int | None = None,
    need: Fraction | None = None,
) -> np.ndarray:
    """Fixed candidates first, then repeatedly the one adding the most uncovered weight (ties: the lower position).

    With ``k``: until ``k`` sites or nothing more to gain. With ``need``: until the covered
    weight (exact) reaches it, or nothing more to gain.
    """
    uncovered = np.ones(cover.shape[1], dtype=bool)
    chosen = [int(j) for j in np.flatnonzero(fixed)]
    for j in chosen:
        uncovered[cover[j].indices] = False
    while True:
        if k is not None and len(chosen) >= k:
            break
        if need is not None and weights.sum(~uncovered) >= need:
            break
        gains = cover @ np.where(uncovered, weights.floats, 0.0)
        if chosen:
            gains[chosen] = -1.0
        best = int(np.argmax(gains))  # the first of equal gains: the lowest position
        if gains[best] <= 0:
            break
        chosen.append(best)
        uncovered[cover[best].indices] = False
    return np.asarray(chosen, dtype=np.intp)


def solve(
    cover: sp.csr_matrix,
    weights: GroupWeights,
    fixed: np.ndarray,
    *,
    k: int | None = None,
    need: Fraction | None = None,
    time_limit: float = 60.0,
    exact: bool = True,
) -> Solution:
    """The best placement found: greedy, and with ``exact`` the integer program, whichever is better.

    With ``k``: maximise the covered weight with at most ``k`` sites (fixed ones included).
    With ``need``: the fewest sites whose covered weight is at least ``need`` (the caller has
    checked that all candidates together reach it).
    """
    start = greedy(cover, weights, fixed, k=k, need=need)
    start_covered = covered_weight(cover, weights, start)
    if not exact:
        objective = float(start_covered) if k is not None else float(start.size)
        return Solution(start, start_covered, objective, None, "greedy")
    n_c, n_g = cover.shape
    # Variables: x (candidates, 0/1), then y (groups, in [0, 1]; 1 only where a chosen x covers it).
    integrality = np.r_[np.ones(n_c), np.zeros(n_g)]
    lower = np.r_[fixed.astype(float), np.zeros(n_g)]
    bounds = Bounds(lower, np.ones(n_c + n_g))
    # y_g - sum_{j covers g} x_j <= 0
    link = sp.hstack([-cover.T.tocsr(), sp.identity(n_g, format="csr")], format="csr")
    constraints = [LinearConstraint(link, -np.inf, 0.0)]
    if k is not None:
        constraints.append(LinearConstraint(np.r_[np.ones(n_c), np.zeros(n_g)][None, :], -np.inf, float(k)))
        c = np.r_[np.zeros(n_c), -weights.floats]
    else:
        assert need is not None  # without k the caller passes need
        constraints.append(LinearConstraint(np.r_[np.zeros(n_c), weights.floats][None, :], float(need), np.inf))
        c = np.r_[np.ones(n_c), np.zeros(n_g)]
    # mip_rel_gap=0: "optimal" means proven, not HiGHS's default 0.01% gap.
    res = milp(
        c,
        integrality=integrality,
        bounds=bounds,
        constraints=constraints,
        options={"time_limit": float(time_limit), "mip_rel_gap": 0.0, "presolve": True},
    )
    candidates = [(start, start_covered)]
    if res.x is not None:
        mine = np.flatnonzero(res.x[:n_c] > 0.5)
        candidates.append((_ordered(cover, weights, mine, fixed), covered_weight(cover, weights, mine)))
    proven = res.status == 0
    if k is not None:
        # Ties go to greedy's placement (deterministic, lowest positions first), else the solver's.
        best, best_covered = max(candidates, key=lambda pair: pair[1])
        dual = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else math.inf
        # Bounds that need no solver: all candidates together, and the k largest single coverages.
        alone = np.sort(np.asarray(cover @ weights.floats).ravel())[::-1]
        trivial = min(float(covered_weight(cover, weights, np.arange(n_c))), math.fsum(alone[:k]) * (1 + 1e-12))
        bound = min(dual if math.isfinite(dual) else math.inf, trivial)
        bound = max(bound, float(best_covered))  # the solver's tolerances must not undercut a placement in hand
        status = "optimal" if proven and float(best_covered) >= bound * (1 - 1e-9) else "time limit"
        return Solution(best, best_covered, float(best_covered), bound, status)
    assert need is not None  # without k the caller passes need
    reaching = [pair for pair in candidates if pair[1] >= need]
    best, best_covered = min(reaching, key=lambda pair: pair[0].size)
    dual = float(res.mip_dual_bound) if res.mip_dual_bound is not None and math.isfinite(res.mip_dual_bound) else 0.0
    bound = float(min(best.size, max(math.ceil(dual - 1e-6), int(fixed.sum()), 1)))
    status = "optimal" if proven and best.size <= bound else "time limit"
    return Solution(best, best_covered, float(best.size), bound, status)


def _ordered(cover: sp.csr_matrix, weights: GroupWeights, chosen: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """A chosen set in the order :func:`greedy` would take it: fixed first, then by marginal gain."""
    allowed = np.zeros(cover.shape[0], dtype=bool)
    allowed[chosen] = True
    # scipy gives a sparse matrix (COO) here; scipy-stubs says an ndarray: csr_matrix() takes either.
    sub = sp.csr_matrix(cover.multiply(allowed[:, None]))
    return greedy(sub, weights, fixed & allowed, k=int(chosen.size))
