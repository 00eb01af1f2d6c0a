"""Coverage with lines and polygons: how long the exact answers take.

Run by hand (not in CI):

    .venv/bin/python bench/shapes.py             # every case, median of 3
    .venv/bin/python bench/shapes.py --postgis   # also PostGIS ST_DWithin(geography) with the polygon origins
    .venv/bin/python bench/shapes.py --aeqd      # also the analyst's idiom: AEQD buffer + sjoin (held cases)
    .venv/bin/python bench/shapes.py --stream 1e7   # only: held x 10^7 streamed by `rangecov coverage` from GeoParquet

Cases (deterministic data, each in its own subprocess so peak RSS is its own):

- point origins (launch sites) × small polygon targets (districts, 0.2° × 0.15°
  boxes) with ``how="any"``, ``"all"`` and ``"area"``, and polygon origins
  (0.5° × 0.3° boxes) × the same targets;
- the scenario's held-territory proxy (3 oblasts of ~5,000 vertices each and
  a salient) as origins × random point targets (airfields, towns), 10,000 to
  1,000,000 of them; beside each, the point engine on the same targets from
  1,000 point origins in the same box (the issue's yardstick), and with
  ``--postgis`` PostGIS ``EXISTS (... ST_DWithin(geography, geography, r))``
  with the same polygons (up to 100,000 targets: it takes about a
  millisecond each), its time and the targets it puts on the other side of
  300 km from rangecov; with ``--aeqd`` the idiom of a notebook: the
  polygons and targets projected to an azimuthal equidistant CRS centred on
  the held ground, buffered by 300 km there (shapely's default 8 segments a
  quarter circle) and ``geopandas.sjoin(predicate="within")``, timed from
  the lon/lat frames to the answer, with its misclassified count.

- a front line like the Crimea analyst's (a LineString of 2,000 vertices
  meandering ±3 km along 600 km, from 32.3°E 46.6°N to the north-east) as
  the origin × 1,000,000 points over 28–44°E, 42–52°N.

``--stream N`` runs only the command-line case: the held-territory proxy
(written to GeoJSON) against N uniform points in a GeoParquet file of
row groups of 2^20 (written once to /tmp/rc-shapes), through
``rangecov coverage ORIGINS TARGETS --reach "300 km" --rows 0``, which reads
the targets a chunk at a time; wall and CPU time and the command's peak RSS.

Times are the median of 3 calls in one process (the package loaded and the
origins prepared by a first, untimed call on 100 targets); peak RSS is the
process's high-water mark, and "over input" subtracts the RSS once the
targets were built.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
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
    ("4 held-territory polygons × 1,000,000 points", "any"),
    ("front line (2,000 vertices, 600 km) × 1,000,000 points", "any"),
    ("point engine: 1,000 points × 1,000,000 points", "any"),
]


def _rss_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def _data(name: str):
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
        return origins, targets, "190 mi"
    n = int(name.split("×")[1].split()[0].replace(",", ""))
    if name.startswith("front line"):
        targets = gpd.GeoSeries.from_xy(rng.uniform(28, 44, n), rng.uniform(42, 52, n), crs="EPSG:4326")
        return gpd.GeoSeries([front_line()], crs="EPSG:4326"), targets, "300 km"
    targets = gpd.GeoSeries.from_xy(rng.uniform(25, 50, n), rng.uniform(42, 60, n), crs="EPSG:4326")
    if name.startswith("point engine"):
        o = np.random.default_rng(5)
        origins = gpd.GeoSeries.from_xy(o.uniform(31, 40, 1000), o.uniform(49, 54, 1000), crs="EPSG:4326")
    else:
        origins = rangecov.datasets.atacms_kursk_2024().held_proxy
    return origins, targets, "300 km"


def front_line():
    """A front line like the Crimea analyst's: 2,000 vertices meandering +-3 km along a 600 km geodesic."""
    import numpy as np
    import pyproj
    import shapely

    geod = pyproj.Geod(ellps="WGS84")
    rng = np.random.default_rng(11)
    along = np.linspace(0.0, 600_000.0, 2_000)
    lon, lat, az = geod.fwd(np.full(along.size, 32.3), np.full(along.size, 46.6), np.full(along.size, 60.0), along)
    # Sideways by a smooth random walk, kept within 3 km.
    side = np.clip(np.cumsum(rng.normal(0.0, 150.0, along.size)), -3_000.0, 3_000.0)
    lon, lat, _ = geod.fwd(lon, lat, np.asarray(az) + 90.0, side)
    return shapely.LineString(np.column_stack((lon, lat)))


def stream_case(n: int) -> dict:
    """The held-territory proxy against n points streamed by the command from GeoParquet (see the docstring)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    import rangecov

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale import _wkb_points  # the same WKB writer as the scale benchmark

    folder = Path("/tmp/rc-shapes")
    folder.mkdir(exist_ok=True)
    origins = folder / "held.geojson"
    rangecov.datasets.atacms_kursk_2024().held_proxy.to_file(origins, driver="GeoJSON")
    path = folder / f"held_targets_{n}.parquet"
    if not path.exists():
        geo = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB"}}}
        schema = pa.schema([pa.field("geometry", pa.binary())], metadata={"geo": json.dumps(geo)})
        rng = np.random.default_rng(3)
        with pq.ParquetWriter(path, schema) as out:
            for lo in range(0, n, 1 << 20):
                m = min(1 << 20, n - lo)
                lon, lat = rng.uniform(25, 50, m), rng.uniform(42, 60, m)
                out.write_table(pa.table({"geometry": _wkb_points(lon, lat)}, schema=schema))
    cmd = [str(Path(sys.executable).parent / "rangecov"), "coverage", str(origins), str(path), "--reach", "300 km"]
    cmd += ["--rows", "0", "--quiet"]
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = os.times()
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": wall,
        "cpu": (after.children_user - before.children_user) + (after.children_system - before.children_system),
        "peak_mb": peak,
        "out": proc.stdout.strip().splitlines()[:1] + proc.stderr.strip().splitlines()[-1:],
        "n": n,
    }


def aeqd_idiom(origins, targets) -> tuple:
    """The projected-buffer idiom: in reach when within the 300 km buffer drawn in an AEQD CRS centred on the origins."""
    import geopandas as gpd
    import pyproj

    t0 = time.perf_counter()
    centre = origins.union_all().centroid
    aeqd = pyproj.CRS(proj="aeqd", lat_0=centre.y, lon_0=centre.x, datum="WGS84")
    zone = gpd.GeoDataFrame(geometry=[origins.to_crs(aeqd).buffer(300_000.0).union_all()], crs=aeqd)
    points = gpd.GeoDataFrame(geometry=targets.to_crs(aeqd).values, crs=aeqd)
    joined = gpd.sjoin(points, zone, predicate="within", how="left")
    inside = joined["index_right"].notna().groupby(level=0).any().reindex(range(len(points))).to_numpy()
    return inside, time.perf_counter() - t0


def run_case(name: str, how: str, postgis: bool, aeqd: bool = False) -> dict:
    import numpy as np

    import rangecov

    origins, targets, reach = _data(name)
    input_mb = _rss_mb("VmRSS")
    rangecov.coverage(origins, targets.iloc[:100], reach, how=how)  # loads the modules: not timed
    secs, report = [], None
    for _ in range(3):
        t0 = time.perf_counter()
        report = rangecov.coverage(origins, targets, reach, how=how)
        secs.append(time.perf_counter() - t0)
    out = {
        "seconds": statistics.median(secs),
        "runs": secs,
        "n": len(targets),
        "headline": repr(report),
        "peak_mb": _rss_mb("VmHWM"),
        "input_mb": input_mb,
    }
    if aeqd and name.startswith("4 held"):
        inside, idiom_s = aeqd_idiom(origins, targets)
        ours = report.targets["in_reach"].to_numpy()
        out["aeqd"] = {"seconds": idiom_s, "misclassified": int((inside != ours).sum())}
    # PostGIS takes about a millisecond per target here: run up to 100,000 of them.
    if postgis and name.startswith("4 held") and len(targets) <= 100_000:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from postgis_bench import postgis_exists

        xy = np.column_stack((targets.x.to_numpy(), targets.y.to_numpy()))
        inside, load_s, query_s = postgis_exists(
            None, None, xy[:, 0], xy[:, 1], 300_000.0, origin_wkt=[g.wkt for g in origins.geometry]
        )
        ours = report.targets["in_reach"].to_numpy()
        out["postgis"] = {"query_s": query_s, "load_s": load_s, "misclassified": int((inside != ours).sum())}
    return out


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        print(json.dumps(run_case(sys.argv[2], sys.argv[3], "--postgis" in sys.argv[4:], "--aeqd" in sys.argv[4:])))
        return
    import rangecov

    if "--stream" in sys.argv[1:]:
        n = int(float(sys.argv[sys.argv.index("--stream") + 1]))
        r = stream_case(n)
        print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
        print("| case | time s | CPU s | targets/s | peak RSS MB | result |")
        print("|---|---|---|---|---|---|")
        print(
            f"| 4 held-territory polygons × {n:,} points, `rangecov coverage` from GeoParquet | {r['seconds']:.1f} | "
            f"{r['cpu']:.1f} | {n / r['seconds']:,.0f} | {r['peak_mb']:.0f} | {' / '.join(r['out'])} |"
        )
        return
    postgis = "--postgis" in sys.argv[1:]
    aeqd = "--aeqd" in sys.argv[1:]
    print(f"# rangecov {rangecov.__version__} line/polygon coverage benchmark — {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print()
    print("| case | how | time s (median of 3) | targets/s | × point engine | peak RSS MB | over input MB | result |")
    print("|---|---|---|---|---|---|---|---|")
    results = {}
    for name, how in CASES:
        cmd = [sys.executable, __file__, "--worker", name, how] + (["--postgis"] if postgis else [])
        cmd += ["--aeqd"] if aeqd else []
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(
                f"| {name} | {how} | failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]} | | | | | |", flush=True
            )
            continue
        results[name] = r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"| {name} | {how} | {r['seconds']:.2f} | {r['n'] / r['seconds']:,.0f} | | {r['peak_mb']:.0f} | "
            f"{r['peak_mb'] - r['input_mb']:.0f} | {r['headline']} |",
            flush=True,
        )
        if "aeqd" in r:
            a = r["aeqd"]
            print(
                f"| {name} | AEQD buffer + sjoin | {a['seconds']:.2f} | {r['n'] / a['seconds']:,.0f} | | | | "
                f"{a['misclassified']} targets on the other side of 300 km from rangecov |",
                flush=True,
            )
        if "postgis" in r:
            p = r["postgis"]
            print(
                f"| {name} | PostGIS ST_DWithin(geography) | {p['query_s']:.2f} | {r['n'] / p['query_s']:,.0f} | | "
                f"(server) | | {p['misclassified']} targets on the other side of 300 km from rangecov; "
                f"+{p['load_s']:.1f} s to load and index |",
                flush=True,
            )
    engine = results.get("point engine: 1,000 points × 1,000,000 points")
    if engine:
        per_target = engine["seconds"] / engine["n"]
        print()
        for name, r in results.items():
            if name.startswith(("4 held", "front line")):
                print(f"- {name}: {r['seconds'] / (per_target * r['n']):.1f} × the point engine's time per target")


if __name__ == "__main__":
    main()
