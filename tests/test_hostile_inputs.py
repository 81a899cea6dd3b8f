"""Small inputs that used to exhaust memory or break readers for everyone (issue 18, items 5-7)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def _meeting(cli: Cli) -> str:
    made = cli.ok("meeting", "new", "--title", "周例会", "--at", "2026-11-16T14:00", "--dept", "SALES",
                  "--format", "json")  # fmt: skip
    return str(json.loads(made.stdout)["id"])


def test_notes_from_an_endless_file_stop_at_the_cap(cli: Cli, org: object) -> None:
    meeting = _meeting(cli)
    result = cli.fails("meeting", "minutes", meeting, "--notes-file", "/dev/zero")
    assert "--notes-file '/dev/zero': the file is larger than" in result.stderr


def test_notes_from_a_gbk_file(cli: Cli, org: object, tmp_path: Path) -> None:
    meeting = _meeting(cli)
    notes = tmp_path / "notes.txt"
    notes.write_bytes("本周议题：交期".encode("gbk"))
    cli.ok("meeting", "minutes", meeting, "--notes-file", str(notes))
    assert "本周议题：交期" in cli.ok("meeting", "show", meeting, "--format", "markdown").stdout


@pytest.mark.parametrize("when", ["9999-12-31T23:30", "9999-12-31", "0001-01-01T00:00", "+999999w"])
def test_times_that_cannot_be_shown_are_refused(cli: Cli, org: object, when: str) -> None:
    result = cli.fails("meeting", "new", "--title", "远期", "--at", when, "--dept", "SALES")
    assert "times from 1970 to 9000 are accepted" in result.stderr


def test_readers_survive_a_meeting_stored_at_the_end_of_time(cli: Cli, org: object, db_path: Path) -> None:
    meeting = _meeting(cli)
    with sqlite3.connect(db_path) as conn:  # as an older icrm could store it
        conn.execute(
            "UPDATE meeting SET starts_at = '9999-12-31 15:30:00.000000', "
            "ends_at = '9999-12-31 16:30:00.000000' WHERE id = ?",
            (meeting,),
        )
    conn.close()
    for argv in (
        ["meeting", "list"],
        ["meeting", "list", "--format", "json"],
        ["meeting", "show", meeting],
        ["meeting", "agenda", meeting],
        ["meeting", "ics", meeting],
        ["report", "export", "meetings", "--format", "json"],
    ):
        out = cli.ok(*argv).stdout
        assert "9999-12-31" in out or "99991231" in out, argv
    listed = json.loads(cli.ok("meeting", "list", "--format", "json").stdout)
    assert listed[0]["ends_at"] == "9999-12-31T16:30:00+00:00"  # shown in UTC: past the org zone's end


@pytest.mark.parametrize("columns", ["abc", "-5", "1", "0", ""])
def test_odd_columns_still_print_the_table(
    cli: Cli, org: object, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    out = cli.ok("request", "list").stdout
    assert "开通" in out


def test_a_huge_csv_field_is_one_clean_error(cli: Cli, org: object, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("from,to,title\nSALES,IT," + '"' + "x" * 200_000 + '"\n', encoding="utf-8")
    result = cli.fails("request", "import", str(path))
    assert "not valid CSV (field larger than field limit" in result.stderr
    assert "unexpected" not in result.stderr
