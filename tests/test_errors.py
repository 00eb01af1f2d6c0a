"""One exception family: every error a user can fix is a type in rangecov.errors with the built-in base."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest
from conftest import points

import rangecov
from rangecov import errors

PACKAGE = Path(rangecov.__file__).parent

# The only built-in exceptions the package raises itself, and why none is a user's mistake.
INTERNAL = {
    ("__init__.py", "AttributeError"): "module __getattr__: the protocol Python expects",
    ("cli/__init__.py", "SystemExit"): "SIGTERM turned into an exit",
    ("geometry/edges.py", "RuntimeError"): "a refinement that does not converge is a bug to report",
    ("io/chunk_writer.py", "ValueError"): "callers check first (pragma: no cover)",
    ("results/totals.py", "NotImplementedError"): "an abstract method",
    ("frontend.py", "AttributeError"): "module __getattr__: the protocol Python expects",
    ("base/schema.py", "RuntimeError"): "a JSON document built with a key it does not declare: a bug to report",
}

BASES = {
    "InputError": ValueError,
    "InputTypeError": TypeError,
    "MissingCRSError": ValueError,
    "FileFormatError": ValueError,
    "FileMissingError": FileNotFoundError,
    "PathIsFolderError": IsADirectoryError,
    "OutputExistsError": FileExistsError,
    "OutputWriteError": OSError,
    "MissingDependencyError": ImportError,
    "UnsupportedError": NotImplementedError,
    "UnreachableShareError": ValueError,
}


def _raised_builtins():
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Raise) or node.exc is None:
                continue
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and isinstance(getattr(builtins, exc.id, None), type):
                yield path.relative_to(PACKAGE).as_posix(), exc.id, node.lineno


def test_the_package_raises_no_builtin_error_for_a_user_mistake():
    found = [(f, name, line) for f, name, line in _raised_builtins() if (f, name) not in INTERNAL]
    assert not found, f"raise a rangecov.errors type instead: {found}"
    # The allow-list stays honest: each entry still matches a raise.
    assert {(f, name) for f, name, _ in _raised_builtins()} == set(INTERNAL)


def test_every_type_has_its_builtin_base_and_the_common_one():
    assert set(errors.__all__) == set(BASES) | {"RangecovError"}
    for name, base in BASES.items():
        kind = getattr(errors, name)
        assert issubclass(kind, base) and issubclass(kind, errors.RangecovError), name


def test_readme_lists_every_type():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+Error)` \| `(\w+)`", readme, re.M))
    assert {name for name, _ in listed} == set(BASES)
    assert all(base == BASES[name].__name__ for name, base in listed)


@pytest.mark.parametrize(
    "call",
    [
        lambda o, t: rangecov.coverage(o, t, "300 parsecs"),
        lambda o, t: rangecov.coverage(o, t, [1, 2, 3]),
        lambda o, t: rangecov.coverage(o, t, "300 km", how="most"),
        lambda o, t: rangecov.coverage(o, t.set_crs(None, allow_override=True), "300 km"),
        lambda o, t: rangecov.buffer(o, "300 km", tolerance=-1),
        lambda o, t: rangecov.rings(o, distances=["10 km"], interval="5 km"),
        lambda o, t: rangecov.area_coverage(o, t, ("1 km", "2 km")),
        lambda o, t: rangecov.read(PACKAGE),
        lambda o, t: rangecov.read(PACKAGE / "no such file.csv"),
        lambda o, t: rangecov.coverage(o, t, "300 km").required_reach(2.0),
    ],
    ids=["unit", "reach-type", "how", "crs", "tolerance", "rings", "band-area", "folder", "missing", "share"],
)
def test_mistakes_raise_the_family(call):
    origins = points([34.80], [50.91])
    targets = points([36.2956, 41.791], [51.7506, 48.313])
    with pytest.raises(errors.RangecovError) as caught:
        call(origins, targets)
    assert type(caught.value).__module__ == "rangecov.errors"
