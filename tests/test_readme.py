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

    assert "`rangecov.parse_distance(\"190 mi\")` returns 305775.36" in README.read_text(encoding="utf-8")
    assert rangecov.parse_distance("190 mi") == 305775.36


def test_polygon_example_runs_and_prints_what_it_says():
    first, second = python_blocks()
    out = io.StringIO()
    scope: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(first, "README.md", "exec"), scope)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(second, "README.md", "exec"), scope)
    promised = [m.strip() for m in re.findall(r"print\(.*\)\s+# (.*)", second)]
    assert out.getvalue().strip().splitlines() == promised
    assert scope["region"].index.tolist() == ["all"] and scope["region"].is_valid.all()
