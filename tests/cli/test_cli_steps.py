"""The steps every command shares (rangecov.cli.steps): per-file flags, naming rows, --out checks, messages in flags."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from alaska import FIELDS, SITES, _write
from command_line import call, one_line_error
from hostile_files import CHUNK_ROWS, _points

from rangecov import coverage
from rangecov import read as rangecov_read

REACH = ["--reach", "100 km"]

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


# lon=..., crs='...', .to_crs(...), coverage(), geopandas.GeoSeries.from_wkt, rangecov.read
_KEYWORD_HINT = r"\b[a-z_]+=|\.[a-z_]+\(|[a-z_]\(\)|\bgeopandas\.|\brangecov\.[a-z]"


def test_messages_name_flags_not_keywords(files, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(files)
    (tmp_path / "swapped.csv").write_text("name,lon,lat\nA,50.9,134.8\n")
    code, _, err = call(["coverage", str(tmp_path / "swapped.csv"), "airfields.geojson", "--reach", "1 km"], capsys)
    assert code == 2 and "--origin-lon lat" in err and "--origin-lat lon" in err and "lon='lat'" not in err


def test_out_may_not_replace_an_input_even_with_force(files, capsys, monkeypatch, tmp_path):
    import shutil

    shutil.copy(files / "sites.csv", tmp_path / "s.csv")
    before = (tmp_path / "s.csv").read_text()
    code, _, err = call(
        [
            "coverage",
            str(tmp_path / "s.csv"),
            str(files / "airfields.geojson"),
            "--reach",
            "1 km",
            "--out",
            str(tmp_path / "s.csv"),
            "--force",
        ],
        capsys,
    )
    assert code == 2 and "one of the input files" in err
    assert (tmp_path / "s.csv").read_text() == before


def test_projected_crs_with_a_degrees_table_is_refused(files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    code, _, err = call(["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--crs", "EPSG:3857"], capsys)
    assert code == 2 and "looks like longitude/latitude in degrees" in err


def test_a_file_without_rows_is_a_mistake_not_a_pass(files, tmp_path, capsys, monkeypatch):
    # A header-only export: "0 of 0 targets" with exit 0 would pass a CI gate silently.
    (tmp_path / "none.csv").write_text("name,lon,lat\n")
    monkeypatch.chdir(files)
    for argv in (
        ["coverage", "sites.csv", str(tmp_path / "none.csv"), "--reach", "1 km", "--min-share", "0"],
        ["coverage", "sites.csv", str(tmp_path / "none.csv"), "--reach", "1 km"],
        ["coverage", str(tmp_path / "none.csv"), "airfields.geojson", "--reach", "1 km"],
        ["reach", str(tmp_path / "none.csv"), "--reach", "1 km", "--out", str(tmp_path / "r.geojson")],
    ):
        code, out, err = call(argv, capsys)
        what = "TARGETS" if argv[2].endswith("none.csv") else "ORIGINS"
        assert code == 2 and f"{what} has no rows" in err and out == "", argv
        one_line_error(err)
    # The library keeps answering an empty table with an empty report.
    empty = rangecov_read(tmp_path / "none.csv")
    assert len(empty) == 0 and coverage(empty.iloc[:0], empty, "1 km").total == 0


def test_rows_are_named_by_a_site_column_or_the_one_given(tmp_path, capsys):
    (tmp_path / "radars.csv").write_text("Site,LAT,Lng,code\nKeflavik,63.97,-22.6,K\nBodo,67.27,14.36,B\n")
    (tmp_path / "towns.csv").write_text("town,lat,lon\nReykjavik,64.15,-21.94\nTromso,69.65,18.96\n")
    code, out, _ = call(
        [
            "coverage",
            str(tmp_path / "radars.csv"),
            str(tmp_path / "towns.csv"),
            "--reach",
            "400 km",
            "--target-names",
            "town",
            "--format",
            "json",
        ],
        capsys,
    )
    doc = json.loads(out)
    assert code == 0 and [t["id"] for t in doc["targets"]] == ["Reykjavik", "Tromso"]
    assert [t["nearest_origin"] for t in doc["targets"]] == ["Keflavik", "Bodo"]
    code, out, _ = call(
        [
            "coverage",
            str(tmp_path / "radars.csv"),
            str(tmp_path / "towns.csv"),
            "--reach",
            "400 km",
            "--origin-names",
            "code",
            "--format",
            "json",
        ],
        capsys,
    )
    assert [t["nearest_origin"] for t in json.loads(out)["targets"]] == ["K", "B"]
    code, _, err = call(
        [
            "coverage",
            str(tmp_path / "radars.csv"),
            str(tmp_path / "towns.csv"),
            "--reach",
            "400 km",
            "--origin-names",
            "nope",
        ],
        capsys,
    )
    assert code == 2 and "--origin-names nope is not a column of" in err and "ORIGINS" in err


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


def test_each_file_has_its_own_coordinate_columns(alaska, capsys):
    pd.DataFrame(SITES, columns=["Name", "Lattitude", "Longitude"]).to_csv("typo.csv", index=False)
    base = ["coverage", "typo.csv", "fields.csv", "--reach", "300 km", "--rows", "0"]
    # The shared --lat applies to both files, and the targets have no such column: their own flag is named.
    code, _, err = call(base + ["--lat", "Lattitude"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "TARGETS: --lat Lattitude is not a column of fields.csv" in err and "--origin-lat or --target-lat" in err
    code, out, err = call(base + ["--origin-lat", "Lattitude"], capsys)
    assert code == 0, err
    assert out.startswith("2 of 5 targets")


def test_each_file_has_its_own_crs(alaska, capsys):
    # The fields in a projected CRS (UTM zone 3N), the sites in degrees.
    import pyproj

    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32603", always_xy=True)
    x, y = to_utm.transform([f[2] for f in FIELDS], [f[1] for f in FIELDS])
    pd.DataFrame({"site": [f[0] for f in FIELDS], "easting": x, "northing": y}).to_csv("utm.csv", index=False)
    base = ["coverage", "sites.csv", "utm.csv", "--reach", "300 km", "--rows", "0"]
    base += ["--target-lon", "easting", "--target-lat", "northing"]
    code, _, err = call(base + ["--crs", "EPSG:32603"], capsys)  # shared: wrong for the sites
    # The degrees are the origins': the projected CRS belongs to the targets alone.
    assert code == 2 and "ORIGINS" in err and "with --target-crs EPSG:32603" in err
    code, out, err = call(base + ["--target-crs", "EPSG:32603"], capsys)
    assert code == 0, err
    assert out.startswith("2 of 5 targets")


def test_command_errors_name_flags_not_python_keywords(alaska, capsys):
    import re

    import geopandas as gpd

    pd.DataFrame(SITES, columns=["Name", "Lattitude", "Long"]).to_csv("typo.csv", index=False)
    _write("semi.csv", FIELDS, ("Name", "Lat", "Long"), ";", comma=True)
    pd.DataFrame({"name": ["A"], "lon": [50.9], "lat": [134.8]}).to_csv("swapped.csv", index=False)
    pd.DataFrame({"name": ["A"], "x": [500000.0], "y": [6800000.0]}).to_csv("metres.csv", index=False)
    pd.DataFrame({"name": ["A"], "lon": ["east"], "lat": [60.0]}).to_csv("text.csv", index=False)
    pd.DataFrame({"name": ["A"], "geometry": ["POINT (1 2)"]}).to_csv("wkt.csv", index=False)
    points = gpd.GeoDataFrame({"name": ["A"]}, geometry=gpd.points_from_xy([-150.0], [61.0]))
    points.to_file("nocrs.shp")
    projected = gpd.GeoDataFrame({"name": ["A"]}, geometry=gpd.points_from_xy([500000.0], [6800000.0]))
    projected.to_file("metres.geojson")
    reach = ["--reach", "300 km"]
    cases = [
        ["coverage", "sites.csv", "fields.csv", "--lat", "Lattitude"] + reach,
        ["coverage", "typo.csv", "fields.csv"] + reach,
        ["coverage", "sites.csv", "semi.csv", "--target-sep", ","] + reach,
        ["coverage", "sites.csv", "nocrs.shp"] + reach,
        ["coverage", "sites.csv", "fields.csv", "--reach", "190"],
        ["coverage", "swapped.csv", "fields.csv"] + reach,
        ["coverage", "sites.csv", "metres.csv"] + reach,
        ["coverage", "sites.csv", "metres.geojson"] + reach,
        ["coverage", "sites.csv", "text.csv"] + reach,
        ["coverage", "sites.csv", "wkt.csv"] + reach,
        ["coverage", "sites.csv", "fields.csv", "--reach-column", "range"],
        ["coverage", "sites.csv", "fields.csv", "--by", "role"] + reach,
        ["coverage", "sites.csv", "fields.csv", "--tolerance", "1 um"] + reach,
        ["coverage", "sites.csv", "fields.csv", "--ellipsoid", "Mars"] + reach,
        ["coverage", "sites.csv", "fields.csv", "--target-layer", "2"] + reach,
        ["coverage", "sites.csv", "fields.csv", "--origin-crs", "EPSG:99999"] + reach,
        ["reach", "sites.csv", "--out", "r.txt"] + reach,
        ["area", "sites.csv", "fields.csv"] + reach,
    ]
    for argv in cases:
        code, out, err = call(argv, capsys)
        assert code == 2, (argv, out, err)
        assert err.count("\n") == 1 and "Traceback" not in err, (argv, err)
        assert "internal error" not in err, (argv, err)
        assert not re.search(_KEYWORD_HINT, err), (argv, err)


def test_rows_numbered_for_want_of_a_name_column_are_noted_on_the_command_line(alaska, capsys):
    pd.DataFrame({"town": ["A", "B"], "lat": [60, 61], "lon": [-150, -151]}).to_csv("towns.csv", index=False)
    code, _, err = call(["coverage", "sites.csv", "towns.csv", "--reach", "300 km", "--rows", "0"], capsys)
    assert code == 0 and "TARGETS: rows are numbered from 0" in err and "--target-names COL" in err
    code, _, err = call(["coverage", "sites.csv", "towns.csv", "--reach", "300 km", "--target-names", "town"], capsys)
    assert code == 0 and "numbered" not in err
    code, _, err = call(["coverage", "sites.csv", "towns.csv", "--reach", "300 km", "--quiet"], capsys)
    assert code == 0 and err == ""
