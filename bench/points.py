"""Point coverage benchmark: rangecov beside the usual ways of answering the same question.

Run by hand (not in CI):

    .venv/bin/python -m pip install -e ".[test,bench]"
    .venv/bin/python bench/points.py                       # 10x10k, 100x100k, 1000x1M; 300 km and 190 mi
    .venv/bin/python bench/points.py --sizes 1000x1000000 --reach "300 km"
    .venv/bin/python bench/points.py --postgis             # also PostGIS EXISTS ... ST_DWithin(geography)
    .venv/bin/python bench/points.py --sizes 10x10000 --cases A300,C --runs 3   # fewer engine cases

After the peers' table it prints the engine's cases A-F (bench/point_cases.py):
each timed beside one-thread pyproj Geod.inv over the run's own (target,
nearest origin) pairs, measured in the same process, and shown as a multiple
of it.

Every method runs in its own subprocess on the same deterministic data, so the
peak RSS column is that method's own high-water mark (Python, libraries and
the input data included; the `data only` row shows that floor).

Truth: rangecov's answer, itself checked in the same run against pyproj
brute force (every origin-target pair) on a random subset of targets, and in
the test suite against pure-Python geographiclib. "boundary" counts the
misclassified among targets placed 1 cm inside or outside the reach of an
origin at latitude 50 (due north or south of it, where no other origin reaches).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

EARTH_MEAN_RADIUS_M = 6_371_008.8  # IUGG mean radius, what haversine users take
BOUNDARY_PER_SIDE = 36  # 72 boundary targets, as in the BallTree note


# ----------------------------------------------------------------------------- data


def make_data(n_origins: int, n_targets: int, reach_m: float, seed: int = 7):
    """Origins in a border-sized box, targets in a theatre around it, plus boundary targets."""
    import pyproj

    rng = np.random.default_rng(seed)
    o_lon = rng.uniform(22.0, 40.0, n_origins)
    o_lat = rng.uniform(44.0, 52.0, n_origins)
    k = min(BOUNDARY_PER_SIDE, n_origins)
    n_rand = n_targets - 2 * k
    t_lon = rng.uniform(15.0, 60.0, n_rand)
    t_lat = rng.uniform(40.0, 65.0, n_rand)
    # Boundary targets: 1 cm outside / inside the reach of the last k origins, moved to
    # latitude 50 east of the origin box, 0.5° apart, the targets due north or south
    # of them, where no other origin is within reach.
    g = pyproj.Geod(ellps="WGS84")
    o_lon[n_origins - k :] = 46.0 + 0.5 * np.arange(k)
    o_lat[n_origins - k :] = 50.0
    az = rng.uniform(-10, 10, k) + np.where(np.arange(k) % 2 == 0, 0.0, 180.0)
    out_lon, out_lat, _ = g.fwd(o_lon[n_origins - k :], o_lat[n_origins - k :], az, np.full(k, reach_m + 0.01))
    in_lon, in_lat, _ = g.fwd(o_lon[n_origins - k :], o_lat[n_origins - k :], az, np.full(k, reach_m - 0.01))
    t_lon = np.r_[t_lon, out_lon, in_lon]
    t_lat = np.r_[t_lat, out_lat, in_lat]
    boundary = np.zeros(t_lon.size, dtype=bool)
    boundary[n_rand:] = True
    return o_lon, o_lat, t_lon, t_lat, boundary


def frames(o_lon, o_lat, t_lon, t_lat):
    import geopandas as gpd

    origins = gpd.GeoDataFrame(geometry=gpd.points_from_xy(o_lon, o_lat), crs="EPSG:4326")
    targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(t_lon, t_lat), crs="EPSG:4326")
    return origins, targets


# ----------------------------------------------------------------------------- methods
# Each returns (in_reach mask over the targets it decided, distances or None, note).


def m_data_only(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    frames(o_lon, o_lat, t_lon, t_lat)
    return None, None, "input arrays and GeoDataFrames only: the RSS floor"


def m_rangecov(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    import rangecov

    origins, targets = frames(o_lon, o_lat, t_lon, t_lat)
    coverage_ = rangecov.coverage  # the package root loads modules on first use: not timed
    t0 = time.perf_counter()
    report = coverage_(origins, targets, reach_m)
    elapsed = time.perf_counter() - t0
    t = report.targets
    return (t["in_reach"].to_numpy(), t["distance_m"].to_numpy(), "exact, distances for every target", elapsed)


def m_rangecov_origins(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    import rangecov

    origins, targets = frames(o_lon, o_lat, t_lon, t_lat)
    report = rangecov.coverage(origins, targets, reach_m)
    t0 = time.perf_counter()
    report.origins
    elapsed = time.perf_counter() - t0
    return (None, None, "report.origins (targets_in_reach per origin), after coverage()", elapsed)


def m_brute(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    import pyproj

    g = pyproj.Geod(ellps="WGS84")
    subset = np.random.default_rng(1).choice(t_lon.size, min(args.brute_subset, t_lon.size), replace=False)
    subset.sort()
    best = np.full(subset.size, np.inf)
    t0 = time.perf_counter()
    for x, y in zip(o_lon, o_lat):
        d = g.inv(np.full(subset.size, x), np.full(subset.size, y), t_lon[subset], t_lat[subset])[2]
        np.minimum(best, d, out=best)
    elapsed = (time.perf_counter() - t0) * t_lon.size / subset.size
    return (
        subset,
        best <= reach_m,
        best,
        f"pyproj Geod.inv on every pair, timed on {subset.size:,} targets, extrapolated",
        elapsed,
    )


def m_balltree(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    from sklearn.neighbors import BallTree

    t0 = time.perf_counter()
    tree = BallTree(np.radians(np.c_[o_lat, o_lon]), metric="haversine")
    d, _ = tree.query(np.radians(np.c_[t_lat, t_lon]), k=1)
    dist = d[:, 0] * EARTH_MEAN_RADIUS_M
    elapsed = time.perf_counter() - t0
    return dist <= reach_m, dist, "scikit-learn BallTree, haversine, R = 6371.0088 km", elapsed


def _buffer_sjoin(targets, buffers):
    import geopandas as gpd

    region = gpd.GeoDataFrame(geometry=[buffers.union_all()], crs=buffers.crs)
    hits = gpd.sjoin(targets, region, predicate="within", how="inner")
    return np.asarray(targets.index.isin(hits.index))


def m_aeqd(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    import geopandas as gpd
    from shapely import Point

    origins, targets = frames(o_lon, o_lat, t_lon, t_lat)
    t0 = time.perf_counter()
    rings = []
    for x, y in zip(o_lon, o_lat):
        aeqd = f"+proj=aeqd +lat_0={y} +lon_0={x} +datum=WGS84 +units=m"
        ring = gpd.GeoSeries([Point(0, 0)], crs=aeqd).buffer(reach_m, quad_segs=16).to_crs(4326)
        rings.append(ring.iloc[0])
    inside = _buffer_sjoin(targets, gpd.GeoSeries(rings, crs=4326))
    elapsed = time.perf_counter() - t0
    return inside, None, "per-origin AEQD buffer, 64 vertices, dissolve + sjoin", elapsed


def m_webmerc(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    origins, targets = frames(o_lon, o_lat, t_lon, t_lat)
    t0 = time.perf_counter()
    buffers = origins.to_crs(3857).buffer(reach_m)
    inside = _buffer_sjoin(targets.to_crs(3857), buffers)
    elapsed = time.perf_counter() - t0
    return inside, None, "to_crs(3857).buffer(R), dissolve + sjoin", elapsed


def m_postgis(o_lon, o_lat, t_lon, t_lat, reach_m, args):
    from postgis_bench import postgis_exists

    inside, load_s, query_s = postgis_exists(o_lon, o_lat, t_lon, t_lat, reach_m)
    return inside, None, f"EXISTS ... ST_DWithin(geography), 2 workers; +{load_s:.1f} s to load and index", query_s


METHODS = {
    "data only": m_data_only,
    "rangecov": m_rangecov,
    "rangecov origins": m_rangecov_origins,
    "pyproj brute force": m_brute,
    "BallTree haversine": m_balltree,
    "geopandas AEQD buffer": m_aeqd,
    "geopandas EPSG:3857 buffer": m_webmerc,
    "PostGIS": m_postgis,
}


# ----------------------------------------------------------------------------- worker


def worker(method: str, n_o: int, n_t: int, reach_m: float, out: str, brute_subset: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    args = argparse.Namespace(brute_subset=brute_subset)
    o_lon, o_lat, t_lon, t_lat, _ = make_data(n_o, n_t, reach_m)
    result = METHODS[method](o_lon, o_lat, t_lon, t_lat, reach_m, args)
    payload = {"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if method == "pyproj brute force":
        subset, inside, dist, note, elapsed = result
        np.save(out + ".subset.npy", subset)
    elif len(result) == 3:
        inside, dist, note = result
        elapsed = float("nan")
    else:
        inside, dist, note, elapsed = result
    if inside is not None:
        np.save(out + ".in.npy", inside)
    if dist is not None:
        np.save(out + ".dist.npy", dist)
    payload.update(note=note, seconds=elapsed)
    print(json.dumps(payload))


def run_one(method, n_o, n_t, reach_m, tmp, brute_subset, timeout):
    out = os.path.join(tmp, f"{method.replace(' ', '_')}_{n_o}_{n_t}_{reach_m:.0f}")
    cmd = [sys.executable, __file__, "--worker", method, str(n_o), str(n_t), repr(reach_m), out, str(brute_subset)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"note": f"not finished within {timeout} s", "seconds": float("nan"), "rss_mb": float("nan")}, out
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"note": f"failed: {tail}", "seconds": float("nan"), "rss_mb": float("nan")}, out
    return json.loads(proc.stdout.strip().splitlines()[-1]), out


def load(path):
    return np.load(path) if os.path.exists(path) else None


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10x10000,100x100000,1000x1000000", help="ORIGINSxTARGETS, comma-separated")
    p.add_argument("--reach", default="300 km,190 mi", help="reaches, comma-separated")
    p.add_argument("--methods", default=",".join(m for m in METHODS if m != "PostGIS"))
    p.add_argument("--postgis", action="store_true", help="also run PostGIS (Debian packages, started on 127.0.0.1)")
    p.add_argument("--brute-subset", type=int, default=2000, help="targets timed for the brute-force row")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per method run")
    p.add_argument(
        "--cases",
        default="all",
        help="the engine's cases A-F of bench/point_cases.py, timed beside one-thread Geod.inv per target "
        "('all', a comma-separated list, or 'none')",
    )
    p.add_argument("--runs", type=int, default=5, help="runs per case (median reported)")
    p.add_argument("--worker", nargs=6, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        method, n_o, n_t, reach, out, subset = args.worker
        worker(method, int(n_o), int(n_t), float(reach), out, int(subset))
        return

    import rangecov

    methods = [m.strip() for m in args.methods.split(",")] + (["PostGIS"] if args.postgis else [])
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        sys.exit(f"unknown method(s) {unknown}; choose from {list(METHODS)}")
    print(f"# rangecov {rangecov.__version__} point benchmark — {time.strftime('%Y-%m-%d')}")
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print()
    header = "| origins × targets | reach | method | time s | targets/s | peak RSS MB | misclassified | boundary misclassified | note |"
    print(header)
    print("|" + "---|" * 9)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            n_o, n_t = (int(v) for v in size.lower().split("x"))
            for reach_text in args.reach.split(","):
                reach_m = rangecov.parse_distance(reach_text.strip())
                _, _, _, _, boundary = make_data(n_o, n_t, reach_m)
                results = {}
                for method in methods:
                    results[method] = run_one(method, n_o, n_t, reach_m, tmp, args.brute_subset, args.timeout)
                truth = load(results["rangecov"][1] + ".in.npy") if "rangecov" in results else None
                for method, (info, out) in results.items():
                    inside = load(out + ".in.npy")
                    subset = load(out + ".subset.npy")
                    mis = bmis = ""
                    note = info["note"]
                    if inside is not None and truth is not None:
                        ref = truth if subset is None else truth[subset]
                        bnd = boundary if subset is None else boundary[subset]
                        wrong = inside != ref
                        mis = f"{int(wrong.sum()):,}" + ("" if subset is None else f" of {subset.size:,}")
                        bmis = f"{int(wrong[bnd].sum())} of {int(bnd.sum())}"
                        if subset is not None:
                            d_ref = load(results["rangecov"][1] + ".dist.npy")[subset]
                            note += f"; max abs distance difference to rangecov {np.abs(load(out + '.dist.npy') - d_ref).max():.1e} m"
                    if method == "BallTree haversine" and truth is not None and load(out + ".dist.npy") is not None:
                        d_ref = load(results["rangecov"][1] + ".dist.npy")
                        note += f"; max abs distance error {np.abs(load(out + '.dist.npy') - d_ref).max():.0f} m"
                    secs = info["seconds"]
                    rate = (
                        f"{n_t / secs:,.0f}"
                        if secs == secs and secs > 0 and method not in ("data only", "rangecov origins")
                        else ""
                    )
                    print(
                        f"| {n_o:,} × {n_t:,} | {reach_text.strip()} | {method} | "
                        f"{'' if secs != secs else f'{secs:.2f}'} | {rate} | {info['rss_mb']:.0f} | {mis} | {bmis} | {note} |",
                        flush=True,
                    )
    if args.cases != "none":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import point_cases

        cases = list(point_cases.CASES) if args.cases == "all" else [c.strip() for c in args.cases.split(",")]
        print()
        print(f"## The engine's cases, each beside one-thread Geod.inv per target ({args.runs} runs, medians)")
        print()
        point_cases.table(cases, args.runs)


if __name__ == "__main__":
    main()
