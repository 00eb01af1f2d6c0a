"""Clustered origins: the engine's queries when many origins sit together, beside their floor.

Run by hand (not in CI):

    .venv/bin/python bench/clusters.py                      # both cases, the sizes of issue 27
    .venv/bin/python bench/clusters.py --targets 470 --runs 3   # fewer targets, median of 3

Cases (reach 300 km, deterministic data):

- ``cluster``: 20,000 origins in a 1 km box (35°E, 50°N), targets 500–3,000 km
  away in every direction (4,700 by default);
- ``line``: its mirror, 20,000 origins spread along a 1,000 km geodesic (from
  20°E, 50°N due east), 1,000 targets in a 1 km box 2,000 km north of the
  line's middle.

Each query is timed beside its floor, measured in the same process: one-thread
pyproj ``Geod.inv`` over the run's own (target, nearest origin) pairs (for
``pairs_within``: over the pairs it returns, plus 0.2 s of set-up, the issue's
allowance). ``coverage()`` is timed on GeoDataFrames built beforehand. The
multiple is the query's time over the floor's.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pyproj

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REACH = 300_000.0
GEOD = pyproj.Geod(ellps="WGS84")


def cluster_case(n_origins: int, n_targets: int, seed: int = 27) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    # A 1 km box: 0.014° of longitude and 0.009° of latitude at 50°N.
    o_lon = 35.0 + rng.uniform(0.0, 0.014, n_origins)
    o_lat = 50.0 + rng.uniform(0.0, 0.009, n_origins)
    az = rng.uniform(-180.0, 180.0, n_targets)
    dist = rng.uniform(500e3, 3000e3, n_targets)
    t_lon, t_lat, _ = GEOD.fwd(np.full(n_targets, 35.007), np.full(n_targets, 50.0045), az, dist)
    return o_lon, o_lat, np.asarray(t_lon), np.asarray(t_lat)


def line_case(n_origins: int, n_targets: int, seed: int = 27) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    along = np.sort(rng.uniform(0.0, 1_000e3, n_origins))
    o_lon, o_lat, _ = GEOD.fwd(np.full(n_origins, 20.0), np.full(n_origins, 50.0), np.full(n_origins, 90.0), along)
    mid_lon, mid_lat, _ = GEOD.fwd(20.0, 50.0, 90.0, 500e3)
    c_lon, c_lat, _ = GEOD.fwd(mid_lon, mid_lat, 0.0, 2_000e3)
    t_lon = c_lon + rng.uniform(0.0, 0.025, n_targets)  # ~1 km at 68°N
    t_lat = c_lat + rng.uniform(0.0, 0.009, n_targets)
    return np.asarray(o_lon), np.asarray(o_lat), t_lon, t_lat


def _timed(func, runs: int) -> tuple[float, object]:
    secs, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = func()
        secs.append(time.perf_counter() - t0)
    return statistics.median(secs), out


def run_case(name: str, data: tuple[np.ndarray, ...], runs: int) -> list[dict]:
    import geopandas as gpd

    import rangecov
    from rangecov.engine import OriginIndex

    o_lon, o_lat, t_lon, t_lat = data
    index = OriginIndex(o_lon, o_lat, reach=REACH)
    rows = []
    secs, (pos, _) = _timed(lambda: index.nearest(t_lon, t_lat), runs)
    floor, _ = _timed(lambda: GEOD.inv(o_lon[pos], o_lat[pos], t_lon, t_lat), runs)
    rows.append({"query": "nearest", "seconds": secs, "floor": floor})
    secs, _ = _timed(lambda: index.nearest_and_margin(t_lon, t_lat), runs)
    rows.append({"query": "nearest_and_margin", "seconds": secs, "floor": floor})
    secs, _ = _timed(lambda: index.min_ratio(t_lon, t_lat), runs)
    rows.append({"query": "min_ratio", "seconds": secs, "floor": floor})
    secs, (o, t, _d) = _timed(lambda: index.pairs_within(t_lon, t_lat), runs)
    pair_floor, _ = _timed(lambda: GEOD.inv(o_lon[o], o_lat[o], t_lon[t], t_lat[t]), runs)
    rows.append({"query": f"pairs_within ({o.size:,} pairs)", "seconds": secs, "floor": pair_floor + 0.2})
    origins = gpd.GeoDataFrame(geometry=gpd.points_from_xy(o_lon, o_lat), crs="EPSG:4326")
    targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(t_lon, t_lat), crs="EPSG:4326")
    rangecov.coverage(origins.iloc[:10], targets.iloc[:10], REACH)  # loads the modules: not timed
    secs, _ = _timed(lambda: rangecov.coverage(origins, targets, REACH), runs)
    rows.append({"query": "coverage()", "seconds": secs, "floor": floor})
    for row in rows:
        row["case"] = name
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--origins", type=int, default=20_000)
    p.add_argument("--targets", type=int, default=4_700, help="targets of the cluster case (the line case: 1,000)")
    p.add_argument("--line-targets", type=int, default=1_000)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--cases", default="cluster,line")
    args = p.parse_args()
    print(f"# {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}, reach 300 km")
    print("| case | query | rangecov | floor (Geod.inv, one thread) | multiple |")
    print("|---|---|---|---|---|")
    makers = {
        "cluster": lambda: cluster_case(args.origins, args.targets),
        "line": lambda: line_case(args.origins, args.line_targets),
    }
    for name in args.cases.split(","):
        for row in run_case(name, makers[name](), args.runs):
            print(
                f"| {row['case']} | {row['query']} | {row['seconds']:.3f} s | {row['floor']:.4f} s "
                f"| {row['seconds'] / row['floor']:.1f}× |",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
