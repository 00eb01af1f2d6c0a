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
