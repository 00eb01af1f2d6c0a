"""Regenerate the figures in docs/, offline: ``.venv/bin/python docs/make_figures.py``.

Writes

* ``docs/atacms_kursk_2024.png``: the bundled scenario (``rangecov.demo.save_demo_map``);
* ``docs/quickstart_map.png``: the world's major cities within 3000 km of five hub
  cities, on the Equal Earth world map (Auckland's ring runs across ±180°).

Everything comes from data bundled with the package; nothing is downloaded.
Each figure is drawn on a figure of its own with the Agg renderer, so no
display is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rangecov import coverage, datasets
from rangecov.demo import save_demo_map

DOCS = Path(__file__).resolve().parent
HUBS = ["London", "Dubai", "Singapore", "New York", "Auckland"]
# Only the largest cities are named: 243 labels would bury the map.
LABEL_POPULATION = 10_000_000
MAX_BYTES = 400_000


def quickstart_map(path: Path, *, dpi: int = 130) -> Path:
    """World cities within 3000 km of a few hub cities, on a world map."""
    cities = datasets.world_cities()
    hubs = cities.loc[HUBS]
    # Empty labels are not drawn: name the megacities, other than the hubs.
    big = (cities["pop_max"] >= LABEL_POPULATION) & ~cities.index.isin(HUBS)
    targets = cities.assign(label=cities.index.where(big, ""))
    report = coverage(hubs, targets, "3000 km")
    fig = Figure(figsize=(11, 6.4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    report.plot(ax=ax, labels="label")
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def main() -> int:
    written = [
        save_demo_map(DOCS / "atacms_kursk_2024.png", dpi=130),
        quickstart_map(DOCS / "quickstart_map.png", dpi=120),
    ]
    too_big = False
    for path in written:
        size = path.stat().st_size
        print(f"{path.relative_to(DOCS.parent)}: {size / 1000:.0f} kB")
        too_big |= size > MAX_BYTES
    if too_big:
        print(f"a figure is over {MAX_BYTES / 1000:.0f} kB; lower its dpi", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
