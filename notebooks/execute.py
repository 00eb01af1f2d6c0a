"""Run the notebooks top to bottom and save them with their outputs: ``make notebooks``.

The outputs are committed so that a reader browsing the repository sees the tables and maps;
``tests/test_notebooks.py`` runs the notebooks again and checks that the committed outputs are
current (text and tables exactly, pictures by their place). Offline: everything comes from data
bundled with the package. Each notebook runs in a scratch folder, so nothing it writes is left
in the repository.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbclient
import nbformat

HERE = Path(__file__).resolve().parent
NOTEBOOKS = sorted(HERE.glob("*.ipynb"))


def execute(path: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """``path`` executed in a scratch folder with the virtualenv's own kernel; the file is not changed."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        client = nbclient.NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": scratch}}, record_timing=False
        )
        client.execute()
    return nb


def main() -> int:
    for path in NOTEBOOKS:
        nb = execute(path)
        nbformat.write(nb, path)
        print(f"{path.relative_to(HERE.parent)}: {path.stat().st_size / 1000:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
