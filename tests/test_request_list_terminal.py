"""`request list` for daily terminal use: --search, --priority, --sort/--desc, --mine, --all,
the table's default page with its footer, and the `updated_at` key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def listed(cli: Cli, *args: str) -> list[dict[str, Any]]:
    return list(json.loads(cli.ok("request", "list", *args, "--format", "json").stdout))


def ids(cli: Cli, *args: str) -> list[int]:
    return [row["id"] for row in listed(cli, *args)]


@pytest.fixture
def filed(cli: Cli, org: Path) -> dict[str, int]:
    """Requests with titles and descriptions to search, at every priority."""
    made = {}
    for key, title, description, priority in [
        ("vpn", "开通VPN账号", "新同事入职, 需要 VPN", "high"),
        ("printer", "Printer jam on 3F", None, "normal"),
        ("percent", "报价单 100% 完成", "含税_价格", "urgent"),
        ("report", "月度报表", "Monthly REPORT for the printer budget", "low"),
        ("underscore", "tax_rate 更新", None, "normal"),
    ]:
        args = ["--from", "SALES", "--to", "IT", "--title", title, "--priority", priority]
        if description:
            args += ["--description", description]
        made[key] = new_request(cli, *args)
    return made


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("printer", ["printer", "report"]),  # title or description
        ("PRINTER", ["printer", "report"]),  # ASCII letters in any case
        ("vpn", ["vpn"]),
        ("报价", ["percent"]),  # CJK substrings
        ("报表", ["report"]),
        ("100%", ["percent"]),  # % is a character, not a wildcard
        ("%", ["percent"]),
        ("_", ["percent", "underscore"]),  # so is _
        ("x_r", ["underscore"]),
        ("税_价", ["percent"]),
        ("税价", []),
        ("\\", []),
        ("nothing like this", []),
    ],
)
def test_search(cli: Cli, filed: dict[str, int], text: str, expected: list[str]) -> None:
    assert ids(cli, "--search", text, "--sort", "created") == [filed[key] for key in expected]


def test_search_combines_with_other_filters_and_empty_text_is_an_error(
    cli: Cli, filed: dict[str, int]
) -> None:
    assert ids(cli, "--search", "printer", "--priority", "low") == [filed["report"]]
    assert ids(cli, "--search", "printer", "--to", "HR") == []
    result = cli.fails("request", "list", "--search", "")
    assert result.stderr == "Error: --search is empty: give a value, or leave the option out\n"


def test_priority_filter_repeats(cli: Cli, filed: dict[str, int]) -> None:
    assert ids(cli, "--priority", "urgent", "--priority", "low", "--sort", "created") == [
        filed["percent"],
        filed["report"],
    ]
    assert cli("request", "list", "--priority", "huge").exit_code == 2


def test_sorts(cli: Cli, org: Path, frozen: time_machine.Traveller) -> None:
    a = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "a", "--priority", "low")
    frozen.shift(60)
    b = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "b", "--due", "+1d")
    frozen.shift(60)
    c = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "c", "--priority", "urgent")
    frozen.shift(60)
    d = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "d", "--priority", "urgent")
    frozen.shift(60)
    cli.ok("request", "comment", str(a), "still needed")
    # due: b (+1d, typed at 09:01), c and d (urgent: 1 day from 09:02, 09:03), a (low: 10 days)
    assert ids(cli) == [b, c, d, a]
    assert ids(cli, "--sort", "due", "--desc") == [a, d, c, b]
    assert ids(cli, "--sort", "created") == [a, b, c, d]
    assert ids(cli, "--sort", "created", "--desc") == [d, c, b, a]
    assert ids(cli, "--sort", "priority") == [c, d, b, a]  # urgent first, ties by id
    assert ids(cli, "--sort", "priority", "--desc") == [a, b, d, c]
    assert ids(cli, "--sort", "updated") == [b, c, d, a]  # a was commented last
    assert ids(cli, "--sort", "updated", "--desc") == [a, d, c, b]
    assert cli("request", "list", "--sort", "owner").exit_code == 2


def test_updated_at_is_the_latest_event(cli: Cli, org: Path, frozen: time_machine.Traveller) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "打印机卡纸")
    [row] = listed(cli)
    assert row["updated_at"] == row["created_at"] == "2026-11-16T09:00:00+08:00"
    frozen.shift(3600)
    cli.ok("request", "ack", str(rid), actor="feng.kai")
    [row] = listed(cli)
    assert row["updated_at"] == "2026-11-16T10:00:00+08:00"
    shown = json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout)
    assert shown["updated_at"] == row["updated_at"]
    csv_header = cli.ok("request", "list", "--format", "csv").stdout.splitlines()[0]
    assert csv_header.endswith(",meeting_id,updated_at")


def test_active_by_default_all_and_status(cli: Cli, org: Path) -> None:
    kept = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "留着")
    gone = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "取消")
    done = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "已解决")
    cli.ok("request", "cancel", str(gone), "--reason", "不需要了")
    cli.ok("request", "resolve", str(done), "--note", "好了", actor="feng.kai")
    assert ids(cli) == [kept, done]  # resolved is still active: the customer has to confirm
    assert sorted(ids(cli, "--all")) == [kept, gone, done]
    assert ids(cli, "--status", "cancelled") == [gone]
    result = cli("request", "list", "--all", "--status", "open")
    assert result.exit_code == 2 and "--all" in result.stderr and "--status" in result.stderr


def test_mine_is_what_i_own_or_asked_for(cli: Cli, org: Path) -> None:
    asked = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "我提的", actor="li.na")
    owned = new_request(cli, "--from", "HR", "--to", "SALES", "--title", "给我的", "--owner", "li.na")
    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "别人的", actor="zhang.wei")
    mine = json.loads(cli.ok("--as", "li.na", "request", "list", "--mine", "--format", "json").stdout)
    assert sorted(row["id"] for row in mine) == [asked, owned]
    result = cli("request", "list", "--mine", "--owner", "li.na")
    assert result.exit_code == 2 and "--mine" in result.stderr and "--owner" in result.stderr
    unknown = cli.fails("--as", "nobody.here", "request", "list", "--mine")
    assert "nobody.here" in unknown.stderr


def _import(cli: Cli, tmp_path: Path, count: int) -> None:
    lines = ["from,to,title"] + [f"SALES,IT,批量请求 {n}" for n in range(count)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli.ok("request", "import", str(path))


def test_table_shows_a_page_and_says_how_many_more(cli: Cli, org: Path, tmp_path: Path) -> None:
    _import(cli, tmp_path, 53)
    table = cli.ok("request", "list").stdout
    assert table.count("批量请求") == 50
    assert table.rstrip().endswith("3 more: --limit 0 or --format csv")
    every = cli.ok("request", "list", "--limit", "0").stdout
    assert every.count("批量请求") == 53 and "more:" not in every
    some = cli.ok("request", "list", "--limit", "10").stdout
    assert some.count("批量请求") == 10 and some.rstrip().endswith("43 more: --limit 0 or --format csv")
    assert len(listed(cli)) == 53  # json and csv: no default limit
    assert len(cli.ok("request", "list", "--format", "csv").stdout.splitlines()) == 54
    assert len(listed(cli, "--limit", "5")) == 5
    assert "more:" not in cli.ok("request", "list", "--limit", "53").stdout
    assert cli.fails("request", "list", "--limit", "-1").stderr.startswith("Error: --limit must be 0")
