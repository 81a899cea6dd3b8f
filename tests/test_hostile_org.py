"""Hostile org files: alias bombs, endless files, duplicate keys (issue 18, items 4, 5 and 8)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_ORG, Cli

BOMB = """organization: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""
MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space: ample for icrm, fatal for a bomb


def _capped(argv: list[str]) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [sys.executable, "-m", "icrm_cli", *argv],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        preexec_fn=limit,  # the child only sets its own limit
        timeout=60,
    )


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_an_alias_bomb_is_refused_before_it_grows(tmp_path: Path, dry_run: list[str]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    result = _capped(["org", "apply", str(bomb), *dry_run])
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"Error: {bomb}: line 1: anchors (&name) are not allowed in an org file; write the value out"
    ]


def test_an_alias_is_refused(cli: Cli, tmp_path: Path) -> None:
    text = EXAMPLE_ORG.read_text(encoding="utf-8") + "\nextra: *nowhere\n"
    path = tmp_path / "alias.yaml"
    path.write_text(text, encoding="utf-8")
    assert "aliases (*name) are not allowed" in cli.fails("org", "apply", str(path)).stderr


def test_an_endless_file_is_read_up_to_the_cap(tmp_path: Path) -> None:
    result = _capped(["org", "apply", "/dev/zero"])
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["Error: /dev/zero: the file is larger than 2 MiB"]


def test_a_key_given_twice_is_refused_naming_both_lines(cli: Cli, tmp_path: Path) -> None:
    original = EXAMPLE_ORG.read_text(encoding="utf-8")
    assert "\n  min_group: 3\n" in original
    text = original.replace("\n  min_group: 3\n", "\n  min_group: 3\n  min_group: 1\n")
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    first = text.splitlines().index("  min_group: 3") + 1
    result = cli.fails("org", "apply", str(path))
    assert f"key 'min_group' is given twice (lines {first} and {first + 1})" in result.stderr
