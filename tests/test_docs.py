"""Every command of the app is documented in README.md (in the spirit of sqlite-utils' test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from icrm_cli.cli.app import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands() -> list[str]:
    """Every leaf command as it is typed after ``icrm``, e.g. ``request new``."""
    root = typer.main.get_command(app)
    found: list[str] = []

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children is not None:  # a group: its leaves are the commands
            for name, child in sorted(children.items()):
                if not getattr(child, "hidden", False):
                    walk(child, [*path, name])
        elif path:
            found.append(" ".join(path))

    walk(root, [])
    return found


COMMANDS = _commands()


def _readme() -> str:
    return README.read_text(encoding="utf-8") if README.exists() else ""


def test_commands_found() -> None:
    assert "request new" in COMMANDS and "org apply" in COMMANDS and "demo" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_command_in_readme(command: str) -> None:
    text = _readme()
    if "\n## Commands" not in "\n" + text:
        pytest.skip("README.md has no '## Commands' section yet")
    # ``icrm request ack`` also matches ``icrm --as feng.kai request ack 3001``.
    pattern = r"icrm(?:\s+--(?:db|as)(?:\s+|=)\S+)*\s+" + r"\s+".join(map(re.escape, command.split())) + r"\b"
    assert re.search(pattern, text), f"README.md has no example of 'icrm {command}'"
