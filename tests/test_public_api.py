"""icrm uses only the public API of its frameworks.

A private module or name (``_name``) of Typer, Click, SQLAlchemy, SQLModel, Rich
or pydantic may change in any release; code and tests that reach for one break
silently on an upgrade (see issue 11). This test reads every Python file of
``icrm_cli/`` and ``tests/`` with :mod:`ast` and fails on:

- an import of a private module (``from typer._click import ...``,
  ``import sqlalchemy.engine._row``) or of a private name (``from rich import _x``);
- an attribute access that reaches a private name through one of those
  libraries (``typer._click``, ``typer.testing._get_command``);
- ``setattr``/``monkeypatch.setattr``/``delattr`` or an assignment that changes an
  attribute of one of those libraries (patching a framework process-wide);
- ``importlib.import_module("typer._x")`` and other strings naming a private
  module of those libraries.

Dunder names (``__version__``, ``__name__``) are not private.

icrm's own code (``icrm_cli/``) also reads no private attribute of any object but
``self`` and ``cls`` (``select._order_by_clauses`` is a library's internal state),
except the names libraries document as public despite the underscore
(``Row._mapping``, a named tuple's ``_asdict``, ``os._exit``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = frozenset({"typer", "click", "sqlalchemy", "sqlmodel", "rich", "pydantic"})
SCANNED = ("icrm_cli", "tests")


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _library(dotted: str) -> bool:
    return dotted.split(".")[0] in LIBRARIES


def _private_path(dotted: str) -> bool:
    return _library(dotted) and any(_private(part) for part in dotted.split("."))


class Finder(ast.NodeVisitor):
    """Collects the violations in one module (line and a description)."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.aliases: dict[str, str] = {}  # local name -> the library path it is bound to

    def _flag(self, node: ast.AST, what: str) -> None:
        self.found.append((getattr(node, "lineno", 0), what))

    def _dotted(self, node: ast.expr) -> str | None:
        """``typer.testing._get_command`` for an attribute chain rooted at a library name, else None."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if _private_path(alias.name):
                self._flag(node, f"import {alias.name}")
            if _library(alias.name):
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    self.aliases[root] = root
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level == 0 and _library(module):
            if _private_path(module):
                self._flag(node, f"from {module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    self._flag(node, f"from {module} import {alias.name}")
                self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self._dotted(node)
        if dotted is not None and _private_path(dotted):
            self._flag(node, f"uses {dotted}")
            return  # one finding per chain
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._assigned(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._assigned(node.target)
        self.generic_visit(node)

    def _assigned(self, target: ast.expr) -> None:
        if isinstance(target, ast.Attribute):
            owner = self._dotted(target.value)
            if owner is not None and owner.split(".")[-1][:1].islower():  # a module, not a class instance
                self._flag(target, f"assigns {owner}.{target.attr}")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in ("setattr", "delattr", "delitem", "setitem") and node.args:
            first = node.args[0]
            target = self._dotted(first) if isinstance(first, ast.Name | ast.Attribute) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and _library(first.value):
                target = first.value  # monkeypatch.setattr("typer.testing._get_command", ...)
            if target is not None:
                self._flag(node, f"{name} on {target}")
        for arg in node.args:
            named = isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _private_path(arg.value)
            if named and name in ("import_module", "__import__", "find_spec"):
                self._flag(node, f"{name}({ast.unparse(arg)})")
        self.generic_visit(node)


def findings(source: str) -> list[tuple[int, str]]:
    finder = Finder()
    finder.visit(ast.parse(source))
    return finder.found


# Public names that start with an underscore (so as not to clash with column or field names).
PUBLIC_UNDERSCORE = frozenset({"_mapping", "_asdict", "_fields", "_replace", "_make", "_exit"})


def private_attributes(source: str) -> list[tuple[int, str]]:
    """Reads of a private attribute of anything but ``self`` or ``cls``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute) or not _private(node.attr) or node.attr in PUBLIC_UNDERSCORE:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        found.append((node.lineno, ast.unparse(node)))
    return found


def _files() -> Iterator[Path]:
    for folder in SCANNED:
        yield from sorted((ROOT / folder).rglob("*.py"))


FILES = list(_files())


def test_the_scan_sees_the_code() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in FILES}
    assert {"icrm_cli/cli/app.py", "tests/conftest.py", "tests/test_public_api.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_private_framework_api(path: Path) -> None:
    found = findings(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found)


@pytest.mark.parametrize(
    "path",
    [path for path in FILES if path.relative_to(ROOT).parts[0] == "icrm_cli"],
    ids=lambda path: path.relative_to(ROOT).as_posix(),
)
def test_no_private_state_of_other_objects(path: Path) -> None:
    found = private_attributes(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found)


def test_the_attribute_scan_flags_and_allows() -> None:
    assert private_attributes("bare = not built._order_by_clauses")
    assert private_attributes("limit = select(t)._limit_clause")
    assert not private_attributes("self._rows = None\nrow._mapping\nos._exit(0)\ncls._cache")


@pytest.mark.parametrize(
    "source",
    [
        "from typer import _coercion",
        "from typer._click.exceptions import BadParameter",
        "import typer._typing",
        "import sqlalchemy.engine._row as row",
        "from pydantic._internal import _model_construction",
        "from rich.console import _is_jupyter",
        "import typer\ntyper._click.echo('x')",
        "import typer.testing\nprint(typer.testing._get_command)",
        "import sqlalchemy as sa\nsa.orm._mapper_registry",
        "from typer import core\ncore.build_runtime_param = print",
        "import typer.testing\nsetattr(typer.testing, 'get_command', print)",
        "import click\nmonkeypatch.setattr(click.utils, 'echo', print)",
        "monkeypatch.setattr('typer.testing.get_command', print)",
        "import importlib\nimportlib.import_module('typer._coercion')",
    ],
)
def test_the_scan_flags_private_use(source: str) -> None:
    assert findings(source), source


@pytest.mark.parametrize(
    "source",
    [
        "import typer\nprint(typer.__version__)",
        "import typer.main\ntyper.main.get_command(app)",
        "from typer.core import TyperGroup",
        "import sqlalchemy as sa\nsa.select(t).where(t.c.id == 1)",
        "from icrm_cli.cli.app import _debug",
        "monkeypatch.setattr(os, 'environ', {})",
        "command.name = 'org'",
    ],
)
def test_the_scan_allows_public_use(source: str) -> None:
    assert not findings(source), source
