"""Text tables (rangecov.io.text): separators, decimal commas, compression, malformed and damaged tables."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from alaska import FIELDS, _write
from command_line import call
from table_files import _write_text

import rangecov
from rangecov.errors import InputError
from rangecov.io import read as read_named


def read(path, **options):
    """read() with the rows numbered: these tests are about columns and values (naming rows: tests/io/test_io_naming.py)."""
    options.setdefault("names", None)
    return read_named(path, **options)


def _geojson(folder) -> str:
    path = folder / "fields.geojson"
    rangecov.read(folder / "fields.csv").to_file(path)
    return str(path)


def test_damaged_compressed_tables_are_the_files_fault(tmp_path):
    """Found in review: zlib.error (a damaged gzip or zip body) escaped as an internal error."""
    import zlib

    from rangecov.io.text import damaged_archive

    assert damaged_archive(zlib.error("invalid stored block lengths")) and not damaged_archive(ValueError("x"))
    assert not damaged_archive(PermissionError(13, "Permission denied"))  # the system's, not the file's


def test_tsv_txt_and_compressed_csv(tmp_path):
    tsv = read(_write_text(tmp_path / "a.tsv", "name\tlon\tlat\nA, B\t30\t50\n"))
    assert tsv["name"].tolist() == ["A, B"] and tsv.geometry.x[0] == 30.0
    txt = read(_write_text(tmp_path / "b.txt", "name;lon;lat\nA;30;50\nB;31;51\n"))
    assert txt["name"].tolist() == ["A", "B"] and txt.geometry.y.tolist() == [50.0, 51.0]
    spaced = read(_write_text(tmp_path / "s.txt", "lon   lat\n30  50\n"))
    assert (spaced.geometry.x[0], spaced.geometry.y[0]) == (30.0, 50.0)
    # One column: nothing to sniff, and no letter of the header taken for a separator.
    with pytest.raises(InputError, match="no latitude column .*columns: lon;"):
        read(_write_text(tmp_path / "one.txt", "lon\n30\n"))
    gz = tmp_path / "c.csv.gz"
    with gzip.open(gz, "wt") as fh:
        fh.write("lon,lat\n30,50\n")
    assert read(gz).geometry.x[0] == 30.0


def test_empty_and_malformed_tables(tmp_path):
    with pytest.raises(InputError, match="is empty"):
        read(_write_text(tmp_path / "a.csv", ""))
    with pytest.raises(InputError, match="could not be read as a table: .*line 3"):
        read(_write_text(tmp_path / "b.csv", "lon,lat\n1,2\n1,2,3,4\n"))
    bad = tmp_path / "c.csv"
    bad.write_bytes("lon,lat,name\n1,2,M\xfcnchen\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read(bad)


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
