"""Text tables (rangecov.io.text): separators, decimal commas, compression, malformed and damaged tables."""

from __future__ import annotations

import gzip

import pytest
from table_files import _write_text

from rangecov.errors import InputError
from rangecov.io import read as read_named


def read(path, **options):
    """read() with the rows numbered: these tests are about columns and values (naming rows: test_newcomer.py)."""
    options.setdefault("names", None)
    return read_named(path, **options)


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
