"""Text tables read in chunks (rangecov.io.chunk_reader): typing and decimal commas in every chunk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stream_data import REACH, _origins, read_rows

import rangecov
from rangecov.errors import InputError


def test_csv_typing_and_crs(tmp_path):
    """Whole-degree coordinates in the first chunk, --crs given, booleans that stop being booleans."""
    origins = _origins()
    lines = ["name,lon,lat,ok"] + [f"a{i},{30 + i % 3},{50 + i % 2},true" for i in range(12)]
    lines += [f"b{i},{30.12 + i / 100},{50.25},false" for i in range(8)]
    path = tmp_path / "whole.csv"
    path.write_text("\n".join(lines) + "\n")
    memory = rangecov.coverage(origins, read_rows(path), REACH)
    result = rangecov.stream_coverage(origins, path, REACH, chunk_size=10, crs="EPSG:4326", by="ok")
    pd.testing.assert_frame_equal(result.summary(by="ok"), memory.summary(by="ok"))
    lines[15] = lines[15].rsplit(",", 1)[0] + ",maybe"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"'maybe' at data row\(s\) 15"):
        rangecov.stream_coverage(origins, path, REACH, chunk_size=10)


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
