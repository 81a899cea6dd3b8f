"""The demo reads like a real company: a request's title fits the department that has it (issue 16.18)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from icrm_cli.demo import texts
from tests.conftest import Cli


def _home(title: str) -> str | None:
    """The department whose title templates give ``title``."""
    for dept, templates in texts.TITLES.items():
        for template in templates:
            pattern = "^" + re.sub(r"\\\{\w+\\\}", ".+", re.escape(template)) + "$"
            if re.match(pattern, title):
                return dept
    return None


def test_every_request_is_with_its_department_or_a_neighbour(cli: Cli, db_path: Path) -> None:
    cli.ok("demo", "--requests", "1500", "--no-report", "--seed", "7")
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT title, to_dept, transfers FROM request WHERE meeting_id IS NULL"
        ).fetchall()
    conn.close()
    assert sum(1 for _, _, transfers in rows if transfers) > 20  # the ball is still kicked
    misplaced = []
    for title, to_dept, _ in rows:
        home = _home(title)
        assert home is not None, title
        if to_dept != home and to_dept not in texts.NEIGHBOURS[home]:
            misplaced.append((title, to_dept))
    assert misplaced == []
