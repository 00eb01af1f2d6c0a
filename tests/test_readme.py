"""Every code promise in README.md runs as written."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_ten_line_example_runs_and_prints_what_it_says():
    block = python_blocks()[0]
    code_lines = [ln for ln in block.strip().splitlines() if ln.strip()]
    assert len(code_lines) <= 10
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    promised = re.search(r"print\(report\)\s+# (.*)", block).group(1).strip()
    assert out.getvalue().strip() == promised


def test_readme_shows_both_commands_first():
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    assert first_block.splitlines()[0].startswith("make demo")
    assert first_block.splitlines()[1].startswith("make test")


def test_parse_distance_claim():
    import rangecov

    assert '`rangecov.parse_distance("190 mi")` returns 305775.36' in README.read_text(encoding="utf-8")
    assert rangecov.parse_distance("190 mi") == 305775.36


def test_every_python_block_runs_in_order_and_prints_what_it_says(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # the blocks write a file
    scope: dict = {}
    for block in python_blocks():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), scope)
        promised = [m.strip() for m in re.findall(r"print\(.*\)\s+# (.*)", block)]
        assert out.getvalue().strip().splitlines() == promised
    assert scope["region"].index.tolist() == ["all"] and scope["region"].is_valid.all()
    assert type(scope["m"]).__name__ == "Map"
    assert len(scope["mine"]) == 17 and (tmp_path / "airfields_in_reach.geojson").exists()
    import matplotlib.pyplot as plt

    plt.close("all")


def test_shell_lines_run_as_written_from_the_repository_root(tmp_path):
    import os
    import subprocess
    import sys

    text = README.read_text(encoding="utf-8")
    block = text.split("## From a shell", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [ln for ln in block.splitlines() if ln.strip()]
    assert lines[0].startswith(". .venv/bin/activate") and sum(ln.startswith("rangecov ") for ln in lines) == 3
    root = Path(__file__).resolve().parents[1]
    out = Path("/tmp/reach.geojson")
    out.unlink(missing_ok=True)
    # Each line as written, in one shell, its exit code printed after it. The virtualenv is the one
    # running the tests (make test's .venv in the repository root; elsewhere its bin/ goes first on PATH).
    script = []
    for line in lines:
        command = line.split("  #", 1)[0]
        script += [command, 'echo "EXIT $?"']
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if not (root / ".venv" / "bin" / "activate").exists():
        script[0] = "true"  # not a make-made checkout: PATH above does what activating would
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=root, capture_output=True, text=True, env=env)
    codes = [int(m) for m in re.findall(r"^EXIT (\d+)$", done.stdout, re.M)]
    expected = [int(m.group(1)) if (m := re.search(r"exit (\d)", line)) else 0 for line in lines]
    assert codes == expected, (done.stdout, done.stderr)
    assert "29.4%" in done.stdout
    assert out.exists() and not (root / "reach.geojson").exists()


def test_scenario_map_is_committed_and_shown_first():
    text = README.read_text(encoding="utf-8")
    image = re.search(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)
    assert image and text.index(image.group(0)) < text.index("## Ten lines")
    path = README.parent / image.group(1)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (README.parent / "docs" / "make_figures.py").exists()


def test_readme_and_quickstart_type_check(tmp_path):
    """mypy, with the project's config, on the README's Python blocks (one module, in order, as they run above)
    and on the quickstart notebook's code: what a user with a type checker writes from them checks clean.

    Names are rebound from block to block as in a session (``report``, ``grid``), hence
    ``--allow-redefinition``; the package itself is checked by test_checks.py's test_mypy, so its
    own errors are not reported here (``--follow-imports=silent``: its types are used, not checked).
    """
    import json
    import subprocess
    import sys

    root = README.parent
    readme = tmp_path / "readme_blocks.py"
    readme.write_text("\n".join(python_blocks()), encoding="utf-8")
    notebook = json.loads((root / "notebooks" / "quickstart.ipynb").read_text(encoding="utf-8"))
    quickstart = tmp_path / "quickstart.py"
    quickstart.write_text(
        "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"), encoding="utf-8"
    )
    argv = [str(Path(sys.executable).parent / "mypy"), "--config-file", str(root / "pyproject.toml")]
    argv += ["--allow-redefinition", "--follow-imports=silent", str(readme), str(quickstart)]
    argv += ["--cache-dir", str(root / ".mypy_cache" / "readme")]  # its own: test_mypy's options differ
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
