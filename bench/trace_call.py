"""Which rangecov modules and packages one ``coverage()`` call runs through (issue 26, item 5).

Run by hand or in the suite (``tests/test_trace_call.py`` holds the goal):

    .venv/bin/python bench/trace_call.py [--json]

The call: 50 point origins x 2,000 point targets, ``coverage(O, T, "300 km")``,
then ``report.targets`` and ``report.share`` read. It is made once untraced
(so that lazy imports and first-use caches are not counted), then again under
``sys.setprofile`` and ``threading.setprofile`` (the engine's worker threads
count). Counted: every rangecov module whose functions ran in the second call,
by the file that holds the code; module-level code (``<module>``), package
``__init__`` files and modules that define no function or class (constants
only) are not counted. A package is the folder of a counted module; modules
at the root (the public face: ``rangecov.units`` parses "300 km") are listed
apart from the packages below it.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import threading
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def make_frames(n_origins: int = 50, n_targets: int = 2000, seed: int = 26):
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    o = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(rng.uniform(30, 40, n_origins), rng.uniform(48, 54, n_origins)), crs="EPSG:4326"
    )
    t = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(rng.uniform(25, 45, n_targets), rng.uniform(45, 57, n_targets)), crs="EPSG:4326"
    )
    return o, t


def _holds_code(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in ast.walk(tree))


def trace() -> dict:
    import rangecov

    package = Path(rangecov.__file__).resolve().parent
    origins, targets = make_frames()
    coverage = rangecov.coverage

    def run() -> float:
        report = coverage(origins, targets, "300 km")
        report.targets  # noqa: B018 -- read, as a user would
        return report.share

    share = run()  # imports and caches, untraced
    calls: Counter[str] = Counter()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_name != "<module>":
            calls[frame.f_code.co_filename] += 1

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        again = run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    assert again == share
    modules: dict[str, int] = {}
    for filename, n in calls.items():
        path = Path(filename).resolve()
        if package not in path.parents or path.name == "__init__.py" or not _holds_code(path):
            continue
        rel = path.relative_to(package.parent).with_suffix("")
        modules[".".join(rel.parts)] = n
    packages = sorted({m.rpartition(".")[0] for m in modules} - {"rangecov"})
    root = sorted(m for m in modules if m.rpartition(".")[0] == "rangecov")
    return {"share": share, "modules": dict(sorted(modules.items())), "packages": packages, "root_modules": root}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    found = trace()
    if args.json:
        print(json.dumps(found))
        return
    print(f"coverage(50 origins, 2,000 targets, '300 km'): share {found['share']:.4f}")
    root = (
        f" and {len(found['root_modules'])} at the root ({', '.join(found['root_modules'])})"
        if found["root_modules"]
        else ""
    )
    print(f"{len(found['modules'])} modules: in {len(found['packages'])} packages below the root{root}")
    for name, n in found["modules"].items():
        print(f"  {name:40s} {n:6d} calls")


if __name__ == "__main__":
    main()
