"""Hostile text: nothing stored can act on a terminal, a document or a spreadsheet (issue 18, items 1, 3).

Text is checked where it enters, and every renderer is safe on its own for what an
older or foreign database may already hold.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icrm_cli.safe_text import UNSAFE
from tests.conftest import Cli, new_request

OSC52 = "x\x1b]52;c;ZWNobyBwd25lZA==\x1b\\\x1b[2J"

# The formats that print stored text, each with a request in it.
COMMANDS = [
    ["request", "list"],
    ["request", "list", "--format", "csv"],
    ["request", "list", "--format", "json"],
    ["request", "show", "1"],
    ["request", "show", "1", "--format", "json"],
    ["report", "export", "requests", "--format", "csv"],
    ["report", "export", "requests", "--format", "json"],
    ["report", "export", "events", "--format", "csv"],
    ["org", "show"],
    ["org", "show", "--format", "csv"],
]


def _store(db: Path, text: str) -> None:
    """Write ``text`` where no check ran: as a foreign or older database might hold it."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE request SET title = ?, description = ? WHERE id = 1", (text, text))
        conn.execute("UPDATE department SET name = ? WHERE code = 'IT'", (text,))
        conn.execute("UPDATE person SET name = ? WHERE id = 'feng.kai'", (text,))
        conn.execute("UPDATE event SET actor = ?, note = ? WHERE entity = 'request'", (text, text))
    conn.close()


def _assert_inert(cli: Cli) -> None:
    for argv in COMMANDS:
        out = cli.ok(*argv).stdout
        assert UNSAFE.search(out) is None, (argv, out)


@pytest.fixture
def filed(cli: Cli, org: object) -> int:
    return new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")


def test_an_escape_sequence_in_stored_text_is_shown_not_run(cli: Cli, filed: int, db_path: Path) -> None:
    _store(db_path, OSC52)
    _assert_inert(cli)
    shown = json.loads(cli.ok("request", "show", "1", "--format", "json").stdout)
    assert shown["title"] == OSC52  # JSON keeps the data exactly, as \u escapes
    table = cli.ok("request", "show", "1").stdout
    assert "x\\x1b]52;c;ZWNobyBwd25lZA==\\x1b\\\\x1b[2J" in table


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=40))
def test_any_stored_text_is_inert_in_every_format(cli: Cli, filed: int, db_path: Path, text: str) -> None:
    _store(db_path, text)
    _assert_inert(cli)
    rows = json.loads(cli.ok("request", "list", "--format", "json").stdout)
    assert rows[0]["title"] == text
    csv_text = cli.ok("request", "list", "--format", "csv").stdout
    cell = csv_text.splitlines()[1].split(",", 2)[1]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        (OSC52, "invalid --as"),
        ("   ", "--as must not be empty"),
        ("li.n\u0430", "invalid --as"),  # a Cyrillic а
        ("a" * 10_000, "invalid --as"),
        ("li.na\u200b", "invalid --as"),
    ],
)
def test_a_malformed_actor_is_refused(cli: Cli, org: object, actor: str, shown: str) -> None:
    result = cli.fails("request", "new", "--from", "SALES", "--to", "IT", "--title", "t", actor=actor)
    assert shown in result.stderr
    assert UNSAFE.search(result.stderr) is None and "\x1b" not in result.stderr
    assert len(result.stderr) < 300


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\x1b", "\x9b"])
def test_invisible_characters_are_refused_in_titles(cli: Cli, org: object, char: str) -> None:
    result = cli.fails("request", "new", "--from", "SALES", "--to", "IT", "--title", f"开通{char}VPN")
    assert "invisible or control character" in result.stderr
    assert UNSAFE.search(result.stderr) is None


def test_org_file_names_are_checked(cli: Cli, org_file: Path) -> None:
    text = org_file.read_text(encoding="utf-8").replace("name: 销售部", 'name: "销售\\e[2J部"', 1)
    org_file.write_text(text, encoding="utf-8")
    result = cli.fails("org", "apply", str(org_file))
    assert "invisible or control character" in result.stderr and "\x1b" not in result.stderr


def test_an_import_file_name_is_stored_visible(cli: Cli, org: object, tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[2J.csv"
    path.write_text("from,to,title\nSALES,IT,开通VPN账号\n", encoding="utf-8")
    cli.ok("request", "import", str(path))
    events = json.loads(cli.ok("report", "export", "events", "--format", "json").stdout)
    assert events[-1]["note"] == "imported from evil\\x1b[2J.csv"


def test_a_lone_carriage_return_is_shown_in_csv_and_a_windows_line_end_kept(
    cli: Cli, filed: int, db_path: Path
) -> None:
    """A bare CR could overwrite what a terminal shows of a CSV line; CR LF is a line end in a cell."""
    _store(db_path, "safe\rEVIL")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE request SET description = ? WHERE id = 1", ("line 1\r\nline 2",))
    conn.close()
    for argv in (["request", "list", "--format", "csv"], ["report", "export", "requests", "--format", "csv"]):
        raw = cli.ok(*argv).stdout_bytes
        assert b"safe\\x0dEVIL" in raw and b"safe\rEVIL" not in raw, argv
        assert b'"line 1\r\nline 2"' in raw, argv
    names = cli.ok("org", "show", "--format", "csv").stdout_bytes  # the department name, as text
    assert b"safe\\x0dEVIL" in names and b"safe\rEVIL" not in names
