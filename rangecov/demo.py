"""The bundled scenario as a printed report (``rangecov demo``)."""

from __future__ import annotations

import pandas as pd

from .coverage import coverage
from .datasets import atacms_kursk_2024

__all__ = ["run_demo"]


def run_demo() -> str:
    """Run the ATACMS / Kursk scenario and return the text report."""
    s = atacms_kursk_2024()
    report = coverage(s.launch_sites, s.airfields, "reach")
    t = report.targets
    table = pd.DataFrame(
        {
            "ICAO": t["icao"].replace("", "-"),
            "role": t["role"],
            "nearest launch site": t["nearest_origin"],
            "distance km": (t["distance_m"] / 1000).round(1),
            "margin km": (t["margin_m"] / 1000).round(1),
            "in reach": t["in_reach"].map({True: "yes", False: "no"}),
        }
    ).sort_values("distance km")
    # A result that flips within the coordinate's own uncertainty is not a result.
    fragile = t.index[(t["margin_m"].abs() / 1000) <= t["uncertainty_km"]]
    table.index.name = "airfield"
    by_role = report.summary(by="role")
    lines = [
        s.name,
        "=" * len(s.name),
        f"Origins: {len(s.launch_sites)} notional launch areas on Ukrainian-held ground "
        f"({', '.join(s.launch_sites.index)}); reach {report.reach}.",
        "Distances are exact geodesics on the WGS84 ellipsoid (Karney's algorithm).",
        "",
        table.to_string(),
        "",
        f"All airfields: {report!r}",
        "",
        "By role:",
        by_role.assign(share=(by_role["share"] * 100).round(1).astype(str) + "%").to_string(),
        "",
    ]
    if len(fragile):
        lines += [f"Within their coordinate uncertainty of the boundary (result could flip): {', '.join(fragile)}.", ""]
    else:
        lines += [
            "Every airfield is farther from the reach boundary than its coordinate uncertainty",
            f"(smallest |margin|: {t['margin_m'].abs().min() / 1000:.1f} km), so no in/out result hinges on it.",
            "",
        ]
    if "glide_bomb_base" in by_role.index:
        row = by_role.loc["glide_bomb_base"]
        total, count = int(row["total"]), int(row["count"])
        out = total - count - int(row["marginal"])
        lines += [
            f"Glide-bomb bases within {s.reach}: {count} of {total} "
            f"({100 * count / total:.1f}%); out of reach: {out} of {total} ({100 * out / total:.1f}%).",
            "",
        ]
    lines += [
        "Beside the claim: " + s.claim,
        "That statement counts aircraft, not airfields: a base hosting many glide-bomb",
        "aircraft weighs more in it than a small one, and aircraft move between bases.",
        "The share above counts each airfield once, so the two numbers measure different things.",
    ]
    return "\n".join(lines)
