"""The static checks of the package run with the suite: layers, lint, format, types, light imports.

Each runs the tool the project pins in its test extra (``make test`` installs
it), on the source tree, the way a developer would run it by hand.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rangecov

ROOT = Path(__file__).resolve().parent.parent

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:  # the test extra installs every one of them; a missing tool is a set-up bug
        pytest.fail(f"{name} is not installed; run make test (it installs the test extra)")
    return found


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _unannotated(func) -> list[str]:
    import inspect

    sig = inspect.signature(func)
    missing = [
        name
        for name, p in sig.parameters.items()
        if name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.annotation is p.empty
    ]
    if sig.return_annotation is sig.empty and func.__name__ != "__init__":
        missing.append("return")
    return missing


PACKAGE = Path(rangecov.__file__).resolve().parent

_UNSAFE_MODULES = {"pickle", "_pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}

_UNSAFE_CALLS = {"eval", "exec", "compile", "__import__", "read_pickle", "unsafe_load", "full_load"}


def _unsafe(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in _UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _UNSAFE_MODULES:
            found.append(f"from {node.module}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            # re.compile is a pattern, not code; the bare builtins and pandas' unpicklers are code.
            if name in _UNSAFE_CALLS and not (isinstance(func, ast.Attribute) and name == "compile"):
                found.append(f"{name}() at line {node.lineno}")
            if any(k.arg == "allow_pickle" for k in node.keywords):
                found.append(f"allow_pickle= at line {node.lineno}")
            if name == "load" and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "yaml":
                found.append(f"yaml.load() at line {node.lineno}")
    return found


def test_layers_hold():
    """import-linter: each layer imports only those below it (pyproject.toml, docs/architecture.md)."""
    done = _run(_tool("lint-imports"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def test_ruff_lint():
    done = _run(_tool("ruff"), "check", "rangecov")
    assert done.returncode == 0, done.stdout[-3000:]


def test_ruff_format():
    done = _run(_tool("ruff"), "format", "--check", ".")
    assert done.returncode == 0, done.stdout[-3000:]


def test_mypy():
    """mypy on the modules listed in pyproject.toml ([tool.mypy] files: geodesy, engine and the base)."""
    done = _run(_tool("mypy"))
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("module", ["rangecov.engine", "rangecov.geodesy", "rangecov"])
def test_array_layers_import_no_data_frames_or_plots(module):
    """``import rangecov.engine`` (or geodesy, or the lazy package root) loads no pandas, geopandas, matplotlib."""
    code = (
        f"import sys, {module}\n"
        "heavy = [m for m in ('pandas', 'geopandas', 'matplotlib', 'folium') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_lazy_root_gives_the_same_objects():
    import rangecov
    from rangecov.cover.entry import coverage
    from rangecov.regions.buffering import buffer

    assert rangecov.coverage is coverage and rangecov.buffer is buffer
    assert set(rangecov.__all__) <= set(dir(rangecov))
    for name in rangecov.__all__:
        assert getattr(rangecov, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        rangecov.nonsense  # noqa: B018


def test_py_typed_is_shipped():
    assert (ROOT / "rangecov" / "py.typed").exists()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text()


def test_public_functions_have_type_hints():
    """Every function in rangecov.__all__ and rangecov.engine, and the public methods of the exported classes."""
    import inspect

    import rangecov
    import rangecov.engine

    found = {}
    objects = [getattr(rangecov, n) for n in rangecov.__all__] + [
        getattr(rangecov.engine, n) for n in rangecov.engine.__all__
    ]
    for obj in objects:
        if inspect.isfunction(obj):
            found[obj.__qualname__] = _unannotated(obj)
        elif inspect.isclass(obj):
            for name, member in vars(obj).items():
                if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__"):
                    found[member.__qualname__] = _unannotated(member)
    missing = {k: v for k, v in found.items() if v}
    assert not missing, missing


def test_nothing_unpickles_or_evaluates():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "data" in path.relative_to(PACKAGE).parts:
            continue
        hits = _unsafe(ast.parse(path.read_text(encoding="utf-8")))
        if hits:
            found[str(path.relative_to(PACKAGE))] = hits
    assert not found
    # The check finds what it looks for.
    assert _unsafe(ast.parse("import pickle\neval(x)\npd.read_pickle(p)\nnp.load(p, allow_pickle=True)")) == [
        "pickle",
        "eval() at line 2",
        "read_pickle() at line 3",
        "allow_pickle= at line 4",
    ]
