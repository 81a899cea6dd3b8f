"""Plans: the shipped SQLite text is current, and both readers give the very same rows.

The light reader (stdlib ``sqlite3`` with precompiled SQL) and the SQLAlchemy
reader run the same plans over a demo database here: every request list filter
(alone, in pairs, all at once), its CSV/JSON rows, and weekly reports of several
weeks with and without ``--dept``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import sqlite
from typer.testing import CliRunner

from icrm_cli.domain import compiled_plans
from icrm_cli.domain.org.settings import load_policy
from icrm_cli.domain.plan_catalog import PLAN_USERS
from icrm_cli.domain.reading import open_reader
from icrm_cli.domain.report.weekly import weekly_report
from icrm_cli.domain.requests.query import FILTERS, SORTS, RequestFilter, iter_requests, request_rows
from icrm_cli.storage.engine import open_database
from icrm_cli.storage.plan_compiler import compile_plan, shipped
from icrm_cli.storage.plans import Compiled, Plan
from icrm_cli.storage.sa_reader import SqlAlchemyReader
from icrm_cli.storage.sqlite_reader import SqliteReader, bind
from icrm_cli.storage.sqlite_values import read_time, stored_json, stored_time
from icrm_cli.storage.types import UTCDateTime
from tests.conftest import Cli
from tests.dbtargets import target_param

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "demo.db"
    result = Cli(CliRunner())("--db", str(path), "demo", "--requests", "400")
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def demo_pg(demo_db: Path, pg_server: Any) -> str:
    """The demo database copied into PostgreSQL (``db copy``)."""
    url = pg_server.create("plans")
    result = Cli(CliRunner())("--db", str(demo_db), "--as", "wang.qiang", "db", "copy", url)
    assert result.exit_code == 0, result.stderr
    return str(url)


@pytest.fixture(params=[target_param("sqlite"), target_param("postgresql")])
def readers(request: pytest.FixtureRequest, demo_db: Path) -> Iterator[tuple[SqliteReader, SqlAlchemyReader]]:
    """The light reader on the demo file, and SQLAlchemy on the same file or on its PostgreSQL copy."""
    light = SqliteReader.open(demo_db, str(demo_db))
    assert light is not None
    general_target = str(demo_db) if request.param == "sqlite" else request.getfixturevalue("demo_pg")
    database = open_database(general_target)
    try:
        with database.reading() as conn:
            yield light, SqlAlchemyReader(conn)
    finally:
        light.close()
        database.close()


def test_compiled_plans_are_current() -> None:
    """Run `python -m icrm_cli.domain.plan_catalog` when this fails."""
    plans = shipped(PLAN_USERS)
    assert {plan.key for plan, _ in plans} == set(compiled_plans.PLANS)
    for plan, part in plans:
        assert compiled_plans.PLANS[plan.key] == compile_plan(plan, part), plan.key


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 16, 9, 30, 15, 999_999, tzinfo=ZoneInfo("Asia/Shanghai")),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2027, 1, 1, 0, 0, tzinfo=ZoneInfo("America/New_York")),
    ],
)
def test_times_are_stored_as_sqlalchemy_stores_them(moment: datetime) -> None:
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    assert stored_time(moment) == process(moment)
    assert read_time(stored_time(moment)) == moment.astimezone(UTC).replace(microsecond=0)


@pytest.mark.parametrize(
    "value",
    [
        {"to": "open", "from_dept": "SALES", "owner": "li.na"},
        {"note": '引号"和\n换行\u2028', "level": 2},
        {"nested": {"a": [1, None]}},
        [1, "二"],
        {},
    ],
)
def test_json_is_stored_as_sqlalchemy_stores_it(value: Any) -> None:
    import json

    assert stored_json(value) == json.dumps(value, ensure_ascii=False)
    assert stored_json(None) is None


def test_lists_are_expanded_and_an_empty_list_matches_nothing() -> None:
    compiled = Compiled(sql="SELECT x FROM t WHERE x IN (__[POSTCOMPILE_ids]) AND y = :y", constants={"y": 1})
    sql, params = bind(compiled, {"ids": [3, 4]})
    assert sql == "SELECT x FROM t WHERE x IN (:ids__0, :ids__1) AND y = :y"
    assert params == {"ids__0": 3, "ids__1": 4, "y": 1}
    sql, _ = bind(compiled, {"ids": []})
    assert "IN (SELECT 1 WHERE 1 != 1)" in sql


def _filters(demo_db: Path) -> dict[str, dict[str, Any]]:
    """One value per filter, picked from the demo data so that most filters match something."""
    import sqlite3

    with sqlite3.connect(demo_db) as conn:
        customer, supplier, owner, title = conn.execute(
            "SELECT from_dept, to_dept, owner, title FROM request ORDER BY transfers DESC, id LIMIT 1"
        ).fetchone()
        meeting = conn.execute("SELECT meeting_id FROM request WHERE meeting_id IS NOT NULL").fetchone()[0]
        requester = conn.execute("SELECT requester FROM request ORDER BY id DESC LIMIT 1").fetchone()[0]
    return {
        "statuses": {"statuses": ["open", "waiting", "in_progress"]},
        "from_dept": {"from_dept": customer},
        "to_dept": {"to_dept": supplier},
        "owner": {"owner": owner},
        "overdue": {"overdue": True},
        "due_within": {"due_within": timedelta(days=5)},
        "since": {"since": NOW - timedelta(days=30)},
        "until": {"until": NOW - timedelta(days=10)},
        "meeting_id": {"meeting_id": meeting},
        "ids": {"ids": list(range(1, 400, 3))},
        "escalated": {"escalated": True},
        "priorities": {"priorities": ["urgent", "low"]},
        "active": {"active": True},
        "mine": {"mine": requester},
        "search": {"search": title[:2]},
    }


def _combinations() -> list[tuple[str, ...]]:
    names = list(FILTERS)
    found = [(), tuple(names)]
    found += [(name,) for name in names]
    found += list(itertools.combinations(names, 2))
    return found


def test_every_filter_has_a_value_here(demo_db: Path) -> None:
    assert set(_filters(demo_db)) == set(FILTERS)


@pytest.mark.parametrize("limit", [None, 7])
def test_request_lists_are_the_same_through_both_readers(
    demo_db: Path, readers: tuple[SqliteReader, SqlAlchemyReader], limit: int | None
) -> None:
    light, general = readers
    values = _filters(demo_db)
    matched = 0
    for names in _combinations():
        arguments: dict[str, Any] = {"limit": limit}
        for name in names:
            arguments.update(values[name])
        filt = RequestFilter(**arguments)
        typed = list(iter_requests(light, filt, NOW))
        assert typed == list(iter_requests(general, filt, NOW)), names
        matched += bool(typed)
        for utf8 in (False, True):
            rows = [request_rows(reader, filt, NOW) for reader in (light, general)]
            if general.dialect != "sqlite":  # raw driver values differ by driver; typed rows match above
                assert rows[0].total() == rows[1].total() == len(typed)
                continue
            if utf8:
                assert all(stream.batches.utf8_text() for stream in rows)
            assert [list(map(tuple, batch)) for batch in rows[0].batches] == [
                list(map(tuple, batch)) for batch in rows[1].batches
            ], names
            assert rows[0].total() == rows[1].total() == len(typed)
    assert matched > len(_combinations()) // 2  # the comparison is not of empty lists


@pytest.mark.parametrize("desc", [False, True])
@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_is_the_same_through_both_readers(
    demo_db: Path, readers: tuple[SqliteReader, SqlAlchemyReader], sort: str, desc: bool
) -> None:
    light, general = readers
    values = _filters(demo_db)
    for arguments in ({}, values["active"], {**values["search"], **values["priorities"]}):
        for limit in (None, 9):
            filt = RequestFilter(**arguments, sort=sort, desc=desc, limit=limit)
            typed = list(iter_requests(light, filt, NOW))
            assert typed == list(iter_requests(general, filt, NOW)), (sort, desc, arguments)
            if general.dialect == "sqlite":  # raw driver values differ by driver; typed rows match above
                rows = [request_rows(reader, filt, NOW) for reader in (light, general)]
                assert [list(map(tuple, b)) for b in rows[0].batches] == [
                    list(map(tuple, b)) for b in rows[1].batches
                ]
            again = request_rows(light, filt, NOW).batches
            assert [row["id"] for row in typed] == [row[0] for batch in again for row in batch]
    every = list(iter_requests(light, RequestFilter(sort=sort, desc=desc), NOW))
    key = {"due": "due_at", "created": "created_at", "updated": "updated_at", "priority": "priority"}[sort]
    rank = {"urgent": 0, "high": 1, "normal": 2, "low": 3}

    def value(row: dict[str, Any]) -> Any:
        return rank[row[key]] if sort == "priority" else row[key]

    expected = sorted(every, key=lambda row: (value(row), row["id"]), reverse=desc)
    assert [row["id"] for row in every] == [row["id"] for row in expected]


def test_search_finds_what_python_finds(readers: tuple[SqliteReader, SqlAlchemyReader]) -> None:
    light, general = readers
    every = list(iter_requests(light, RequestFilter(), NOW))
    for text in ("报价", "VPN", "vpn", "%", "_", "系统", "Q"):
        wanted = text.lower()
        expected = [
            row["id"]
            for row in every
            if wanted in row["title"].lower() or wanted in (row["description"] or "").lower()
        ]
        filt = RequestFilter(search=text)
        assert [row["id"] for row in iter_requests(light, filt, NOW)] == expected, text
        assert [row["id"] for row in iter_requests(general, filt, NOW)] == expected, text


def test_weekly_reports_are_the_same_through_both_readers(
    readers: tuple[SqliteReader, SqlAlchemyReader],
) -> None:
    light, general = readers
    policy = load_policy(light)
    assert policy == load_policy(general)
    latest = weekly_report(light, policy)
    assert latest.departments and any(row["received"] for row in latest.departments)
    for back in range(4):
        week = latest.week.shift(-back, policy.clock)
        for dept in (None, latest.departments[0]["department"]):
            reports = [weekly_report(reader, policy, week, dept).as_dict() for reader in (light, general)]
            for report in reports:
                report.pop("generated_at")
            assert reports[0] == reports[1], (week.label, dept)


def test_a_plan_that_is_not_shipped_is_compiled_when_first_run(
    readers: tuple[SqliteReader, SqlAlchemyReader],
) -> None:
    light, general = readers
    plan = Plan(f"{__name__}:_recent_titles", (3,))
    assert plan.key not in compiled_plans.PLANS
    assert list(light.rows(plan, {"since": NOW - timedelta(days=60)})) == list(
        general.rows(plan, {"since": NOW - timedelta(days=60)})
    )


def _recent_titles(limit: int) -> Any:
    from icrm_cli.storage.core import REQUEST

    since = bindparam("since", type_=UTCDateTime)
    return select(REQUEST.c.id, REQUEST.c.created_at).where(REQUEST.c.created_at >= since).limit(limit)


def test_a_missing_file_is_not_created_and_a_pending_schema_is_upgraded_first(tmp_path: Path) -> None:
    from icrm_cli.errors import DatabaseError
    from icrm_cli.storage.engine import open_database

    target = tmp_path / "new.db"
    with pytest.raises(DatabaseError, match="no icrm database"), open_reader(str(target)):
        pass
    assert not target.exists()
    open_database(str(target), create=True, upgrade=False).close()  # a file with no schema yet
    with open_reader(str(target)) as reader:
        assert isinstance(reader, SqliteReader)  # migrated by the usual path, then read light
        assert list(reader.rows(Plan("icrm_cli.domain.org.statements:departments"))) == []


def test_a_newer_schema_is_refused_by_the_light_reader(cli: Cli, org: Path, db_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO icrm_migrations (name, applied_at) VALUES ('9999_future', 'x')")
    result = cli("request", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: this database was written by a newer icrm (schema 9999_future)")


def test_not_a_database_is_one_error_line(cli: Cli, db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite" * 100)
    result = cli("report", "weekly", "--format", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {str(db_path)!r} is not a SQLite database (wrong file?)"]


def test_a_database_not_in_wal_mode_is_switched_first_then_read_light(
    cli: Cli, org: Path, db_path: Path
) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    assert SqliteReader.open(db_path, str(db_path)) is None
    # A name, not a code: the lookup opens a second (ORM) connection while the light one reads.
    cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    listed = json.loads(cli.ok("request", "list", "--to", "it", "--format", "json").stdout)
    assert [row["title"] for row in listed] == ["开通VPN账号"]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_relative_file_colon_name_is_a_file_name_not_a_uri(
    cli: Cli, org_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cli.ok("--db", "file:h.db", "org", "apply", str(org_file))
    cli.ok("--db", "file:h.db", "request", "new", "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    listed = json.loads(cli.ok("--db", "file:h.db", "request", "list", "--format", "json").stdout)
    assert [row["title"] for row in listed] == ["开通VPN账号"]
    assert not (tmp_path / "h.db").exists()


def test_a_huge_limit_is_refused_before_anything_is_written(cli: Cli, org: Path) -> None:
    result = cli.fails("request", "list", "--limit", "99999999999999999999999", "--format", "csv")
    assert result.stdout == ""
    assert result.stderr == "Error: a number or date is out of range\n"


def _titled(flag: str) -> Any:
    from sqlalchemy import literal_column

    from icrm_cli.storage.core import REQUEST

    return REQUEST.c.title != literal_column(f"'{flag} :id_1'")


def _filtered_base() -> Any:
    from icrm_cli.storage.core import REQUEST

    return select(REQUEST.c.id).where(REQUEST.c.id > 0)


def _ordered_base() -> Any:
    from icrm_cli.storage.core import REQUEST

    return select(REQUEST.c.id).order_by(REQUEST.c.id)


def _grouped_base() -> Any:
    from icrm_cli.storage.core import REQUEST

    return select(REQUEST.c.status).group_by(REQUEST.c.status)


def _limited_base() -> Any:
    from icrm_cli.storage.core import REQUEST

    return select(REQUEST.c.id).limit(5)


def _offset_base() -> Any:
    from icrm_cli.storage.core import REQUEST

    return select(REQUEST.c.id).offset(5)


def test_parts_the_light_reader_cannot_put_together_are_refused_when_compiled() -> None:
    with pytest.raises(ValueError, match="quoted text"):
        compile_plan(Plan(f"{__name__}:_titled", ("see",)), "where")
    for base in ("_filtered_base", "_ordered_base", "_grouped_base", "_limited_base", "_offset_base"):
        with pytest.raises(ValueError, match="must be a SELECT without WHERE"):
            compile_plan(Plan(f"{__name__}:{base}"), "base")
    with pytest.raises(TypeError, match="tuple IN"):
        bind(Compiled(sql="SELECT 1 WHERE (a, b) IN (__[POSTCOMPILE_pairs])"), {"pairs": [(1, 2)]})


def test_an_export_since_a_date_is_the_full_export_cut_there(
    readers: tuple[SqliteReader, SqlAlchemyReader],
) -> None:
    """Read through the created_at index and sorted (see queries.requests.oldest_first_in_range)."""
    from icrm_cli.domain.requests.query import EXPORT_KEYS

    light, general = readers
    since = NOW - timedelta(days=20)

    def exported(reader: Any, start: datetime | None) -> list[tuple[Any, ...]]:
        filt = RequestFilter(since=start, oldest_first=True)
        stream = request_rows(reader, filt, NOW, EXPORT_KEYS)
        return [tuple(row) for batch in stream.batches for row in batch]

    created = EXPORT_KEYS.index("created_at")
    whole = exported(light, None)
    assert [row[0] for row in whole] == sorted(row[0] for row in whole)
    cut = [row for row in whole if read_time(row[created]) >= since]  # type: ignore[operator]
    assert 0 < len(cut) < len(whole)
    assert exported(light, since) == cut
    if general.dialect == "sqlite":  # raw driver values: the same only for the same driver
        assert exported(general, since) == cut
    else:
        assert [row[0] for row in exported(general, since)] == [row[0] for row in cut]
