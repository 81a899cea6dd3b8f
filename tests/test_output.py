"""Output formats: JSON keys, CSV (header, formula guard, BOM, -o), tables without ANSI or markup."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from icrm_cli.output.values import csv_value
from icrm_cli.timeutil import Clock
from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

REQUEST_KEYS = [
    "id",
    "title",
    "description",
    "from_dept",
    "to_dept",
    "requester",
    "owner",
    "priority",
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "due_at",
    "overdue",
    "transfers",
    "reopened",
    "meeting_id",
    "updated_at",
]
NO_EDIT = {"field": None, "old": None, "new": None}  # the keys an `edited` event fills
MARKUP_TITLE = "[研发部] [bold]紧急[/bold] 服务器扩容"


@pytest.fixture
def filed(cli: Cli, org: object) -> list[int]:
    ids = [
        new_request(
            cli, "--from", "SALES", "--to", "IT", "--title", "=SUM(A1:A9)", "--description", "-5 元差额"
        ),
        new_request(cli, "--from", "HR", "--to", "FIN", "--title", "+86 电话核对"),
        new_request(
            cli, "--from", "MKT", "--to", "DEV", "--title", "@所有人 上线通知", "--priority", "urgent"
        ),
        new_request(
            cli, "--from", "RD", "--to", "OPS", "--title", MARKUP_TITLE, "--description", "第一行\n第二行"
        ),
    ]
    cli.ok("request", "ack", str(ids[1]), actor="gao.yan")
    return ids


def test_json_list_keys_exact(cli: Cli, filed: list[int]) -> None:
    rows = json.loads(cli.ok("request", "list", "--sort", "created", "--desc", "--format", "json").stdout)
    assert [row["id"] for row in rows] == filed[::-1]
    for row in rows:
        assert list(row) == REQUEST_KEYS
    first = rows[-1]
    assert first["title"] == "=SUM(A1:A9)"  # JSON is not guarded: it is data, not a spreadsheet
    assert first["overdue"] is False and first["transfers"] == 0 and first["meeting_id"] is None
    assert first["created_at"] == "2026-11-16T09:00:00+08:00"
    assert (
        first["from_dept"] == "SALES" and first["owner"] == "feng.kai" and first["requester"] == "zhang.wei"
    )


def test_json_show_adds_events(cli: Cli, filed: list[int]) -> None:
    shown = json.loads(cli.ok("request", "show", str(filed[1]), "--format", "json").stdout)
    assert list(shown) == [*REQUEST_KEYS, "events", "escalations"]
    assert shown["escalations"] == []
    plain = {"note": None, "from_dept": None, "to_dept": None, **NO_EDIT}
    assert shown["events"] == [
        {"at": "2026-11-16T09:00:00+08:00", "actor": "zhang.wei", "by": None, "kind": "created", **plain},
        {"at": "2026-11-16T09:00:00+08:00", "actor": "gao.yan", "by": None, "kind": "acknowledged", **plain},
    ]
    assert shown["acknowledged_at"] == "2026-11-16T09:00:00+08:00"


def test_a_transfer_event_says_from_and_to(cli: Cli, filed: list[int]) -> None:
    request = str(filed[1])
    cli.ok("request", "transfer", request, "--to", "OPS", "--reason", "属于运维", actor="gao.yan")
    shown = json.loads(cli.ok("request", "show", request, "--format", "json").stdout)
    moved = shown["events"][-1]
    assert (moved["kind"], moved["from_dept"], moved["to_dept"], moved["note"]) == (
        "transferred",
        "FIN",
        "OPS",
        "属于运维",
    )
    table = cli.ok("request", "show", request).stdout
    assert any("transferred" in line and "FIN" in line and "OPS" in line for line in table.splitlines())


def test_json_new_prints_object(cli: Cli, org: object) -> None:
    out = cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "新电脑", "--format", "json")
    assert list(json.loads(out.stdout)) == REQUEST_KEYS


def test_json_empty_list(cli: Cli, org: object) -> None:
    assert json.loads(cli.ok("request", "list", "--format", "json").stdout) == []


def test_csv_header_and_formula_guard(cli: Cli, filed: list[int]) -> None:
    result = cli.ok("request", "list", "--format", "csv")
    assert not result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    raw = result.stdout_bytes.decode("utf-8")
    assert raw.count("\r\n") == len(filed) + 1  # RFC 4180 line ends; the newline inside a cell stays
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert list(rows[0]) == REQUEST_KEYS
    by_id = {int(row["id"]): row for row in rows}
    assert by_id[filed[0]]["title"] == "'=SUM(A1:A9)"
    assert by_id[filed[0]]["description"] == "'-5 元差额"
    assert by_id[filed[1]]["title"] == "'+86 电话核对"
    assert by_id[filed[2]]["title"] == "'@所有人 上线通知"
    assert by_id[filed[3]]["title"] == MARKUP_TITLE
    assert by_id[filed[3]]["description"] == "第一行\n第二行"
    assert by_id[filed[0]]["transfers"] == "0" and by_id[filed[0]]["overdue"] == "false"
    assert by_id[filed[0]]["due_at"] == "2026-11-21T09:00:00+08:00"  # times are not guarded either


def test_csv_header_when_empty(cli: Cli, org: object) -> None:
    out = cli.ok("request", "list", "--format", "csv").stdout_bytes.decode("utf-8")
    assert out == ",".join(REQUEST_KEYS) + "\r\n"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r\n"])
def test_formula_guard_unit(start: str) -> None:
    clock = Clock()
    assert csv_value(f"{start}cmd", clock) == f"'{start}cmd"
    assert csv_value(f"a{start}", clock) == f"a{start}"


def test_a_lone_carriage_return_is_shown_not_guarded() -> None:
    """A CR outside a Windows line end becomes ``\\x0d``: nothing left for a spreadsheet to run."""
    clock = Clock()
    assert csv_value("\rcmd", clock) == "\\x0dcmd"
    assert csv_value("a\r", clock) == "a\\x0d"


def test_formula_guard_numbers_exempt() -> None:
    clock = Clock()
    assert csv_value(-5, clock) == -5
    assert csv_value(-1.5, clock) == -1.5
    assert csv_value(True, clock) == "true"
    assert csv_value(None, clock) == ""
    assert csv_value(["-a", "b"], clock) == "'-a; b"
    assert str(csv_value(datetime(2026, 1, 1, tzinfo=UTC), Clock())).startswith("2026-01-01T")


def test_excel_bom(cli: Cli, filed: list[int]) -> None:
    result = cli.ok("request", "list", "--format", "csv", "--excel")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert result.stdout_bytes.count(b"\xef\xbb\xbf") == 1
    text = result.stdout_bytes.decode("utf-8-sig")
    assert text.startswith("id,title,")
    assert "上线通知" in text


def test_output_file(cli: Cli, filed: list[int], tmp_path: Path) -> None:
    target = tmp_path / "导出.csv"
    result = cli.ok("request", "list", "--format", "csv", "--excel", "-o", str(target))
    assert result.stdout == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == REQUEST_KEYS and len(rows) == 1 + len(filed)
    json_target = tmp_path / "out.json"
    cli.ok("request", "list", "--format", "json", "--output", str(json_target))
    assert len(json.loads(json_target.read_text(encoding="utf-8"))) == len(filed)


def test_output_file_unwritable(cli: Cli, filed: list[int], tmp_path: Path) -> None:
    result = cli.fails("request", "list", "--format", "csv", "-o", str(tmp_path / "no" / "dir.csv"))
    assert "dir.csv" in result.stderr


def test_table_shows_markup_literally(cli: Cli, filed: list[int]) -> None:
    listing = cli.ok("request", "list").stdout
    assert MARKUP_TITLE in listing
    assert "\x1b[" not in listing
    shown = cli.ok("request", "show", str(filed[3])).stdout
    assert MARKUP_TITLE in shown
    assert "\x1b[" not in shown


def test_table_cjk_aligned(cli: Cli, filed: list[int]) -> None:
    listing = cli.ok("request", "list").stdout
    body = [line for line in listing.splitlines() if line.strip()[:1].isdigit()]
    assert len(body) == len(filed)
    # every row puts its 'due' cell at the same display column, whatever the CJK width before it
    due_columns = {cell_len(line[: line.index("2026-")]) for line in body}
    assert len(due_columns) == 1, listing


def test_no_color_env(cli: Cli, filed: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    from icrm_cli.output import sink

    monkeypatch.setattr(sink, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli.ok("request", "list").stdout
    assert "\x1b[" not in cli.ok("request", "show", str(filed[0])).stdout


def _run_on_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run icrm with stdout on a pseudo-terminal; returns what it printed."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "icrm_cli", *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(main)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else b""
    return b"".join(chunks)


def _env(**extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(extra)
    return env


def test_ansi_only_on_a_terminal(cli: Cli, filed: list[int]) -> None:
    coloured = _run_on_terminal(["request", "list"], _env(TERM="xterm-256color"))
    assert b"\x1b[" in coloured  # the control: a terminal does get colour
    plain = _run_on_terminal(["request", "list"], _env(TERM="xterm-256color", NO_COLOR="1"))
    assert b"\x1b[" not in plain
    assert "上线通知".encode() in plain
    piped = subprocess.run(
        [sys.executable, "-m", "icrm_cli", "request", "list"], capture_output=True, env=_env(), check=True
    )
    assert b"\x1b[" not in piped.stdout
    assert MARKUP_TITLE.encode() in piped.stdout


def test_chinese_end_to_end(cli: Cli, org: object, tmp_path: Path) -> None:
    rid = new_request(
        cli,
        "--from",
        "CS",
        "--to",
        "WH",
        "--title",
        "客户投诉: 货物破损",
        "--description",
        "订单号 20261116-001, 需补发",
    )
    cli.ok("request", "ack", str(rid), actor="guo.qiang")
    cli.ok("request", "comment", str(rid), "已联系快递公司理赔", actor="guo.qiang")
    table = cli.ok("request", "show", str(rid)).stdout
    for text in ("客户投诉: 货物破损", "订单号 20261116-001, 需补发", "已联系快递公司理赔"):
        assert text in table
    data = cli.ok("request", "show", str(rid), "--format", "json").stdout
    assert "客户投诉: 货物破损" in data  # raw UTF-8, not \\u escapes
    exported = tmp_path / "out.csv"
    cli.ok("request", "list", "--format", "csv", "-o", str(exported))
    assert "客户投诉: 货物破损" in exported.read_text(encoding="utf-8")
    assert "客户投诉: 货物破损" in cli.ok("request", "list").stdout


def test_show_format_csv_is_usage_error(cli: Cli, filed: list[int]) -> None:
    cli.fails("request", "show", str(filed[0]), "--format", "csv", code=2)
