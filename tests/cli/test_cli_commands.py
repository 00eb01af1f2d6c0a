"""The subcommands (rangecov.cli.commands) end to end: outputs, tables, thresholds, maps, rings, no overwriting."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from alaska import FIELDS, SITES
from command_line import call, one_line_error, run
from stream_data import read_rows

import rangecov
from rangecov import coverage, datasets
from rangecov.cli import main


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


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


def test_rows_zero_and_negative(files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    base = ["coverage", "sites.csv", "airfields.geojson", "--reach", "190 mi"]
    code, out, _ = call(base + ["--rows", "0"], capsys)
    assert code == 0 and "Kursk-Khalino" not in out and out.startswith("5 of 17")
    code, _, err = call(base + ["--rows", "-1"], capsys)
    assert code == 2 and "--rows" in err and "number of rows" in err


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


def test_command_streams_large_targets(data, capsys, tmp_path):
    folder, origins, targets, parquet, _ = data
    sites = tmp_path / "sites.geojson"
    origins.reset_index().to_file(sites)
    weighed = ["--by", "group", "--weight", "w", "--format", "json"]
    code, memory_out, _ = _run(["coverage", sites, parquet, "--reach", "300 km", *weighed], capsys)
    assert code == 0
    memory = json.loads(memory_out)
    assert memory["weight"] == "w" and 0 < memory["weighted_share"] < 1
    code, streamed_out, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", *weighed, "--chunk-rows", "1000"],
        capsys,
    )
    streamed = json.loads(streamed_out)
    assert code == 0 and "targets" not in streamed
    memory.pop("targets")
    assert streamed == memory
    share = memory["share"]
    headline = memory["headline"].split("; w ")[0]  # the runs below give no --weight
    code, table, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", "--chunk-rows", "999", "--max-share", f"{share / 2}"], capsys
    )
    assert code == 1 and table.startswith(headline + "\n") and "threshold not met" in err
    code, out, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", "--chunk-rows", "999", "--format", "csv"], capsys
    )
    assert code == 2 and out == "" and "give --out FILE.csv" in err
    rows = tmp_path / "rows.parquet"
    code, out, err = _run(
        ["coverage", sites, parquet, "--reach", "300 km", "--chunk-rows", "999", "--out", rows], capsys
    )
    assert code == 0 and out == "" and headline in err
    assert len(read_rows(rows)) == memory["total"]
    for bad in ("0", "-5", "1.5", "many"):
        with pytest.raises(SystemExit) as exit_info:
            main(["coverage", str(sites), str(parquet), "--reach", "300 km", "--chunk-rows", bad])
        assert exit_info.value.code == 2


def test_command_corrupt_file_mid_stream(data, capsys, tmp_path):
    _, origins, targets, parquet, csv = data
    sites = tmp_path / "sites.geojson"
    origins.reset_index().to_file(sites)
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(parquet.read_bytes())
    # Overwrite the page header of row group 2's first column: rows 1,001-1,500 cannot be decoded.
    offset = pq.ParquetFile(parquet).metadata.row_group(2).column(0).data_page_offset
    with open(damaged, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xff" * 64)
    out = tmp_path / "rows.parquet"
    code, stdout, err = _run(
        ["coverage", sites, damaged, "--reach", "300 km", "--chunk-rows", "400", "--out", out], capsys
    )
    assert code == 2 and stdout == ""
    assert "row group 2 (rows 1,001-1,500)" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.parquet", "sites.geojson"]
    text = csv.read_text().splitlines()
    text[1700] = text[1700].rsplit(",", 1)[0] + ",north"
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(text) + "\n")
    code, stdout, err = _run(
        ["coverage", sites, broken, "--reach", "300 km", "--chunk-rows", "400", "--out", out], capsys
    )
    assert code == 2 and stdout == "" and "'north' at data row(s) 1,700" in err
    assert not out.exists()


def test_the_command_takes_weight(tmp_path, capsys):
    s = rangecov.datasets.atacms_kursk_2024()
    airfields = s.airfields.assign(aircraft=np.arange(len(s.airfields)) * 1.5)
    sites, fields = tmp_path / "sites.geojson", tmp_path / "fields.geojson"
    s.launch_sites.to_file(sites)
    airfields.to_file(fields)
    expected = rangecov.coverage(s.launch_sites, airfields, s.reach, weight="aircraft")
    argv = ["coverage", str(sites), str(fields), "--reach", "190 mi", "--weight", "aircraft"]
    assert main(argv + ["--by", "role"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == repr(expected) and "aircraft 48 of 204 (23.5%)" in out
    assert "weighted_share" in out and "weight_in" in out
    assert main(argv + ["--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["weight_in"] == expected.weight_in and d["weighted_share"] == expected.weighted_share
    assert main(argv[:-1] + ["role"]) == 2
    err = capsys.readouterr().err
    assert "--weight role holds str values, not numbers" in err and "weight=" not in err
    assert main(argv[:-1] + ["planes"]) == 2
    assert "--weight 'planes' is not a column of TARGETS" in capsys.readouterr().err


@pytest.mark.parametrize("rows", [1, 3, 4])
def test_rows_shows_that_many_targets(alaska, capsys, rows):
    code, out, _ = call(["coverage", "sites.csv", "fields.csv", "--reach", "300 km", "--rows", str(rows)], capsys)
    assert code == 0
    shown = [name for name, *_ in FIELDS if any(line.startswith(name) for line in out.splitlines())]
    assert shown == [name for name, *_ in FIELDS[:rows]]
    assert f"and {len(FIELDS) - rows} more target" in out


def test_rows_at_least_the_number_of_targets_shows_all_without_a_tail(alaska, capsys):
    code, out, _ = call(["coverage", "sites.csv", "fields.csv", "--reach", "300 km", "--rows", "5"], capsys)
    assert code == 0 and "more target" not in out
    assert all(any(line.startswith(name) for line in out.splitlines()) for name, *_ in FIELDS)


def test_reach_by_group_totals_the_union_not_the_sum(alaska, capsys):
    import re

    services = pd.DataFrame(SITES, columns=["Name", "Lat", "Long"]).assign(service=["USAF", "USN", "RU"])
    services.loc[len(services)] = ["Galena", 64.74, -156.94, "USAF"]
    services.to_csv("services.csv", index=False)
    code, _, err = call(["reach", "services.csv", "--reach", "900 km", "--by", "service", "--out", "r.geojson"], capsys)
    assert code == 0, err
    by_group = gpd.read_file("r.geojson")
    total = float(re.search(r"([\d,]+) km² in all", err).group(1).replace(",", ""))
    summed = float(re.search(r"add up to ([\d,]+) km²", err).group(1).replace(",", ""))
    assert summed == pytest.approx(by_group["area_km2"].sum(), abs=1)
    code, _, err = call(["reach", "services.csv", "--reach", "900 km", "--out", "one.geojson"], capsys)
    one = float(gpd.read_file("one.geojson")["area_km2"].iloc[0])
    # Shemya's (USN) and Anadyr's (RU) disks overlap: the union is smaller than the sum.
    assert total == pytest.approx(one, rel=1e-5) and total < summed - 1000


def test_the_command_draws_maps_names_things_and_draws_rings(alaska, capsys):
    import json

    pytest.importorskip("matplotlib")
    base = ["coverage", "sites.csv", "fields.csv", "--reach", "300 km"]
    code, out, err = call(base + ["--nouns", "bases", "airfields", "--plot", "map.png", "--rows", "0"], capsys)
    assert code == 0, err
    assert out.startswith("2 of 5 airfields (40.0%) within 300 km of 3 bases") and "wrote map.png" in err
    assert (alaska / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, err = call(base + ["--nouns", "bases", "airfields", "--format", "json"], capsys)
    assert json.loads(out)["nouns"] == {"origins": "bases", "targets": "airfields"}
    code, _, err = call(base + ["--plot", "map.png"], capsys)
    assert code == 2 and "--plot map.png exists; pass --force" in err
    code, _, err = call(base + ["--plot", "map.jpg"], capsys)
    assert code == 2 and "use a .png, .svg or .pdf" in err
    code, _, err = call(base + ["--plot", "titled.svg", "--title", "Alaska and Chukotka"], capsys)
    assert code == 0 and "Alaska and Chukotka" in (alaska / "titled.svg").read_text()
    # reach and rings: a file, a map or both, never neither.
    code, _, err = call(["reach", "sites.csv", "--reach", "300 km"], capsys)
    assert code == 2 and "give --out FILE" in err
    code, _, err = call(["reach", "sites.csv", "--reach", "300 km", "--plot", "reach.pdf"], capsys)
    assert code == 0 and (alaska / "reach.pdf").read_bytes()[:5] == b"%PDF-"
    code, _, err = call(
        [
            "rings",
            "sites.csv",
            "--distances",
            "100 km",
            "250 km",
            "--radials",
            "4",
            "--out",
            "r.geojson",
            "--plot",
            "r.png",
        ],
        capsys,
    )
    assert code == 0, err
    rings = gpd.read_file("r.geojson")
    assert (rings["kind"] == "ring").sum() == 6 and (rings["kind"] == "radial").sum() == 12
    assert "6 ring(s) around 3 origin(s), out to 250.0 km" in err
    code, _, err = call(["rings", "sites.csv", "--interval", "50 km", "--count", "3", "--out", "i.geojson"], capsys)
    assert code == 0 and sorted(set(gpd.read_file("i.geojson")["outer_m"])) == [50e3, 100e3, 150e3]
    code, _, err = call(
        ["rings", "sites.csv", "--max-range", "300 km", "--min-range", "100 km", "--out", "a.gpkg"], capsys
    )
    annulus = gpd.read_file("a.gpkg")
    assert code == 0 and set(annulus["inner_m"]) == {100e3} and set(annulus["outer_m"]) == {300e3}
    for argv, said in (
        (["rings", "sites.csv", "--interval", "50 km", "--out", "x.geojson"], "--interval needs --count"),
        (["rings", "sites.csv", "--out", "x.geojson"], "one of the arguments --distances --interval --max-range"),
        (["rings", "sites.csv", "--distances", "100", "--out", "x.geojson"], "has no unit"),
    ):
        code, _, err = call(argv, capsys)
        assert code == 2 and said in err, (argv, err)


def test_command_suggests_a_column_titles_rings_in_their_units_and_plots_a_background_file(alaska, capsys, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # A column named in another case: the message suggests it.
    pd.DataFrame(SITES, columns=["Name", "Lat", "Long"]).assign(Country=["US", "US", "RU"]).to_csv("c.csv", index=False)
    code, _, err = call(["reach", "c.csv", "--reach", "300 km", "--by", "country", "--out", "r.geojson"], capsys)
    assert code == 2 and "did you mean 'Country'?" in err
    # Rings are titled in the units they were asked in.
    code, _, err = call(["rings", "sites.csv", "--distances", "100 km", "190 mi", "--plot", "r.svg"], capsys)
    assert code == 0 and "Range rings of 100 km, 190 mi" in (alaska / "r.svg").read_text()
    # A background may be a file.
    box = gpd.GeoDataFrame({"name": ["box"]}, geometry=[__import__("shapely").box(172, 50, 178, 60)], crs=4326)
    box.to_file(tmp_path / "box.geojson")
    report = rangecov.coverage(rangecov.read("sites.csv"), rangecov.read("fields.csv"), "300 km")
    ax = report.plot(background=tmp_path / "box.geojson")
    try:
        assert [c for c in ax.collections if c.get_gid() == "rangecov:background"]
    finally:
        plt.close(ax.figure)
