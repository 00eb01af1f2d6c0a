"""``rangecov place`` (rangecov.cli.place)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import points

import rangecov
from rangecov.cli import main

REACH = 150_000.0


def instance(seed: int, n_c: int = 20, n_t: int = 60, *, integer_weights: bool = True):
    """Candidates and targets in a 6° box; weights small integers (many ties) or awkward decimals."""
    rng = np.random.default_rng(seed)
    cand = points(rng.uniform(30, 36, n_c), rng.uniform(48, 52, n_c), index=[f"c{i}" for i in range(n_c)])
    w = rng.integers(1, 4, n_t).astype(float) if integer_weights else np.round(rng.uniform(0, 5, n_t), 1)
    targ = points(rng.uniform(29, 37, n_t), rng.uniform(47, 53, n_t), w=w)
    return cand, targ


def test_the_command(tmp_path, capsys):
    cand, targ = instance(11)
    c_path, t_path = tmp_path / "grid.geojson", tmp_path / "targets.geojson"
    cand.assign(keep=cand.index == "c3").rename_axis("name").reset_index().to_file(c_path)
    targ.to_file(t_path)
    expected = rangecov.place(cand, targ, REACH, k=3, weight="w")
    assert main(["place", str(c_path), str(t_path), "--reach", "150 km", "--k", "3", "--weight", "w"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == repr(expected) and "status optimal" in out
    assert main(["place", str(c_path), str(t_path), "--reach", "150 km", "--share", "50%", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "rangecov.place/1" and doc["mode"] == "share" and doc["status"] == "optimal"
    assert {"id", "rank", "fixed", "marginal_weight", "lon", "lat"} == set(doc["chosen"][0])
    assert main(["place", str(c_path), str(t_path), "--reach", "150 km", "--k", "2", "--fixed", "keep"]) == 0
    assert "yes" in capsys.readouterr().out
    assert main(["place", str(c_path), str(t_path), "--reach", "1 km", "--share", "0.9"]) == 1
    assert "--share 0.9 cannot be reached" in capsys.readouterr().err
    assert main(["place", str(c_path), str(t_path), "--reach", "150 km", "--k", "1", "--time-limit", "0"]) == 2
    assert "--time-limit 0.0 is not a positive number" in capsys.readouterr().err
    assert main(["place", str(c_path), str(t_path), "--reach", "150 km", "--k", "2", "--fixed", "missing"]) == 2
    assert "--fixed 'missing' is not a column of CANDIDATES" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["place", str(c_path), str(t_path), "--reach", "150 km"])
    assert stop.value.code == 2
