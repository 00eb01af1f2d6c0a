"""People within reach from a population raster: rangecov against the usual idioms.

Run by hand (not in CI), after ``pip install -e ".[test,bench]"`` (rasterstats):

    .venv/bin/python bench/raster.py

The raster: a 30″ (1/120°) grid over the scenario's theatre, 24–50° E × 44–58° N
(3,120 × 1,680 = 5.2 million cells; the reach region lies inside it), in EPSG:4326 like WorldPop, written to a
GeoTIFF in a temporary folder. Two fields of people per km² (each cell's count
is its density times its area on the ellipsoid):

- ``uniform``: 25 per km² everywhere. The analytic answer is 25 × the area of
  the reach region (GeographicLib's polygon area of the union of the seven
  geodesic disks drawn within 1 cm), exact to 25 × 1 cm × its perimeter.
- ``seeded``: lognormal densities per cell (seed 7; median 20 per km², a few
  cities of 1,000–5,000), the spread a real grid has. Reference: rangecov at a
  0.1 m tolerance (exactextract's fractions of each cell inside the geodesic
  region, each cell's people spread evenly over it).

Reach: the scenario's seven launch sites at 190 mi. Methods, each timed from
the file (median of 3, in one process per method so peak RSS is its own):

- rangecov: ``raster_coverage(..., tolerance default 10 m)``;
- AEQD + rasterstats: each site's disk as ``buffer(r)`` in an azimuthal
  equidistant projection centred on it, back to lon/lat, unioned, then
  ``zonal_stats(stats="sum")`` (cells whose centre falls inside: the common
  notebook idiom);
- AEQD + exactextract: the same polygon, cells weighted by coverage fraction.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP = 1 / 120
WEST, EAST, SOUTH, NORTH = 24.0, 50.0, 44.0, 58.0
METHODS = ("rangecov", "AEQD + rasterstats", "AEQD + exactextract")


def write_raster(folder: Path, field: str) -> Path:
    """The theatre's people per cell as a GeoTIFF (float64), made from densities per km²."""
    import numpy as np
    import pyproj
    import rasterio
    from rasterio.transform import from_origin

    from rangecov.geodesy.ellipsoid import get_ellipsoid
    from rangecov.geometry.projected import cell_areas

    n_x, n_y = round((EAST - WEST) / STEP), round((NORTH - SOUTH) / STEP)
    if field == "uniform":
        density = np.full((n_y, n_x), 25.0)
    else:
        rng = np.random.default_rng(7)
        density = rng.lognormal(mean=np.log(20.0), sigma=1.0, size=(n_y, n_x))
        cities = rng.integers(0, [n_y, n_x], size=(400, 2))
        density[cities[:, 0], cities[:, 1]] = rng.uniform(1000, 5000, 400)
    areas = cell_areas(
        WEST + STEP * np.arange(n_x + 1), NORTH - STEP * np.arange(n_y + 1), pyproj.CRS(4326), get_ellipsoid("WGS84")
    )
    counts = density * areas / 1e6
    path = folder / f"{field}.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=n_x,
        height=n_y,
        count=1,
        dtype="float64",
        crs="EPSG:4326",
        transform=from_origin(WEST, NORTH, STEP, STEP),
    ) as ds:
        ds.write(counts, 1)
    return path


def aeqd_disks(sites, reach_m: float):
    """The common idiom: a buffer in each site's own azimuthal equidistant projection, back to lon/lat, unioned."""
    import geopandas as gpd
    import shapely

    pieces = []
    for point in sites.geometry:
        aeqd = f"+proj=aeqd +lat_0={point.y} +lon_0={point.x} +datum=WGS84 +units=m"
        disk = gpd.GeoSeries([point], crs="EPSG:4326").to_crs(aeqd).buffer(reach_m)
        pieces.append(disk.to_crs("EPSG:4326").iloc[0])
    return gpd.GeoDataFrame(geometry=[shapely.union_all(pieces)], crs="EPSG:4326")


def run(method: str, path: str) -> dict:
    import rangecov

    s = rangecov.datasets.atacms_kursk_2024()
    reach_m = rangecov.parse_distance(s.reach)
    times, value = [], None
    for _ in range(3):
        t0 = time.perf_counter()
        if method == "rangecov":
            row = rangecov.raster_coverage(s.launch_sites, path, s.reach).loc["all"]
            value, bound = float(row["in_reach"]), float(row["error_bound"])
        elif method == "AEQD + rasterstats":
            from rasterstats import zonal_stats

            value, bound = zonal_stats(aeqd_disks(s.launch_sites, reach_m), path, stats="sum")[0]["sum"], None
        else:
            from exactextract import exact_extract

            region = aeqd_disks(s.launch_sites, reach_m)
            value, bound = float(exact_extract(path, region, "sum", output="pandas")["sum"].iloc[0]), None
        times.append(time.perf_counter() - t0)
    return {"seconds": statistics.median(times), "value": value, "bound": bound, "rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reference(field: str, path: Path) -> tuple[float, str]:
    """The answer each method is measured against, and what it is."""
    import rangecov
    from rangecov.geodesy.ellipsoid import get_ellipsoid
    from rangecov.geometry.drawing import geodesic_area

    s = rangecov.datasets.atacms_kursk_2024()
    if field == "uniform":
        region = rangecov.reach(s.launch_sites, s.reach, tolerance=0.01).iloc[0]
        return 25.0 * geodesic_area(get_ellipsoid("WGS84"), region) / 1e6, "25/km² × area of the geodesic reach region"
    row = rangecov.raster_coverage(s.launch_sites, str(path), s.reach, tolerance=0.1).loc["all"]
    return float(row["in_reach"]), "rangecov at a 0.1 m tolerance"


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        print(json.dumps(run(sys.argv[2], sys.argv[3])))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import rangecov

    print(f"# rangecov {rangecov.__version__} raster benchmark — {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print("# raster: 30″ grid, 24–50° E × 44–58° N (3,120 × 1,680 cells, EPSG:4326); reach: 7 launch sites at 190 mi")
    print()
    print(
        "| field | method | time s (median of 3) | peak RSS MB | people in reach | error vs reference | error_bound |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for field in ("uniform", "seeded"):
            path = write_raster(Path(folder), field)
            truth, what = reference(field, path)
            print(f"| {field} | reference: {what} | | | {truth:,.0f} | | |", flush=True)
            for method in METHODS:
                proc = subprocess.run(
                    [sys.executable, __file__, "--worker", method, str(path)], capture_output=True, text=True
                )
                if proc.returncode != 0:
                    print(
                        f"| {field} | {method} | failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]} |",
                        flush=True,
                    )
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                err = r["value"] - truth
                bound = f"{r['bound']:,.0f}" if r["bound"] is not None else "none"
                print(
                    f"| {field} | {method} | {r['seconds']:.2f} | {r['rss_mb']:.0f} | {r['value']:,.0f} | "
                    f"{err:+,.0f} ({100 * err / truth:+.3f}%) | {bound} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
