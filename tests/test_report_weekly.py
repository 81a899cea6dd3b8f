"""The weekly report of a known week, built through the CLI under frozen time: every figure exact."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import SHANGHAI, Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def at(frozen: Any, text: str) -> None:
    frozen.move_to(datetime.fromisoformat(text).replace(tzinfo=SHANGHAI))


def req(cli: Cli, customer: str, supplier: str, title: str, *extra: str) -> int:
    return new_request(cli, "--from", customer, "--to", supplier, "--title", title, *extra)


@pytest.fixture
def known_week(cli: Cli, org: object, frozen: Any) -> dict[str, int]:
    """Week 2026-W47 (Mon 16 – Sun 22 November 2026, Asia/Shanghai)."""
    ids: dict[str, int] = {}
    at(frozen, "2026-11-10T10:00")  # W46: open ever since, overdue at both week ends
    ids["r0"] = req(cli, "SALES", "IT", "打印机卡纸")
    at(frozen, "2026-11-16T09:00")
    ids["r1"] = req(cli, "SALES", "IT", "开通VPN账号")  # on time: ack 1h, resolved after 24h
    ids["r2"] = req(cli, "SALES", "IT", "服务器宕机", "--priority", "urgent")  # late: ack 26h, 48h
    ids["r3"] = req(cli, "MKT", "IT", "官网无法访问", "--priority", "urgent")  # never touched: overdue
    ids["r4"] = req(cli, "SALES", "DEV", "导出客户数据")  # DEV kicks it to IT; open and overdue
    ids["r5"] = req(cli, "SALES", "IT", "申请新电脑")  # waits 48h, resolved after 96h: 48h counted
    ids["r6"] = req(cli, "SALES", "IT", "邮箱容量", "--priority", "urgent")  # waiting at week end
    ids["r7"] = req(cli, "FIN", "IT", "报销系统报错")  # resolved, reopened, resolved again
    ids["r10"] = req(cli, "SALES", "FIN", "核对回款", "--due", "2026-11-18T09:00")  # resolved at due
    at(frozen, "2026-11-16T10:00")
    for key in ("r1", "r5", "r6"):
        cli.ok("request", "ack", str(ids[key]), actor="feng.kai")
    cli.ok("request", "ack", str(ids["r10"]), actor="gao.yan")
    at(frozen, "2026-11-16T11:00")
    cli.ok("request", "wait", str(ids["r6"]), "--reason", "等待确认容量", actor="feng.kai")
    at(frozen, "2026-11-16T12:00")
    cli.ok("request", "resolve", str(ids["r7"]), "--note", "已修复", actor="feng.kai")
    at(frozen, "2026-11-17T09:00")
    cli.ok("request", "resolve", str(ids["r1"]), "--note", "已开通", actor="feng.kai")
    cli.ok("request", "transfer", str(ids["r4"]), "--to", "IT", "--reason", "应由信息部导出", actor="wu.tao")
    cli.ok("request", "wait", str(ids["r5"]), "--reason", "等待预算审批", actor="feng.kai")
    cli.ok("request", "reopen", str(ids["r7"]), "--reason", "仍然报错", actor="gao.yan")
    at(frozen, "2026-11-17T11:00")
    cli.ok("request", "ack", str(ids["r2"]), actor="feng.kai")
    at(frozen, "2026-11-18T09:00")
    cli.ok("request", "resolve", str(ids["r2"]), "--note", "已恢复", actor="feng.kai")
    cli.ok("request", "resolve", str(ids["r7"]), "--note", "彻底修复", actor="feng.kai")
    cli.ok("request", "resolve", str(ids["r10"]), "--note", "已核对", actor="gao.yan")
    at(frozen, "2026-11-19T09:00")
    cli.ok("request", "resume", str(ids["r5"]), actor="feng.kai")
    at(frozen, "2026-11-20T09:00")
    cli.ok("request", "resolve", str(ids["r5"]), "--note", "已配发", actor="feng.kai")
    at(frozen, "2026-11-22T23:30")
    ids["r8"] = req(cli, "HR", "IT", "新员工账号")  # last minute of the week (Sunday night)
    at(frozen, "2026-11-23T00:00")
    ids["r9"] = req(cli, "SALES", "IT", "下周的请求")  # first second of W48: not in the report
    at(frozen, "2026-11-24T09:00")
    return ids


def weekly(cli: Cli, *args: str) -> dict[str, Any]:
    return dict(json.loads(cli.ok("report", "weekly", "--format", "json", *args).stdout))


def row(report: dict[str, Any], dept: str) -> dict[str, Any]:
    return next(item for item in report["departments"] if item["department"] == dept)


def test_request_figures_of_a_known_week(cli: Cli, known_week: dict[str, int]) -> None:
    report = weekly(cli)
    assert report["week"] == "2026-W47"
    assert report["previous_week"] == "2026-W46"
    assert report["start"] == "2026-11-16T00:00:00+08:00"
    assert report["end"] == "2026-11-23T00:00:00+08:00"
    it = row(report, "IT")
    expected_it = {
        "department": "IT",
        "name": "信息技术部",
        "received": 8,
        "resolved": 4,
        "on_time": 3,
        "on_time_rate": 75.0,
        "overdue_open": 3,
        "waiting_at_end": 1,
        "median_ack_hours": 2.0,
        "median_resolve_hours": 48.0,
        "transfers": 0,
        "reopened": 1,
        "sent": 0,
        "sent_open": 0,
    }
    assert {key: it[key] for key in expected_it} == expected_it
    assert it["change"]["received"] == 7
    assert it["change"]["resolved"] == 4
    assert it["change"]["overdue_open"] == 2
    assert it["change"]["on_time_rate"] is None
    fin = row(report, "FIN")
    assert (fin["received"], fin["resolved"], fin["on_time"], fin["on_time_rate"]) == (1, 1, 1, 100.0)
    assert (fin["median_ack_hours"], fin["median_resolve_hours"]) == (1.0, 48.0)
    assert (fin["sent"], fin["sent_open"]) == (1, 0)
    dev = row(report, "DEV")
    assert (dev["received"], dev["transfers"], dev["overdue_open"]) == (0, 1, 0)
    sales = row(report, "SALES")
    assert (sales["sent"], sales["sent_open"], sales["change"]["sent"]) == (6, 3, 5)
    assert (row(report, "MKT")["sent"], row(report, "MKT")["sent_open"]) == (1, 1)
    assert (row(report, "HR")["sent"], row(report, "HR")["sent_open"]) == (1, 1)
    totals = report["totals"]
    expected_totals = {
        "department": "TOTAL",
        "received": 9,
        "resolved": 5,
        "on_time": 4,
        "on_time_rate": 80.0,
        "overdue_open": 3,
        "waiting_at_end": 1,
        "median_ack_hours": 1.0,
        "median_resolve_hours": 48.0,
        "transfers": 1,
        "reopened": 1,
        "sent": 9,
        "sent_open": 5,
    }
    assert {key: totals[key] for key in expected_totals} == expected_totals
    assert totals["change"]["received"] == 8
    cells = {(c["customer"], c["supplier"]): c["requests"] for c in report["matrix"]["cells"]}
    assert cells == {
        ("SALES", "IT"): 5,
        ("MKT", "IT"): 1,
        ("FIN", "IT"): 1,
        ("HR", "IT"): 1,
        ("SALES", "FIN"): 1,
    }
    assert [(k["id"], k["transfers"], k["to_dept"]) for k in report["kicked_balls"]] == [
        (known_week["r4"], 1, "IT")
    ]
    quiet = row(report, "GM")
    assert all(quiet[key] in (0, None) for key in expected_it if key not in ("department", "name"))


def test_explicit_week_and_dept(cli: Cli, known_week: dict[str, int], frozen: Any) -> None:
    report = weekly(cli, "--week", "2026-W47", "--dept", "it")
    assert [item["department"] for item in report["departments"]] == ["IT"]
    assert report["dept"] == "IT"
    assert report["totals"]["received"] == 9  # totals stay org-wide for comparison
    assert all("IT" in (c["customer"], c["supplier"]) for c in report["matrix"]["cells"])
    before = weekly(cli, "--week", "2026-W46")
    it = row(before, "IT")
    assert (it["received"], it["overdue_open"], it["resolved"]) == (1, 1, 0)
    cli.fails("report", "weekly", "--week", "2026-W48")  # not over yet: its week end is a guess
    frozen.move_to(datetime(2026, 11, 30, 0, 0, tzinfo=SHANGHAI))  # the Monday after W48
    after = weekly(cli, "--week", "2026-W48")
    assert row(after, "IT")["received"] == 1
    # r0, r3, r4 are still open, r8 and r9 fall due before its end; r6 still waits (paused).
    assert row(after, "IT")["overdue_open"] == 5
    assert row(after, "IT")["waiting_at_end"] == 1


def test_other_formats(cli: Cli, known_week: dict[str, int]) -> None:
    table = cli.ok("report", "weekly").stdout
    assert "信息技术部" in table and "\x1b[" not in table
    assert "▲7" in table
    markdown = cli.ok("report", "weekly", "--format", "markdown").stdout
    assert markdown.startswith("# 周报 Weekly report 2026-W47 (2026-11-16 – 2026-11-22)")
    assert "| IT | 信息技术部 | 8 ▲7 | 4 ▲4 | 75.0% | 3 ▲2 |" in markdown
    assert "导出客户数据" in markdown
    lines = cli.ok("report", "weekly", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("department,name,received,resolved,on_time,on_time_rate,overdue_open")
    assert len(lines) == 1 + 14
    it_line = next(line for line in lines if line.startswith("IT,"))
    assert it_line.startswith("IT,信息技术部,8,4,3,75.0,3,1,2.0,48.0,0,1,")
    html = cli.ok("report", "weekly", "--format", "html").stdout
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<svg" in html and "信息技术部" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert cli.ok("report", "weekly").stderr == ""


def test_narrow_terminal_puts_changes_under_the_figures(
    cli: Cli, known_week: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "140")
    table = cli.ok("report", "weekly").stdout
    lines = table.splitlines()
    it_row = next(i for i, line in enumerate(lines) if "信息技术部" in line)
    assert "▲" not in lines[it_row] and "▲7" in lines[it_row + 1]  # the change goes on its own line
    assert "…" not in table  # nothing is cut off


def give(cli: Cli, *args: str, actor: str | None = None) -> int:
    result = cli.ok("feedback", "give", *args, "--format", "json", actor=actor)
    return int(json.loads(result.stdout)["id"])


def escalate(cli: Cli, *args: str, actor: str = "han.bo") -> int:
    result = cli.ok("escalate", "open", *args, "--reason", "迟迟没有进展", "--format", "json", actor=actor)
    return int(json.loads(result.stdout)["id"])


def meeting(cli: Cli, title: str, when: str, *depts: str, actor: str) -> int:
    args = [arg for dept in depts for arg in ("--dept", dept)]
    result = cli.ok("meeting", "new", "--title", title, "--at", when, *args, "--format", "json", actor=actor)
    return int(json.loads(result.stdout)["id"])


def action(cli: Cli, meeting_id: int, title: str, owner: str, due: str, actor: str = "he.gang") -> int:
    result = cli.ok(
        "meeting", "action", str(meeting_id), "--title", title, "--owner", owner, "--due", due,
        "--format", "json", actor=actor,
    )  # fmt: skip
    return int(json.loads(result.stdout)["id"])


@pytest.fixture
def wider_week(cli: Cli, known_week: dict[str, int], frozen: Any) -> dict[str, int]:
    """The known week plus feedback, escalations and meetings (added in time order of their own)."""
    ids = dict(known_week)
    at(frozen, "2026-11-12T10:00")  # W46
    ids["c1"] = give(cli, "--from", "SALES", "--to", "IT", "--kind", "complaint", "--score", "2",
                     "--note", "打印机一周都没修好")  # fmt: skip
    ids["e3"] = escalate(cli, "--request", str(ids["r0"]))  # opened in W46, raised in W47
    at(frozen, "2026-11-13T10:00")
    ids["c2"] = give(cli, "--from", "MKT", "--to", "IT", "--kind", "complaint", "--score", "1",
                     "--note", "官网经常打不开")  # fmt: skip
    at(frozen, "2026-11-17T10:00")  # W47
    ids["f1"] = give(cli, "--from", "SALES", "--to", "IT", "--score", "5", "--note", "响应很快")
    ids["f2"] = give(cli, "--from", "SALES", "--to", "IT", "--kind", "thanks",
                     "--behavior", "周末加班恢复邮箱", "--impact", "客户邮件没有耽误")  # fmt: skip
    ids["m1"] = meeting(cli, "供应链协调会", "2026-11-18T14:00", "OPS", "PUR", "WH", actor="he.gang")
    ids["m2"] = meeting(cli, "临时碰头会", "2026-11-19T10:00", "OPS", "WH", actor="he.gang")
    ids["m4"] = meeting(cli, "系统对账会", "2026-11-20T10:00", "FIN", "IT", actor="gao.yan")
    at(frozen, "2026-11-18T10:00")
    cli.ok("feedback", "respond", str(ids["c1"]), "--note", "已更换硒鼓", actor="feng.kai")
    cli.ok("feedback", "close", str(ids["c1"]), actor="zhang.wei")
    ids["f3"] = give(cli, "--from", "FIN", "--to", "IT", "--score", "4", actor="gao.yan")
    ids["f4"] = give(cli, "--from", "SALES", "--to", "FIN", "--kind", "thanks", "--score", "5",
                     "--behavior", "当天核对回款", "--impact", "月底顺利结账")  # fmt: skip
    ids["e1"] = escalate(cli, "--request", str(ids["r3"]), actor="chen.jing")
    cli.ok("meeting", "cancel", str(ids["m2"]), "--reason", "改期", actor="he.gang")
    at(frozen, "2026-11-18T15:00")
    cli.ok("meeting", "minutes", str(ids["m1"]), "--notes", "逐项确认交付时间", actor="he.gang")
    ids["a1"] = action(cli, ids["m1"], "补充供应商资质", "xu.fang", "2026-11-20")
    ids["a2"] = action(cli, ids["m1"], "盘点备件库存", "shen.bin", "2026-11-27")
    ids["a3"] = action(cli, ids["m1"], "比价三家物流", "ma.lin", "2026-11-25")
    at(frozen, "2026-11-19T09:00")
    cli.ok("request", "resolve", str(ids["a1"]), "--note", "资质已齐", actor="xu.fang")
    ids["e2"] = escalate(cli, "--between", "FIN", "SALES", actor="lin.hui")
    at(frozen, "2026-11-20T09:00")
    cli.ok("request", "close", str(ids["a1"]), actor="he.gang")  # final before the week ends
    cli.ok("escalate", "raise", str(ids["e1"]), "--reason", "两天无人处理", actor="chen.jing")
    cli.ok("escalate", "raise", str(ids["e3"]), "--reason", "仍未修好", actor="zhang.wei")
    cli.ok("feedback", "respond", str(ids["c2"]), "--note", "已加监控", actor="feng.kai")
    cli.ok("escalate", "resolve", str(ids["e2"]), "--decision", "按合同口径核对", actor="lin.hui")
    at(frozen, "2026-11-21T09:00")
    cli.ok("request", "resolve", str(ids["a3"]), "--note", "已比价", actor="ma.lin")  # resolved, not final
    ids["c3"] = give(cli, "--from", "HR", "--to", "IT", "--kind", "complaint", "--score", "2",
                     "--note", "新员工账号开通太慢", actor="tang.ying")  # fmt: skip
    at(frozen, "2026-11-22T23:59")
    ids["f5"] = give(cli, "--from", "MKT", "--to", "IT", "--score", "3", actor="chen.jing")
    at(frozen, "2026-11-23T00:00")  # the first second of W48
    cli.ok("feedback", "close", str(ids["c2"]), actor="chen.jing")  # open at the end of W47
    ids["f6"] = give(cli, "--from", "SALES", "--to", "IT", "--score", "1")
    ids["e4"] = escalate(cli, "--request", str(ids["r4"]))
    at(frozen, "2026-11-23T09:00")
    cli.ok("escalate", "raise", str(ids["e1"]), "--reason", "需要总经办仲裁", actor="chen.jing")
    ids["m3"] = meeting(cli, "下周供应链会", "2026-11-23T10:00", "OPS", "PUR", actor="he.gang")
    ids["a4"] = action(cli, ids["m1"], "会后补充的事项", "shen.bin", "2026-11-30")
    at(frozen, "2026-11-24T09:00")
    return ids


OTHER_KEYS = (
    "satisfaction",
    "satisfaction_count",
    "open_complaints",
    "escalations_opened",
    "escalation_max_level",
)


def others(item: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(item[key] for key in OTHER_KEYS)


def test_feedback_escalation_and_meeting_figures(cli: Cli, wider_week: dict[str, int]) -> None:
    report = weekly(cli)
    # IT: rated 2 (c3), 5, 4, 3 (the thanks had no score; f6 is in W48); c2 closed at the very end.
    assert others(row(report, "IT")) == (3.5, 4, 2, 1, 2)  # e1 reached level 2 by the end (3 now)
    # e2 (--between FIN SALES) counts once, for its second department: the columns add up to TOTAL.
    assert others(row(report, "FIN")) == (None, 1, 0, 0, None)  # one rating: withheld
    assert others(row(report, "SALES")) == (None, 0, 0, 1, 1)
    escalations = [item["escalations_opened"] for item in report["departments"]]
    assert sum(escalations) == report["totals"]["escalations_opened"]
    assert others(row(report, "PUR")) == (None, 0, 0, 0, None)
    assert others(report["totals"]) == (3.8, 5, 2, 2, 2)  # e2 counted once
    it_change = row(report, "IT")["change"]
    assert (it_change["satisfaction"], it_change["escalations_opened"]) == (None, 0)  # W46: 2 ratings
    assert report["totals"]["change"]["escalations_opened"] == 1
    # The meeting actions are requests from OPS to PUR and WH like any other.
    pur, wh, ops = row(report, "PUR"), row(report, "WH"), row(report, "OPS")
    assert (pur["received"], pur["resolved"], pur["on_time_rate"], pur["median_resolve_hours"]) == (
        2,
        2,
        100.0,
        42.0,
    )
    assert (wh["received"], wh["resolved"], ops["sent"], ops["sent_open"]) == (1, 0, 3, 1)
    totals = report["totals"]
    assert (totals["received"], totals["resolved"], totals["on_time_rate"], totals["sent_open"]) == (
        12,
        7,
        85.7,
        6,
    )
    # Resolving an unacknowledged request acknowledges it: a1 18h, a3 66h join 1, 1, 1, 3, 26.
    assert (totals["median_ack_hours"], totals["median_resolve_hours"]) == (3.0, 48.0)
    assert report["meetings"] == [
        {
            "id": wider_week["m1"],
            "title": "供应链协调会",
            "series": None,
            "starts_at": "2026-11-18T14:00:00+08:00",
            "status": "held",
            "organizer": "he.gang",
            "departments": ["OPS", "PUR", "WH"],
            "action_count": 3,  # a4 came after the week
            "open_actions": 2,  # a1 closed; a2 untouched and a3 resolved are not final
        },
        {
            "id": wider_week["m4"],
            "title": "系统对账会",
            "series": None,
            "starts_at": "2026-11-20T10:00:00+08:00",
            "status": "scheduled",
            "organizer": "gao.yan",
            "departments": ["FIN", "IT"],
            "action_count": 0,
            "open_actions": 0,
        },
    ]
    trend = {item["week"]: item for item in report["trend"]}
    assert len(trend) == 8 and list(trend)[-1] == "2026-W47"
    assert (trend["2026-W47"]["satisfaction"], trend["2026-W47"]["satisfaction_count"]) == (3.8, 5)
    assert (trend["2026-W46"]["satisfaction"], trend["2026-W46"]["satisfaction_count"]) == (None, 2)
    assert all(item["satisfaction_count"] == 0 for item in report["trend"][:6])


def test_other_figures_of_the_weeks_around(cli: Cli, wider_week: dict[str, int], frozen: Any) -> None:
    before = weekly(cli, "--week", "2026-W46")
    assert others(row(before, "IT")) == (None, 2, 2, 1, 1)  # e3 was raised only in W47
    assert before["meetings"] == []
    only_it = weekly(cli, "--dept", "IT")
    assert [m["id"] for m in only_it["meetings"]] == [wider_week["m4"]]
    trend = {item["week"]: item for item in only_it["trend"]}
    assert (trend["2026-W47"]["satisfaction"], trend["2026-W47"]["satisfaction_count"]) == (3.5, 4)
    only_pur = weekly(cli, "--dept", "PUR")
    assert [m["id"] for m in only_pur["meetings"]] == [wider_week["m1"]]
    at(frozen, "2026-11-30T00:00")  # W48 has ended
    after = weekly(cli, "--week", "2026-W48")
    assert others(row(after, "IT")) == (None, 1, 1, 1, 1)  # f6; c3 still open; e4
    assert [m["id"] for m in after["meetings"]] == [wider_week["m3"]]


def test_every_format_shows_the_other_figures(cli: Cli, wider_week: dict[str, int]) -> None:
    markdown = cli.ok("report", "weekly", "--format", "markdown").stdout
    assert "| satisfaction | ratings | complaints | escalations | max level |" in markdown
    it_line = next(line for line in markdown.splitlines() if line.startswith("| IT |"))
    assert it_line.endswith("| 3.50 | 4 | 2 | 1 | 2 |")
    assert "| TOTAL | 合计 |" in markdown and "| 3.80 | 5 | 2 | 2 ▲1 | 2 |" in markdown
    assert f"| #{wider_week['m1']} | 供应链协调会 |  | 2026-11-18 14:00 | OPS, PUR, WH | 3 | 2 |" in markdown
    lines = cli.ok("report", "weekly", "--format", "csv").stdout.splitlines()
    header = lines[0].split(",")
    it_csv = dict(zip(header, next(line for line in lines if line.startswith("IT,")).split(","), strict=True))
    assert [it_csv[key] for key in OTHER_KEYS] == ["3.5", "4", "2", "1", "2"]
    assert it_csv["change_satisfaction"] == "" and it_csv["change_escalations_opened"] == "0"
    table = cli.ok("report", "weekly").stdout
    it_row = next(line for line in table.splitlines() if "信息技术部" in line)
    assert "3.50" in it_row.split() and "供应链协调会" in table and "OPS, PUR, WH" in table
    html = cli.ok("report", "weekly", "--format", "html").stdout
    assert "<td class='n'>3.50</td><td class='n'>4</td><td class='n'>2</td>" in html
    assert "供应链协调会" in html and "OPS, PUR, WH" in html and "系统对账会" in html
    assert "临时碰头会" not in html + markdown + table  # cancelled
