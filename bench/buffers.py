"""Reach-polygon benchmark: rangecov's geodesic buffers beside the usual ways of drawing range rings.

Run by hand (not in CI):

    .venv/bin/python bench/buffers.py                    # 1, 100, 1000 origins; 300 km and 190 mi
    .venv/bin/python bench/buffers.py --origins 1000 --reach "300 km"
    .venv/bin/python bench/buffers.py --postgis          # also PostGIS ST_Buffer(geography)

Table 1, per method: time to draw the buffers (and to dissolve them), vertices
per ring, and the deviation of the drawn ring from the true WGS84 geodesic
circle — every edge sampled at 8 points, read as a straight line in lon/lat
as shapely/GeoJSON/geopandas read it, each sample's geodesic distance to the
centre minus the radius (pyproj, Karney). "max |dev|" is the worst sample,
"mean mid" the mean signed deviation at edge midpoints (negative: inside).

Table 2: buffer + dissolve + point-in-polygon of 1M points against the
result, beside the exact answer (rangecov.coverage on the same points).

Every method runs in its own subprocess on the same deterministic data, so
"peak RSS" is that method's own high-water mark.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SAMPLES = 8
MEASURE_AT_MOST = 100  # rings measured for deviation per run (all are drawn and timed)


def make_origins(n: int, seed: int = 11):
    rng = np.random.default_rng(seed)
    return rng.uniform(22.0, 40.0, n), rng.uniform(44.0, 52.0, n)


def make_points(n: int, seed: int = 12):
    rng = np.random.default_rng(seed)
    return rng.uniform(10.0, 55.0, n), rng.uniform(36.0, 62.0, n)


# ----------------------------------------------------------------------------- methods
# Each returns (list of polygons in lon/lat, seconds to draw them).


def m_rangecov(lon, lat, reach_m, tol):
    import geopandas as gpd

    import rangecov

    s = gpd.GeoSeries.from_xy(lon, lat, crs="EPSG:4326")
    buffer_ = rangecov.buffer  # the package root loads modules on first use: not timed
    t0 = time.perf_counter()
    out = buffer_(s, reach_m, tolerance=tol)
    return list(out.values), time.perf_counter() - t0


def m_aeqd(lon, lat, reach_m, quad_segs):
    import geopandas as gpd
    import pyproj
    from shapely.ops import transform

    t0 = time.perf_counter()
    out = []
    wgs = pyproj.CRS("EPSG:4326")
    for x, y in zip(lon, lat):
        aeqd = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={y} +lon_0={x} +datum=WGS84 +units=m")
        fwd = pyproj.Transformer.from_crs(wgs, aeqd, always_xy=True).transform
        back = pyproj.Transformer.from_crs(aeqd, wgs, always_xy=True).transform
        p = gpd.GeoSeries.from_xy([x], [y], crs=wgs).iloc[0]
        out.append(transform(back, transform(fwd, p).buffer(reach_m, quad_segs=quad_segs)))
    return out, time.perf_counter() - t0


def m_webmerc(lon, lat, reach_m, quad_segs=16):
    import geopandas as gpd

    t0 = time.perf_counter()
    s = gpd.GeoSeries.from_xy(lon, lat, crs="EPSG:4326").to_crs("EPSG:3857").buffer(reach_m, quad_segs=quad_segs)
    out = list(s.to_crs("EPSG:4326").values)
    return out, time.perf_counter() - t0


def m_postgis(lon, lat, reach_m, _):
    import shapely

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import postgis_bench as pg

    with pg._cluster() as port:
        pg._psql(port, "CREATE EXTENSION postgis; CREATE TABLE o (id int, lon float8, lat float8);")
        pg._psql(port, "COPY o FROM STDIN WITH (FORMAT csv)", stdin=pg._csv(np.arange(lon.size), lon, lat))
        t0 = time.perf_counter()
        text = pg._psql(
            port,
            f"SELECT ST_AsText(ST_Buffer(ST_MakePoint(lon, lat)::geography, {reach_m})::geometry) FROM o ORDER BY id;",
        )
        secs = time.perf_counter() - t0
    return [shapely.from_wkt(line) for line in text.strip().splitlines()], secs


METHODS = {
    "rangecov tol 10 m": (m_rangecov, 10.0),
    "rangecov tol 1 m": (m_rangecov, 1.0),
    "geopandas AEQD 64 vertices": (m_aeqd, 16),
    "geopandas AEQD 256 vertices": (m_aeqd, 64),
    "geopandas EPSG:3857 64 vertices": (m_webmerc, 16),
    "PostGIS ST_Buffer(geography)": (m_postgis, None),
}


def deviation(polys, lon, lat, reach_m):
    """Worst |dev| over 8 samples per edge, and mean signed dev at edge midpoints (lon/lat-straight edges)."""
    import shapely

    import rangecov

    ell = rangecov.get_ellipsoid()
    worst, mids = 0.0, []
    for k in range(min(len(polys), MEASURE_AT_MOST)):
        for part in shapely.get_parts(polys[k]):
            c = np.asarray(part.exterior.coords)
            x0, y0, x1, y1 = c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1]
            art = ((np.abs(x0) == 180) & (x0 == x1)) | ((np.abs(y0) == 90) & (y0 == y1))
            x0, y0, x1, y1 = x0[~art], y0[~art], x1[~art], y1[~art]
            f = np.linspace(0.0, 1.0, SAMPLES + 1)
            xs = (x0[:, None] + f * (x1 - x0)[:, None]).ravel()
            ys = (y0[:, None] + f * (y1 - y0)[:, None]).ravel()
            s = ell.distance(np.full(xs.size, lon[k]), np.full(xs.size, lat[k]), xs, ys) - reach_m
            worst = max(worst, float(np.abs(s).max()))
            mx, my = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
            mids.append(ell.distance(np.full(mx.size, lon[k]), np.full(mx.size, lat[k]), mx, my) - reach_m)
    return worst, float(np.concatenate(mids).mean())


def worker(method: str, n: int, reach_m: float, n_points: int) -> None:
    import shapely

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    lon, lat = make_origins(n)
    func, param = METHODS[method]
    polys, secs = func(lon, lat, reach_m, param)
    t0 = time.perf_counter()
    dissolved = shapely.union_all(polys)
    dissolve_secs = time.perf_counter() - t0
    verts = float(np.mean([shapely.get_num_coordinates(p) for p in polys]))
    worst, mean_mid = deviation(polys, lon, lat, reach_m)
    payload = {"seconds": secs, "dissolve": dissolve_secs, "verts": verts, "worst": worst, "mean_mid": mean_mid}
    if n_points:
        px, py = make_points(n_points)
        t0 = time.perf_counter()
        shapely.prepare(dissolved)
        inside = shapely.contains_xy(dissolved, px, py) | shapely.intersects_xy(dissolved, px, py)
        payload["pip"] = time.perf_counter() - t0
        np.save(os.environ["RANGECOV_BENCH_OUT"], inside)
    payload["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(payload))


def exact_points(n: int, reach_m: float, n_points: int):
    import geopandas as gpd

    import rangecov

    lon, lat = make_origins(n)
    px, py = make_points(n_points)
    coverage_ = rangecov.coverage  # the package root loads modules on first use: not timed
    t0 = time.perf_counter()
    report = coverage_(
        gpd.GeoSeries.from_xy(lon, lat, crs="EPSG:4326"), gpd.GeoSeries.from_xy(px, py, crs="EPSG:4326"), reach_m
    )
    return report.targets["in_reach"].to_numpy(), time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--origins", default="1,100,1000", help="origin counts, comma-separated")
    p.add_argument("--reach", default="300 km,190 mi", help="reaches, comma-separated")
    p.add_argument("--points", type=int, default=1_000_000, help="points for table 2 (0 to skip)")
    p.add_argument("--postgis", action="store_true")
    p.add_argument("--timeout", type=int, default=1800)
    p.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        method, n, reach, pts = args.worker
        worker(method, int(n), float(reach), int(pts))
        return

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import rangecov

    methods = [m for m in METHODS if args.postgis or not m.startswith("PostGIS")]
    print(f"# rangecov {rangecov.__version__} buffer benchmark — {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print()
    print(
        "| origins | reach | method | buffers s | dissolve s | vertices/ring | max abs dev m | mean dev at edge midpoints m "
        "| peak RSS MB | 1M points: buffer+dissolve+PIP s | misclassified of 1M |"
    )
    print("|" + "---|" * 11)
    tmpdir = Path(os.environ.get("TMPDIR", "/tmp"))
    for n in (int(v) for v in args.origins.split(",")):
        for reach_text in (r.strip() for r in args.reach.split(",")):
            reach_m = rangecov.parse_distance(reach_text)
            n_pts = args.points if n == max(int(v) for v in args.origins.split(",")) else 0
            truth = exact_secs = None
            if n_pts:
                truth, exact_secs = exact_points(n, reach_m, n_pts)
            for method in methods:
                out = tmpdir / f"rangecov_bench_{os.getpid()}.npy"
                env = dict(os.environ, RANGECOV_BENCH_OUT=str(out))
                try:
                    proc = subprocess.run(
                        [sys.executable, __file__, "--worker", method, str(n), repr(reach_m), str(n_pts)],
                        capture_output=True,
                        text=True,
                        timeout=args.timeout,
                        env=env,
                    )
                except subprocess.TimeoutExpired:
                    print(f"| {n:,} | {reach_text} | {method} | not finished in {args.timeout} s |||||||||", flush=True)
                    continue
                if proc.returncode != 0:
                    tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
                    print(f"| {n:,} | {reach_text} | {method} | failed: {tail} |||||||||", flush=True)
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                pip = mis = ""
                if n_pts and out.exists():
                    inside = np.load(out)
                    mis = f"{int((inside != truth).sum()):,}"
                    pip = f"{r['seconds'] + r['dissolve'] + r['pip']:.2f}"
                    out.unlink()
                print(
                    f"| {n:,} | {reach_text} | {method} | {r['seconds']:.3f} | {r['dissolve']:.3f} | {r['verts']:,.0f} | "
                    f"{r['worst']:,.2f} | {r['mean_mid']:+,.2f} | {r['rss_mb']:.0f} | {pip} | {mis} |",
                    flush=True,
                )
            if n_pts:
                print(
                    f"| {n:,} | {reach_text} | exact: rangecov.coverage on the 1M points | | | | | | | {exact_secs:.2f} | 0 |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
