"""The layout's rules, checked on the source: who may import whom, and no import cycles.

- ``storage/`` never names a domain, demo, CLI or output module;
- ``domain/`` never imports the CLI, output or typer, and never prints;
- ``output/`` renders plain values: no storage or domain, except the report's keys;
- ``cli/`` holds no SQL: it imports neither SQLAlchemy nor SQLModel;
- no cycle among icrm's modules, counting imports inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "icrm_cli"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):  # imports for type checkers only do not count
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test):
            block.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in MODULES
            )
    return found


GRAPH = {name: {i for i in _imports(path) if i in MODULES and i != name} for name, path in MODULES.items()}


def _layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def _offences(layer: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if _layer(name) == layer
        for target in _imports(path)
        if target.startswith(forbidden) and not target.startswith(allowed)
    )


def test_storage_names_no_domain_module() -> None:
    forbidden = ("icrm_cli.domain", "icrm_cli.demo", "icrm_cli.cli", "icrm_cli.output")
    assert _offences("storage", forbidden) == []
    texts = [path.read_text(encoding="utf-8") for name, path in MODULES.items() if _layer(name) == "storage"]
    assert not [text for text in texts if "icrm_cli.domain" in text or "icrm_cli.demo" in text]


def test_domain_does_not_reach_up() -> None:
    assert _offences("domain", ("icrm_cli.cli", "icrm_cli.output", "typer", "click", "rich")) == []


def test_output_renders_plain_values() -> None:
    allowed = ("icrm_cli.domain.report.keys",)
    assert _offences("output", ("icrm_cli.storage", "icrm_cli.domain", "icrm_cli.cli"), allowed) == []


def test_cli_holds_no_sql() -> None:
    assert _offences("cli", ("sqlalchemy", "sqlmodel", "sqlite3", "icrm_cli.storage.models")) == []


@pytest.mark.parametrize("layer", ["domain", "storage", "demo"])
def test_no_print_below_the_cli(layer: str) -> None:
    calls = [
        f"{name}:{node.lineno}"
        for name, path in MODULES.items()
        if _layer(name) == layer
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]
    assert calls == []


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    # A package's __init__ importing its own submodules is how packages re-export; ignore that edge.
    for name in list(GRAPH):
        if MODULES[name].name == "__init__.py":
            GRAPH[name] = {target for target in GRAPH[name] if not target.startswith(name + ".")}
    assert _cycles() == []
