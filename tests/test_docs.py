"""The documentation stays true to the code (in the spirit of sqlite-utils' and llm's test_docs).

- docs/cli-reference.md is generated from every command's ``--help`` by cog; it
  must be what ``cog -r docs/cli-reference.md`` would write today.
- README.md is a short introduction (at most 250 lines) whose Quickstart is the two
  lines a new user runs, the second one exactly what ``.ci/run`` runs.
- Every relative link in README.md and docs/*.md points to a file that exists (and
  to a heading that exists, when it names one).
- Every command has an example in docs/commands.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import command_tree

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CLI_REFERENCE = DOCS / "cli-reference.md"
COMMANDS_PAGE = DOCS / "commands.md"
CI_TEST_LINE = 'pip install ".[test]" && python -m pytest -q'
README_MAX_LINES = 250


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


# --- the generated CLI reference ------------------------------------------------------------


def test_cli_reference_is_current() -> None:
    """``cog --check``: the cog block in docs/cli-reference.md would write what the page holds."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", str(CLI_REFERENCE.relative_to(ROOT))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        "docs/cli-reference.md is out of step with the commands' --help.\n"
        "Regenerate it from the project root with:\n\n"
        "    cog -r docs/cli-reference.md\n\n"
        f"cog said:\n{proc.stdout}{proc.stderr}"
    )


def test_cli_reference_lists_every_command() -> None:
    text = CLI_REFERENCE.read_text(encoding="utf-8")
    missing = [command for command in COMMANDS if f"\n## icrm {command}\n" not in text]
    assert not missing, f"not in docs/cli-reference.md (run: cog -r docs/cli-reference.md): {missing}"


# --- the README ---------------------------------------------------------------------------


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_is_short() -> None:
    lines = len(_readme().splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines; at most {README_MAX_LINES}. Move the details to docs/."
    )


def _quickstart_commands() -> list[str]:
    """The command lines of the code blocks in the README section whose heading says Quickstart."""
    section = re.search(r"^#+ [^\n]*Quickstart[^\n]*\n(.*?)(?=^#+ |\Z)", _readme(), re.M | re.S)
    assert section, "README.md has no section whose heading contains 'Quickstart'"
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", section.group(1), re.M | re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_quickstart_is_two_lines_and_the_second_is_what_ci_runs() -> None:
    commands = _quickstart_commands()
    assert len(commands) == 2, f"the Quickstart must be exactly two command lines, found {commands}"
    assert "icrm" in commands[0] and "demo" in commands[0], commands[0]
    assert commands[1] == CI_TEST_LINE
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert CI_TEST_LINE in ci.splitlines(), ".ci/run must run the Quickstart's test line verbatim"


# --- links --------------------------------------------------------------------------------


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _prose(text: str) -> str:
    """The text without fenced code blocks and code spans, where ``[x](y)`` is not a link."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.M | re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def _links(text: str) -> list[str]:
    prose = _prose(text)
    inline = re.findall(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", prose)
    reference = re.findall(r"^\s*\[[^\]]+\]:\s*(\S+)", prose, flags=re.M)
    return inline + reference


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+?)\s*#*$", text, flags=re.M):
        anchor = _anchor(heading)
        n = 1
        unique = anchor
        while unique in found:
            unique = f"{anchor}-{n}"
            n += 1
        found.add(unique)
    return found


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(page: Path) -> None:
    broken: list[str] = []
    for link in _links(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", link, flags=re.I):  # http:, https:, mailto:
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link} (no such file)")
        elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
            broken.append(f"{link} (no heading for #{anchor} in {target.relative_to(ROOT)})")
    assert not broken, f"{page.relative_to(ROOT)} has broken links: {broken}"


def test_the_docs_index_links_every_page() -> None:
    index = DOCS / "index.md"
    linked = {link.partition("#")[0] for link in _links(index.read_text(encoding="utf-8"))}
    pages = {page.name for page in DOCS.glob("*.md")} - {"index.md"}
    assert pages <= linked, f"docs/index.md does not link: {sorted(pages - linked)}"


# --- examples -----------------------------------------------------------------------------


def test_commands_found() -> None:
    assert "request new" in COMMANDS and "org apply" in COMMANDS and "demo" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_an_example(command: str) -> None:
    text = COMMANDS_PAGE.read_text(encoding="utf-8")
    # ``icrm request ack`` also matches ``icrm --as feng.kai request ack 3001``.
    pattern = r"icrm(?:\s+--(?:db|as)(?:\s+|=)\S+)*\s+" + r"\s+".join(map(re.escape, command.split())) + r"\b"
    assert re.search(pattern, text), f"docs/commands.md has no example of 'icrm {command}'"
