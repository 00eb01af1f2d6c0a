"""The rangecov rows of bench/points.py and bench/buffers.py for two commits, runs interleaved.

Run by hand (not in CI), from the repository:

    .venv/bin/python bench/compare_commits.py OLD_REF NEW_REF --runs 5

Each commit is checked out into a temporary git worktree; every run is a fresh
subprocess that imports rangecov from that worktree (PYTHONPATH), on the same
data (the generators of this checkout's bench/points.py and bench/buffers.py).
Runs alternate old, new, old, new, ... so that a machine that slows down or
speeds up during the session affects both alike. Timed:

- points: ``rangecov.coverage`` of 1,000 origins x 1,000,000 targets, 300 km
  (bench/points.py's main case, seed 7);
- buffers: ``rangecov.buffer`` of 1,000 origins at 300 km, tolerance 10 m, plus
  ``shapely.union_all`` of the rings (bench/buffers.py's "draw + dissolve");
- the cases of bench/shapes.py, on its data (``_data``), one call timed after
  an untimed call on 100 targets: ``shapes-any``, ``shapes-all``,
  ``shapes-area`` (100 points x 2,000 polygons), ``polygons-any`` (100
  polygons x 2,000 polygons), ``held-10k`` and ``held-100k`` (the four
  held-territory polygons x 10,000 / 100,000 points), and, only when named in
  ``--cases`` (30 s a run), ``held-1m``.

``--cases`` picks them (default: every case but ``held-1m``).

Prints each run and the medians, and the new/old ratio of the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SNIPPET = r"""
import json, sys, time
sys.path.insert(0, {bench!r})
import rangecov
assert rangecov.__file__.startswith({tree!r}), rangecov.__file__
case = {case!r}
if case == "points":
    from points import frames, make_data
    o_lon, o_lat, t_lon, t_lat, _ = make_data(1000, 1_000_000, 300_000.0)
    origins, targets = frames(o_lon, o_lat, t_lon, t_lat)
    coverage = rangecov.coverage  # the package root loads its modules on first use: not timed
    t0 = time.perf_counter()
    coverage(origins, targets, 300_000.0)
    secs = time.perf_counter() - t0
elif case in SHAPES:
    from shapes import _data
    name, how = SHAPES[case]
    origins, targets, reach = _data(name)
    coverage = rangecov.coverage
    coverage(origins, targets.iloc[:100], reach, how=how)  # loads the modules and warms the caches: not timed
    t0 = time.perf_counter()
    coverage(origins, targets, reach, how=how)
    secs = time.perf_counter() - t0
else:
    import geopandas as gpd, shapely
    from buffers import make_origins
    lon, lat = make_origins(1000)
    s = gpd.GeoSeries.from_xy(lon, lat, crs="EPSG:4326")
    buffer = rangecov.buffer
    t0 = time.perf_counter()
    rings = buffer(s, 300_000.0, tolerance=10.0)
    shapely.union_all(rings.values)
    secs = time.perf_counter() - t0
print(json.dumps({{"seconds": secs}}))
"""

# compare_commits case -> (bench/shapes.py case name, how)
SHAPE_CASES = {
    "shapes-any": ("100 points × 2,000 polygons", "any"),
    "shapes-all": ("100 points × 2,000 polygons", "all"),
    "shapes-area": ("100 points × 2,000 polygons", "area"),
    "polygons-any": ("100 polygons × 2,000 polygons", "any"),
    "held-10k": ("4 held-territory polygons × 10,000 points", "any"),
    "held-100k": ("4 held-territory polygons × 100,000 points", "any"),
    "held-1m": ("4 held-territory polygons × 1,000,000 points", "any"),
}
DEFAULT_CASES = ["points", "buffers"] + [c for c in SHAPE_CASES if c != "held-1m"]


def run(tree: Path, case: str) -> float:
    code = "SHAPES = " + repr(SHAPE_CASES) + "\n" + SNIPPET.format(bench=str(ROOT / "bench"), tree=str(tree), case=case)
    env = dict(os.environ, PYTHONPATH=str(tree))
    # cwd = the tree: `python -c` puts the working directory first on sys.path.
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tree, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"{tree} {case} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--cases", default=",".join(DEFAULT_CASES))
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {}
        for label, ref in (("old", args.old), ("new", args.new)):
            tree = Path(tmp) / label
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), ref], cwd=ROOT, check=True)
            trees[label] = tree
        try:
            print(f"# {' '.join([Path(sys.executable).name, *sys.argv])}; old = {args.old}, new = {args.new}")
            for case in args.cases.split(","):
                times: dict[str, list[float]] = {"old": [], "new": []}
                for _ in range(args.runs):
                    for label in ("old", "new"):
                        times[label].append(run(trees[label], case))
                        print(f"{case} {label} {times[label][-1]:.3f} s", flush=True)
                med = {k: statistics.median(v) for k, v in times.items()}
                spread = {k: f"{min(v):.3f}-{max(v):.3f}" for k, v in times.items()}
                print(
                    f"| {case} | old median {med['old']:.3f} s ({spread['old']}) | new median {med['new']:.3f} s "
                    f"({spread['new']}) | new/old {med['new'] / med['old']:.3f} |",
                    flush=True,
                )
        finally:
            for tree in trees.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
