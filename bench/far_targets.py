"""Targets far from every origin: the case the search radius of exactness step 2a is for.

Run by hand (not in CI):

    .venv/bin/python bench/far_targets.py                 # 1,000 origins; 50k and 1M targets, three placements
    .venv/bin/python bench/far_targets.py --sizes 50000

1,000 origins are spread over 20-40°E, 40-60°N (Eastern Europe). Targets are
placed near them (as in bench/points.py), uniformly over the whole globe, or
all in South America (about 9,000-13,000 km from every origin). Each case runs
in its own subprocess, so peak RSS is that case's own high-water mark.
Before step 2a the search radius was the distance itself, and a target far
from a cluster of origins collected most of the cluster as candidates.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time

PLACEMENTS = {
    "near the origins (15-60°E, 40-65°N)": "near",
    "uniform over the globe": "globe",
    "South America (75-40°W, 40°S-5°N)": "far",
}


def _case(kind: str, n: int) -> dict:
    import resource

    import geopandas as gpd
    import numpy as np

    from rangecov import coverage

    def box(lon0, lon1, lat0, lat1, size, seed):
        r = np.random.default_rng(seed)
        return gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(r.uniform(lon0, lon1, size), r.uniform(lat0, lat1, size)), crs="EPSG:4326"
        )

    origins = box(20, 40, 40, 60, 1000, 1)
    if kind == "near":
        targets = box(15, 60, 40, 65, n, 4)
    elif kind == "far":
        targets = box(-75, -40, -40, 5, n, 2)
    else:
        r = np.random.default_rng(3)
        lat = np.degrees(np.arcsin(r.uniform(-1, 1, n)))
        targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(r.uniform(-180, 180, n), lat), crs="EPSG:4326")
    t0 = time.perf_counter()
    report = coverage(origins, targets, "300 km", progress=False)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"time": elapsed, "rss": peak, "headline": repr(report)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50000,1000000", help="target counts, comma-separated")
    parser.add_argument("--case", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(_case(args.case[0], int(args.case[1]))))
        return
    import rangecov

    print(f"# rangecov {rangecov.__version__} far-targets benchmark — {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.machine()}, Python {platform.python_version()}")
    print(f"# command: python bench/far_targets.py {' '.join(sys.argv[1:])}".rstrip())
    print()
    print("| origins × targets | targets placed | time s | targets/s | peak RSS MB | result |")
    print("|---|---|---|---|---|---|")
    for n in (int(v) for v in args.sizes.split(",")):
        for label, kind in PLACEMENTS.items():
            done = subprocess.run([sys.executable, __file__, "--case", kind, str(n)], capture_output=True, text=True)
            if done.returncode != 0:
                print(f"| 1,000 × {n:,} | {label} | failed |  |  | exit {done.returncode} |")
                continue
            r = json.loads(done.stdout)
            print(
                f"| 1,000 × {n:,} | {label} | {r['time']:.2f} | {n / r['time']:,.0f} | {r['rss']:.0f} | "
                f"{r['headline']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
