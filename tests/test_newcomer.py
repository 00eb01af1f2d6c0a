"""Issue 16: the analyst's first ten minutes, on files as people make them.

Sites and airfields of Alaska, the Aleutians and Chukotka (across ±180°), with the column names
people use (``Name,Lat,Long``; ``site,y,x``), separators of spreadsheets in other locales, and
the command's own words in every message.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import rangecov
from rangecov.cli import main

# Rounded public coordinates (degrees): a few airports and bases on both sides of ±180°.
SITES = [("Eielson AFB", 64.67, -147.10), ("Shemya", 52.71, 174.11), ("Anadyr", 64.73, 177.74)]
FIELDS = [
    ("Nome", 64.51, -165.44),
    ("Adak", 51.88, -176.65),
    ("Provideniya", 64.38, -173.24),
    ("Fairbanks", 64.82, -147.86),
    ("Attu", 52.83, 173.18),
]


def call(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exits
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def alaska(tmp_path, monkeypatch):
    """sites.csv (Name,Lat,Long) and fields.csv (site,y,x) in the working folder."""
    monkeypatch.chdir(tmp_path)
    pd.DataFrame(SITES, columns=["Name", "Lat", "Long"]).to_csv("sites.csv", index=False)
    pd.DataFrame(FIELDS, columns=["site", "y", "x"]).to_csv("fields.csv", index=False)
    return tmp_path


# -- 7: --rows N shows N rows -------------------------------------------------------------------


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


# -- 9: covering_origin only where covered ------------------------------------------------------


@pytest.mark.parametrize("reach", ["300 km", ("300 km", "700 km"), "reach"])
def test_covering_origin_is_missing_for_targets_out_of_reach(reach):
    origins = gpd.GeoDataFrame(
        {"reach": [300e3, 400e3, 500e3]},
        index=pd.Index([s[0] for s in SITES], name="name"),
        geometry=gpd.points_from_xy([s[2] for s in SITES], [s[1] for s in SITES]),
        crs="EPSG:4326",
    )
    targets = gpd.GeoDataFrame(
        index=pd.Index([f[0] for f in FIELDS], name="name"),
        geometry=gpd.points_from_xy([f[2] for f in FIELDS], [f[1] for f in FIELDS]),
        crs="EPSG:4326",
    )
    t = rangecov.coverage(origins, targets, reach).targets
    out = t["status"] == "out"
    assert out.any() and (~out).any()
    assert t.loc[out, "covering_origin"].isna().all()
    assert t.loc[~out, "covering_origin"].notna().all()
    assert t.loc["Fairbanks", "covering_origin"] == "Eielson AFB"
    # Nome is out of every reach here: the issue saw "Eielson AFB" as its covering origin.
    assert t.loc["Nome", "status"] == "out" and pd.isna(t.loc["Nome", "covering_origin"])
    assert t.loc["Nome", "nearest_origin"] in {s[0] for s in SITES}
    assert np.isfinite(t["margin_m"]).all()


# -- 3: each file its own columns and CRS --------------------------------------------------------


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


# -- 4: separators and decimal commas ------------------------------------------------------------


def _write(path: str, rows: list[tuple], header: tuple, sep: str, comma: bool = False) -> None:
    def cell(v):
        text = str(v)
        return text.replace(".", ",") if comma and isinstance(v, float) else text

    lines = [sep.join(header)] + [sep.join(cell(v) for v in row) for row in rows]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("name", "sep", "comma"),
    [
        ("semicolon.csv", ";", True),
        ("semicolon_dots.csv", ";", False),
        ("tabs.csv", "\t", False),
        ("pipes.csv", "|", False),
        ("tabs.tsv", "\t", False),
        ("semicolon.txt", ";", True),
    ],
)
def test_separator_is_found_in_the_header(alaska, capsys, name, sep, comma):
    _write(name, FIELDS, ("Name", "Lat", "Long"), sep, comma)
    read = rangecov.read(name)
    assert list(read.columns) == ["geometry"] and read.index.tolist() == [f[0] for f in FIELDS]
    np.testing.assert_allclose(read.geometry.y, [f[1] for f in FIELDS])
    np.testing.assert_allclose(read.geometry.x, [f[2] for f in FIELDS])
    code, out, err = call(["coverage", "sites.csv", name, "--reach", "300 km", "--rows", "0"], capsys)
    assert code == 0 and out.startswith("2 of 5 targets"), err


def test_a_quoted_name_with_commas_does_not_decide_the_separator(alaska):
    with open("quoted.csv", "w", encoding="utf-8") as fh:
        fh.write('"Name, full";Lat;Long\n"Nome, Alaska";64,51;-165,44\n')
    read = rangecov.read("quoted.csv")
    assert read["Name, full"].tolist() == ["Nome, Alaska"]
    assert (read.geometry.x[0], read.geometry.y[0]) == (-165.44, 64.51)


def test_decimal_commas_only_in_semicolon_tables_and_only_whole_columns(alaska):
    # A text column with a comma among words is kept as text; numbers with a decimal comma become numbers.
    with open("mixed.csv", "w", encoding="utf-8") as fh:
        fh.write("Name;Lat;Long;note;count\nNome;64,51;-165,44;cold, windy;3\nAdak;51,88;-176,65;wet;4\n")
    read = rangecov.read("mixed.csv")
    assert read["note"].tolist() == ["cold, windy", "wet"]
    assert read["count"].tolist() == [3, 4]
    np.testing.assert_allclose(read.geometry.y, [64.51, 51.88])


def test_sep_overrides_the_header(alaska, capsys):
    # A header of one name that holds a comma: only --sep / sep= can say the file is ;-separated.
    with open("one.txt", "w", encoding="utf-8") as fh:
        fh.write("Long;Lat\n-165,44;64,51\n")
    read = rangecov.read("one.txt", sep=";")
    assert (read.geometry.x[0], read.geometry.y[0]) == (-165.44, 64.51)
    code, out, err = call(
        ["coverage", "sites.csv", "one.txt", "--target-sep", "semicolon", "--reach", "300 km"], capsys
    )
    assert code == 0, err
    code, out, err = call(["coverage", "sites.csv", "one.txt", "--sep", ";", "--reach", "300 km"], capsys)
    assert code == 2 and "ORIGINS" in err  # the shared --sep applies to both tables
    with pytest.raises(rangecov.errors.InputError, match="sep= applies to text tables"):
        rangecov.read(_geojson(alaska), sep=";")
    with pytest.raises(rangecov.errors.InputTypeError, match="sep= must be a separator"):
        rangecov.read("one.txt", sep="")


def _geojson(folder) -> str:
    path = folder / "fields.geojson"
    rangecov.read(folder / "fields.csv").to_file(path)
    return str(path)


def test_decimal_commas_are_read_in_every_chunk(alaska):
    rng = np.random.default_rng(16)
    lat, lon = rng.uniform(50, 70, 2_000), rng.uniform(-180, 180, 2_000)
    with open("many.csv", "w", encoding="utf-8") as fh:
        fh.write("id;Lat;Long\n")
        for i, (a, b) in enumerate(zip(lat, lon)):
            fh.write(f"{i};{a:.5f};{b:.5f}\n".replace(".", ","))
    origins = rangecov.read("sites.csv")
    memory = rangecov.coverage(origins, rangecov.read("many.csv"), "800 km")
    streamed = rangecov.stream_coverage(origins, "many.csv", "800 km", chunk_size=300)
    assert streamed.chunks == 7 and (streamed.total, streamed.count) == (memory.total, memory.count)
    with open("many.csv", "a", encoding="utf-8") as fh:
        fh.write("2000;60,0;west\n")
    with pytest.raises(rangecov.errors.InputError, match="'Long'.*'west' at data row"):
        rangecov.stream_coverage(origins, "many.csv", "800 km", chunk_size=300)


# -- 2: the command speaks in flags --------------------------------------------------------------

# lon=..., crs='...', .to_crs(...), coverage(), geopandas.GeoSeries.from_wkt, rangecov.read
_KEYWORD_HINT = r"\b[a-z_]+=|\.[a-z_]+\(|[a-z_]\(\)|\bgeopandas\.|\brangecov\.[a-z]"


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


# -- 8: one naming rule for rows -----------------------------------------------------------------


def test_python_and_the_command_name_rows_alike(alaska, capsys):
    sites, fields = rangecov.read("sites.csv"), rangecov.read("fields.csv")
    assert sites.index.name == "Name" and fields.index.name == "site"
    report = rangecov.coverage(sites, fields, "300 km")
    code, out, err = call(["coverage", "sites.csv", "fields.csv", "--reach", "300 km", "--format", "json"], capsys)
    assert code == 0, err
    import json

    rows = json.loads(out)["targets"]
    assert [r["id"] for r in rows] == report.targets.index.tolist() == [f[0] for f in FIELDS]
    assert [r["nearest_origin"] for r in rows] == report.targets["nearest_origin"].tolist()
    assert set(report.targets["nearest_origin"]) <= {s[0] for s in SITES}


def test_names_by_the_first_complete_unique_column_or_as_told(alaska):
    pd.DataFrame(
        {"ID": [1, 1, 2], "Label": ["a", "b", "c"], "site": ["x", "y", "z"], "lat": [60, 61, 62], "lon": [1, 2, 3]}
    ).to_csv("ids.csv", index=False)
    # "id" comes first but repeats; "label" is the first complete and unique one.
    assert rangecov.read("ids.csv").index.tolist() == ["a", "b", "c"]
    assert rangecov.read("ids.csv", names="site").index.tolist() == ["x", "y", "z"]
    numbered = rangecov.read("ids.csv", names=None)
    assert numbered.index.tolist() == [0, 1, 2] and list(numbered.columns)[:3] == ["ID", "Label", "site"]
    with pytest.raises(rangecov.errors.InputError, match=r"names='ID': the column has repeated values \(1\)"):
        rangecov.read("ids.csv", names="ID")
    with pytest.raises(rangecov.errors.InputError, match="names='nope' is not a column of ids.csv; columns: ID"):
        rangecov.read("ids.csv", names="nope")
    with pytest.raises(rangecov.errors.InputTypeError, match="names= must be a column name"):
        rangecov.read("ids.csv", names=1)


def test_no_complete_unique_name_column_numbers_rows_and_says_why(alaska, capsys):
    pd.DataFrame({"name": ["A", "A"], "lat": [60, 61], "lon": [1, 2]}).to_csv("dup.csv", index=False)
    with pytest.warns(UserWarning, match="column 'name' has blanks or repeated values, so the rows are numbered"):
        frame = rangecov.read("dup.csv")
    assert frame.index.tolist() == [0, 1] and frame["name"].tolist() == ["A", "A"]
    code, _, err = call(["coverage", "sites.csv", "dup.csv", "--reach", "300 km", "--rows", "0"], capsys)
    assert code == 0 and "TARGETS" in err and "--target-names COL" in err and "names=" not in err


def test_names_survive_a_round_trip_through_every_format(alaska, tmp_path):
    pytest.importorskip("pyarrow")
    report = rangecov.coverage(rangecov.read("sites.csv"), rangecov.read("fields.csv"), "300 km")
    for ext in ("geojson", "gpkg", "parquet", "csv"):
        path = tmp_path / f"back.{ext}"
        report.to_file(path)
        back = rangecov.read(path)
        assert back.index.tolist() == [f[0] for f in FIELDS], ext
        assert back["nearest_origin"].tolist() == report.targets["nearest_origin"].tolist(), ext


# -- 10: the total of reach --by counts overlaps once ----------------------------------------------


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


# -- 11: small mismatches ---------------------------------------------------------------------------


def test_a_share_is_written_as_on_the_command_line(alaska):
    report = rangecov.coverage(rangecov.read("sites.csv"), rangecov.read("fields.csv"), "300 km")
    assert report.required_reach("90%") == report.required_reach(0.9) == report.required_reach("0.9")
    assert report.required_reach(" 40 % ") == report.required_reach(0.4)
    for bad in ("0%", "101%", "ninety", 0, 1.5):
        with pytest.raises(rangecov.errors.InputError, match="share must be a number in \\(0, 1\\] or a percentage"):
            report.required_reach(bad)
    with pytest.raises(rangecov.errors.InputTypeError, match="share must be"):
        report.required_reach(True)


def test_a_folder_as_input_is_called_a_folder(alaska, capsys):
    (alaska / "exports").mkdir()
    with pytest.raises(rangecov.errors.PathIsFolderError, match="exports is a folder"):
        rangecov.read("exports")
    code, _, err = call(["coverage", "sites.csv", "exports", "--reach", "300 km"], capsys)
    assert code == 2 and "TARGETS: exports is a folder" in err


def test_csv_output_keeps_the_files_coordinate_columns(alaska, capsys, tmp_path):
    code, out, err = call(["coverage", "sites.csv", "fields.csv", "--reach", "300 km", "--format", "csv"], capsys)
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert header[:3] == ["site", "y", "x"] and "lon" not in header and "lat" not in header
    pd.DataFrame(SITES, columns=["Name", "Lat", "Long"]).assign(reach=["300 km"] * 3).to_csv("r.csv", index=False)
    report = rangecov.coverage(rangecov.read("fields.csv"), rangecov.read("r.csv"), "300 km")
    report.to_file(tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    assert list(back.columns[:4]) == ["Name", "Lat", "Long", "reach"]
    np.testing.assert_allclose(back["Lat"], [s[1] for s in SITES])
    # Reprojected, the numbers are no longer the file's: the CSV writes lon/lat in degrees.
    moved = report.targets.to_crs("EPSG:3857")
    rangecov.io.write_frame(moved, tmp_path / "m.csv")
    columns = list(pd.read_csv(tmp_path / "m.csv").columns)
    assert columns[:4] == ["Name", "reach", "lon", "lat"] and "Lat" not in columns


# -- 1: a background across ±180° is drawn the short way round ---------------------------------------


def test_background_across_the_antimeridian_is_the_box_it_is_as_a_target():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import shapely

    sites = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([174.11, 177.74], [52.71, 64.73]), index=["Shemya", "Anadyr"], crs="EPSG:4326"
    )
    box = shapely.Polygon([(172, 50), (-178, 50), (-178, 60), (172, 60)])
    regions = gpd.GeoDataFrame({"name": ["box"]}, geometry=[box], crs="EPSG:4326")
    report = rangecov.coverage(sites, regions, "300 km")
    ax = report.plot(background=regions)
    try:
        (layer,) = [c for c in ax.collections if c.get_gid() == "rangecov:background"]
        xy = np.vstack([p.vertices for p in layer.get_paths()])
        drawn_target = np.vstack(
            [p.vertices for c in ax.collections if c.get_gid().startswith("rangecov:targets") for p in c.get_paths()]
        )
        # As a target the box is 10° (about 640 km at 55°N) wide; the background must be the same shape.
        width = xy[:, 0].max() - xy[:, 0].min()
        assert 600e3 < width < 800e3
        assert width == pytest.approx(drawn_target[:, 0].max() - drawn_target[:, 0].min(), rel=1e-3)
    finally:
        plt.close(ax.figure)


# -- 12: the reader's nouns -------------------------------------------------------------------------


def test_nouns_name_origins_and_targets_in_headline_summary_json_and_map(tmp_path):
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = rangecov.datasets.atacms_kursk_2024()
    report = rangecov.coverage(s.launch_sites, s.airfields, s.reach, nouns=("launch sites", "airfields"))
    assert repr(report) == "5 of 17 airfields (29.4%) within 190 mi (305.8 km) of 7 launch sites"
    assert report.summary().index.name == "airfields" and report.summary(by="role").index.name == "role"
    assert json.loads(json.dumps(report.to_dict()))["nouns"] == {"origins": "launch sites", "targets": "airfields"}
    one = rangecov.coverage(s.launch_sites.iloc[:1], s.airfields.iloc[:1], s.reach, nouns=("cities", "bases"))
    assert repr(one).startswith("0 of 1 base (0.0%)") and repr(one).endswith("of 1 city")
    pair = rangecov.coverage(s.launch_sites.iloc[:1], s.airfields, s.reach, nouns=(("radar", "radar"), "ships"))
    assert repr(pair).endswith("of 1 radar") and "of 17 ships" in repr(pair)
    ax = report.plot()
    try:
        assert ax.get_title().startswith("5 of 17 airfields")
        assert any(t.get_text() == "launch sites (7)" for t in ax.get_legend().get_texts())
    finally:
        plt.close(ax.figure)
    plain = rangecov.coverage(s.launch_sites, s.airfields, s.reach)
    assert repr(plain).startswith("5 of 17 targets") and plain.summary().index.name is None
    streamed_path = tmp_path / "fields.csv"
    s.airfields.assign(lon=s.airfields.geometry.x, lat=s.airfields.geometry.y).drop(columns="geometry").to_csv(
        streamed_path
    )
    streamed = rangecov.stream_coverage(s.launch_sites, streamed_path, s.reach, nouns=("launch sites", "airfields"))
    assert repr(streamed) == repr(report) and streamed.summary().index.name == "airfields"
    for bad in ("airfields", ("a",), ("sites", 3), ("sites", ("one",))):
        with pytest.raises((rangecov.errors.InputError, rangecov.errors.InputTypeError), match="nouns"):
            rangecov.coverage(s.launch_sites, s.airfields, s.reach, nouns=bad)


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


def test_lines_and_regions_cut_at_the_antimeridian_are_read_back():
    # rangecov draws a line or region across ±180° as parts ending at 180 and going on from -180;
    # the last vertex of one part and the first of the next are no edge "along a parallel".
    import shapely

    origin = gpd.GeoSeries(shapely.points([[178.0, 64.0]]), crs="EPSG:4326")
    cut = gpd.GeoSeries(
        [shapely.MultiLineString([[(179, 64), (180, 64.5)], [(-180, 64.5), (-179, 65)]])], crs="EPSG:4326"
    )
    assert rangecov.coverage(origin, cut, "300 km").targets["status"].tolist() == ["in"]
    region = rangecov.reach(gpd.GeoSeries(shapely.points([[179.5, 60.0]]), crs="EPSG:4326"), "300 km")
    assert region.geometry.iloc[0].geom_type == "MultiPolygon"
    assert rangecov.coverage(origin, region, "300 km").targets["status"].tolist() == ["in"]
    # A real edge from -180° to 180° along a parallel is still refused, with the reason.
    cap = gpd.GeoSeries([shapely.Polygon([(-180, 80), (180, 80), (180, 90), (-180, 90)])], crs="EPSG:4326")
    with pytest.raises(rangecov.errors.InputError, match="edge from -180° to 180° along a parallel"):
        rangecov.coverage(origin, cap, "1 km")


# -- 13: maps -----------------------------------------------------------------------------------------


def _boxes(texts) -> np.ndarray:
    return np.asarray([[b.x0, b.y0, b.x1, b.y1] for b in (t.get_window_extent() for t in texts)]).reshape(-1, 4)


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) whether boxes of a and b overlap."""
    return (np.minimum(a[:, None, 2], b[None, :, 2]) > np.maximum(a[:, None, 0], b[None, :, 0])) & (
        np.minimum(a[:, None, 3], b[None, :, 3]) > np.maximum(a[:, None, 1], b[None, :, 1])
    )


def test_area_names_keep_off_data_labels_and_the_reach_edge():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = rangecov.datasets.atacms_kursk_2024()
    report = rangecov.coverage(s.launch_sites, s.airfields, s.reach)
    regions = s.regions.assign(label=s.regions["name_en"].str.replace(" Oblast", "", regex=False))
    ax = report.plot(labels=True, background=regions, background_labels="label")
    try:
        ax.figure.canvas.draw()
        texts = [t for t in ax.texts]
        area = [t for t in texts if t.get_gid() == "rangecov:background-label"]
        names = set(report.targets.index) | set(report.input_origins.index)
        data = [t for t in texts if t.get_gid() != "rangecov:background-label" and t.get_text() in names]
        assert len(area) >= 8 and len(data) == 17 + 7
        assert not _overlap(_boxes(area), _boxes(data)).any()
        edge = np.vstack(
            [p.vertices for c in ax.collections if c.get_gid() == "rangecov:reach-edge" for p in c.get_paths()]
        )
        edge_px = ax.transData.transform(edge)
        for box in _boxes(area):
            inside = (
                (edge_px[:, 0] > box[0])
                & (edge_px[:, 0] < box[2])
                & (edge_px[:, 1] > box[1])
                & (edge_px[:, 1] < box[3])
            )
            assert not inside.any()
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_the_reach_curves_label_is_not_crossed_by_its_curve(share):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cities = rangecov.datasets.world_cities()
    hubs = cities.loc[["London", "Dubai", "Singapore", "New York", "Auckland"]]
    ax = rangecov.coverage(hubs, cities, "3000 km").plot_curve(share=share)
    try:
        ax.figure.canvas.draw()
        (label,) = [t for t in ax.texts if t.get_gid() == "rangecov:required"]
        box = label.get_window_extent()
        (curve,) = [line for line in ax.lines if line.get_gid() == "rangecov:curve"]
        xy = curve.get_transform().transform(curve.get_path().interpolated(50).vertices)
        assert len(xy) > 100
        inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
        assert not inside.any(), label.get_text()
    finally:
        plt.close(ax.figure)


def test_scale_bar_where_metres_are_kept_and_a_graticule_on_request(alaska, capsys):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib_scalebar.scalebar import ScaleBar

    s = rangecov.datasets.atacms_kursk_2024()
    report = rangecov.coverage(s.launch_sites, s.airfields, s.reach)
    cities = rangecov.datasets.world_cities()
    world = rangecov.coverage(cities.loc[["London", "Auckland"]], cities, "3000 km")
    try:
        regional = report.plot()
        bars = [a for a in regional.artists if isinstance(a, ScaleBar)]
        # The regional map is azimuthal equidistant in metres: one data unit is one metre.
        assert len(bars) == 1 and (bars[0].dx, bars[0].units) == (1.0, "m")
        assert not [c for c in regional.collections if c.get_gid() == "rangecov:graticule"]
        assert not [a for a in world.plot().artists if isinstance(a, ScaleBar)]  # Equal Earth: no true scale
        assert not [a for a in report.plot(crs="EPSG:4326").artists if isinstance(a, ScaleBar)]
        assert not [a for a in report.plot(scalebar=False).artists if isinstance(a, ScaleBar)]
        gridded = report.plot(graticule=5)
        (lines,) = [c for c in gridded.collections if c.get_gid() == "rangecov:graticule"]
        assert len(lines.get_paths()) >= 4
        for bad in (0, -5, 100, "5"):
            with pytest.raises((rangecov.errors.InputError, rangecov.errors.InputTypeError), match="graticule"):
                report.plot(graticule=bad)
    finally:
        plt.close("all")
    code, _, err = call(
        ["coverage", "sites.csv", "fields.csv", "--reach", "300 km", "--plot", "g.svg", "--graticule"], capsys
    )
    assert code == 0 and 'id="rangecov:graticule"' in (alaska / "g.svg").read_text()


def test_labels_on_a_dense_map_leave_out_what_would_collide():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cities = rangecov.datasets.world_cities()
    report = rangecov.coverage(cities.loc[["London", "Dubai", "Singapore", "New York", "Auckland"]], cities, "3000 km")
    ax = report.plot(labels=True)
    try:
        ax.figure.canvas.draw()
        names = set(map(str, report.targets.index))
        drawn = [t for t in ax.texts if t.get_text() in names]
        assert 30 < len(drawn) < len(names)  # the map shows what it has room for
        boxes = _boxes(drawn)
        pairs = _overlap(boxes, boxes)
        np.fill_diagonal(pairs, False)
        assert not pairs.any()
    finally:
        plt.close(ax.figure)


def test_each_subcommands_help_shows_its_own_examples(capsys):
    helps = {}
    for command in ("coverage", "reach", "rings", "area"):
        code, out, _ = call([command, "--help"], capsys)
        assert code == 0
        helps[command] = out
        assert f"rangecov {command} " in out.split("examples:", 1)[1]
        others = {"coverage", "reach", "rings", "area"} - {command}
        assert not any(f"  rangecov {other} " in out for other in others), command
    for command in ("reach", "rings", "area"):
        assert "file of origins" in helps[command]


def test_rows_numbered_for_want_of_a_name_column_are_noted_on_the_command_line(alaska, capsys):
    pd.DataFrame({"town": ["A", "B"], "lat": [60, 61], "lon": [-150, -151]}).to_csv("towns.csv", index=False)
    code, _, err = call(["coverage", "sites.csv", "towns.csv", "--reach", "300 km", "--rows", "0"], capsys)
    assert code == 0 and "TARGETS: rows are numbered from 0" in err and "--target-names COL" in err
    code, _, err = call(["coverage", "sites.csv", "towns.csv", "--reach", "300 km", "--target-names", "town"], capsys)
    assert code == 0 and "numbered" not in err
    code, _, err = call(["coverage", "sites.csv", "towns.csv", "--reach", "300 km", "--quiet"], capsys)
    assert code == 0 and err == ""


@pytest.mark.parametrize("loc", ["lower right", "lower left", "upper right"])
def test_the_scale_bar_keeps_out_of_the_legends_corner(loc):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib_scalebar.scalebar import ScaleBar

    s = rangecov.datasets.atacms_kursk_2024()
    ax = rangecov.coverage(s.launch_sites, s.airfields, s.reach).plot(legend={"loc": loc})
    try:
        ax.figure.canvas.draw()
        (bar,) = [a for a in ax.artists if isinstance(a, ScaleBar)]
        b, legend = bar.get_window_extent(ax.figure.canvas.get_renderer()), ax.get_legend().get_window_extent()
        assert not (min(b.x1, legend.x1) > max(b.x0, legend.x0) and min(b.y1, legend.y1) > max(b.y0, legend.y0))
    finally:
        plt.close(ax.figure)


def test_small_helps_from_the_trial(alaska, capsys, tmp_path):
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
