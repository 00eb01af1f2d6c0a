"""Site placement at scale: rangecov.place against greedy and spopt's MCLP.

Run by hand (not in CI), after ``pip install -e ".[test,bench]"`` and, for the
peer, ``pip install spopt`` (it brings PuLP and its CBC solver):

    .venv/bin/python bench/place.py [--spopt-targets N]

Data: ``bench/points.py``'s generator (seed 7): 1,000 candidates in its origin
box (22–40° E × 44–52° N) and 100,000 targets in its target box (15–60° E ×
40–65° N), 2 × 12 of them 1 cm either side of a candidate's reach. Reach
300 km; k = 10, and share = 0.9.

Rows:

- rangecov exact: coverage sets (the engine's exact pairs within reach, then
  targets with the same candidates joined), the integer program (HiGHS,
  relative gap 0), status and gap;
- rangecov greedy: the same sets, greedy alone;
- spopt MCLP: Euclidean distances between points projected to ETRS89-LAEA
  (EPSG:3035, the usual equal-area choice for Europe), solved by CBC through
  PuLP; the covered count spopt reports, and how many of the targets it calls
  covered are not within 300 km of a chosen site at the true (geodesic)
  distance. spopt builds a dense cost matrix, so with ``--spopt-targets N`` it
  runs on the first N targets only (and rangecov again on the same N, for a
  like-for-like row).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REACH_M = 300_000.0


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rangecov_rows(candidates, targets, label: str, *, share: bool = True) -> list[str]:
    from rangecov.placement.candidates import coverage_sets, group_targets

    from rangecov.base.sums import exact_sum
    from rangecov.geodesy.ellipsoid import get_ellipsoid
    from rangecov.inputs.options import parse_reach
    from rangecov.placement import mclp
    from rangecov.results.curve_points import share_fraction

    ell = get_ellipsoid("WGS84")
    c_lon, c_lat = candidates.geometry.x.to_numpy(), candidates.geometry.y.to_numpy()
    spec = parse_reach(REACH_M, candidates, len(candidates))
    t0 = time.perf_counter()
    full, _ = coverage_sets(ell, c_lon, c_lat, candidates, targets, spec, "any")
    cover, weights = group_targets(full, np.ones(len(targets)))
    t_sets = time.perf_counter() - t0
    total = exact_sum(np.ones(len(targets)))
    fixed = np.zeros(len(candidates), dtype=bool)
    every = mclp.covered_weight(cover, weights, np.arange(len(candidates)))
    rows = [
        f"| {label} | coverage sets | {t_sets:.2f} | | {full.nnz:,} pairs, {cover.shape[1]:,} groups of targets; "
        f"all candidates cover {float(every):,.0f} ({float(every / total):.2%}) | |"
    ]
    goals = [("k = 10", {"k": 10})] + ([("share = 0.9", {"need": share_fraction(0.9) * total})] if share else [])
    for name, kwargs in goals:
        if "need" in kwargs and every < kwargs["need"]:
            rows.append(f"| {label} | {name} | | | unreachable: all candidates cover {float(every / total):.2%} | |")
            kwargs = {"need": share_fraction(0.9) * every}
            name = f"share = 0.9 of what all cover ({float(every * share_fraction(0.9) / total):.2%})"
        # place()'s default time limit (60 s), a longer one (600 s), and greedy alone.
        for exact, limit in ((True, 60.0), (True, 600.0), (False, 0.0)):
            t0 = time.perf_counter()
            sol = mclp.solve(cover, weights, fixed, time_limit=limit or 1.0, exact=exact, **kwargs)
            secs = time.perf_counter() - t0
            covered = f"{float(sol.covered):,.0f} ({float(sol.covered / total):.2%})"
            gap = "" if sol.bound is None else f"bound {sol.bound:,.1f}"
            if sol.bound is not None and sol.status != "optimal":
                gap += f" (gap {abs(sol.bound - sol.objective) / max(sol.bound, sol.objective):.2%})"
            rows.append(
                f"| {label} | {name}, {f'exact, time limit {limit:.0f} s' if exact else 'greedy'} | {secs:.2f} | "
                f"{sol.objective:,.0f} | "
                f"{covered}; {sol.status} | {gap} |"
            )
    return rows


def spopt_rows(candidates, targets, label: str) -> list[str]:
    try:
        import pulp
        from spopt.locate import MCLP
    except ImportError:
        return [f"| {label} | spopt | | | not installed (pip install spopt) | |"]
    import rangecov

    t0 = time.perf_counter()
    c_xy = candidates.to_crs(3035).get_coordinates().to_numpy()
    t_xy = targets.to_crs(3035).get_coordinates().to_numpy()
    cost = np.sqrt(((t_xy[:, None, :] - c_xy[None, :, :]) ** 2).sum(axis=2))
    model = MCLP.from_cost_matrix(cost, np.ones(len(targets)), service_radius=REACH_M, p_facilities=10)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=600))
    secs = time.perf_counter() - t0
    chosen = [j for j in range(len(candidates)) if model.fac2cli[j]]
    claimed = np.zeros(len(targets), dtype=bool)
    claimed[(cost[:, chosen] <= REACH_M).any(axis=1)] = True
    truth = rangecov.coverage(candidates.iloc[chosen], targets, REACH_M).targets["in_reach"].to_numpy()
    wrong_in = int((claimed & ~truth).sum())
    wrong_out = int((~claimed & truth).sum())
    return [
        f"| {label} | spopt MCLP (EPSG:3035, CBC), k = 10 | {secs:.2f} | {int(claimed.sum()):,} | "
        f"claims {int(claimed.sum()):,} covered; at the true distance {int(truth.sum()):,}: {wrong_in:,} it calls "
        f"covered are not, {wrong_out:,} it calls uncovered are | |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spopt-targets", type=int, default=10_000)
    args = parser.parse_args()
    import geopandas as gpd
    from points import make_data

    import rangecov

    o_lon, o_lat, t_lon, t_lat, _ = make_data(1000, 100_000, REACH_M, seed=7)
    candidates = gpd.GeoDataFrame(geometry=gpd.points_from_xy(o_lon, o_lat), crs="EPSG:4326")
    targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(t_lon, t_lat), crs="EPSG:4326")
    print(f"# rangecov {rangecov.__version__} placement benchmark — {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print("# 1,000 candidates, 100,000 targets (bench/points.py, seed 7), reach 300 km")
    print()
    print("| targets | run | time s | objective | covered | bound |")
    print("|---|---|---|---|---|---|")
    for row in rangecov_rows(candidates, targets, "100,000"):
        print(row, flush=True)
    n = args.spopt_targets
    # The last 24 targets are the ones 1 cm either side of a reach: keep them in the sample.
    sample = targets.iloc[np.r_[np.arange(n - 24), np.arange(len(targets) - 24, len(targets))]]
    for row in rangecov_rows(candidates, sample, f"{n:,}", share=False):
        print(row, flush=True)
    for row in spopt_rows(candidates, sample, f"{n:,}"):
        print(row, flush=True)
    print(f"\npeak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
