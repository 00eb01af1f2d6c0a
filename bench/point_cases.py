"""The point engine's cases A–F, each timed beside its own floor: one-thread ``Geod.inv`` per target.

Run by hand (not in CI), usually through ``bench/points.py`` (which prints this
table after the peers' table), or alone:

    .venv/bin/python bench/point_cases.py                    # every case, 5 runs each
    .venv/bin/python bench/point_cases.py --cases A300,C --runs 3

The reference is pyproj ``Geod.inv`` on one thread over the run's own
(target, nearest origin) pairs, one per target: the time one thread needs for
the distances alone. It is measured in the same process as rangecov,
alternating with it run by run, so that the multiple does not depend on the
machine's speed at the moment. Each case runs in its own subprocess; peak RSS
is that process's high-water mark and ``data`` its RSS once the input
GeoDataFrames exist.

Cases (1,000,000 targets each):

- A300, A190: 1,000 origins, targets over 15–60°E, 40–65°N (``points.make_data``, seed 7), 300 km / 190 mi;
- B: case A300, then ``report.origins`` (``targets_in_reach`` per origin); the multiple is of the added time;
- C: case A300 with the 36 row origins in a 45 km line at 41°E, 49.8–50.2°N (clustered);
- D: 1,000 origins over 20–40°E, 40–60°N, targets uniform over the globe (``far_targets.py``'s seeds);
- E2, E40: case A with a per-origin reach column of 2 and of 40 distinct values, 70 km … 500 km;
- F: 10,000 origins (same box and seed), 300 km.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
N_TARGETS = 1_000_000

CASES = {
    "A300": "1,000 origins × 1M, 300 km",
    "A190": "1,000 origins × 1M, 190 mi",
    "B": "case A300, then report.origins (added time)",
    "C": "A300 with 36 origins in a 45 km line (clustered)",
    "D": "1,000 origins × 1M targets over the globe",
    "E2": "A300 data, per-origin reach, 2 values",
    "E40": "A300 data, per-origin reach, 40 values",
    "F": "10,000 origins × 1M, 300 km",
}


def case_data(case: str):
    """(origins, targets, reach) of a case, as GeoDataFrames."""
    import geopandas as gpd

    sys.path.insert(0, str(HERE))
    from points import frames, make_data

    if case == "D":
        r = np.random.default_rng(1)
        o_lon, o_lat = r.uniform(20, 40, 1000), r.uniform(40, 60, 1000)
        r = np.random.default_rng(3)
        t_lat = np.degrees(np.arcsin(r.uniform(-1, 1, N_TARGETS)))
        t_lon = r.uniform(-180, 180, N_TARGETS)
        origins, targets = frames(o_lon, o_lat, t_lon, t_lat)
        return origins, targets, 300_000.0
    reach = 190 * 1609.344 if case == "A190" else 300_000.0
    n_o = 10_000 if case == "F" else 1000
    o_lon, o_lat, t_lon, t_lat, _ = make_data(n_o, N_TARGETS, reach)
    if case == "C":
        o_lon[-36:] = 41.0
        o_lat[-36:] = np.linspace(49.8, 50.2, 36)
    origins, targets = frames(o_lon, o_lat, t_lon, t_lat)
    if case in ("E2", "E40"):
        values = np.linspace(70_000.0, 500_000.0, 2 if case == "E2" else 40)
        origins = gpd.GeoDataFrame(
            {"range_m": np.random.default_rng(11).choice(values, len(origins))}, geometry=origins.geometry
        )
        reach = "range_m"
    return origins, targets, reach


def run_case(case: str, runs: int) -> dict:
    """Time one case ``runs`` times, alternating with the reference; in this process."""
    import pyproj

    import rangecov

    origins, targets, reach = case_data(case)
    data_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    coverage = rangecov.coverage  # the package root loads modules on first use: not timed
    o_xy = np.c_[origins.geometry.x, origins.geometry.y]
    t_lon, t_lat = targets.geometry.x.to_numpy(), targets.geometry.y.to_numpy()
    geod = pyproj.Geod(ellps="WGS84")
    ours, ref = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = coverage(origins, targets, reach, progress=False)
        secs = time.perf_counter() - t0
        if case == "B":
            t0 = time.perf_counter()
            report.origins
            secs = time.perf_counter() - t0
        ours.append(secs)
        nearest = report.targets["nearest_origin"].to_numpy(dtype=np.intp)  # labels are positions here
        args = [np.ascontiguousarray(v) for v in (t_lon, t_lat, o_xy[nearest, 0], o_xy[nearest, 1])]
        t0 = time.perf_counter()
        geod.inv(*args)
        ref.append(time.perf_counter() - t0)
        del report
    return {
        "case": case,
        "ours": ours,
        "ref": ref,
        "data_mb": data_mb,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def table(cases: list[str], runs: int) -> list[str]:
    """Markdown rows, one subprocess per case."""
    lines = [
        "| case | what | rangecov s (median, min–max) | reference s (median) | multiple | data MB | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    for case in cases:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", case, str(runs)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            lines.append(f"| {case} | {CASES[case]} | failed: {tail} |  |  |  |  |")
            print(lines[-1], flush=True)
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        ours, ref = statistics.median(r["ours"]), statistics.median(r["ref"])
        lines.append(
            f"| {case} | {CASES[case]} | {ours:.2f} ({min(r['ours']):.2f}–{max(r['ours']):.2f}) | {ref:.2f} | "
            f"{ours / ref:.2f}× | {r['data_mb']:.0f} | {r['peak_mb']:.0f} |"
        )
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    p.add_argument("--runs", type=int, default=5, help="runs per case (median reported)")
    p.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(run_case(args.worker[0], int(args.worker[1]))))
        return
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        sys.exit(f"unknown case(s) {unknown}; choose from {list(CASES)}")
    print(f"# command: python bench/point_cases.py {' '.join(sys.argv[1:])}".rstrip())
    print()
    table(cases, args.runs)


if __name__ == "__main__":
    main()
