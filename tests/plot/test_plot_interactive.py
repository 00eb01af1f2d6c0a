"""The interactive map (rangecov.plot.interactive)."""

from __future__ import annotations

import socket

import pandas as pd
import pytest

from rangecov import coverage
from rangecov.errors import InputTypeError
from rangecov.plot import explore_report


def test_explore_layers_and_tooltips_offline(report, monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network used while building the map")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    m = explore_report(report)  # default OpenStreetMap tiles: fetched by the browser, not here
    html = m.get_root().render()
    import folium

    assert isinstance(m, folium.Map)
    for layer in (
        "Countries (Natural Earth)",
        "Reach: 190 mi (305.8 km)",
        "Origins (7)",
        "Targets in reach (5)",
        "Targets out of reach (12)",
    ):
        assert layer in html
    for field in ('"target"', '"distance"', '"margin"', '"nearest_origin"', '"status"'):
        assert field in html
    assert "Kursk-Khalino" in html and "94.7 km" in html
    assert "L.control.layers" in html
    assert "openstreetmap" in html.lower()


def test_explore_without_tiles_and_awkward_columns(scenario):
    targets = scenario.airfields.assign(
        name=pd.array(["a", None] + ["b"] * 15, dtype="string"),  # a name column with a missing value
        role=scenario.airfields["role"].astype("category"),
        when=pd.Timestamp("2024-11-17"),
        odd=[object()] * 17,
    )
    r = coverage(scenario.launch_sites, targets, ("150 km", "350 km"))
    m = r.explore(tiles=None, width=600)
    html = m.get_root().render()
    assert "openstreetmap" not in html.lower()
    assert "Reach (high): 350 km" in html and f"Targets marginal ({r.marginal})" in html
    assert '"name"' in html
    with pytest.raises(InputTypeError, match="width"):
        r.explore(m=m, width=600)
