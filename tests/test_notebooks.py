"""The notebooks run top to bottom, offline, each within a minute (nbclient, the venv's own kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_both_notebooks_are_there():
    assert {p.name for p in NOTEBOOKS} >= {"atacms_kursk_2024.ipynb", "quickstart.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    # Outputs stay out of git: a committed notebook is code and prose only.
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{path.name} has outputs"
    # Run in a scratch folder, so that whatever a notebook writes is not left in the repo.
    client = nbclient.NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


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
