"""Naming the rows of a file read (rangecov.io.naming): by a column, as told, or numbered, and why."""

from __future__ import annotations

import pandas as pd
import pytest
from alaska import FIELDS, SITES
from command_line import call

import rangecov


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
