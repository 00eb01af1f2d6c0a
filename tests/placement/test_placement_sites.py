"""place(): optimal sites against brute force over every subset, set covering, fixed sites, errors, the command."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import oracle_matrix, points

import rangecov
from rangecov.errors import InputError, InputTypeError, UnreachableShareError

REACH = 150_000.0


def instance(seed: int, n_c: int = 20, n_t: int = 60, *, integer_weights: bool = True):
    """Candidates and targets in a 6° box; weights small integers (many ties) or awkward decimals."""
    rng = np.random.default_rng(seed)
    cand = points(rng.uniform(30, 36, n_c), rng.uniform(48, 52, n_c), index=[f"c{i}" for i in range(n_c)])
    w = rng.integers(1, 4, n_t).astype(float) if integer_weights else np.round(rng.uniform(0, 5, n_t), 1)
    targ = points(rng.uniform(29, 37, n_t), rng.uniform(47, 53, n_t), w=w)
    return cand, targ


def oracle_sets(cand, targ, reach) -> list[set]:
    """Per candidate, the targets within its reach by pure-Python geographiclib."""
    d = oracle_matrix(cand.geometry.x, cand.geometry.y, targ.geometry.x, targ.geometry.y)  # (n_t, n_c)
    r = np.broadcast_to(np.asarray(reach, dtype=float), (len(cand),))
    return [set(np.flatnonzero(d[:, j] <= r[j])) for j in range(len(cand))]


def weight_of(sets, subset, w) -> Fraction:
    hit = set().union(*(sets[j] for j in subset)) if subset else set()
    return sum((Fraction(float(w[i])) for i in hit), Fraction(0))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_optimum_against_every_subset(seed):
    cand, targ = instance(seed, integer_weights=seed != 3)
    sets = oracle_sets(cand, targ, REACH)
    w = targ["w"].to_numpy()
    best = max(weight_of(sets, s, w) for s in itertools.combinations(range(20), 3))
    result = rangecov.place(cand, targ, REACH, k=3, weight="w")
    assert result.status == "optimal" and result.gap == 0.0
    assert Fraction(result.objective) == Fraction(float(best)) and result.bound >= result.objective
    chosen = [cand.index.get_loc(c) for c in result.chosen.index]
    assert weight_of(sets, chosen, w) == best and len(chosen) <= 3
    # The report is coverage() of the chosen sites: the same covered weight.
    assert result.report.weight_in == result.objective
    # Same input and options, same answer; the gains add up to the objective.
    again = rangecov.place(cand, targ, REACH, k=3, weight="w")
    assert again.chosen.index.tolist() == result.chosen.index.tolist()
    assert math.fsum(result.chosen["marginal_weight"]) == pytest.approx(result.objective)
    assert result.chosen["marginal_weight"].is_monotonic_decreasing
    # Greedy alone keeps its guarantee, and says it is greedy.
    greedy = rangecov.place(cand, targ, REACH, k=3, weight="w", method="greedy")
    assert greedy.status == "greedy" and greedy.bound is None and greedy.gap is None
    one = rangecov.place(cand, targ, REACH, k=1, weight="w")
    assert "(at most 1 site)" in repr(one) and repr(one).startswith("1 site ")
    assert "63.2% of the optimal" in repr(greedy) and greedy.to_dict()["guarantee"] == greedy.guarantee
    assert greedy.objective >= (1 - 1 / math.e) * float(best) and greedy.objective <= float(best)


def test_unweighted_ties_and_the_curve():
    cand, targ = instance(4)
    sets = oracle_sets(cand, targ, REACH)
    ones = np.ones(len(targ))
    result = rangecov.place(cand, targ, REACH, k=4)
    curve = result.curve()
    assert curve["k"].tolist() == list(range(1, len(result.chosen) + 1))
    for k, covered in zip(curve["k"], curve["covered_weight"]):
        assert covered == float(max(weight_of(sets, s, ones) for s in itertools.combinations(range(20), k)))
    assert (curve["status"] == "optimal").all() and curve["share"].is_monotonic_increasing
    greedy_curve = rangecov.place(cand, targ, REACH, k=4, method="greedy").curve()
    assert (greedy_curve["status"] == "greedy").all() and greedy_curve["bound"].isna().all()


@pytest.mark.parametrize("share", [0.3, 0.6, "75%"])
def test_set_covering_against_every_subset(share):
    cand, targ = instance(5, integer_weights=False)
    sets = oracle_sets(cand, targ, REACH)
    w = targ["w"].to_numpy()
    total = sum((Fraction(float(v)) for v in w), Fraction(0))
    need = Fraction(rangecov.units.parse_share(share)).limit_denominator(10**9) * total
    fewest = next(
        size
        for size in range(1, 21)
        if any(weight_of(sets, s, w) >= need for s in itertools.combinations(range(20), size))
    )
    result = rangecov.place(cand, targ, REACH, share=share, weight="w")
    assert result.status == "optimal" and result.objective == fewest == len(result.chosen)
    assert weight_of(sets, [cand.index.get_loc(c) for c in result.chosen.index], w) >= need
    greedy = rangecov.place(cand, targ, REACH, share=share, weight="w", method="greedy")
    m = max(len(s) for s in sets)
    assert f"H({m})" in repr(greedy) and fewest <= greedy.objective <= fewest * sum(1 / i for i in range(1, m + 1))


def test_fixed_sites_count_in_k_and_come_first():
    cand, targ = instance(6)
    sets = oracle_sets(cand, targ, REACH)
    w = targ["w"].to_numpy()
    fixed = ["c7", "c11"]
    best = max(weight_of(sets, [7, 11, j], w) for j in range(20))  # c7, c11 and one more
    by_list = rangecov.place(cand, targ, REACH, k=3, fixed=fixed, weight="w")
    by_column = rangecov.place(cand.assign(keep=cand.index.isin(fixed)), targ, REACH, k=3, fixed="keep", weight="w")
    for result in (by_list, by_column):
        assert result.chosen.index[:2].tolist() == fixed and result.chosen["is_fixed"].tolist()[:2] == [True, True]
        assert Fraction(result.objective) == best
    covered = rangecov.place(cand, targ, REACH, share=0.2, fixed=["c7"], weight="w")
    assert "c7" in covered.chosen.index


def test_reach_per_candidate_and_band():
    cand, targ = instance(7)
    reach = np.linspace(80_000.0, 200_000.0, 20)
    sets = oracle_sets(cand, targ, reach)
    w = targ["w"].to_numpy()
    best = max(weight_of(sets, s, w) for s in itertools.combinations(range(20), 2))
    result = rangecov.place(cand.assign(r=reach), targ, "r", k=2, weight="w")
    assert Fraction(result.objective) == best
    band = rangecov.place(cand, targ, (100_000.0, 150_000.0), k=2)
    low = rangecov.place(cand, targ, 100_000.0, k=2)
    assert band.objective == low.objective and band.marginal_only > 0
    assert "only marginal" in repr(band)


@pytest.mark.parametrize("how", ["any", "centroid"])
def test_polygon_targets(how):
    cand, targ = instance(8, n_t=30)
    boxes = targ.copy()
    boxes["geometry"] = shapely.box(
        targ.geometry.x - 0.3, targ.geometry.y - 0.2, targ.geometry.x + 0.3, targ.geometry.y + 0.2
    )
    single = [
        rangecov.coverage(cand.iloc[[j]], boxes, REACH, how=how).targets["in_reach"].to_numpy() for j in range(20)
    ]
    sets = [set(np.flatnonzero(s)) for s in single]
    w = boxes["w"].to_numpy()
    best = max(weight_of(sets, s, w) for s in itertools.combinations(range(20), 2))
    result = rangecov.place(cand, boxes, REACH, k=2, weight="w", how=how)
    assert Fraction(result.objective) == best and result.report.weight_in == result.objective


def test_a_time_limit_that_binds_is_stated():
    rng = np.random.default_rng(9)
    cand = points(rng.uniform(20, 40, 400), rng.uniform(45, 55, 400))
    targ = points(rng.uniform(20, 40, 4000), rng.uniform(45, 55, 4000))
    result = rangecov.place(cand, targ, "120 km", k=15, time_limit=0.01)
    assert (
        result.status in ("time limit", "optimal") and math.isfinite(result.bound) and result.bound >= result.objective
    )
    if result.status == "time limit":
        assert "gap" in repr(result)


def test_refusals():
    cand, targ = instance(10, n_c=5, n_t=10)
    bad = [
        (dict(), InputError, "exactly one of k="),
        (dict(k=2, share=0.5), InputError, "exactly one of k="),
        (dict(k=0), InputError, "k must be a whole number >= 1"),
        (dict(k=True), InputError, "k must be a whole number"),
        (dict(k=2.5), InputError, "k must be a whole number"),
        (dict(share=0), InputError, "share"),
        (dict(share=1.5), InputError, "share"),
        (dict(k=1, fixed=["c0", "c1"]), InputError, "k counts the fixed sites"),
        (dict(k=2, fixed=["nowhere"]), InputError, "'nowhere' is not a label of the candidates"),
        (dict(k=2, fixed="nope"), InputError, "fixed='nope' is not a column of the candidates"),
        (dict(k=2, fixed=3), InputTypeError, "fixed must be a boolean column name or a list"),
        (dict(k=2, time_limit=0), InputError, "time_limit=0 is not a positive number of seconds"),
        (dict(k=2, time_limit=True), InputError, "time_limit"),
        (dict(k=2, how="all"), InputError, "depends on the union of the sites"),
        (dict(k=2, how="area"), InputError, "depends on the union of the sites"),
        (dict(k=2, how="nearest"), InputError, "place takes how='any' or 'centroid'"),
        (dict(k=2, method="fast"), InputError, "method='fast' is not one of"),
        (dict(k=2, weight="mass"), InputError, "weight='mass' is not a column"),
    ]
    for options, error, message in bad:
        with pytest.raises(error, match=message):
            rangecov.place(cand, targ, REACH, **options)
    with pytest.raises(InputTypeError, match="must be a column of True/False"):
        rangecov.place(cand.assign(flag=1), targ, REACH, k=2, fixed="flag")
    twins = cand.rename(index={"c1": "c0"})
    with pytest.raises(InputTypeError, match="fixed holds True/False"):
        rangecov.place(cand.reset_index(drop=True), targ, REACH, k=2, fixed=[False, True, False, False, False])
    with pytest.raises(InputError, match="'c0' names 2 candidates"):
        rangecov.place(twins, targ, REACH, k=2, fixed=["c0"])
    assert len(rangecov.place(twins, targ, REACH, k=2).chosen) >= 1  # repeated labels are fine otherwise
    with pytest.raises(InputError, match="candidates must be points"):
        rangecov.place(gpd.GeoSeries([shapely.box(30, 48, 31, 49)], crs=4326), targ, REACH, k=1)
    with pytest.raises(InputError, match="candidates is empty"):
        rangecov.place(cand.iloc[:0], targ, REACH, k=1)
    with pytest.raises(InputError, match="targets is empty"):
        rangecov.place(cand, targ.iloc[:0], REACH, k=1)
    with pytest.raises(UnreachableShareError, match="cover .*% of the") as info:
        rangecov.place(cand, targ, "1 km", share=0.9)
    assert 0 <= info.value.best_share < 0.9
