"""The columnar CSV/JSON writer behind `request list` and `report export`: byte-identical to the
plain renderers (``csv.writer``, ``Clock.iso``, ``emit_rows``) it replaced on the hot paths."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from icrm_cli.output.columnar import CsvColumns, JsonColumns, TimeText
from icrm_cli.output.values import csv_value
from icrm_cli.safe_text import visible_utf8
from icrm_cli.timeutil import Clock, zone_from_name
from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

ZONES = ("Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Europe/Berlin")
HOSTILE = [
    "",
    "plain",
    "=SUM(A1)",
    "+86 电话",
    "-5 元",
    "@所有人",
    "\t制表",
    "\r回车",
    'say "hi"',
    "a,b",
    "第一行\n第二行",
    "a\rb",
    "x=1",
    " =lead space",
    "'already",
    "[研发部] 紧急",
    "\x00nul",
    "é",
]


def _csv_writer_bytes(rows: list[list[Any]]) -> bytes:
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return stream.getvalue().encode()


def _fast_bytes(kinds: list[str], rows: list[tuple[Any, ...]], clock: Clock) -> bytes:
    columns = CsvColumns(kinds, clock).convert(rows)
    # The writer shows unsafe characters as escapes on the joined rows (report_export._Encoder).
    return visible_utf8(b"".join(b",".join(row) + b"\r\n" for row in zip(*columns, strict=True)))


def _stored(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.000000")


@pytest.mark.parametrize("as_bytes", [True, False])
def test_csv_cells_match_csv_writer(as_bytes: bool) -> None:
    clock = Clock(zone_from_name("Asia/Shanghai"))
    rng = random.Random(5)
    rows: list[tuple[Any, ...]] = []
    for index in range(400):
        text = rng.choice([*HOSTILE, None]) if index % 7 else None
        rows.append((index * 97 - 3, text, rng.choice(HOSTILE), rng.choice([None, 0, 1, 12_345])))
    kinds = ["int", "text", "text", "int"]
    expected = _csv_writer_bytes([[csv_value(v, clock) for v in row] for row in rows])
    if as_bytes:  # what SQLite hands over for CSV: numbers and text as UTF-8 bytes
        rows = [tuple(None if v is None else str(v).encode() for v in row) for row in rows]
    assert _fast_bytes(kinds, rows, clock) == expected


def test_csv_cells_of_other_types_and_a_lone_column() -> None:
    clock = Clock(zone_from_name("Asia/Shanghai"))
    rows: list[tuple[Any, ...]] = [(["a", "=b"], {"k": "值"}, True), ([], None, None), (("x",), "-1", False)]
    expected = _csv_writer_bytes([[csv_value(v, clock) for v in row] for row in rows])
    assert _fast_bytes(["list", "json", "bool"], rows, clock) == expected
    lone = [("",), (None,), ("x",)]
    assert _fast_bytes(["text"], lone, clock) == _csv_writer_bytes(
        [["" if v is None else v] for (v,) in lone]
    )


@pytest.mark.parametrize("zone", ZONES)
def test_time_columns_match_clock_iso(zone: str) -> None:
    clock = Clock(zone_from_name(zone))
    rng = random.Random(zone)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(seconds=rng.randrange(2 * 365 * 86400)) for _ in range(3000)]
    # DST edges of New York and Berlin, whole and part-hour zones, missing values.
    moments += [datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)]
    values: list[Any] = [None if index % 11 == 0 else _stored(m) for index, m in enumerate(moments)]
    expected = [
        None if v is None else clock.iso(datetime.fromisoformat(v).replace(tzinfo=UTC)) for v in values
    ]
    times = TimeText(clock)
    assert times.column(values, None) == expected
    utf8 = [None if v is None else v.encode() for v in values]
    assert times.utf8_column(utf8) == [b"" if v is None else v.encode() for v in expected]
    assert times.utf8_column(values) == [b"" if v is None else v.encode() for v in expected]


def test_time_columns_of_short_text_and_datetimes() -> None:
    clock = Clock(zone_from_name("Asia/Shanghai"))
    times = TimeText(clock)
    assert times.column(["2026-11-16 01:30:00.000000", "2026-11-16 01:30"], "") == [
        "2026-11-16T09:30:00+08:00",
        "2026-11-16T09:30:00+08:00",
    ]
    moment = datetime(2026, 11, 16, 1, 30, 5, tzinfo=UTC)
    assert times.utf8_column([moment, None]) == [b"2026-11-16T09:30:05+08:00", b""]


def test_json_columns() -> None:
    clock = Clock(zone_from_name("Asia/Shanghai"))
    columns = JsonColumns(["int", "bool", "time", "json", "list"], clock)
    converted = columns.convert(
        [(1, 1, "2026-11-16 01:30:00.000000", '{"a": "值"}', ("x",)), (2, 0, None, None, None)]
    )
    assert [list(c) for c in converted] == [
        [1, 2],
        [True, False],
        ["2026-11-16T09:30:00+08:00", None],
        [{"a": "值"}, None],
        [["x"], []],
    ]


@pytest.fixture
def filed(cli: Cli, org: object, frozen: Any) -> list[int]:
    ids = [
        new_request(
            cli, "--from", "SALES", "--to", "IT", "--title", '=HYPERLINK("x")', "--description", "a,b"
        ),
        new_request(
            cli, "--from", "HR", "--to", "FIN", "--title", '核对 "工资"', "--description", "第一行\n第二行"
        ),
    ]
    frozen.shift(timedelta(days=10))  # the first two are overdue now
    ids.append(
        new_request(cli, "--from", "MKT", "--to", "DEV", "--title", "@提醒 上线", "--priority", "urgent")
    )
    cli.ok("request", "ack", str(ids[1]), actor="gao.yan")
    cli.ok("request", "start", str(ids[2]), actor="wu.tao")
    cli.ok("request", "wait", str(ids[2]), "--reason", "等客户", actor="wu.tao")
    return ids


def _rendered(fmt: str, *args: str, excel: bool = False) -> bytes:
    """The same list through the general renderer (``emit_rows``), as before the fast path."""
    from icrm_cli.domain.org.settings import load_policy
    from icrm_cli.domain.requests.query import RequestFilter, iter_requests
    from icrm_cli.output import OutputOptions, emit_rows
    from icrm_cli.output.columns import REQUEST_COLUMNS
    from icrm_cli.storage.engine import open_database

    out = io.BytesIO()
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="" if fmt == "csv" else None)
    import os
    import sys

    database = open_database(os.environ["ICRM_DB"])
    saved = sys.stdout
    sys.stdout = stream
    try:
        with database.session() as session:
            policy = load_policy(session)
            filt = RequestFilter(overdue="--overdue" in args, statuses=[a for a in args if a != "--overdue"])
            rows = iter_requests(session, filt, policy.clock.now())
            emit_rows(rows, REQUEST_COLUMNS, OutputOptions(fmt=fmt, excel=excel, clock=policy.clock))
        stream.flush()
    finally:
        sys.stdout = saved
        database.close()
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "args", "excel"),
    [("csv", (), False), ("json", (), False), ("csv", (), True), ("csv", ("--overdue",), False)],
)
def test_request_list_is_byte_identical_to_the_general_renderer(
    cli: Cli, filed: list[int], fmt: str, args: tuple[str, ...], excel: bool
) -> None:
    extra = ["--excel"] if excel else []
    listed = cli.ok("request", "list", "--format", fmt, *args, *extra).stdout_bytes
    assert listed == _rendered(fmt, *args, excel=excel)
    if fmt == "json":
        assert {row["id"] for row in json.loads(listed)} == set(filed)


def test_request_list_writes_nothing_before_an_error(cli: Cli, filed: list[int]) -> None:
    result = cli.fails("request", "list", "--format", "csv", "--to", "NOPE")
    assert result.stdout == ""
    assert cli.fails("request", "list", "--format", "json", "--limit", "-1").stdout == ""
