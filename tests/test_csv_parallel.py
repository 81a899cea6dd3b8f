"""A large CSV export shares its conversion with a helper process: the same bytes, in order."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from icrm_cli.output import csv_parallel
from icrm_cli.output.columnar import CsvColumns
from icrm_cli.output.csv_parallel import HelperSpec, Shares, converted
from icrm_cli.timeutil import Clock
from tests.conftest import Cli

KINDS = ("int", "text", "text", "time", "time", "bool", "int")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NASTY = [b"=1+2", b"-3", b'say "hi", then\r\nleave', b"\xe5\xbc\x80\xe9\x80\x9a VPN", b"\x1b[31mred", b""]


def _rows(batches: int, size: int) -> list[list[tuple[Any, ...]]]:
    """Batches as SQLite hands them over for CSV: UTF-8 bytes, numbers, None."""
    start = datetime(2026, 3, 1, 0, 0, 0)
    out = []
    for b in range(batches):
        batch = []
        for i in range(size):
            n = b * size + i
            moment = (start + timedelta(minutes=37 * n)).strftime("%Y-%m-%d %H:%M:%S.000000").encode()
            batch.append(
                (
                    str(n).encode(),
                    NASTY[n % len(NASTY)],
                    None if n % 3 else b"plain",
                    moment,
                    None if n % 2 else moment,
                    n % 2,
                    None if n % 5 else str(n * 7).encode(),
                )
            )
        out.append(batch)
    return out


def _csv(batches: list[list[tuple[Any, ...]]], spec: HelperSpec | None, shares: Shares, alone: int) -> bytes:
    columns = CsvColumns(KINDS, Clock(SHANGHAI))
    return b"\r\n".join(
        lines for _rows, lines in converted(batches, columns, spec, alone=alone, shares=shares)
    )


def test_the_helper_converts_some_batches_and_the_bytes_are_the_same() -> None:
    batches = _rows(24, 40)
    alone, shared = Shares(), Shares()
    expected = _csv(batches, None, alone, alone=1)
    assert alone.helper == 0 and alone.here == 24
    got = _csv(batches, HelperSpec(KINDS, SHANGHAI), shared, alone=2)
    assert got == expected
    assert shared.helper > 0 and shared.here + shared.helper == 24
    assert b"'=1+2" in got and b"\\x1b" in got and b"+08:00" in got  # guarded, escaped, local time


def test_a_small_export_never_starts_the_helper() -> None:
    shares = Shares()
    _csv(_rows(3, 10), HelperSpec(KINDS, SHANGHAI), shares, alone=csv_parallel.ALONE_BATCHES)
    assert shares == Shares(here=3, helper=0)


def _explode() -> tzinfo:
    raise RuntimeError("this zone cannot be rebuilt in the helper")


class ShanghaiHere(tzinfo):
    """UTC+8 in this process; unpickling it in the helper fails, so the helper never starts."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=8)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "CST"

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (_explode, ())


def test_a_helper_that_cannot_start_leaves_the_work_here_with_the_same_bytes() -> None:
    batches = _rows(8, 20)
    columns = CsvColumns(KINDS, Clock(ShanghaiHere()))
    reference = CsvColumns(KINDS, Clock(SHANGHAI))
    shares = Shares()
    got = [
        lines
        for _n, lines in converted(
            batches, columns, HelperSpec(KINDS, ShanghaiHere()), alone=1, shares=shares
        )
    ]
    want = [lines for _n, lines in converted(batches, reference, None, alone=1)]
    assert got == want
    assert shares == Shares(here=8, helper=0)


def _grow(db: Path, at_least: int) -> int:
    """Double the requests (copies of the demo's rows) until there are ``at_least``."""
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(request)") if row[1] != "id"]
        listed = ", ".join(columns)
        while (count := conn.execute("SELECT count(*) FROM request").fetchone()[0]) < at_least:
            conn.execute(f"INSERT INTO request ({listed}) SELECT {listed} FROM request")
    return int(count)


@pytest.fixture
def big_db(cli: Cli, db_path: Path) -> Iterator[Path]:
    cli.ok("demo", "--requests", "400", "--no-report")
    rows = _grow(db_path, (csv_parallel.ALONE_BATCHES + 6) * 5000)
    assert rows > csv_parallel.ALONE_BATCHES * 5000
    yield db_path


def test_a_large_export_from_the_command_line_is_byte_for_byte_the_serial_one(
    cli: Cli, big_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = csv_parallel.ALONE_BATCHES * 5000  # past this many rows the helper joins in
    shared = tmp_path / "shared.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "icrm_cli",
            "report",
            "export",
            "requests",
            "--format",
            "csv",
            "-o",
            str(shared),
        ],
        env={**os.environ, "ICRM_USER": "cron"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no helper start-up noise, no second run of the command
    serial = tmp_path / "serial.csv"
    monkeypatch.setattr(csv_parallel, "ALONE_BATCHES", 10**9)
    cli.ok("report", "export", "requests", "--format", "csv", "-o", str(serial), actor="cron")
    assert shared.read_bytes() == serial.read_bytes()
    assert shared.read_bytes().count(b"\r\n") > rows


def test_a_helper_importing_the_main_module_does_not_run_the_command() -> None:
    """A "spawn" helper imports `python -m icrm_cli`'s main module under another name; it must not
    run the command line a second time."""
    probe = "import runpy; runpy.run_module('icrm_cli', run_name='__mp_main__')"
    done = subprocess.run(
        [sys.executable, "-c", probe, "demo", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
