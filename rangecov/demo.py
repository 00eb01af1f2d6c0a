"""The bundled scenario as a printed report (``rangecov demo``)."""

from __future__ import annotations

import textwrap

import pandas as pd
import shapely

from .base.schema import (
    AREA_KM2,
    COUNT,
    COVERED_KM2,
    COVERED_SHARE,
    COVERED_WEIGHT,
    DISTANCE_M,
    IN_REACH,
    MARGIN_CHANGE_M,
    MARGIN_M,
    MARGINAL,
    NEAREST_ORIGIN,
    SHARE,
    STATUS,
    TOTAL,
    WEIGHT_IN,
    WEIGHT_TOTAL,
    WEIGHTED_SHARE,
)
from .cover.entry import coverage
from .datasets import atacms_kursk_2024
from .geodesy.ellipsoid import get_ellipsoid
from .geometry.drawing import geodesic_area
from .inputs.options import common_tolerance
from .placement.candidates import candidate_grid
from .placement.sites import place
from .regions.area import area_coverage
from .regions.buffering import reach as reach_region
from .results.comparison import compare
from .units import parse_distance

__all__ = ["run_demo", "save_demo_map", "NOUNS"]

# What the scenario's origins and targets are: the words of its headline and map.
NOUNS = ("launch sites", "airfields")


def run_demo() -> str:
    """Run the ATACMS / Kursk scenario and return the text report: the answer first, then how it was found."""
    s = atacms_kursk_2024()
    report = coverage(s.launch_sites, s.airfields, "reach", nouns=NOUNS)
    t = report.targets
    table = pd.DataFrame(
        {
            "ICAO": t["icao"].replace("", "-"),
            "role": t["role"],
            "nearest launch site": t[NEAREST_ORIGIN],
            "distance km": (t[DISTANCE_M] / 1000).round(1),
            "margin km": (t[MARGIN_M] / 1000).round(1),
            "in reach": t[IN_REACH].map({True: "yes", False: "no"}),
        }
    ).sort_values("distance km")
    # A result that flips within the coordinate's own uncertainty is not a result.
    fragile = t.index[(t[MARGIN_M].abs() / 1000) <= t["uncertainty_km"]]
    table.index.name = "airfield"
    by_role = report.summary(by="role")
    lines = [s.name, "=" * len(s.name), f"All airfields: {report!r}."]
    if "glide_bomb_base" in by_role.index:
        row = by_role.loc["glide_bomb_base"]
        total, count = int(row[TOTAL]), int(row[COUNT])
        out = total - count - int(row[MARGINAL])
        lines.append(
            f"Glide-bomb bases within {s.reach}: {count} of {total} "
            f"({100 * count / total:.1f}%); out of reach: {out} of {total} ({100 * out / total:.1f}%)."
        )
    lines += [
        "",
        textwrap.fill("Beside the claim: " + s.claim, 100),
        "That statement counts aircraft, not airfields: a base hosting many glide-bomb",
        "aircraft weighs more in it than a small one, and aircraft move between bases.",
        "The share above counts each airfield once, so the two numbers measure different things.",
        "",
        "How it was found",
        "----------------",
        f"Launch sites: {len(s.launch_sites)} notional launch areas on Ukrainian-held ground "
        f"({', '.join(s.launch_sites.index)}); reach {report.reach}.",
        "Distances are exact geodesics on the WGS84 ellipsoid (Karney's algorithm).",
        "",
        table.to_string(),
        "",
        "By role:",
        by_role.assign(share=(by_role[SHARE] * 100).round(1).astype(str) + "%").to_string(),
        "",
    ]
    if len(fragile):
        lines += [f"Within their coordinate uncertainty of the boundary (result could flip): {', '.join(fragile)}.", ""]
    else:
        lines += [
            "Every airfield is farther from the reach boundary than its coordinate uncertainty",
            f"(smallest |margin|: {t[MARGIN_M].abs().min() / 1000:.1f} km), so no in/out result hinges on it.",
            "",
        ]
    lines += _areas(s) + [""] + _people(s) + [""] + _held_territory(s) + [""] + _placement(s) + [""]
    lines += _comparisons(s, report)
    return "\n".join(lines)


def _placement(s) -> list[str]:
    """Could any placement have changed the answer? The best 1, 3 and 7 sites on a 10 km grid of held ground."""
    grid = candidate_grid(s.held_proxy, "10 km")
    salient = s.held_proxy[s.held_proxy["kind"] == "salient"].union_all()
    # One grid for both runs (a grid of its own would shift, and move sites near the edge).
    without = grid[~grid.within(salient)]
    glide = s.airfields[s.airfields["role"] == "glide_bomb_base"]
    rows, missed = {}, []
    for label, sites in (("held proxy", grid), ("without Sudzha", without)):
        for what, targets in (("glide-bomb bases", glide), ("all airfields", s.airfields)):
            # types-geopandas types a GeoSeries indexed by a mask (``without``) as a Series; it is a GeoSeries.
            best = place(sites, targets, s.reach, k=7)  # type: ignore[arg-type]
            curve = best.curve(k_max=7).set_index("k")
            rows[f"{what}, {label}"] = [
                f"{curve.loc[k, COVERED_WEIGHT]:.0f} of {len(targets)} ({curve.loc[k, SHARE]:.0%})"
                + ("" if curve.loc[k, STATUS] == "optimal" else " (not proven)")
                for k in (1, 3, 7)
            ]
            if label == "held proxy" and targets is glide:
                reached = set(best.report.targets.index[best.report.targets[IN_REACH]])
    table = pd.DataFrame(rows, index=["best 1 site", "best 3 sites", "best 7 sites"]).T
    # What any point of held ground reaches: the ceiling for every placement on it.
    held = coverage(s.held_proxy, glide, s.reach).targets
    ceiling = held.index[held[IN_REACH]]
    missed = [f"{name} ({held.loc[name, DISTANCE_M] / 1000:.1f} km)" for name in ceiling if name not in reached]
    beyond = len(glide) - len(ceiling)
    lines = [
        "Could any placement have done better? Candidate sites on a 10 km grid inside the held-ground proxy",
        f"({len(grid)} points; {len(without)} without the Sudzha salient), the best 1, 3 and 7 at {s.reach}",
        "(integer program on exact coverage sets; proven optimal unless marked):",
        "",
        table.to_string(),
        "",
        f"Any point of the held ground is within {s.reach} of {len(ceiling)} of the {len(glide)} glide-bomb bases: no "
        "placement on it reaches more.",
    ]
    if missed:
        lines.append(
            f"The grid's best sites miss {', '.join(missed)} from held ground: nearer the reach than the grid's "
            "spacing to the edge."
        )
    lines += [
        f"The other {beyond} ({beyond / len(glide):.0%} of the bases, and whatever aircraft they host) are beyond "
        f"{s.reach} of all of that ground:",
        "out of reach of any launcher on this proxy, wherever it was placed. The claim counts aircraft, not bases.",
    ]
    return lines


def _people(s) -> list[str]:
    """People in Russian places within reach, by region, and what the August 2024 move into Kursk added."""
    after = coverage(s.launch_sites, s.places, "reach", weight="population", nouns=NOUNS[:1] + ("places",))
    before = coverage(s.launch_sites_before, s.places, "reach", weight="population")
    by_region = after.summary(by="region")
    names = s.regions["name_en"].to_dict()
    shown = pd.DataFrame(
        {
            "region": [names.get(code, "other (30-50°E, 44-58°N)") for code in by_region.index],
            "places": by_region[TOTAL],
            "in reach": by_region[COUNT],
            "people in places": by_region[WEIGHT_TOTAL].map("{:,.0f}".format),
            "people in reach": by_region[WEIGHT_IN].map("{:,.0f}".format),
            SHARE: (100 * by_region[WEIGHTED_SHARE]).round(1).astype(str) + "%",
        }
    )
    shown.index.name = "ISO 3166-2"
    moved = compare(before, after, labels=("before", "after"))
    gained = moved.changes.loc["out → in"] if "out → in" in moved.changes.index else None
    added = "none" if gained is None else f"{int(gained['targets'])} places, {gained['weight']:,.0f} people"
    return [
        f"People in Russian places within {s.reach} of the launch sites (GeoNames places of 500 or more):",
        f"{after!r}.",
        *textwrap.wrap(s.places_note, 88),
        "",
        shown.to_string(),
        "",
        f"Before the August 2024 move into Kursk Oblast (without Sudzha): {before.weight_in:,.0f} people in "
        f"{before.count} places; the move added {added}.",
    ]


def _comparisons(s, report) -> list[str]:
    """ATACMS against GMLRS from the same sites, and the sites before and after August 2024."""
    gmlrs = coverage(s.launch_sites, s.airfields, s.reaches["GMLRS"])
    before = coverage(s.launch_sites_before, s.airfields, s.reach)
    moved = compare(before, report, labels=("before", "after"))
    gains = moved.targets[MARGIN_CHANGE_M].sort_values(ascending=False)
    gains = gains[gains > 0]
    return [
        f"ATACMS against GMLRS ({s.reaches['GMLRS']}) from the same launch sites:",
        *repr(compare(report, gmlrs, labels=("ATACMS", "GMLRS"))).splitlines(),
        "",
        "Before (without Sudzha) and after the August 2024 move into Kursk Oblast:",
        *repr(moved).splitlines(),
        "Margins gained: " + ", ".join(f"{name} +{m / 1000:.1f} km" for name, m in gains.items()) + ".",
    ]


def _areas(s) -> list[str]:
    """Kursk Oblast and its neighbours: how much of each lies within reach of the launch sites."""
    ell = get_ellipsoid("WGS84")
    region = reach_region(s.launch_sites, "reach").iloc[0]
    area_km2 = geodesic_area(ell, region) / 1e6
    table = area_coverage(s.launch_sites, s.regions, "reach")
    shown = pd.DataFrame(
        {
            "region": table["name_en"],
            "area km2": table[AREA_KM2].round(0).astype(int),
            "within reach km2": table[COVERED_KM2].round(0).astype(int),
            SHARE: (100 * table[COVERED_SHARE]).round(1).astype(str) + "%",
        }
    )
    shown.index.name = "ISO 3166-2"
    kursk = table.loc["RU-KRS"]
    tol = common_tolerance(None, s.launch_sites["reach"].map(parse_distance).to_numpy())
    return [
        f"Reach region of the {len(s.launch_sites)} launch sites ({s.reach}, drawn within {tol:g} m of the true",
        f"geodesic boundary): {area_km2:,.0f} km² in {shapely.get_num_coordinates(region):,} vertices.",
        "",
        f"Share of each oblast's area within {s.reach} of the launch sites (areas on the WGS84",
        f"ellipsoid; covered areas exact up to {tol:g} m times the boundary length inside each oblast):",
        shown.to_string(),
        "",
        f"Kursk Oblast: {100 * kursk[COVERED_SHARE]:.1f}% of its {kursk[AREA_KM2]:,.0f} km² lies within {s.reach}",
        f"(the official area is 29,997 km²; this 1:50m boundary gives {kursk[AREA_KM2] - 29_997:+,.0f} km²,",
        f"{100 * (kursk[AREA_KM2] / 29_997 - 1):+.2f}%).",
    ]


def _held_territory(s) -> list[str]:
    """The airfield question as US officials framed it: within 300 km (and 190 mi) of Ukrainian-held ground."""
    report = coverage(s.held_proxy, s.airfields, "300 km")
    t = report.targets
    g = report.summary(by="role").loc["glide_bomb_base"]
    total, count = int(g[TOTAL]), int(g[COUNT])
    bases = t[t["role"] == "glide_bomb_base"]
    table = pd.DataFrame(
        {
            "distance km": (bases[DISTANCE_M] / 1000).round(1),
            "nearest held area": bases[NEAREST_ORIGIN],
            "in reach": bases[IN_REACH].map({True: "yes", False: "no"}),
        }
    ).sort_values("distance km")
    table.index.name = "glide-bomb base"
    # The same distances against 190 miles (305.8 km): ATACMS's range as quoted, not rounded to 300 km.
    miles = t[DISTANCE_M] <= parse_distance("190 mi")
    between = t[miles & ~t[IN_REACH]]
    m_total, m_count = len(t), int(miles.sum())
    b_count = int((miles & (t["role"] == "glide_bomb_base")).sum())
    return [
        "The same question framed as US officials framed it: airfields within 300 km of",
        "Ukrainian-held territory (distance to the nearest point of each held area).",
        *textwrap.wrap(s.held_note, 88),
        "",
        table.to_string(),
        "",
        f"All airfields: {report!r}",
        f"Glide-bomb bases within 300 km of held territory: {count} of {total} "
        f"({100 * count / total:.1f}%); beyond it: {total - count} of {total} ({100 * (total - count) / total:.1f}%).",
        f"Within 190 mi (305.8 km) of held territory: {m_count} of {m_total} airfields, {b_count} of {total} "
        f"glide-bomb bases"
        + (
            f" ({', '.join(f'{name} at {d / 1000:.1f} km' for name, d in between[DISTANCE_M].items())} "
            f"{'lies' if len(between) == 1 else 'lie'} between 300 km and 190 mi: how the range is rounded decides)."
            if len(between)
            else "."
        ),
        "Caveats: the proxy is not the 2024 front (above); airfields are counted, not the aircraft",
        "the officials counted, and aircraft moved away from fields that came under threat.",
    ]


def save_demo_map(path, *, dpi: int = 150):
    """Draw the ATACMS / Kursk scenario as a map and save it (PNG, or any format matplotlib writes).

    The seven notional launch areas, their 190-mile reach region and the
    17 airfields by status, labelled, over the Kursk-area oblast outlines.
    Drawn on a figure of its own with the Agg renderer, so it works without a
    display and leaves pyplot's state (and a notebook's figures) alone.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write; the format follows the extension.
    dpi : int, default 150
        Resolution of raster formats.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from .plot import save_map

    s = atacms_kursk_2024()
    report = coverage(s.launch_sites, s.airfields, s.reach, nouns=NOUNS)
    # Oblast outlines named without the " Oblast" suffix, to keep the map quiet.
    regions = s.regions.assign(label=s.regions["name_en"].str.replace(" Oblast", "", regex=False))
    return save_map(report, path, dpi=dpi, figsize=(9, 8.5), labels=True, background=regions, background_labels="label")
