"""The notebooks run top to bottom, offline, each within a minute (nbclient, the venv's own kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_both_notebooks_are_there():
    assert {p.name for p in NOTEBOOKS} >= {"atacms_kursk_2024.ipynb", "quickstart.ipynb"}


def _outputs(nb) -> list[list[tuple]]:
    """Per code cell, what a reader sees: text exactly (object addresses and scratch paths aside), pictures by kind."""
    import re

    def text(value) -> str:
        value = "".join(value) if isinstance(value, list) else str(value)
        value = re.sub(r"0x[0-9a-f]+", "0x…", value)
        return re.sub(r"/tmp/[^\s'\"]+", "/tmp/…", value)

    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        seen = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                seen.append(("stream", out["name"], text(out["text"])))
            elif out["output_type"] in ("execute_result", "display_data"):
                data = out["data"]
                if "image/png" in data:
                    seen.append(("image",))
                elif "text/html" in data:
                    seen.append(("html", text(data["text/html"])))
                else:
                    seen.append(("text", text(data.get("text/plain", ""))))
            else:
                seen.append((out["output_type"],))
        cells.append(seen)
    return cells


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_committed_outputs_are_current(path):
    import sys

    sys.path.insert(0, str(path.parent))
    try:
        from execute import execute  # notebooks/execute.py, what `make notebooks` runs
    finally:
        sys.path.remove(str(path.parent))
    committed = nbformat.read(path, as_version=4)
    fresh = execute(path, timeout=60)
    errors = [o for c in fresh.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    # A reader browsing the repository sees the outputs: they are committed, and they are what the code gives.
    assert any(("image",) in cell for cell in _outputs(committed)), f"{path.name}: no map committed"
    assert _outputs(committed) == _outputs(fresh), f"{path.name}: outputs out of date; run make notebooks"


def test_the_quickstart_map_in_docs_is_the_quickstart_notebooks():
    # docs/quickstart_map.png is drawn by docs/make_figures.py: the same hubs as the notebook.
    import ast
    import json

    figures = ast.parse((Path(__file__).parents[1] / "docs" / "make_figures.py").read_text(encoding="utf-8"))
    hubs = next(
        ast.literal_eval(node.value)
        for node in figures.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "HUBS"
    )
    notebook = json.loads((Path(__file__).parents[1] / "notebooks" / "quickstart.ipynb").read_text(encoding="utf-8"))
    source = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert f"hubs = cities.loc[{hubs!r}]".replace("'", '"') in source
