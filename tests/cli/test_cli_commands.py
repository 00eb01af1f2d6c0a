"""The ``rangecov`` command end to end: outputs, exit codes, one-line errors, no overwriting."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rangecov import coverage, datasets
from rangecov import read as rangecov_read
from rangecov.cli import main

SCRIPT = Path(sys.executable).parent / "rangecov"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The scenario as a new user would have it: a CSV of sites, GeoJSON airfields, a GeoPackage of regions."""
    d = tmp_path_factory.mktemp("cli")
    s = datasets.atacms_kursk_2024()
    sites = s.launch_sites.reset_index()
    pd.DataFrame(
        {"name": sites["name"], "Latitude": sites.geometry.y, "Longitude": sites.geometry.x, "reach": sites["reach"]}
    ).to_csv(d / "sites.csv", index=False)
    s.airfields.reset_index().to_file(d / "airfields.geojson")
    s.regions.reset_index().to_file(d / "regions.gpkg")
    (d / "nocoords.csv").write_text("name,where\nSumy,north\n")
    (d / "badnum.csv").write_text("name,lon,lat\nA,34.8,50.9\nB,east,50.1\n")
    return d


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "rangecov", *args], cwd=cwd, capture_output=True, text=True)


def one_line_error(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err


# -- end to end, through a subprocess ---------------------------------------------------------


def test_console_script_is_installed(files):
    out = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("rangecov ")


def test_help_lists_examples_and_exit_codes(files):
    out = run("--help", cwd=files)
    assert out.returncode == 0
    assert "rangecov coverage" in out.stdout and "exit codes" in out.stdout
    sub = run("coverage", "--help", cwd=files)
    assert sub.returncode == 0 and "--reach-column" in sub.stdout and "--max-share" in sub.stdout


def test_coverage_table_names_rows_from_the_name_column(files):
    out = run("coverage", "sites.csv", "airfields.geojson", "--reach", "190 mi", "--by", "role", cwd=files)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("5 of 17 targets (29.4%) within 190 mi (305.8 km) of 7 origins")
    assert "glide_bomb_base" in out.stdout and "Kursk-Khalino" in out.stdout and "Sudzha" in out.stdout
    assert out.stderr == ""


def test_coverage_json_matches_the_library(files):
    s = datasets.atacms_kursk_2024()
    expected = coverage(s.launch_sites, s.airfields, "190 mi")
    out = run("coverage", "sites.csv", "airfields.geojson", "--reach", "190 mi", "--format", "json", cwd=files)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "rangecov.coverage/1"
    assert (doc["count"], doc["total"]) == (expected.count, expected.total)
    by_id = {t["id"]: t for t in doc["targets"]}
    for name, row in expected.targets.iterrows():
        assert by_id[name]["status"] == row["status"]
        assert by_id[name]["distance_m"] == pytest.approx(row["distance_m"], abs=1e-6)
        assert by_id[name]["nearest_origin"] == row["nearest_origin"]


def test_threshold_exit_codes(files):
    base = ("coverage", "sites.csv", "airfields.geojson", "--reach", "190 mi")
    above = run(*base, "--max-share", "10%", cwd=files)
    assert above.returncode == 1
    one_line_error(above.stderr)
    assert "above --max-share 10.0%" in above.stderr
    assert above.stdout.startswith("5 of 17")  # the result is still printed
    assert run(*base, "--min-share", "0.25", "--format", "json", cwd=files).returncode == 0
    below = run(*base, "--min-share", "0.9", cwd=files)
    assert below.returncode == 1 and "below --min-share 90.0%" in below.stderr


def test_bad_input_is_exit_2_with_one_line(files):
    for args in (
        ("coverage", "sites.csv", "airfields.geojson", "--reach", "3 parsecs"),
        ("coverage", "sites.csv", "missing.csv", "--reach", "300 km"),
        ("coverage", "nocoords.csv", "airfields.geojson", "--reach", "300 km"),
    ):
        out = run(*args, cwd=files)
        assert out.returncode == 2, args
        one_line_error(out.stderr)
        assert out.stdout == ""


def test_reach_writes_once_and_needs_force_to_replace(files, tmp_path):
    target = tmp_path / "reach.geojson"
    first = run("reach", str(files / "sites.csv"), "--reach", "190 mi", "--out", str(target), cwd=files)
    assert first.returncode == 0, first.stderr
    doc = json.loads(target.read_text())
    assert doc["features"][0]["properties"]["area_km2"] == pytest.approx(634_076, rel=1e-3)
    target.write_text("precious")
    again = run("reach", str(files / "sites.csv"), "--reach", "190 mi", "--out", str(target), cwd=files)
    assert again.returncode == 2 and "--force" in again.stderr
    assert target.read_text() == "precious"
    forced = run(
        "reach", str(files / "sites.csv"), "--reach", "190 mi", "--out", str(target), "--force", "--quiet", cwd=files
    )
    assert forced.returncode == 0 and forced.stderr == ""
    assert json.loads(target.read_text())["type"] == "FeatureCollection"


def test_area_json(files):
    out = run("area", "sites.csv", "regions.gpkg", "--reach", "190 mi", "--format", "json", cwd=files)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "rangecov.area/1"
    shares = {r["id"]: r["covered_share"] for r in doc["regions"]}
    assert shares["Kursk"] == pytest.approx(1.0)
    assert shares["Voronezh"] == pytest.approx(0.829, abs=1e-3)


def test_demo_plot_writes_a_png_and_refuses_to_overwrite(files, tmp_path):
    png = tmp_path / "map.png"
    out = run("demo", "--plot", str(png), cwd=files)
    assert out.returncode == 0, out.stderr
    assert "ATACMS" in out.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = run("demo", "--plot", str(png), cwd=files)
    assert again.returncode == 2 and "--force" in again.stderr


# -- every mistake we can think of, in process (same code path, faster) ------------------------


def call(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exits (usage errors, --help)
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


BAD = [
    ([], "usage"),
    (["launch"], "invalid choice"),
    (["coverage", "sites.csv", "airfields.geojson"], "one of the arguments --reach --reach-column --band is required"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--band", "1 km", "2 km"], "not allowed with"),
    (["coverage", "sites.csv", "airfields.geojson", "--band", "1 km"], "expected 2 arguments"),
    (["coverage", "sites.csv", "airfields.geojson", "--band", "2 km", "1 km"], "must not exceed high"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "-5 km"], "--reach"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--min-share", "1.5"], "between 0 and 1"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--min-share", "most"], "is not a share"),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--min-share", "0.5", "--max-share", "0.6"],
        "not allowed with",
    ),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach-column", "range"],
        "--reach-column 'range' is not a column",
    ),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--by", "kind"], "--by 'kind' is not a column"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--how", "most"], "invalid choice"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--format", "xml"], "invalid choice"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--out", "r.txt"], "unknown extension"),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--format", "csv", "--out", "r.json"],
        "does not match",
    ),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--out", "regions.gpkg"], "pass --force"),
    (
        ["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--out", "no/such/dir/r.json"],
        "does not exist",
    ),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--lon", "east"], "east"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--crs", "EPSG:999999"], "crs"),
    (["coverage", "nocoords.csv", "airfields.geojson", "--reach", "1 km"], "name, where"),
    (["coverage", "badnum.csv", "airfields.geojson", "--reach", "1 km"], "row"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--ellipsoid", "flat"], "flat"),
    (["coverage", "sites.csv", "regions.gpkg", "--reach", "1 km", "--how", "all", "--tolerance", "5 km"], "tolerance"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "1 km", "--how", "area"], "polygons"),
    (["reach", "sites.csv", "--reach", "190 mi"], "--out"),
    (["reach", "sites.csv", "--reach", "190 mi", "--out", "r.json.txt"], "unknown extension"),
    (["area", "sites.csv", "airfields.geojson", "--reach", "300 km"], "polygons"),
    (["demo", "--plot", "map.txt"], ".png"),
    (["coverage", "sites.csv", "airfields.geojson", "--reach", "300000"], "unit"),
]


@pytest.mark.parametrize("argv, phrase", BAD, ids=[" ".join(a) or "(none)" for a, _ in BAD])
def test_mistakes_exit_2_with_one_line_naming_the_problem(argv, phrase, files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    code, out, err = call(argv, capsys)
    assert code == 2
    assert phrase in err, err
    assert "Traceback" not in err
    if argv:  # with no command at all, the help is the message
        one_line_error(err)


def test_debug_shows_the_traceback_and_still_exits_2(files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    code, _, err = call(["coverage", "nocoords.csv", "airfields.geojson", "--reach", "1 km", "--debug"], capsys)
    assert code == 2 and "Traceback" in err


def test_messages_name_flags_not_keywords(files, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(files)
    (tmp_path / "swapped.csv").write_text("name,lon,lat\nA,50.9,134.8\n")
    code, _, err = call(["coverage", str(tmp_path / "swapped.csv"), "airfields.geojson", "--reach", "1 km"], capsys)
    assert code == 2 and "--origin-lon lat" in err and "--origin-lat lon" in err and "lon='lat'" not in err


def test_rows_zero_and_negative(files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    base = ["coverage", "sites.csv", "airfields.geojson", "--reach", "190 mi"]
    code, out, _ = call(base + ["--rows", "0"], capsys)
    assert code == 0 and "Kursk-Khalino" not in out and out.startswith("5 of 17")
    code, _, err = call(base + ["--rows", "-1"], capsys)
    assert code == 2 and "--rows" in err and "number of rows" in err


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


def test_per_origin_table_shows_the_covering_origin_and_duplicate_names_are_noted(files, tmp_path, capsys):
    (tmp_path / "o.csv").write_text("name,lon,lat,reach\nNear,0,0,10 km\nFar,1,0,1000 km\n")
    (tmp_path / "t.csv").write_text("name,lon,lat\nT,0.3,0,\n")
    (tmp_path / "t.csv").write_text("name,lon,lat\nT,0.3,0\n")
    code, out, _ = call(
        ["coverage", str(tmp_path / "o.csv"), str(tmp_path / "t.csv"), "--reach-column", "reach"], capsys
    )
    assert code == 0 and "covering_origin" in out and "Far" in out
    (tmp_path / "dup.csv").write_text("name,lon,lat\nA,0,0\nA,1,0\n")
    code, _, err = call(["coverage", str(tmp_path / "dup.csv"), str(tmp_path / "t.csv"), "--reach", "50 km"], capsys)
    assert code == 0 and "has blanks or repeated values" in err and "--origin-names" in err


def test_a_file_without_rows_is_a_mistake_not_a_pass(files, tmp_path, capsys, monkeypatch):
    # A header-only export: "0 of 0 targets" with exit 0 would pass a CI gate silently (issue 16).
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


def test_reach_of_the_whole_globe_reports_its_area(files, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(files)
    out = tmp_path / "globe.geojson"
    code, _, err = call(["reach", "sites.csv", "--reach", "20010 km", "--out", str(out)], capsys)
    assert code == 0
    area = json.loads(out.read_text())["features"][0]["properties"]["area_km2"]
    assert area == pytest.approx(510_065_621.7, rel=1e-9)


def test_outputs_by_extension_and_to_stdout(files, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(files)
    base = ["coverage", "sites.csv", "airfields.geojson", "--band", "180 mi", "200 mi", "--quiet"]
    for ext in ("csv", "geojson", "gpkg", "parquet", "json"):
        path = tmp_path / f"out.{ext}"
        code, out, err = call(base + ["--out", str(path)], capsys)
        assert code == 0 and out == "" and err == "", err
        assert path.stat().st_size > 0
    from rangecov import read

    back = read(tmp_path / "out.csv")
    assert list(back.index) == list(datasets.atacms_kursk_2024().airfields.index)
    assert set(back["status"]) <= {"in", "marginal", "out"}
    code, out, _ = call(base + ["--format", "csv"], capsys)
    assert code == 0 and out.splitlines()[0].startswith("name,") and len(out.splitlines()) == 18
    code, out, _ = call(base + ["--format", "geojson"], capsys)
    assert code == 0 and len(json.loads(out)["features"]) == 17


def test_per_origin_reach_column_and_table_crs(files, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(files)
    code, out, _ = call(
        ["coverage", "sites.csv", "airfields.geojson", "--reach-column", "reach", "--format", "json"], capsys
    )
    assert code == 0 and json.loads(out)["reach_kind"] == "column"
    # A projected table: the same sites in Web Mercator metres, named with --lon/--lat and --crs.
    import geopandas as gpd

    s = datasets.atacms_kursk_2024()
    merc = s.launch_sites.to_crs("EPSG:3857")
    pd.DataFrame({"name": merc.index, "E": merc.geometry.x, "N": merc.geometry.y}).to_csv(
        tmp_path / "m.csv", index=False
    )
    code, out, err = call(
        [
            "coverage",
            str(tmp_path / "m.csv"),
            "airfields.geojson",
            "--reach",
            "190 mi",
            "--lon",
            "E",
            "--lat",
            "N",
            "--crs",
            "EPSG:3857",
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0, err
    assert json.loads(out)["count"] == 5
    assert isinstance(gpd, object)


def test_documented_json_schemas_match_the_output(files, capsys, monkeypatch):
    import re

    doc = (Path(__file__).parents[2] / "docs" / "cli.md").read_text()
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", doc, flags=re.S)]
    documented = {b["schema"]: b for b in blocks}
    s = datasets.atacms_kursk_2024()
    actual = coverage(s.launch_sites, s.airfields, "190 mi").to_dict(by="role", targets=True)
    cov = documented["rangecov.coverage/1"]
    assert list(cov) == list(actual)
    assert list(cov["groups"][0]) == list(actual["groups"][0])
    assert list(cov["targets"][0]) == list(actual["targets"][0])
    monkeypatch.chdir(files)
    code, out, _ = call(["area", "sites.csv", "regions.gpkg", "--reach", "190 mi", "--format", "json"], capsys)
    area = json.loads(out)
    assert list(documented["rangecov.area/1"]) == list(area)
    assert list(documented["rangecov.area/1"]["regions"][0]) == list(area["regions"][0])


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
