"""Tables at 80 and 120 columns: no word broken, the least important columns left out and named (16.10)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

LONG = "Quarterly reconciliation of the Shanghai warehouse inventory discrepancies 上海仓库存差异季度核对"


@pytest.fixture
def busy(cli: Cli, org: object) -> None:
    for index in range(3):
        rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", f"{LONG} #{index}",
                          "--priority", "urgent")  # fmt: skip
        cli.ok("request", "start", str(rid), actor="feng.kai")
    cli.ok("escalate", "open", "--request", "1", "--reason", "interface contact unreachable 接口人联系不上")
    cli.ok("feedback", "give", "--from", "SALES", "--to", "IT", "--score", "4", "--note",
           "responsive and thorough 响应及时")  # fmt: skip


COMMANDS = [["request", "list"], ["escalate", "list"], ["feedback", "list"], ["request", "show", "1"]]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv))
def test_tables_fit_without_breaking_words(
    cli: Cli, busy: None, monkeypatch: pytest.MonkeyPatch, width: int, argv: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = cli.ok(*argv).stdout
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines), max(lines, key=cell_len)
    words = set(re.findall(r"[A-Za-z][A-Za-z_.]{3,}", out))
    for word in ("Quarterly", "reconciliation", "in_progress", "interface", "responsive", "feng.kai"):
        if any(word.startswith(part) and part != word for part in words):
            pytest.fail(f"{word!r} was broken: {sorted(w for w in words if word.startswith(w))}")
    for header in ("priority", "request", "status"):
        assert not any(header.startswith(w) and w != header for w in words), header


def test_columns_left_out_are_named(cli: Cli, busy: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    narrow = cli.ok("request", "list").stdout
    assert "(left out at 80 columns: overdue, priority; --format csv has all)" in narrow
    assert "due" in narrow.splitlines()[1]  # the due time stays longer than priority and overdue
    monkeypatch.setenv("COLUMNS", "160")
    assert "left out" not in cli.ok("request", "list").stdout
    rows = json.loads(cli.ok("request", "list", "--format", "json").stdout)
    assert rows[0]["priority"] == "urgent"  # other formats are untouched


@pytest.mark.parametrize("width", [80, 120])
def test_the_weekly_report_fits_with_whole_figures(
    cli: Cli, busy: None, monkeypatch: pytest.MonkeyPatch, width: int, db_path: Path
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = cli.ok("report", "weekly", "--week", "2026-W46").stdout
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines), max(lines, key=cell_len)
    assert "…" not in out  # no code, name or figure cut short
    header = next(line for line in lines if line.strip().startswith("dept"))
    assert "recv" in header and "done" in header
    assert f"(left out at {width} columns: lvl, rated" in out
    assert any(line.strip().startswith("SALES ") for line in lines)
