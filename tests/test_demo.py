"""The demo (rangecov.demo): the printed report, the console script and the demo map."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import pytest

import rangecov

matplotlib.use("Agg")  # before pyplot: no display needed


@pytest.fixture(scope="module")
def demo_output() -> str:
    """``python -m rangecov demo``, run once for the tests that read it."""
    return subprocess.run([sys.executable, "-m", "rangecov", "demo"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_demo_prints_table_and_share(demo_output):
    out = demo_output
    s = rangecov.datasets.atacms_kursk_2024()
    report = rangecov.coverage(s.launch_sites, s.airfields, "reach", nouns=("launch sites", "airfields"))
    g = report.summary(by="role").loc["glide_bomb_base"]
    total, count = int(g["total"]), int(g["count"])
    assert f"Glide-bomb bases within 190 mi: {count} of {total} ({100 * count / total:.1f}%)" in out
    assert f"out of reach: {total - count} of {total}" in out
    assert "aircraft, not airfields" in out
    for name in s.airfields.index:
        assert name in out
    # The answer first, in the scenario's words.
    head = out.splitlines()[:4]
    assert head[2] == f"All airfields: {report!r}." and repr(report).startswith("5 of 17 airfields")
    assert head[3].startswith("Glide-bomb bases within 190 mi:")


def test_demo_prints_areas_and_held_territory(demo_output):
    out = demo_output
    s = rangecov.datasets.atacms_kursk_2024()
    table = rangecov.area_coverage(s.launch_sites, s.regions, "reach")
    kursk = table.loc["RU-KRS"]
    assert f"Kursk Oblast: {100 * kursk['covered_share']:.1f}% of its {kursk['area_km2']:,.0f} km²" in out
    for name in table["name_en"]:
        assert name in out
    held = rangecov.coverage(s.held_proxy, s.airfields, "300 km")
    g = held.summary(by="role").loc["glide_bomb_base"]
    total, count = int(g["total"]), int(g["count"])
    assert f"Glide-bomb bases within 300 km of held territory: {count} of {total}" in out
    miles = rangecov.coverage(s.held_proxy, s.airfields, "190 mi")
    g = miles.summary(by="role").loc["glide_bomb_base"]
    assert (
        f"Within 190 mi (305.8 km) of held territory: {int(miles.targets['in_reach'].sum())} of 17 airfields, {int(g['count'])} of"
        in out
    )
    assert "Morozovsk at 301.5 km lies between 300 km and 190 mi" in out and "Caveats:" in out
    # The README's figures for the held-territory proxy.
    assert (int(held.targets["in_reach"].sum()), count) == (7, 3)
    assert (int(miles.targets["in_reach"].sum()), int(g["count"])) == (8, 4)
    assert "southern front" in out and "pre-2022" in out


def test_console_script_runs_demo():
    from pathlib import Path

    script = Path(sys.executable).parent / "rangecov"
    assert script.exists(), "the rangecov console script is not installed"
    proc = subprocess.run([str(script), "demo"], capture_output=True, text=True)
    assert proc.returncode == 0 and "Glide-bomb bases within 190 mi" in proc.stdout


def test_demo_prints_the_comparisons(demo_output):
    from rangecov import compare, coverage, datasets

    s = datasets.atacms_kursk_2024()
    atacms = coverage(s.launch_sites, s.airfields, s.reach)
    gmlrs = coverage(s.launch_sites, s.airfields, s.reaches["GMLRS"])
    before = coverage(s.launch_sites_before, s.airfields, s.reach)
    for line in repr(compare(atacms, gmlrs, labels=("ATACMS", "GMLRS"))).splitlines()[1:]:
        assert line in demo_output
    moved = compare(before, atacms, labels=("before", "after"))
    assert moved.changed.empty and "no target changed status from before to after" in demo_output
    best = moved.targets["margin_change_m"].idxmax()
    assert f"{best} +{moved.targets.loc[best, 'margin_change_m'] / 1000:.1f} km" in demo_output


def test_save_demo_map(tmp_path):
    from rangecov.demo import save_demo_map

    path = save_demo_map(tmp_path / "demo.png", dpi=100)
    assert path == tmp_path / "demo.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert plt.get_fignums() == []  # drawn off pyplot: nothing left open in a notebook
