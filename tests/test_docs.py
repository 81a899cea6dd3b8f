"""Every command of the app is documented in README.md (in the spirit of sqlite-utils' test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import command_tree

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands() -> list[str]:
    """Every leaf command as it is typed after ``icrm``, e.g. ``request new``."""
    tree = command_tree()
    return sorted(
        " ".join(path)
        for path, command in tree.items()
        if path
        and not hasattr(command, "list_commands")
        and not any(getattr(tree[path[:i]], "hidden", False) for i in range(1, len(path) + 1))
    )


COMMANDS = _commands()


def _readme() -> str:
    return README.read_text(encoding="utf-8") if README.exists() else ""


def test_commands_found() -> None:
    assert "request new" in COMMANDS and "org apply" in COMMANDS and "demo" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_command_in_readme(command: str) -> None:
    text = _readme()
    # ``icrm request ack`` also matches ``icrm --as feng.kai request ack 3001``.
    pattern = r"icrm(?:\s+--(?:db|as)(?:\s+|=)\S+)*\s+" + r"\s+".join(map(re.escape, command.split())) + r"\b"
    assert re.search(pattern, text), f"README.md has no example of 'icrm {command}'"
