"""`report export`: CSV/JSON of whole tables, streamed, spreadsheet-safe, Chinese intact."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from icrm_cli.domain.requests.query import EXPORT_KEYS, REQUEST_KEYS
from icrm_cli.output import report_export
from icrm_cli.output.report_export import TimeText
from icrm_cli.timeutil import Clock, zone_from_name
from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


@pytest.fixture
def filed(cli: Cli, org: object, frozen: Any) -> list[int]:
    ids = [new_request(cli, "--from", "SALES", "--to", "IT", "--title", '=HYPERLINK("http://x")')]
    frozen.shift(timedelta(days=1))
    ids.append(
        new_request(cli, "--from", "HR", "--to", "FIN", "--title", "核对工资表", "--description", "-5 元差额")
    )
    cli.ok("request", "ack", str(ids[1]), actor="gao.yan")
    frozen.shift(timedelta(days=1))
    ids.append(new_request(cli, "--from", "MKT", "--to", "DEV", "--title", "@提醒 上线"))
    cli.ok("request", "transfer", str(ids[2]), "--to", "IT", "--reason", "+1 转信息部", actor="wu.tao")
    return ids


def test_requests_csv(cli: Cli, filed: list[int]) -> None:
    result = cli.ok("report", "export", "requests")
    text = result.stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(EXPORT_KEYS)  # the list's keys but the computed updated_at, then the pauses
    assert (*(k for k in REQUEST_KEYS if k != "updated_at"), "paused_seconds", "waiting_since") == EXPORT_KEYS
    assert len(rows) == 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["title"] == '\'=HYPERLINK("http://x")'
    assert first["created_at"] == "2026-11-16T09:00:00+08:00"
    assert first["overdue"] == "false"
    assert first["acknowledged_at"] == ""
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["title"] == "核对工资表"
    assert second["description"] == "'-5 元差额"
    assert second["acknowledged_at"] == "2026-11-17T09:00:00+08:00"
    third = dict(zip(rows[0], rows[3], strict=True))
    assert (third["title"], third["to_dept"], third["transfers"]) == ("'@提醒 上线", "IT", "1")
    assert result.stdout_bytes.count(b"\r\n") == 4


def test_requests_json_matches_request_list(cli: Cli, filed: list[int]) -> None:
    exported = json.loads(cli.ok("report", "export", "requests", "--format", "json").stdout)
    listed = json.loads(cli.ok("request", "list", "--all", "--format", "json").stdout)
    shared = [k for k in REQUEST_KEYS if k != "updated_at"]
    assert [{k: r[k] for k in shared} for r in exported] == [
        {k: r[k] for k in shared} for r in sorted(listed, key=lambda r: r["id"])
    ]
    assert exported[0]["title"] == '=HYPERLINK("http://x")'  # JSON is data, never guarded
    assert exported[0]["paused_seconds"] == 0 and exported[0]["waiting_since"] is None


def test_since_until_and_excel(cli: Cli, filed: list[int], tmp_path: Path) -> None:
    target = tmp_path / "导出.csv"
    result = cli.ok(
        "report",
        "export",
        "requests",
        "--since",
        "2026-11-17",
        "--until",
        "2026-11-17",
        "--excel",
        "-o",
        str(target),
    )
    assert result.stdout == "" and result.stderr == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [filed[1]]
    empty = cli.ok("report", "export", "requests", "--format", "json", "--since", "2030-01-01").stdout
    assert json.loads(empty) == []
    header_only = cli.ok("report", "export", "requests", "--since", "2030-01-01").stdout
    assert header_only.startswith("id,title,") and header_only.count("\n") == 1


def test_events_export(cli: Cli, filed: list[int]) -> None:
    events = json.loads(cli.ok("report", "export", "events", "--format", "json").stdout)
    assert list(events[0]) == ["id", "entity", "entity_id", "at", "actor", "by", "kind", "note", "detail"]
    transfer = next(e for e in events if e["kind"] == "transferred")
    assert transfer["detail"]["from_dept"] == "DEV" and transfer["detail"]["to_dept"] == "IT"
    assert transfer["actor"] == "wu.tao" and transfer["at"] == "2026-11-18T09:00:00+08:00"
    rows = list(csv.DictReader(io.StringIO(cli.ok("report", "export", "events").stdout)))
    row = next(r for r in rows if r["kind"] == "transferred")
    assert row["note"] == "'+1 转信息部"
    assert json.loads(row["detail"])["to_dept"] == "IT"


def test_no_progress_on_stdout_or_off_a_terminal(
    cli: Cli, filed: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar itself is drawn on a real pseudo-terminal in tests/test_progress.py."""
    monkeypatch.setenv("ICRM_PROGRESS_DELAY", "0")
    monkeypatch.setattr(report_export, "stderr_is_terminal", lambda: True)
    assert cli.ok("report", "export", "requests").stderr == ""
    monkeypatch.setattr(report_export, "stderr_is_terminal", lambda: False)
    assert cli.ok("report", "export", "requests", "-o", str(tmp_path / "q.csv")).stderr == ""


def test_time_text() -> None:
    shanghai = TimeText(Clock(zone_from_name("Asia/Shanghai")))
    assert shanghai("2026-12-31 16:30:05.000000") == "2027-01-01T00:30:05+08:00"
    assert shanghai("2026-12-31 16:30:05") == "2027-01-01T00:30:05+08:00"
    assert shanghai(None) is None
    india = TimeText(Clock(zone_from_name("Asia/Kolkata")))
    assert india("2026-12-31 16:30:05.000000") == "2026-12-31T22:00:05+05:30"
    berlin = TimeText(Clock(zone_from_name("Europe/Berlin")))
    assert berlin("2026-03-29 00:59:59.000000") == "2026-03-29T01:59:59+01:00"
    assert berlin("2026-03-29 01:00:00.000000") == "2026-03-29T03:00:00+02:00"
