"""The package's shape, read from its source with ``ast``: small modules, short functions,
no private names crossing modules, and no module below the front ends importing the package root.

What each module owns and which may import which is in docs/architecture.md; the
import direction itself is checked by import-linter (``[tool.importlinter]`` in
pyproject.toml), which ``tests/test_checks.py`` runs. The tests mirror the package: see
``test_tests_mirror_the_package``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rangecov"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# More parameters than this are keyword-only (or travel together in a small dataclass).
MAX_POSITIONAL = 5
# Front ends may import the package root (e.g. for __version__ through it); nothing below may.
FRONT_ENDS = ("cli", "demo", "datasets", "plot", "__main__")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom reads from."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _exists(dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:]) if "." in dotted else Path()
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def _code_lines(func: ast.AST, source_lines: list[str]) -> int:
    """Lines of a function that hold code: no blank lines, comments or docstrings."""
    skip: set[int] = set()
    for node in ast.walk(func):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                skip.update(range(body[0].lineno, body[0].end_lineno + 1))
    count = 0
    for n in range(func.lineno, func.end_lineno + 1):
        text = source_lines[n - 1].strip()
        if n in skip or not text or text.startswith("#"):
            continue
        count += 1
    return count


def _problems() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"size": [], "functions": [], "params": [], "private": [], "root": []}
    for path in _modules():
        module = _name(path)
        is_package = path.name == "__init__.py"
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        where = path.relative_to(PACKAGE.parent)
        if len(lines) > MAX_MODULE_LINES:
            found["size"].append(f"{where}: {len(lines)} lines")
        tree = ast.parse(source)
        front = module.split(".")[1] in FRONT_ENDS if "." in module else True
        aliases: set[str] = set()  # local names bound to modules of the package
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _code_lines(node, lines)
                if n > MAX_FUNCTION_LINES:
                    found["functions"].append(f"{where}:{node.lineno} {node.name}: {n} lines of code")
                positional = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
                if len(positional) > MAX_POSITIONAL:
                    found["params"].append(
                        f"{where}:{node.lineno} {node.name}: {len(positional)} positional parameters; "
                        "make the rest keyword-only (*) or pass a small dataclass"
                    )
            elif isinstance(node, ast.ImportFrom):
                source_module = _resolve(module, is_package, node)
                if not source_module.startswith("rangecov"):
                    continue
                for alias in node.names:
                    sub = f"{source_module}.{alias.name}"
                    if _is_private(alias.name):
                        found["private"].append(f"{where}:{node.lineno} imports {alias.name} from {source_module}")
                    if _exists(sub):
                        aliases.add(alias.asname or alias.name)
                    elif source_module == "rangecov" and not front:
                        found["root"].append(f"{where}:{node.lineno} imports {alias.name} from the package root")
                if any(_is_private(part) for part in source_module.split(".")):
                    found["private"].append(f"{where}:{node.lineno} imports from private module {source_module}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if not alias.name.startswith("rangecov"):
                        continue
                    if alias.name == "rangecov" and not front:
                        found["root"].append(f"{where}:{node.lineno} imports the package root")
                    if any(_is_private(part) for part in alias.name.split(".")):
                        found["private"].append(f"{where}:{node.lineno} imports private module {alias.name}")
                    if alias.asname:
                        aliases.add(alias.asname)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _is_private(node.attr)
            ):
                found["private"].append(f"{where}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


PROBLEMS = _problems()


@pytest.mark.parametrize("kind", ["size", "functions", "params", "private", "root"])
def test_layout(kind):
    """size: modules over 500 lines; functions: over 80 lines of code; params: more than five positional
    parameters; private: a `_name`
    imported or used across modules; root: a module below the front ends importing the package root."""
    assert PROBLEMS[kind] == [], "\n".join(PROBLEMS[kind])


def test_the_checks_can_fail(tmp_path, monkeypatch):
    """The checker finds each kind of problem in a small package made to have them."""
    pkg = tmp_path / "rangecov"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def _hidden():\n    pass\n" + "\n" * 501)
    body = "\n".join(f"    x{i} = {i}" for i in range(81))
    (pkg / "b.py").write_text(
        f"from . import a\nfrom .a import _hidden\nfrom . import __version__\n\ndef long():\n{body}\n\na._hidden()\n"
        "def wide(a, b, c, d, e, f):\n    pass\n\ndef fine(self, a, b, c, d, e, *, f):\n    pass\n"
    )
    monkeypatch.setattr(__import__(__name__), "PACKAGE", pkg)
    found = _problems()
    assert len(found["size"]) == 1 and "a.py" in found["size"][0]
    assert len(found["functions"]) == 1 and "long" in found["functions"][0]
    assert len(found["params"]) == 1 and "wide" in found["params"][0]
    assert len(found["private"]) == 2
    assert len(found["root"]) == 1


# What the command may import from the library: the package root's names, the public faces below
# (their __init__, not their modules), and the one front-end helper module, rangecov.frontend.
CLI_MAY_IMPORT = (
    "rangecov",
    "rangecov.errors",
    "rangecov.units",
    "rangecov.version",
    "rangecov.engine",
    "rangecov.io",
    "rangecov.plot",
    "rangecov.datasets",
    "rangecov.demo",
    "rangecov.frontend",
)


def cli_imports(package: Path) -> list[str]:
    """Imports of rangecov modules by ``cli/`` that are not the public API (``CLI_MAY_IMPORT``) or ``cli`` itself."""
    found = []
    for path in sorted((package / "cli").rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        is_package = path.name == "__init__.py"
        if is_package:
            module = module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                targets = [_resolve(module, is_package, node)]
                if targets[0] == "rangecov":  # `from .. import x`: x is a root name or a root module
                    targets = [
                        f"rangecov.{a.name}" if (package / f"{a.name}.py").is_file() else "rangecov" for a in node.names
                    ]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                if (
                    target.startswith("rangecov")
                    and target not in CLI_MAY_IMPORT
                    and not target.startswith("rangecov.cli")
                ):
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno} imports {target}")
    return found


def test_the_command_uses_the_public_api():
    """cli/ imports the package root, the public faces and rangecov.frontend only, so a renamed internal
    cannot break the command."""
    found = cli_imports(PACKAGE)
    assert found == [], "\n".join(found)


def test_the_command_check_can_fail(tmp_path):
    pkg = tmp_path / "rangecov"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "frontend.py").write_text("")
    (pkg / "cli" / "__init__.py").write_text(
        "from .. import coverage, frontend\nfrom ..frontend import STATUS\nfrom ..cover.entry import coverage\n"
        "import rangecov.geometry.drawing\nfrom . import steps\n"
    )
    found = cli_imports(pkg)
    assert len(found) == 2 and "rangecov.cover.entry" in found[0] and "rangecov.geometry.drawing" in found[1]


# The tests mirror the package: tests/<package>/test_<package>_<module>.py holds the tests of
# rangecov/<package>/<module>.py (a suffix after the module name when one module needs two files,
# and test_<package>.py for the package's __init__); tests/test_<name>.py those of a root module
# rangecov/<name>.py, or one of these whole-package checks. Helper modules sit at tests/, beside
# conftest.py, which puts that folder on sys.path; test folders have no __init__.py, which would
# make e.g. tests/io a package named io that shadows the standard library's.
TESTS = Path(__file__).resolve().parent
WHOLE_PACKAGE = {
    "test_layout.py": "the package's shape and this mirror, read from the source",
    "test_checks.py": "the static checks over the whole tree: import-linter, ruff, mypy, light imports, no unpickling",
    "test_readme.py": "every code promise in README.md, run as written",
    "test_notebooks.py": "the notebooks, run top to bottom",
    "test_fuzz.py": "hostile inputs to every entry point (the harness is tests/fuzzing.py)",
    "test_concurrency.py": "every entry point from many threads at once, against serial calls",
    "test_labels.py": "every entry point with the index labels users' frames have (repeated, tuples, NaN)",
}
STORY = re.compile(r"newcomer|\bissue\s*#?\s*\d+", re.IGNORECASE)


def _mirror_problems(tests: Path, package: Path) -> list[str]:
    found = []
    seen: dict[str, Path] = {}
    for path in sorted(tests.rglob("*.py")):
        rel = path.relative_to(tests)
        if rel.name in seen:
            found.append(f"{rel}: the same file name as {seen[rel.name].relative_to(tests)}")
        seen[rel.name] = path
        if len(rel.parts) > 2:
            found.append(f"{rel}: test folders are one level deep, one per package")
        elif len(rel.parts) == 2:
            found += _package_test_problems(rel, package)
        elif rel.name.startswith("test_"):
            if not (package / rel.name[len("test_") :]).is_file() and rel.name not in WHOLE_PACKAGE:
                found.append(f"{rel}: no rangecov/{rel.name[len('test_') :]}, and not a whole-package check")
        found += [f"{rel}: {what}" for what in _story_names(path)]
    return found


def _package_test_problems(rel: Path, package: Path) -> list[str]:
    folder, name = rel.parts
    if not (package / folder / "__init__.py").is_file():
        return [f"{rel}: rangecov has no package {folder}"]
    if name == "__init__.py":
        return [f"{rel}: an __init__.py makes tests/{folder} a package named {folder}"]
    stem = Path(name).stem
    prefix = f"test_{folder}"
    if stem == prefix:
        return []  # the package's __init__
    if not stem.startswith(prefix + "_"):
        return [f"{rel}: not named {prefix}_<module>.py"]
    rest = stem[len(prefix) + 1 :]
    modules = {p.stem for p in (package / folder).glob("*.py") if p.stem != "__init__"}
    if not any(rest == m or rest.startswith(m + "_") for m in modules):
        return [f"{rel}: no module rangecov/{folder}/{rest}.py"]
    return []


def _story_names(path: Path) -> list[str]:
    """Test names and docstrings that tell a story (a walk-through, an issue number) instead of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    if STORY.search(path.name):
        found.append("the file is named for a story")
    if STORY.search(ast.get_docstring(tree) or ""):
        found.append("the module docstring names a story")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if STORY.search(node.name) or STORY.search(ast.get_docstring(node) or ""):
                found.append(f"line {node.lineno}: {node.name} is named or documented for a story")
    return found


def test_tests_mirror_the_package():
    problems = _mirror_problems(TESTS, PACKAGE)
    assert problems == [], "\n".join(problems)


def test_the_mirror_check_can_fail(tmp_path):
    """The mirror check finds each kind of problem in a small tree made to have them."""
    pkg, tests = tmp_path / "rangecov", tmp_path / "tests"
    for module in ("__init__.py", "units.py", "engine/__init__.py", "engine/cells.py", "engine/search.py"):
        (pkg / module).parent.mkdir(parents=True, exist_ok=True)
        (pkg / module).write_text("")
    good = ["test_units.py", "test_layout.py", "conftest.py", "helpers.py", "engine/test_engine.py"]
    good += ["engine/test_engine_cells.py", "engine/test_engine_cells_oracle.py", "engine/test_engine_search.py"]
    bad = ["test_whatever.py", "engine/test_engine_nope.py", "engine/test_cells.py", "engine/__init__.py"]
    bad += ["engine/helpers.py", "nowhere/test_nowhere_x.py", "engine/deep/test_engine_cells_deep.py"]
    for name in good + bad:
        (tests / name).parent.mkdir(parents=True, exist_ok=True)
        (tests / name).write_text('"""Tests."""\n')
    assert _mirror_problems(tests, pkg) == [
        "engine/__init__.py: an __init__.py makes tests/engine a package named engine",
        "engine/deep/test_engine_cells_deep.py: test folders are one level deep, one per package",
        "engine/helpers.py: not named test_engine_<module>.py",
        "engine/test_cells.py: not named test_engine_<module>.py",
        "engine/test_engine_nope.py: no module rangecov/engine/nope.py",
        "helpers.py: the same file name as engine/helpers.py",
        "nowhere/test_nowhere_x.py: rangecov has no package nowhere",
        "test_whatever.py: no rangecov/whatever.py, and not a whole-package check",
    ]
    (tests / "test_newcomer.py").write_text('"""A walk-through."""\n\ndef test_rows():\n    pass\n')
    (tests / "test_units.py").write_text(
        '"""Issue 16: units."""\n\ndef test_issue_7_fixed():\n    """As issue #12 asked."""\n'
    )
    assert _mirror_problems(tests, pkg)[-5:] == [
        "test_newcomer.py: no rangecov/newcomer.py, and not a whole-package check",
        "test_newcomer.py: the file is named for a story",
        "test_units.py: the module docstring names a story",
        "test_units.py: line 3: test_issue_7_fixed is named or documented for a story",
        "test_whatever.py: no rangecov/whatever.py, and not a whole-package check",
    ]


MAX_ROOT_MODULES = 8


def root_modules(package: Path) -> list[str]:
    return sorted(p.name for p in package.glob("*.py"))


def plural_pairs(package: Path) -> list[tuple[str, str]]:
    """Modules (anywhere in the package) whose names differ only by a plural: ``chunk`` and ``chunks``."""
    names = {p.stem for p in package.rglob("*.py") if "data" not in p.relative_to(package).parts}
    names |= {p.name for p in package.rglob("*") if p.is_dir() and (p / "__init__.py").is_file()}
    found = []
    for name in sorted(names):
        for plural in (name + "s", name + "es", name[:-1] + "ies" if name.endswith("y") else None):
            if plural and plural in names:
                found.append((name, plural))
    return found


def test_the_root_holds_only_the_face():
    """At most eight modules at the root; everything else lives in the folder of its layer."""
    found = root_modules(PACKAGE)
    assert len(found) <= MAX_ROOT_MODULES, found


def test_no_two_module_names_differ_by_a_plural():
    assert plural_pairs(PACKAGE) == []


def test_the_root_and_plural_checks_can_fail(tmp_path):
    pkg = tmp_path / "rangecov"
    (pkg / "io").mkdir(parents=True)
    for name in ("__init__", "a", "b", "c", "d", "e", "f", "g", "h"):
        (pkg / f"{name}.py").write_text("")
    (pkg / "io" / "__init__.py").write_text("")
    (pkg / "io" / "chunk.py").write_text("")
    (pkg / "io" / "chunks.py").write_text("")
    assert len(root_modules(pkg)) == 9
    assert plural_pairs(pkg) == [("chunk", "chunks")]
