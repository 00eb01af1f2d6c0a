"""Targets beyond memory: in memory, streamed, streamed to a file, and on dask, beside DuckDB and dask-geopandas.

Run by hand (not in CI); it writes about 2.1 GB of GeoParquet per 10^8 targets:

    .venv/bin/python bench/scale.py                          # 10^6, 10^7 and 10^8 targets
    .venv/bin/python bench/scale.py --sizes 1e6,1e7 --folder /tmp/rc-scale

Data: 1,000 origins and targets from ``bench/points.py``'s generator
(``make_data``, seed 7; reach 300 km). The first 10^6 (or 10^7) targets are
``make_data``'s own; a larger file continues with pieces of 10^7 drawn over
the same theatre (15-60°E, 40-65°N) with seeds (7, piece). The GeoParquet is
written a piece at a time, with WKB points made by numpy, never whole in
memory; row groups of 2^20 rows.

Each method runs in its own process; its peak RSS is that of the whole
process tree (dask's workers included), sampled every 50 ms with psutil.
stream and dask are timed cold (the imports of geopandas, pyproj, pyarrow and
the engine, in the process and in dask's fresh workers, within the time, as
the baseline measured them) and warm (``warm_time``: those imports done first,
as in a long-lived process or cluster); the cluster's start is outside both.
``warm_cpu`` is the CPU time (user + system, every thread) of the process
and, for dask, of its workers over the warm part: a measure that other load
on the machine disturbs less than the wall time does.
Misclassified targets are counted against rangecov's exact ``in_reach``
(the streamed run's ``--out`` file).

- memory: ``rangecov.read`` + ``rangecov.coverage`` (where it fits: up to 10^7);
- stream: ``rangecov.stream_coverage(origins, "targets.parquet", "300 km")``, what
  ``rangecov coverage sites.csv targets.parquet --reach "300 km"`` runs for files of more
  than ``--chunk-rows`` (2^20) rows;
- stream+out: the same with ``out="rows.parquet"``;
- dask: ``rangecov.dask_coverage(origins, "targets.parquet", "300 km")`` on a 2-worker
  ``LocalCluster`` (processes, 1 thread each), totals computed: rangecov's graph of row
  groups, points decoded to lon/lat arrays without shapely;
- dask-untrimmed: dask with the workers started without distributed's
  ``MALLOC_TRIM_THRESHOLD_`` (``distributed.nanny.pre-spawn-environ``), so that glibc
  keeps reusing the large temporary arrays of a partition instead of mapping them anew;
- dask-frame: ``rangecov.coverage`` of ``dask_geopandas.read_parquet`` on the same cluster
  (shapely geometries in every partition), totals computed;
- dask-idle: the same cluster started and left idle for 3 s (its time is the 3 s): what the
  cluster alone holds;
- duckdb: DuckDB spatial, ``ST_Distance_Spheroid`` (latitude first) with a
  bounding-box prefilter per origin, counting distinct targets within reach;
- dask-geopandas idiom: AEQD buffers (64 vertices) of every origin, dissolved,
  ``sjoin`` in ``map_partitions`` on the same 2-worker cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REACH_M = 300_000.0
N_ORIGINS = 1000
PIECE = 10_000_000
ROW_GROUP = 1 << 20


# ----------------------------------------------------------------------------- data


def _wkb_points(lon: np.ndarray, lat: np.ndarray):
    """A pyarrow BinaryArray of little-endian 2D WKB points, built with numpy."""
    import pyarrow as pa

    n = lon.size
    raw = np.zeros((n, 21), dtype=np.uint8)
    raw[:, 0] = 1
    raw[:, 1:5] = np.frombuffer(np.uint32(1).tobytes(), dtype=np.uint8)
    raw[:, 5:13] = lon.astype("<f8").view(np.uint8).reshape(n, 8)
    raw[:, 13:21] = lat.astype("<f8").view(np.uint8).reshape(n, 8)
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * 21).tobytes())
    return pa.Array.from_buffers(pa.binary(), n, [None, offsets, pa.py_buffer(raw.tobytes())])


def write_data(folder: Path, n: int, encoding: str = "WKB") -> tuple[Path, Path]:
    """sites.csv and targets_<n>.parquet in ``folder`` (reused when present).

    ``encoding="point"``: GeoParquet 1.1's GeoArrow points (a struct of x and y) instead of WKB,
    in targets_<n>_point.parquet.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    from points import make_data

    sites = folder / "sites.csv"
    path = folder / (f"targets_{n}.parquet" if encoding == "WKB" else f"targets_{n}_point.parquet")
    first = min(n, PIECE)
    o_lon, o_lat, t_lon, t_lat, _ = make_data(N_ORIGINS, first, REACH_M, seed=7)
    if not sites.exists():
        lines = ["name,lon,lat"] + [f"o{i},{float(x)!r},{float(y)!r}" for i, (x, y) in enumerate(zip(o_lon, o_lat))]
        sites.write_text("\n".join(lines) + "\n")
    if path.exists():
        return sites, path
    geo = {
        "version": "1.0.0" if encoding == "WKB" else "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": encoding, "geometry_types": ["Point"]}},  # no crs: OGC:CRS84
    }
    point = pa.struct([pa.field("x", pa.float64(), nullable=False), pa.field("y", pa.float64(), nullable=False)])
    geometry_type = pa.binary() if encoding == "WKB" else point
    schema = pa.schema([("id", pa.int64()), ("geometry", geometry_type)]).with_metadata({"geo": json.dumps(geo)})
    partial = path.with_suffix(".partial")
    start = 0
    with pq.ParquetWriter(partial, schema, compression="snappy") as writer:
        piece = 0
        while start < n:
            m = min(PIECE, n - start)
            if piece > 0:
                rng = np.random.default_rng([7, piece])
                t_lon, t_lat = rng.uniform(15.0, 60.0, m), rng.uniform(40.0, 65.0, m)
            ids = pa.array(np.arange(start, start + m, dtype=np.int64))
            if encoding == "WKB":
                geometry = _wkb_points(t_lon[:m], t_lat[:m])
            else:
                geometry = pa.StructArray.from_arrays([pa.array(t_lon[:m]), pa.array(t_lat[:m])], fields=list(point))
            table = pa.table([ids, geometry], schema=schema)
            writer.write_table(table, row_group_size=ROW_GROUP)
            start += m
            piece += 1
    os.replace(partial, path)
    return sites, path


# ----------------------------------------------------------------------------- methods (one per process)


def m_memory(sites, path, folder, n):
    import rangecov

    t0 = time.perf_counter()
    report = rangecov.coverage(rangecov.read(sites), rangecov.read(path), "300 km")
    return {"time": time.perf_counter() - t0, "count": report.count}


def _warm() -> None:
    """Import what reading and answering GeoParquet imports (geopandas, pyproj, pyarrow, the engine), as a
    long-lived process or dask worker has already."""
    import pyarrow.parquet  # noqa: F401

    import rangecov.cover.dask_frames  # noqa: F401
    import rangecov.cover.streaming  # noqa: F401


def _stream(sites, path, **kwargs):
    import rangecov

    t0 = time.perf_counter()
    result = rangecov.stream_coverage(rangecov.read(sites), path, "300 km", progress=False, **kwargs)
    return time.perf_counter() - t0, result


def _cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    import psutil

    times = psutil.Process().cpu_times()
    return times.user + times.system


def m_stream(sites, path, folder, n):
    t0 = time.perf_counter()
    _warm()
    c1 = _cpu_s()
    elapsed, result = _stream(sites, path)
    return {
        "time": time.perf_counter() - t0,
        "warm_time": elapsed,
        "warm_cpu": _cpu_s() - c1,
        "count": result.count,
        "chunks": result.chunks,
    }


def m_stream_out(sites, path, folder, n):
    import pyarrow.parquet as pq

    rows = folder / f"rows_{n}.parquet"
    elapsed, result = _stream(sites, path, out=rows, overwrite=True)
    count = sum(
        int(b.column(0).to_numpy(zero_copy_only=False).sum())
        for b in pq.ParquetFile(rows).iter_batches(columns=["in_reach"])
    )
    assert count == result.count
    return {"time": elapsed, "count": count, "chunks": result.chunks}


def _cluster(trim: bool = True):
    import dask
    from distributed import Client, LocalCluster

    if not trim:
        # distributed's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's
        # mmap threshold at 128 kB: every temporary array of a partition is then a fresh mmap (page faults).
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    return cluster, Client(cluster)


def m_dask(sites, path, folder, n, trim: bool = True):
    import rangecov

    cluster, client = _cluster(trim)
    try:
        # Cold, as the baseline measured it: the client and the fresh workers import geopandas, pyproj,
        # pyarrow and the engine within the time; warm_time leaves those imports out (a long-lived cluster).
        t0 = time.perf_counter()
        _warm()
        client.run(_warm)
        t1 = time.perf_counter()
        c1 = _cpu_s() + sum(client.run(_cpu_s).values())
        report = rangecov.dask_coverage(rangecov.read(sites), path, "300 km")
        count = report.count
        t2 = time.perf_counter()
        cpu = _cpu_s() + sum(client.run(_cpu_s).values()) - c1
        return {
            "time": t2 - t0,
            "warm_time": t2 - t1,
            "warm_cpu": cpu,
            "count": count,
            "partitions": report.targets.npartitions,
        }
    finally:
        client.close()
        cluster.close()


def m_dask_untrimmed(sites, path, folder, n):
    return m_dask(sites, path, folder, n, trim=False)


def m_dask_frame(sites, path, folder, n):
    import dask_geopandas

    import rangecov

    cluster, client = _cluster()
    try:
        t0 = time.perf_counter()
        report = rangecov.coverage(
            rangecov.read(sites), dask_geopandas.read_parquet(path, split_row_groups=True), "300 km"
        )
        count = report.count
        return {"time": time.perf_counter() - t0, "count": count}
    finally:
        client.close()
        cluster.close()


def m_dask_idle(sites, path, folder, n):
    """The cluster alone: started, a trivial task run (so that the workers have imported what a task
    imports: rangecov's engine, numpy, pandas), then left idle for 3 s; its memory is what the
    cluster costs before any target is read."""
    cluster, client = _cluster()
    try:
        _warm()
        client.run(_warm)
        t0 = time.perf_counter()
        time.sleep(3.0)
        return {"time": time.perf_counter() - t0, "count": 0}
    finally:
        client.close()
        cluster.close()


def _truth(folder: Path, n: int) -> np.ndarray:
    import pyarrow.parquet as pq

    rows = folder / f"rows_{n}.parquet"
    return np.concatenate(
        [b.column(0).to_numpy(zero_copy_only=False) for b in pq.ParquetFile(rows).iter_batches(columns=["in_reach"])]
    )


def m_duckdb(sites, path, folder, n):
    import duckdb
    import duckdb_extension_spatial

    ext = next(Path(duckdb_extension_spatial.__file__).parent.glob("extensions/*/spatial.duckdb_extension"))
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.load_extension(str(ext))
    dlat = REACH_M / 110_574.0 * 1.01 + 0.01
    t0 = time.perf_counter()
    con.execute(
        f"""CREATE TABLE o AS SELECT lon, lat, {dlat} AS dlat,
        {REACH_M} / (111320.0 * cos(radians(least(89.0, abs(lat) + {dlat})))) * 1.01 + 0.01 AS dlon
        FROM read_csv('{sites}')"""
    )
    hits = con.execute(
        f"""SELECT DISTINCT t.id FROM (SELECT id, ST_X(geometry) AS x, ST_Y(geometry) AS y
        FROM read_parquet('{path}')) t JOIN o
        ON t.x BETWEEN o.lon - o.dlon AND o.lon + o.dlon AND t.y BETWEEN o.lat - o.dlat AND o.lat + o.dlat
        WHERE ST_Distance_Spheroid(ST_Point(t.y, t.x), ST_Point(o.lat, o.lon)) <= {REACH_M}"""
    ).fetchnumpy()["id"]
    elapsed = time.perf_counter() - t0
    inside = np.zeros(n, dtype=bool)
    inside[hits] = True
    truth = _truth(folder, n)
    return {"time": elapsed, "count": int(inside.sum()), "misclassified": int((inside != truth).sum())}


def _aeqd_region(sites):
    import geopandas as gpd
    from shapely import Point

    import rangecov

    origins = rangecov.read(sites)
    rings = []
    for x, y in zip(origins.geometry.x, origins.geometry.y):
        aeqd = f"+proj=aeqd +lat_0={y} +lon_0={x} +datum=WGS84 +units=m"
        rings.append(gpd.GeoSeries([Point(0, 0)], crs=aeqd).buffer(REACH_M, quad_segs=16).to_crs(4326).iloc[0])
    return gpd.GeoDataFrame(geometry=[gpd.GeoSeries(rings, crs=4326).union_all()], crs=4326)


def _within(part, region):
    import geopandas as gpd
    import pandas as pd

    hits = gpd.sjoin(part, region, predicate="within", how="inner")
    return pd.DataFrame({"id": part["id"].to_numpy(), "inside": part.index.isin(hits.index)})


def m_dask_geopandas(sites, path, folder, n):
    import dask_geopandas
    import pandas as pd

    cluster, client = _cluster()
    try:
        t0 = time.perf_counter()
        region = _aeqd_region(sites)
        targets = dask_geopandas.read_parquet(path, split_row_groups=True)
        meta = pd.DataFrame({"id": pd.Series([], dtype="int64"), "inside": pd.Series([], dtype=bool)})
        result = targets.map_partitions(_within, region, meta=meta).compute()
        elapsed = time.perf_counter() - t0
    finally:
        client.close()
        cluster.close()
    inside = np.zeros(n, dtype=bool)
    inside[result["id"].to_numpy()[result["inside"].to_numpy()]] = True
    truth = _truth(folder, n)
    return {"time": elapsed, "count": int(inside.sum()), "misclassified": int((inside != truth).sum())}


METHODS = {
    "memory": m_memory,
    "stream": m_stream,
    "stream+out": m_stream_out,
    "dask": m_dask,
    "dask-untrimmed": m_dask_untrimmed,
    "dask-frame": m_dask_frame,
    "dask-idle": m_dask_idle,
    "duckdb": m_duckdb,
    "dask-geopandas AEQD+sjoin": m_dask_geopandas,
}


# ----------------------------------------------------------------------------- harness


def run_one(method: str, n: int, folder: Path, timeout: float, encoding: str = "WKB") -> dict:
    """Run one method in its own process; peak RSS of its process tree."""
    import psutil

    out = folder / f"result_{method.replace(' ', '_').replace('+', '_')}_{n}.json"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        __file__,
        "--one",
        method,
        "--n",
        str(n),
        "--folder",
        str(folder),
        "--encoding",
        encoding,
    ]
    proc = subprocess.Popen(command)
    ps = psutil.Process(proc.pid)
    peak, t0 = 0, time.perf_counter()
    while proc.poll() is None:
        try:
            tree = [ps, *ps.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        if time.perf_counter() - t0 > timeout:
            for p in [ps, *ps.children(recursive=True)]:
                p.kill()
            return {"method": method, "n": n, "error": f"timeout after {timeout:.0f} s"}
        time.sleep(0.05)
    if proc.returncode != 0 or not out.exists():
        return {"method": method, "n": n, "error": f"exit {proc.returncode}"}
    result = json.loads(out.read_text())
    result.update(method=method, n=n, peak_rss_mb=peak / 1e6)
    return result


def one(method: str, n: int, folder: Path, encoding: str) -> None:
    sites, path = (
        folder / "sites.csv",
        folder / (f"targets_{n}.parquet" if encoding == "WKB" else f"targets_{n}_point.parquet"),
    )
    result = METHODS[method](sites, path, folder, n)
    (folder / f"result_{method.replace(' ', '_').replace('+', '_')}_{n}.json").write_text(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e6,1e7,1e8")
    parser.add_argument("--folder", default="/tmp/rc-scale")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per method and size")
    parser.add_argument(
        "--encoding", default="WKB", choices=("WKB", "point"), help="GeoParquet geometry encoding (default WKB)"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    if args.one:
        one(args.one, args.n, folder, args.encoding)
        return
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    methods = args.methods.split(",")
    results = []
    for n in sizes:
        t0 = time.perf_counter()
        _, path = write_data(folder, n, args.encoding)
        print(f"# {n:,} targets: {path} ({path.stat().st_size / 1e9:.2f} GB, made in {time.perf_counter() - t0:.0f} s)")
        for method in methods:
            if method == "memory" and n > 20_000_000:
                continue  # ~360 bytes per point as a GeoDataFrame: 10^8 would need ~36 GB
            if (method == "duckdb" and n > 1_000_000) or (method == "dask-geopandas AEQD+sjoin" and n > 10_000_000):
                continue  # measured at the sizes they manage in minutes (DuckDB: ~76 s per 10^6)
            r = run_one(method, n, folder, args.timeout, args.encoding)
            results.append(r)
            line = json.dumps(r)
            print(line, flush=True)
    print()
    print(
        "| targets | method | time s | targets/s | peak RSS (tree) | × stream time | × stream RSS | "
        "warm time s (× stream) | warm CPU s (× stream) | in reach | misclassified |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    # Each row against the latest stream run of its size before it (the first one for rows before any):
    # with --methods stream,dask,stream,dask the pairs measured next to each other.
    streams: dict = {}
    for r in results:
        if r["method"] == "stream" and "error" not in r:
            streams.setdefault(r["n"], r)
    for r in results:
        if r["method"] == "stream" and "error" not in r:
            streams[r["n"]] = r
        if "error" in r:
            print(f"| {r['n']:,} | {r['method']} | {r['error']} | | | | | | | | |")
            continue
        mis = f"{r['misclassified']:,}" if "misclassified" in r else "exact"
        base = streams.get(r["n"])
        times = f"{r['time'] / base['time']:.2f}×" if base and r["method"] != "dask-idle" else ""
        rss = f"{r['peak_rss_mb'] / base['peak_rss_mb']:.2f}×" if base else ""
        warm = {}
        for key in ("warm_time", "warm_cpu"):
            warm[key] = f"{r[key]:.1f}" if key in r else ""
            if key in r and base and key in base:
                warm[key] += f" ({r[key] / base[key]:.2f}×)"
        print(
            f"| {r['n']:,} | {r['method']} | {r['time']:.1f} | {r['n'] / r['time']:,.0f} | "
            f"{r['peak_rss_mb'] / 1000:.2f} GB | {times} | {rss} | {warm['warm_time']} | {warm['warm_cpu']} | "
            f"{r['count']:,} | {mis} |"
        )
    for n in sizes:
        counts = {r["method"]: r["count"] for r in results if r["n"] == n and "error" not in r}
        exact = {
            m: c
            for m, c in counts.items()
            if m in ("memory", "stream", "stream+out", "dask", "dask-frame", "dask-untrimmed")
        }
        print(f"{n:,}: rangecov's counts {'agree' if len(set(exact.values())) == 1 else 'DIFFER: ' + str(exact)}")
    streamed = [(r["n"], r["time"]) for r in results if r["method"] == "stream" and "error" not in r]
    if len(streamed) >= 2:
        x, y = np.array(streamed, dtype=float).T
        slope, intercept = np.polyfit(x, y, 1)
        print(
            f"\nstream: time ≈ {intercept:.2f} s + {slope * 1e6:.3f} s per 10^6 targets (least squares over {len(x)} sizes)"
        )
        print(f"10^9 targets on one such machine: ≈ {intercept + slope * 1e9:,.0f} s")


if __name__ == "__main__":
    main()
