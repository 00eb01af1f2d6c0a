"""Running the ``rangecov`` command in tests: in process (``call``) or as a subprocess (``run``)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from rangecov import datasets
from rangecov.cli import main


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


def call(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exits (usage errors, --help)
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err
