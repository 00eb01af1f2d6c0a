"""The result vocabulary (rangecov.base.schema): one place for every column name, status and JSON key.

The walk below reads every module of the package and fails where a result
column name or status is spelled out as a string constant anywhere but in
``rangecov/base/schema.py``: such a module must import the name instead, so a
rename is one edit and the in-memory, streamed and dask results, the maps and
the command all say the same words.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from rangecov.base import schema

PACKAGE = Path(schema.__file__).resolve().parent.parent

# (module, value): a string equal to a result name that means something else there.
ALLOWED = {
    ("cli/steps.py", "share"): "the key of place's --share flag in the flag table",
    ("io/chunk_writer.py", "out"): "the argument name a sink names in its messages (out=)",
    ("placement/mclp.py", "covered_weight"): "a function of that module named in its __all__",
    ("regions/raster.py", "count"): 'raster_coverage(values="count"), an option value',
    ("units.py", "share"): "parse_share's default argument name in its messages",
    ("placement/sites.py", "share"): 'place(share=...): the goal\'s mode, "k" or "share"',
}


def _docstring_ids(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def spelled_out(package: Path, names: frozenset) -> list[tuple[str, str, int]]:
    """(module, value, line) of every string constant in ``names`` outside the schema module.

    Docstrings and the literal text of f-strings (messages) do not count; a
    constant inside an f-string's ``{...}`` does, since it is code.
    """
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel == "base/schema.py" or rel.startswith("data/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstring_ids(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                skip.update(id(v) for v in node.values if isinstance(v, ast.Constant))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                if node.value in names:
                    found.append((rel, node.value, node.lineno))
    return found


def test_result_names_are_spelled_only_in_the_schema():
    found = [(m, v, line) for m, v, line in spelled_out(PACKAGE, schema.COLUMN_NAMES) if (m, v) not in ALLOWED]
    assert not found, "import these from rangecov.base.schema: " + ", ".join(
        f"{m}:{line} {v!r}" for m, v, line in found
    )


def test_the_allow_list_stays_honest():
    """Each allowed clash still occurs (a stale entry would hide a new one)."""
    seen = {(m, v) for m, v, _ in spelled_out(PACKAGE, schema.COLUMN_NAMES)}
    assert set(ALLOWED) <= seen, set(ALLOWED) - seen


def test_the_walk_can_fail(tmp_path):
    pkg = tmp_path / "rangecov"
    (pkg / "base").mkdir(parents=True)
    (pkg / "base" / "schema.py").write_text('STATUS = "status"\n')
    (pkg / "a.py").write_text(
        '"""status"""\n'  # a docstring: not counted
        'x = {"status": 1}\n'  # counted
        "msg = f\"no status here {x['status']}\"\n"  # the message is not; the subscript is
    )
    found = spelled_out(pkg, frozenset({"status"}))
    assert [(m, v, line) for m, v, line in found] == [("a.py", "status", 2), ("a.py", "status", 3)]


def test_column_groups_are_made_of_the_names():
    assert schema.RESULT_COLUMNS[: len(schema.TARGET_COLUMNS)] == schema.TARGET_COLUMNS
    assert schema.STATUS_CATEGORIES == ("in", "marginal", "out")
    assert set(schema.SUMMARY_COLUMNS) == set(schema.COUNT_COLUMNS) | {schema.SHARE}
    for group in (schema.TARGET_COLUMNS, schema.WEIGHT_COLUMNS, schema.AREA_COLUMNS, schema.RASTER_COLUMNS):
        assert set(group) <= schema.COLUMN_NAMES


def test_json_document_orders_and_refuses():
    doc = schema.JsonDocument(("a", "b"), optional=("c",))
    assert list(doc.record(b=2, a=1)) == ["a", "b"]
    assert list(doc.record(c=3, b=2, a=1)) == ["a", "b", "c"]
    with pytest.raises(RuntimeError, match="missing"):
        doc.record(a=1)
    with pytest.raises(RuntimeError, match="not documented"):
        doc.record(a=1, b=2, d=4)


def test_coverage_json_follows_its_document():
    """A report's JSON holds the documented keys in the documented order, and is JSON."""
    from rangecov import coverage, datasets

    s = datasets.atacms_kursk_2024()
    d = coverage(s.launch_sites, s.airfields, s.reach).to_dict(by="role", targets=True)
    assert list(d)[: len(schema.COVERAGE_JSON.required)] == list(schema.COVERAGE_JSON.required)
    assert list(d["groups"][0]) == list(schema.GROUP_JSON.required)
    assert list(d["targets"][0]) == list(schema.TARGET_JSON.required)
    json.dumps(d)
