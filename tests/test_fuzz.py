"""Fuzzing: hostile inputs to every entry point; the property is in tests/fuzzing.py.

``make test`` runs a short profile; ``make fuzz`` the long one (by hand; its
count, time and findings are in bench/RESULTS.md).
"""

from __future__ import annotations

import contextlib
import io
import math
import numbers
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from conftest import oracle_geodesic
from fuzzing import (
    EXAMPLES,
    FUZZ,
    HALF_MERIDIAN,
    check_disk,
    check_points_answer,
    drawn_reach,
    frame,
    holds,
    lat_any,
    lon_any,
    plain_points,
    reach,
    ring,
)
from geographiclib.geodesic import Geodesic
from hypothesis import event, given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

import rangecov
from rangecov.cli import main

# Drawing costs grow as (edge length) / sqrt(tolerance): a 1 m tolerance around a 64-vertex outline
# spanning 100° took 13.8 s (make fuzz, 2026-12-01: how="all", 300 km), the known slow class of drawn regions. Drawn
# regions are fuzzed from 10 m (the default) up; 1 m disks are in the aimed buffer test, 1e-4 m is
# refused (the 1 mm floor).
tolerance = st.sampled_from([None, None, None, None, 10.0, 100.0, "5 km", 0.0, -1.0, 1e-4, 1e9, math.nan])
how = st.sampled_from(["any", "any", "all", "centroid", "area", "most"])
points_only = ("point", "special")

# Buffers of outlines of 10^3-10^4 vertices at thousands of km take longer than a case may (14 s
# for 1,000 vertices at 5,700 km: a thousand large disks and their union), a speed the fuzzing does not
# measure. Origins that are drawn (buffers, reach, how="all"/"area") are fuzzed with outlines up
# to 64 vertices; test_large_rings times the large ones.
SMALL = 64


@FUZZ
@given(frame(points_only), frame(points_only), reach, st.sampled_from(["any", "centroid"]))
def test_coverage_of_points(origins, targets, reach, how):
    report = holds(lambda: rangecov.coverage(origins, targets, reach, how=how), origins, targets)
    plain_reach = isinstance(reach, numbers.Real) and not isinstance(reach, bool) and 0 <= reach < 1e8
    if report is not None and plain_reach and plain_points(origins) and plain_points(targets):
        check_points_answer(report, origins, targets, float(reach))


@FUZZ
@given(frame(max_rows=3, max_vertices=SMALL), frame(max_rows=3), drawn_reach, how, tolerance)
def test_coverage_of_shapes(origins, targets, reach, how, tolerance):
    report = holds(lambda: rangecov.coverage(origins, targets, reach, how=how, tolerance=tolerance), origins, targets)
    if report is not None:
        assert len(report.targets) == len(targets) and 0 <= report.count <= len(targets)


@FUZZ
@given(
    lon_any,
    lat_any,
    st.sampled_from(["north pole", "south pole", "antipode", "180", "random", "random"]),
    st.sampled_from([0.0, 1e-6, -1e-6, 0.01, -0.01]),
    st.floats(1.0, 2.1e7),
    st.sampled_from([None, 1.0, 10.0]),
)
def test_buffer_of_a_point_aimed_at_poles_and_antipodes(lon0, lat0, aim, nudge, distance, tol):
    # The radii the pole-boundary defect lived at: the distance to a pole, to the antipode, to ±180°.
    if math.isfinite(lon0) and math.isfinite(lat0) and abs(lat0) <= 90 and aim != "random":
        g = oracle_geodesic()
        to = {"north pole": (90.0, 0.0), "south pole": (-90.0, 0.0), "antipode": (-lat0, lon0 + 180.0)}
        lat2, lon2 = to.get(aim, (lat0, 180.0))
        distance = g.Inverse(lat0, lon0, lat2, lon2, Geodesic.DISTANCE)["s12"] + nudge
    origin = gpd.GeoSeries([Point(lon0, lat0)], crs="EPSG:4326")
    out = holds(lambda: rangecov.buffer(origin, distance, tolerance=tol), origin)
    if out is not None:
        used = tol if tol is not None else rangecov.inputs.options.default_tolerance(distance)
        check_disk(out, (lon0, lat0), distance, used)


@FUZZ
@given(frame(max_vertices=SMALL), st.one_of(drawn_reach, st.lists(drawn_reach, max_size=4)), tolerance)
def test_buffer(geoms, distance, tol):
    out = holds(lambda: rangecov.buffer(geoms, distance, tolerance=tol), geoms)
    if out is not None:
        assert len(out) == len(geoms) and out.index.equals(geoms.index)
        assert all(g is None or g.is_valid for g in out.array)


@FUZZ
@given(frame(max_vertices=SMALL), drawn_reach, tolerance, st.sampled_from([None, "name", "reach", "nope"]))
def test_reach(origins, distance, tol, by):
    out = holds(lambda: rangecov.reach(origins, distance, tolerance=tol, by=by), origins)
    if out is not None:
        assert all(g is None or g.is_valid for g in out.array)


rings_options = st.sampled_from(
    [
        {"distances": ["10 km", "50 km"]},
        {"distances": ["10 km", "50 km"]},
        {"interval": "50 km", "count": 3},
        {"min_range": "70 km", "max_range": "300 km"},
        {"distances": ["50 km", "10 km"]},
        {"distances": []},
        {"distances": "reach"},
        {"interval": "50 km", "count": 3},
        {"interval": 0, "count": 3},
        {"interval": "50 km", "count": 0},
        {"interval": "5000 km", "count": 5},
        {"min_range": "70 km", "max_range": "300 km"},
        {"min_range": "300 km", "max_range": "70 km"},
        {"distances": [HALF_MERIDIAN]},
        {},
        {"distances": ["10 km"], "interval": "5 km"},
    ]
)


@FUZZ
@given(frame(points_only), rings_options, st.sampled_from([0, 0, 4, 4, -1, 2.5, True]))
def test_rings(origins, options, radials):
    out = holds(lambda: rangecov.rings(origins, radials=radials, **options), origins)
    if out is not None:
        assert all(g is None or g.is_valid for g in out.geometry.array)


@FUZZ
@given(frame(points_only, max_rows=3), frame(("polygon", "special"), max_rows=3), reach)
def test_area_coverage(origins, regions, distance):
    out = holds(lambda: rangecov.area_coverage(origins, regions, distance), origins, regions)
    if out is not None:
        share, area = out["covered_share"].to_numpy(), out["area_km2"].to_numpy()
        # A region without area on the ellipsoid (two vertices at a pole, all on one meridian) has no share.
        assert ((share >= 0) & (share <= 1 + 1e-9))[area > 0].all() and np.isnan(share[area == 0]).all()
        assert (area >= 0).all()


SUFFIXES = [".csv", ".tsv", ".txt", ".geojson", ".json", ".gpkg", ".parquet", ".fgb", ".shp", ".zip", ".kml", ""]
CELLS = ["1", "-0.0", "nan", "inf", "1e300", "", "abc", "90", "180", "-91", "5e-324", '"2,5"', "0x1F", "NULL"]


@st.composite
def file_bytes(draw, suffix: str) -> bytes:
    """Bytes for a file: a table with odd cells, a real spatial file of odd data, or noise."""
    kind = draw(st.sampled_from(["table", "table", "spatial", "noise", "empty"]))
    if kind == "table":
        header = draw(st.sampled_from(["name,lon,lat", "Name,Lat,Long", "x,y", "lon;lat", "a,b,c", "lon,lon,lat"]))
        rows = draw(st.lists(st.lists(st.sampled_from(CELLS), min_size=1, max_size=4), max_size=5))
        return (header + "\n" + "\n".join(",".join(r) for r in rows)).encode()
    if kind == "spatial":
        data = draw(frame(max_rows=3))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"f{suffix if suffix in ('.geojson', '.gpkg', '.parquet', '.fgb') else '.geojson'}"
            try:
                with contextlib.redirect_stderr(io.StringIO()):
                    data.to_file(path) if path.suffix != ".parquet" else data.to_parquet(path)
            except Exception:  # what geopandas itself cannot write is not the test
                return b"{}"
            return path.read_bytes()
    if kind == "noise":
        return draw(st.binary(max_size=200))
    return b""


@FUZZ
@given(st.sampled_from(SUFFIXES).flatmap(lambda s: st.tuples(st.just(s), file_bytes(s))))
def test_read(case):
    suffix, content = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(content)
        out = holds(lambda: rangecov.read(path))
        assert path.read_bytes() == content
    if out is not None:
        assert isinstance(out, gpd.GeoDataFrame) and out.crs is not None


flags = st.lists(
    st.sampled_from(
        [
            ["--reach", "300 km"],
            ["--reach", "0 m"],
            ["--reach", "20003931.4586 m"],
            ["--reach-column", "reach"],
            ["--band", "10 km", "300 km"],
            ["--how", "all"],
            ["--how", "area"],
            ["--format", "json"],
            ["--format", "csv"],
            ["--out", "OUT.geojson"],
            ["--out", "OUT.parquet"],
            ["--out", "OUT.csv"],
            ["--chunk-rows", "1"],
            ["--min-share", "0.5"],
            ["--by", "name"],
            ["--crs", "EPSG:3857"],
            ["--lon", "x", "--lat", "y"],
            ["--origin-names", "name"],
            ["--target-names", "kind"],
            ["--target-sep", ";"],
            ["--origin-crs", "EPSG:3857"],
            ["--target-lat", "y"],
            ["--target-layer", "1"],
            ["--distances", "100 km", "200 km"],
            ["--interval", "50 km", "--count", "2"],
            ["--nouns", "sites", "fields"],
            ["--plot", "OUT.png"],
            ["--graticule"],
            ["--rows", "0"],
            ["--quiet"],
        ]
    ),
    max_size=4,
)


@FUZZ
@given(
    st.sampled_from([".csv", ".geojson", ".gpkg"]).flatmap(lambda s: st.tuples(st.just(s), file_bytes(s))),
    st.sampled_from([".csv", ".geojson", ".parquet"]).flatmap(lambda s: st.tuples(st.just(s), file_bytes(s))),
    st.sampled_from(["coverage", "reach", "rings", "area"]),
    flags,
)
def test_command(origins, targets, command, options):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, (suffix, content) in (("origins", origins), ("targets", targets)):
            paths.append(Path(tmp) / f"{name}{suffix}")
            paths[-1].write_bytes(content)
        argv = [command, str(paths[0])] + ([str(paths[1])] if command not in ("reach", "rings") else [])
        argv += [str(Path(tmp) / x) if x.startswith("OUT.") else x for option in options for x in option]
        err = io.StringIO()
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                code = main(argv)
        except SystemExit as stop:  # argparse's refusal of a usage mistake
            code = stop.code
        assert code in (0, 1, 2), code
        event(f"exit {code}")
        message = err.getvalue()
        assert "internal error" not in message and "Traceback" not in message, message
        if code == 2:
            last = message.strip().splitlines()[-1]
            assert last.startswith(("rangecov", "usage:")) or "error:" in last, message
            # The command's words: flags, not the library's keywords (a quoted name from the file aside).
            assert not KEYWORD_HINT.search(last), last
        assert [p.read_bytes() for p in paths] == [c for _, c in (origins, targets)]


KEYWORD_HINT = re.compile(
    r"(?<!['\"])\b(lon|lat|crs|layer|sep|names|how|by|tolerance|ellipsoid|reach|min_covered|chunk_size|"
    r"progress|overwrite|allow_remote|nouns|distances|interval|count|radials|title|graticule|scalebar)="
)


# Larger geometries get their own test with a stated time (2-core CI machine, 2026-11-30): a ring of
# 10^5 vertices as origin and region, about 2.5 s; the long profile (make fuzz) adds 10^6 vertices
# (coverage 13 s, area_coverage 4 s) and their buffers (36 s and 280 s).
@pytest.mark.parametrize("n", [10**5] + ([10**6] if EXAMPLES >= 1000 else []))
def test_large_rings(n):
    outline = ring(30.0, 50.0, 2.0, n)
    poly = gpd.GeoSeries([Polygon(outline)], crs="EPSG:4326")
    site = gpd.GeoSeries([Point(36.0, 50.0)], crs="EPSG:4326")
    distance = rangecov.coverage(poly, site, "300 km").targets["distance_m"].iloc[0]
    # The nearest vertices by geographiclib: the exact distance to the outline is at most theirs, and
    # less by no more than an edge's length (about 2π·2°·111 km / n).
    g = oracle_geodesic()
    scale = math.cos(math.radians(50.0))  # a degree of longitude is shorter than one of latitude here
    near = sorted(outline, key=lambda v: ((v[0] - 36.0) * scale) ** 2 + (v[1] - 50.0) ** 2)[:2000]
    nearest_vertex = min(g.Inverse(50.0, 36.0, y, x, Geodesic.DISTANCE)["s12"] for x, y in near)
    assert nearest_vertex - 1.4e6 / n <= distance <= nearest_vertex + 1e-6
    share = rangecov.area_coverage(site, poly, "400 km")["covered_share"].iloc[0]
    assert 0 < share < 1
    if EXAMPLES >= 1000:
        buffered = rangecov.buffer(poly, "10 km").iloc[0]
        assert buffered.is_valid and buffered.covers(Polygon(outline))
