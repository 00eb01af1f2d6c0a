"""Sites and airfields of Alaska, the Aleutians and Chukotka (across ±180°), as people's files have them.

The column names people use (``Name,Lat,Long``; ``site,y,x``) and separators of spreadsheets in
other locales; the ``alaska`` fixture writes sites.csv and fields.csv into the working folder."""

from __future__ import annotations

import pandas as pd
import pytest

# Rounded public coordinates (degrees): a few airports and bases on both sides of ±180°.
SITES = [("Eielson AFB", 64.67, -147.10), ("Shemya", 52.71, 174.11), ("Anadyr", 64.73, 177.74)]

FIELDS = [
    ("Nome", 64.51, -165.44),
    ("Adak", 51.88, -176.65),
    ("Provideniya", 64.38, -173.24),
    ("Fairbanks", 64.82, -147.86),
    ("Attu", 52.83, 173.18),
]


@pytest.fixture()
def alaska(tmp_path, monkeypatch):
    """sites.csv (Name,Lat,Long) and fields.csv (site,y,x) in the working folder."""
    monkeypatch.chdir(tmp_path)
    pd.DataFrame(SITES, columns=["Name", "Lat", "Long"]).to_csv("sites.csv", index=False)
    pd.DataFrame(FIELDS, columns=["site", "y", "x"]).to_csv("fields.csv", index=False)
    return tmp_path


def _write(path: str, rows: list[tuple], header: tuple, sep: str, comma: bool = False) -> None:
    def cell(v):
        text = str(v)
        return text.replace(".", ",") if comma and isinstance(v, float) else text

    lines = [sep.join(header)] + [sep.join(cell(v) for v in row) for row in rows]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
