"""The bundled scenario (rangecov.datasets)."""

from __future__ import annotations

import numpy as np
from conftest import check_against_oracle

import rangecov


def test_scenario_tables():
    s = rangecov.datasets.atacms_kursk_2024()
    assert s.reach == "190 mi"
    assert len(s.launch_sites) == 7 and "Sudzha" in s.launch_sites.index
    assert (s.launch_sites["reach"] == "190 mi").all()
    assert s.launch_sites["note"].str.contains("notional").all()
    a = s.airfields
    assert a.crs.to_epsg() == 4326 and a.index.is_unique
    assert set(a["role"]) == {"glide_bomb_base", "military_aviation", "strategic_bomber"}
    assert (a["role"] == "glide_bomb_base").sum() == 6
    assert (a["source"].str.len() > 10).all() and (a["uncertainty_km"] > 0).all()
    assert a["icao"].str.fullmatch(r"([A-Z]{4})?").all()
    # All within ~1,100 km of Kursk (51.73 N, 36.19 E), in Russia's longitude/latitude box.
    kursk = rangecov.get_ellipsoid().distance(
        np.full(len(a), 36.19), np.full(len(a), 51.73), a.geometry.x, a.geometry.y
    )
    assert kursk.max() < 1_100e3


def test_scenario_against_oracle():
    s = rangecov.datasets.atacms_kursk_2024()
    report, d = check_against_oracle(s.launch_sites, s.airfields, "reach", low=190 * 1609.344)
    t = report.targets
    assert t.loc["Kursk-Khalino", "nearest_origin"] == "Sudzha"
    assert t.loc["Kursk-Khalino", "status"] == "in" and t.loc["Mozdok", "status"] == "out"


def test_scenario_regions_and_held_proxy():
    s = rangecov.datasets.atacms_kursk_2024()
    assert set(s.regions.index) == {
        "RU-KRS",
        "RU-BEL",
        "RU-BRY",
        "RU-ORL",
        "RU-VOR",
        "RU-LIP",
        "RU-ROS",
        "UA-59",
        "UA-63",
        "UA-74",
    }
    assert s.regions.crs.to_epsg() == 4326 and s.regions.is_valid.all()
    assert list(s.held_proxy["kind"]) == ["oblast"] * 3 + ["salient"]
    assert s.regions.loc[s.regions["country"] == "UA", "source"].str.contains("ODbL").all()
    # The salient lies mostly inside Kursk Oblast, as drawn.
    salient = s.held_proxy.geometry.iloc[-1]
    kursk = s.regions.loc["RU-KRS"].geometry
    assert salient.intersection(kursk).area / salient.area > 0.9
