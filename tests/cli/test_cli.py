"""Hostile and malformed input files (issue 15, items 5 and 6).

Each damaged file (a truncated GeoParquet, GeoJSON broken after a megabyte, a 10⁶-character CSV
field, XML entity bombs, zips without a shapefile, random bytes, empty files, ...) makes the
command exit 2 with one line on stderr, within 10 s and 1 GB of memory, whether it is given as
TARGETS, as ORIGINS or as TARGETS read in chunks; ``rangecov.read`` raises a RangecovError for
each. No input file is ever opened for writing, and nothing reads pickles or evaluates code.

The command runs in subprocesses (a crash, a hang or a memory blow-up must not take pytest with
it), many cases per subprocess because each start costs a second or two.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rangecov
from rangecov.errors import RangecovError

PACKAGE = Path(rangecov.__file__).resolve().parent
MAX_SECONDS = 10.0
MAX_RSS_MB = 1024.0
MAX_LINE = 1100  # rangecov.cli cuts a message to 1,000 characters; the prefix comes on top
REACH = ["--reach", "100 km"]
CHUNK_ROWS = 1000  # the files damaged after their first rows have 3,000 rows or more

# Every extension rangecov.read takes, each as an empty (0-byte) file.
EMPTY = ["csv", "tsv", "txt", "csv.gz", "csv.bz2", "csv.xz", "tsv.zip", "geojson", "json", "gpkg", "shp", "fgb"]
EMPTY += ["kml", "kmz", "gml", "gpx", "parquet", "geoparquet", "zip", "shp.zip"]

HOSTILE = [
    # GeoJSON
    "broken_at_1mb.geojson",
    "deeply_nested.geojson",
    # GeoParquet
    "truncated.parquet",
    "damaged.parquet",
    "not_wkb.parquet",
    "geo_not_json.parquet",
    "geo_no_primary.parquet",
    "geo_wrong_column.parquet",
    "geo_a_list.parquet",
    "geo_bad_crs.parquet",
    # tables
    "long_field.csv",
    "long_quoted.csv",
    "long_header.csv",
    "long_late.csv",
    "not_utf8.csv",
    "random.csv.gz",
    "truncated.csv.gz",
    "random.csv.xz",
    "random.csv.bz2",
    "random.csv.zip",
    # XML entity bombs (billion laughs)
    "bomb.kml",
    "bomb.kmz",
    "bomb.gpx",
    "bomb.gml",
    # zips, random bytes, damaged GDAL formats
    "not_a_shapefile.zip",
    "not_a_shapefile.shp.zip",
    "random.gpkg",
    "random.shp",
    "damaged.gpkg",
    "damaged.fgb",
] + [f"empty.{ext}" for ext in EMPTY]


# -- the files ----------------------------------------------------------------------------------


def _points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(15)
    lon, lat = rng.uniform(30, 31, n), rng.uniform(50, 51, n)
    return gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(n)]}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
    )


def _random_bytes(n: int, seed: int) -> bytes:
    return np.random.default_rng(seed).bytes(n)


def _overwrite_middle(path: Path, seed: int) -> None:
    """Random bytes over the middle third of a file, so that its header and footer still read."""
    data = bytearray(path.read_bytes())
    start, stop = len(data) // 3, 2 * len(data) // 3
    data[start:stop] = _random_bytes(stop - start, seed)
    path.write_bytes(bytes(data))


def _billion_laughs(root: str) -> str:
    """An XML prolog whose entity &lol9; expands to 10⁹ "lol"s (3 GB), if a parser lets it."""
    entities = ['<!ENTITY lol "lol">']
    for k in range(1, 10):
        inner = f"&lol{k - 1};" if k > 1 else "&lol;"
        entities.append(f'<!ENTITY lol{k} "{inner * 10}">')
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(entities) + "\n]>\n"


def _write_geojson(d: Path) -> None:
    feature = '{"type":"Feature","properties":{"name":"p%d"},"geometry":{"type":"Point","coordinates":[30.5,50.5]}}'
    parts: list[str] = []
    size = 0
    while size < 1_000_000:
        parts.append(feature % len(parts))
        size += len(parts[-1]) + 1
    text = '{"type":"FeatureCollection","features":[' + ",".join(parts) + ',{"type":"Feature","geometry":@@ garbage'
    assert text.index("@@") >= 1_000_000  # the syntax error is past the first megabyte
    (d / "broken_at_1mb.geojson").write_text(text)
    depth = 100_000
    (d / "deeply_nested.geojson").write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":'
        + "[" * depth
        + "]" * depth
        + '},"geometry":{"type":"Point","coordinates":[30,50]}}]}'
    )


def _write_parquets(d: Path) -> None:
    _points(20_000).to_parquet(d / "whole.parquet")
    data = (d / "whole.parquet").read_bytes()
    (d / "whole.parquet").unlink()
    (d / "truncated.parquet").write_bytes(data[: len(data) // 2])
    _points(5000).to_parquet(d / "damaged.parquet", row_group_size=CHUNK_ROWS)
    _overwrite_middle(d / "damaged.parquet", seed=1)
    # Broken "geo" metadata: read whole, geopandas checks it; read in chunks, rangecov parses it itself.
    _points(3000).to_parquet(d / "good.parquet")
    table = pq.read_table(d / "good.parquet")
    (d / "good.parquet").unlink()
    meta = table.schema.metadata
    geo = json.loads(meta[b"geo"])
    bad_crs = json.loads(meta[b"geo"])
    bad_crs["columns"]["geometry"]["crs"] = "not a crs"
    variants = {
        "geo_not_json": b"{not json",
        "geo_no_primary": json.dumps({"version": "1.0.0", "columns": {}}).encode(),
        "geo_wrong_column": json.dumps({**geo, "primary_column": "nope"}).encode(),
        "geo_a_list": b"[1, 2]",
        "geo_bad_crs": json.dumps(bad_crs).encode(),
    }
    for name, value in variants.items():
        broken = table.replace_schema_metadata({**meta, b"geo": value})
        pq.write_table(broken, d / f"{name}.parquet", row_group_size=CHUNK_ROWS)
    column = table.schema.get_field_index("geometry")
    garbage = table.set_column(column, "geometry", pa.array([b"\x01\x02garbage"] * table.num_rows))
    pq.write_table(garbage.replace_schema_metadata(meta), d / "not_wkb.parquet", row_group_size=CHUNK_ROWS)


def _write_tables(d: Path) -> None:
    big = "x" * 1_000_000
    rows = "".join(f"p{i},30.{i % 10},50.5\n" for i in range(3000))
    (d / "long_field.csv").write_text(f"name,lon,lat\na,30,{big}\nb,31,51\n")  # 10⁶ characters where a number goes
    (d / "long_quoted.csv").write_text(f'name,lon,lat\n"{big},30,50\nb,31,51\n')  # a quote that never closes
    (d / "long_header.csv").write_text(f"name,{'q' * 1_000_000},lat\na,30,50\n")  # no lon column, one long name
    (d / "long_late.csv").write_text(f"name,lon,lat\n{rows}z,30,{big}\n")  # after the first chunks
    (d / "not_utf8.csv").write_bytes(b"name,lon,lat\n\xff\xfe\x00bad,30,50\n")
    for ext in ("csv.gz", "csv.xz", "csv.bz2", "csv.zip"):
        (d / f"random.{ext}").write_bytes(_random_bytes(5000, seed=len(ext)))
    # Cut short after its first chunks, so that reading in chunks meets the end mid-file.
    many = "".join(f"p{i},30.{i % 10},50.5\n" for i in range(100_000))
    packed = gzip.compress(f"name,lon,lat\n{many}".encode(), compresslevel=1)
    (d / "truncated.csv.gz").write_bytes(packed[: 2 * len(packed) // 3])


def _write_xml_bombs(d: Path) -> None:
    kml = _billion_laughs("kml") + (
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&lol9;</name>'
        "<Point><coordinates>30,50</coordinates></Point></Placemark></Document></kml>\n"
    )
    (d / "bomb.kml").write_text(kml)
    with zipfile.ZipFile(d / "bomb.kmz", "w") as z:
        z.writestr("doc.kml", kml)
    (d / "bomb.gpx").write_text(
        _billion_laughs("gpx") + '<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="50" lon="30"><name>&lol9;</name></wpt></gpx>\n'
    )
    (d / "bomb.gml").write_text(
        _billion_laughs("FeatureCollection")
        + '<ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" xmlns:gml="http://www.opengis.net/gml">'
        "<gml:featureMember><ogr:p><ogr:name>&lol9;</ogr:name><ogr:geometryProperty>"
        '<gml:Point srsName="EPSG:4326"><gml:coordinates>30,50</gml:coordinates></gml:Point>'
        "</ogr:geometryProperty></ogr:p></gml:featureMember></ogr:FeatureCollection>\n"
    )


def _write_gdal_files(d: Path) -> None:
    for name in ("not_a_shapefile.zip", "not_a_shapefile.shp.zip"):
        with zipfile.ZipFile(d / name, "w") as z:
            z.writestr("readme.txt", "not a shapefile\n" * 100)
    (d / "random.gpkg").write_bytes(_random_bytes(200_000, seed=2))
    (d / "random.shp").write_bytes(_random_bytes(10_000, seed=3))
    points = _points(5000)
    points.to_file(d / "damaged.gpkg")
    _overwrite_middle(d / "damaged.gpkg", seed=4)
    points.to_file(d / "damaged.fgb")
    _overwrite_middle(d / "damaged.fgb", seed=5)
    for ext in EMPTY:
        (d / f"empty.{ext}").write_bytes(b"")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A folder of the HOSTILE files (and nothing else)."""
    d = tmp_path_factory.mktemp("hostile")
    for write in (_write_geojson, _write_parquets, _write_tables, _write_xml_bombs, _write_gdal_files):
        write(d)
    assert sorted(p.name for p in d.iterdir()) == sorted(HOSTILE)
    assert all(p.stat().st_size <= 50e6 for p in d.iterdir())
    return d


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A folder with a good ORIGINS table, and a valid table whose one name has 10⁷ characters."""
    d = tmp_path_factory.mktemp("good")
    (d / "origins.csv").write_text("name,lon,lat\nA,30,50\nB,31,51\n")
    rows = "".join(f"p{i},30.{i % 10},50.5\n" for i in range(30))
    (d / "long_name.csv").write_text(f"name,lon,lat\n{'x' * 10_000_000},30,50\n{rows}")
    return d


# -- the command line, in a subprocess ----------------------------------------------------------

# Runs rangecov.cli.main once per case in this one process, with file descriptors 1 and 2 (so
# also what GDAL prints from C) sent to files, and writes a JSON line per case: exit code,
# output, seconds and the peak RSS so far (ru_maxrss never falls, so the last is the largest).
_RUNNER = """
import json, os, resource, sys, tempfile, time
from rangecov.cli import main

cases = json.loads(open(sys.argv[1]).read())
with open(sys.argv[2], "a") as log:
    for label, argv in cases:
        log.write(json.dumps({"start": label}) + "\\n")
        log.flush()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            sys.stdout.flush(); sys.stderr.flush()
            saved = os.dup(1), os.dup(2)
            os.dup2(out.fileno(), 1); os.dup2(err.fileno(), 2)
            start = time.perf_counter()
            try:
                code = main(argv)
            except SystemExit as stop:
                code = stop.code
            except BaseException as exc:
                code = "raised " + type(exc).__name__
            seconds = time.perf_counter() - start
            sys.stdout.flush(); sys.stderr.flush()
            os.dup2(saved[0], 1); os.dup2(saved[1], 2)
            os.close(saved[0]); os.close(saved[1])
            out.seek(0); err.seek(0)
            stdout, stderr = out.read(), err.read()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        log.write(json.dumps({
            "case": label, "code": code, "seconds": seconds, "rss_mb": rss,
            "stdout_bytes": len(stdout), "stderr": stderr[:5000].decode("utf-8", "replace"),
            "stderr_bytes": len(stderr),
        }) + "\\n")
        log.flush()
"""


def _run_cases(cases: list[tuple[str, list[str]]], tmp_path: Path) -> list[dict]:
    """Run the command line on each (label, argv) in one subprocess; one result per case."""
    case_file, log_file = tmp_path / "cases.json", tmp_path / "results.jsonl"
    case_file.write_text(json.dumps(cases))
    timeout = 30 + MAX_SECONDS * len(cases) / 10
    try:
        subprocess.run(
            [sys.executable, "-c", _RUNNER, str(case_file), str(log_file)],
            timeout=timeout,
            check=True,
            capture_output=True,
        )
    except subprocess.TimeoutExpired:
        started = log_file.read_text().splitlines()[-1:] if log_file.exists() else ["(none)"]
        pytest.fail(f"the runner hung ({timeout:.0f} s) in the case after {started[0]}")
    except subprocess.CalledProcessError as crash:  # a segfault in GDAL, or an uncaught error
        last = log_file.read_text().splitlines()[-1:] if log_file.exists() else []
        pytest.fail(f"the runner died ({crash.returncode}) after {last}: {crash.stderr[-2000:]!r}")
    results = [json.loads(line) for line in log_file.read_text().splitlines()]
    return [r for r in results if "case" in r]


def _hostile_cases(hostile: Path, origins: Path, out: Path) -> list[tuple[str, list[str]]]:
    cases = []
    for name in HOSTILE:
        path = str(hostile / name)
        cases.append((f"TARGETS {name}", ["coverage", str(origins), path, *REACH]))
        cases.append((f"ORIGINS {name}", ["coverage", path, str(origins), *REACH]))
        chunked = ["coverage", str(origins), path, *REACH, "--chunk-rows", str(CHUNK_ROWS), "--out"]
        cases.append((f"TARGETS in chunks {name}", [*chunked, str(out / f"{name}.parquet")]))
    return cases


def test_command_refuses_each_hostile_file_in_one_line(hostile, good, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    results = _run_cases(_hostile_cases(hostile, good / "origins.csv", out), tmp_path)
    assert len(results) == 3 * len(HOSTILE)
    assert list(out.iterdir()) == []  # a failed run leaves no output, not even a partial one
    problems = []
    for r in results:
        role, name = r["case"].split(" ", 1)[0], r["case"].rsplit(" ", 1)[1]
        lines = r["stderr"].splitlines()
        line = lines[0] if lines else ""
        expected = f"rangecov coverage: error: {role}: "
        if r["code"] != 2:
            problems.append(f"{r['case']}: exit {r['code']}")
        if len(lines) != 1 or not line.startswith(expected) or name not in line:
            problems.append(f"{r['case']}: stderr {r['stderr'][:300]!r} ({r['stderr_bytes']:,} bytes)")
        if r["stderr_bytes"] > MAX_LINE or r["stdout_bytes"]:
            problems.append(f"{r['case']}: {r['stderr_bytes']:,} bytes on stderr, {r['stdout_bytes']:,} on stdout")
        if r["seconds"] > MAX_SECONDS or r["rss_mb"] > MAX_RSS_MB:
            problems.append(f"{r['case']}: {r['seconds']:.1f} s, peak RSS {r['rss_mb']:.0f} MB")
    assert not problems, "\n".join(problems)


def test_command_prints_a_table_with_a_ten_million_character_name(good, tmp_path):
    """A valid file, but its one long name once made the printed table take gigabytes (pandas pads
    every cell of a column to its widest); the table now cuts long labels."""
    origins, long_name = str(good / "origins.csv"), str(good / "long_name.csv")
    cases = [
        ("TARGETS long_name.csv", ["coverage", origins, long_name, *REACH]),
        ("ORIGINS long_name.csv", ["coverage", long_name, origins, *REACH]),
        ("JSON long_name.csv", ["coverage", origins, long_name, *REACH, "--format", "json"]),
    ]
    results = _run_cases(cases, tmp_path)
    for r in results:
        assert r["code"] == 0, r
        assert r["seconds"] <= MAX_SECONDS and r["rss_mb"] <= MAX_RSS_MB, r
    table, _, as_json = results
    assert table["stdout_bytes"] < 20_000  # the name is shown cut, not whole
    assert as_json["stdout_bytes"] > 10_000_000  # JSON keeps it whole


# -- the library, in this process ---------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_read_raises_a_rangecov_error(hostile, name):
    # Anything but a RangecovError (a KeyError, pyarrow's ArrowInvalid, zipfile's BadZipFile)
    # escapes pytest.raises and fails the test with its own traceback.
    with pytest.raises(RangecovError) as caught:
        rangecov.read(hostile / name)
    assert name in str(caught.value)


# -- item 5: an input file is never opened for writing -------------------------------------------

# Records every open (and rename, removal, truncation, ...) of an input file that could change
# it, as seen by Python's audit hooks, while the commands run in this one process. GDAL and
# pyarrow open files from C/C++, which audit hooks do not see: the test also checks that every
# input keeps its bytes and its modification time and that no file appears beside the inputs.
_AUDITED = """
import json, os, sys
from rangecov.cli import main

inputs = {os.path.realpath(p) for p in json.loads(sys.argv[1])}
commands = json.loads(sys.argv[2])
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CHANGES = {"os.rename": (0, 1), "os.remove": (0,), "os.truncate": (0,), "os.chmod": (0,), "os.utime": (0,),
           "shutil.copyfile": (1,), "shutil.move": (0, 1), "os.link": (1,), "os.symlink": (1,)}
seen = {"writes": [], "reads": 0}
busy = []

def hook(event, args):
    if busy or not (event == "open" or event in CHANGES):
        return
    busy.append(1)
    try:
        positions = (0,) if event == "open" else CHANGES[event]
        for i in positions:
            path = args[i]
            if isinstance(path, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(path)) in inputs:
                mode, flags = (args[1], args[2]) if event == "open" else (None, None)
                writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & WRITE)
                if event != "open" or writes:
                    seen["writes"].append([event, os.fsdecode(path), str(mode), flags])
                else:
                    seen["reads"] += 1
    finally:
        busy.pop()

sys.addaudithook(hook)
codes = [main(argv) for argv in commands]
print(json.dumps({"codes": codes, **seen}))
"""


def _write_inputs(d: Path) -> dict[str, Path]:
    d.mkdir()
    targets = _points(3000)
    targets["group"] = np.arange(3000) % 3
    paths = {
        "origins.csv": d / "origins.csv",
        "origins.geojson": d / "origins.geojson",
        "targets.csv": d / "targets.csv",
        "targets.geojson": d / "targets.geojson",
        "targets.gpkg": d / "targets.gpkg",
        "targets.parquet": d / "targets.parquet",
        "regions.geojson": d / "regions.geojson",
    }
    paths["origins.csv"].write_text("name,lon,lat\nA,30.2,50.2\nB,30.8,50.8\n")
    _points(2).to_file(paths["origins.geojson"])
    table = targets.assign(lon=targets.geometry.x, lat=targets.geometry.y).drop(columns="geometry")
    table.to_csv(paths["targets.csv"], index=False)
    targets.to_file(paths["targets.geojson"])
    targets.to_file(paths["targets.gpkg"])
    targets.to_parquet(paths["targets.parquet"])
    regions = gpd.GeoDataFrame({"name": ["r"]}, geometry=[_points(3).union_all().convex_hull], crs="EPSG:4326")
    regions.to_file(paths["regions.geojson"])
    return paths


def _state(folder: Path) -> dict:
    """Each file of the folder: its bytes (hashed) and modification time."""
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_no_input_is_opened_for_writing(tmp_path):
    inputs = _write_inputs(tmp_path / "inputs")
    out = tmp_path / "out"
    out.mkdir()
    o_csv, o_json = str(inputs["origins.csv"]), str(inputs["origins.geojson"])
    t = {name: str(path) for name, path in inputs.items()}
    chunks = ["--chunk-rows", str(CHUNK_ROWS)]
    commands = [
        ["coverage", o_csv, t["targets.csv"], *REACH, "--out", str(out / "a.csv")],
        ["coverage", o_json, t["targets.geojson"], *REACH, "--out", str(out / "b.geojson")],
        ["coverage", o_csv, t["targets.gpkg"], *REACH, "--by", "group", "--out", str(out / "c.gpkg")],
        ["coverage", o_json, t["targets.parquet"], *REACH, "--out", str(out / "d.parquet")],
        ["coverage", o_csv, t["targets.parquet"], *REACH, "--format", "json", "--out", str(out / "e.json")],
        # read in chunks: GeoParquet, CSV and GDAL formats
        ["coverage", o_csv, t["targets.parquet"], *REACH, *chunks, "--out", str(out / "f.parquet")],
        ["coverage", o_csv, t["targets.csv"], *REACH, *chunks, "--out", str(out / "g.csv")],
        ["coverage", o_csv, t["targets.gpkg"], *REACH, *chunks, "--out", str(out / "h.gpkg")],
        ["coverage", o_json, t["targets.geojson"], *REACH, *chunks, "--out", str(out / "i.geojson")],
        ["reach", o_json, *REACH, "--out", str(out / "j.gpkg")],
        ["area", o_csv, t["regions.geojson"], *REACH, "--out", str(out / "k.csv")],
        # an input as --out is refused, even with --force
        ["coverage", o_csv, t["targets.csv"], *REACH, "--out", t["targets.csv"], "--force"],
        ["coverage", o_csv, t["targets.parquet"], *REACH, *chunks, "--out", t["targets.parquet"], "--force"],
    ]
    before = _state(tmp_path / "inputs")
    done = subprocess.run(
        [sys.executable, "-c", _AUDITED, json.dumps(list(t.values())), json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["codes"] == [0] * 11 + [2, 2], done.stderr
    assert seen["writes"] == []
    assert seen["reads"] > 0  # the hook works: pandas opens the CSV inputs through Python
    # What the hooks cannot see (GDAL, pyarrow): the inputs are as they were, and nothing new
    # (a GML .gfs, a GeoPackage -wal or -shm, a .aux.xml) appeared beside them.
    assert _state(tmp_path / "inputs") == before
    assert len(list(out.iterdir())) == 11


# -- nothing reads pickles or evaluates anything from a file -------------------------------------

_UNSAFE_MODULES = {"pickle", "_pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
_UNSAFE_CALLS = {"eval", "exec", "compile", "__import__", "read_pickle", "unsafe_load", "full_load"}


def _unsafe(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in _UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _UNSAFE_MODULES:
            found.append(f"from {node.module}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            # re.compile is a pattern, not code; the bare builtins and pandas' unpicklers are code.
            if name in _UNSAFE_CALLS and not (isinstance(func, ast.Attribute) and name == "compile"):
                found.append(f"{name}() at line {node.lineno}")
            if any(k.arg == "allow_pickle" for k in node.keywords):
                found.append(f"allow_pickle= at line {node.lineno}")
            if name == "load" and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "yaml":
                found.append(f"yaml.load() at line {node.lineno}")
    return found


def test_nothing_unpickles_or_evaluates():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "data" in path.relative_to(PACKAGE).parts:
            continue
        hits = _unsafe(ast.parse(path.read_text(encoding="utf-8")))
        if hits:
            found[str(path.relative_to(PACKAGE))] = hits
    assert not found
    # The check finds what it looks for.
    assert _unsafe(ast.parse("import pickle\neval(x)\npd.read_pickle(p)\nnp.load(p, allow_pickle=True)")) == [
        "pickle",
        "eval() at line 2",
        "read_pickle() at line 3",
        "allow_pickle= at line 4",
    ]
