"""What shell completion offers: department codes, person ids, requests not yet final.

Read with :func:`icrm_cli.storage.peek.peek` (stdlib ``sqlite3``, read-only):
completion must answer within a few hundred milliseconds on a million requests,
never write, and not load SQLAlchemy. Each answer is ``(value, help)`` pairs,
at most :data:`MOST`, whose value starts with what was typed.
"""

from __future__ import annotations

from pathlib import Path

from icrm_cli.domain.requests.states import FINAL, STATUSES
from icrm_cli.storage.like import SEARCH_ESCAPE, like_pattern
from icrm_cli.storage.peek import peek

MOST = 100
# Not final: `status IN` reads the status index, where `NOT IN` would read the whole table.
_ACTIVE = tuple(status for status in STATUSES if status not in FINAL)
Values = list[tuple[str, str]]


def _pairs(rows: list[tuple[object, ...]]) -> Values:
    return [(str(value), str(help_text or "")) for value, help_text in rows]


def department_codes(path: Path, typed: str) -> Values:
    """Active department codes starting with ``typed``, with their names."""
    sql = (
        "SELECT code, name FROM department "
        f"WHERE active AND code LIKE ? ESCAPE '{SEARCH_ESCAPE}' ORDER BY code"
    )
    return _pairs(peek(path, sql, [like_pattern(typed, prefix_only=True)], MOST))


def person_ids(path: Path, typed: str) -> Values:
    """Active people's ids starting with ``typed``, with their names."""
    sql = f"SELECT id, name FROM person WHERE active AND id LIKE ? ESCAPE '{SEARCH_ESCAPE}' ORDER BY id"
    return _pairs(peek(path, sql, [like_pattern(typed, prefix_only=True)], MOST))


def open_request_ids(path: Path, typed: str) -> Values:
    """Ids of requests not yet final starting with the digits typed, newest first, with titles."""
    if typed and not typed.isdigit():
        return []
    marks = ", ".join("?" for _ in _ACTIVE)
    # The ids first, from the status index alone (no table row read), then the titles of those.
    sql = (
        "SELECT id, substr(title, 1, 40) FROM request WHERE id IN ("
        f"SELECT id FROM request WHERE status IN ({marks}) AND CAST(id AS TEXT) LIKE ? "
        "ORDER BY id DESC LIMIT ?) ORDER BY id DESC"
    )
    return _pairs(peek(path, sql, [*_ACTIVE, typed + "%", MOST], MOST))
