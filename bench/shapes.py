"""Coverage with lines and polygons: how long the exact answers take.

Run by hand (not in CI):

    .venv/bin/python bench/shapes.py

Cases (deterministic data, each in its own subprocess so peak RSS is its own):

- point origins (launch sites) × small polygon targets (districts, 0.2° × 0.15°
  boxes) with ``how="any"``, ``"all"`` and ``"area"``, and polygon origins
  (0.5° × 0.3° boxes) × the same targets;
- the scenario's held-territory proxy (3 oblasts of ~5,000 vertices each and
  a salient) as origins × random point targets (airfields, towns).

There is no baseline in this table: no common tool computes exact geodesic
distances to polygons with geodesic edges; ``bench/buffers.py`` compares the
polygon-drawing side.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

CASES = [
    ("100 points × 2,000 polygons", "any"),
    ("100 points × 2,000 polygons", "all"),
    ("100 points × 2,000 polygons", "area"),
    ("100 polygons × 2,000 polygons", "any"),
    ("4 held-territory polygons × 10,000 points", "any"),
    ("4 held-territory polygons × 100,000 points", "any"),
]


def run_case(name: str, how: str) -> dict:
    import geopandas as gpd
    import numpy as np
    import shapely

    import rangecov

    rng = np.random.default_rng(3)
    if name.startswith("100"):
        ox, oy = rng.uniform(30, 40, 100), rng.uniform(45, 55, 100)
        if name.startswith("100 points"):
            origins = gpd.GeoSeries.from_xy(ox, oy, crs="EPSG:4326")
        else:
            origins = gpd.GeoSeries([shapely.box(a, b, a + 0.5, b + 0.3) for a, b in zip(ox, oy)], crs="EPSG:4326")
        x, y = rng.uniform(25, 45, 2000), rng.uniform(42, 58, 2000)
        targets = gpd.GeoSeries([shapely.box(a, b, a + 0.2, b + 0.15) for a, b in zip(x, y)], crs="EPSG:4326")
        reach = "190 mi"
    else:
        n = int(name.split("×")[1].split()[0].replace(",", ""))
        origins = rangecov.datasets.atacms_kursk_2024().held_proxy
        targets = gpd.GeoSeries.from_xy(rng.uniform(25, 50, n), rng.uniform(42, 60, n), crs="EPSG:4326")
        reach = "300 km"
    coverage_ = rangecov.coverage  # the package root loads modules on first use: not timed
    t0 = time.perf_counter()
    report = coverage_(origins, targets, reach, how=how)
    secs = time.perf_counter() - t0
    return {
        "seconds": secs,
        "n": len(targets),
        "headline": repr(report),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        print(json.dumps(run_case(sys.argv[2], sys.argv[3])))
        return
    import rangecov

    print(f"# rangecov {rangecov.__version__} line/polygon coverage benchmark — {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print()
    print("| case | how | time s | targets/s | peak RSS MB | result |")
    print("|---|---|---|---|---|---|")
    for name, how in CASES:
        proc = subprocess.run([sys.executable, __file__, "--worker", name, how], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"| {name} | {how} | failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]} | | | |", flush=True)
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"| {name} | {how} | {r['seconds']:.2f} | {r['n'] / r['seconds']:,.0f} | {r['rss_mb']:.0f} | {r['headline']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
