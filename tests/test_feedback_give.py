"""`icrm feedback give/list/show`: the kinds and their parts, scores, request rules, listing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

FEEDBACK_KEYS = [
    "id",
    "kind",
    "from_dept",
    "to_dept",
    "score",
    "request_id",
    "behavior",
    "impact",
    "expectation",
    "note",
    "author",
    "created_at",
    "status",
    "responded_at",
    "response",
    "closed_at",
]


def give(cli: Cli, *args: str, actor: str | None = None) -> dict[str, Any]:
    result = cli.ok("feedback", "give", *args, "--format", "json", actor=actor)
    return dict(json.loads(result.stdout))


def count(cli: Cli) -> int:
    return len(json.loads(cli.ok("feedback", "list", "--format", "json").stdout))


def resolved_request(cli: Cli, frm: str = "SALES", to: str = "DEV") -> int:
    rid = new_request(cli, "--from", frm, "--to", to, "--title", "报价单导出格式错误")
    cli.ok("request", "resolve", str(rid), "--note", "已修复导出模板")
    return rid


def test_rating_prints_confirmation_with_id_and_json_keys(cli: Cli, org: Path) -> None:
    result = cli.ok("feedback", "give", "--from", "SALES", "--to", "DEV", "--score", "4")
    assert result.stdout.startswith("Recorded rating #1 SALES → DEV, score 4")
    item = give(cli, "--from", "sales", "--to", "DEV", "--score", "5")
    assert list(item) == FEEDBACK_KEYS
    assert item["id"] == 2
    assert item["kind"] == "rating"
    assert item["from_dept"] == "SALES"
    assert item["score"] == 5
    assert item["status"] is None
    assert item["author"] == "zhang.wei"
    assert item["created_at"] == "2026-11-16T09:00:00+08:00"


def test_thanks_needs_behavior_and_impact(cli: Cli, org: Path) -> None:
    base = ("feedback", "give", "--from", "SALES", "--to", "WH", "--kind", "thanks")
    assert "--behavior" in cli.fails(*base, "--impact", "客户当天收到货").stderr
    assert "--impact" in cli.fails(*base, "--behavior", "周末加班发货").stderr
    assert count(cli) == 0
    item = give(cli, *base[2:], "--behavior", "周末加班发货", "--impact", "客户当天收到货")
    assert (item["behavior"], item["impact"], item["score"]) == ("周末加班发货", "客户当天收到货", None)


def test_expectation_needs_three_parts(cli: Cli, org: Path) -> None:
    base = ("feedback", "give", "--from", "SALES", "--to", "PUR", "--kind", "expectation")
    parts = {"--behavior": "报价延迟两天", "--impact": "丢了一个订单", "--expectation": "报价当天回复"}
    for missing in parts:
        args = [x for k, v in parts.items() if k != missing for x in (k, v)]
        assert missing in cli.fails(*base, *args).stderr
    assert count(cli) == 0
    item = give(cli, *base[2:], *[x for kv in parts.items() for x in kv], "--score", "2")
    assert item["expectation"] == "报价当天回复"
    assert item["score"] == 2


def test_complaint_needs_note_or_behavior_and_impact_and_opens(cli: Cli, org: Path) -> None:
    base = ("feedback", "give", "--from", "CS", "--to", "DEV", "--kind", "complaint")
    cli.fails(*base)
    cli.fails(*base, "--behavior", "版本发布未通知")
    item = give(cli, *base[2:], "--behavior", "版本发布未通知", "--impact", "客户投诉无法登录")
    assert item["status"] == "open"
    assert give(cli, *base[2:], "--note", "工单系统又宕机了")["status"] == "open"


def test_rating_needs_a_score(cli: Cli, org: Path) -> None:
    assert "--score" in cli.fails("feedback", "give", "--from", "SALES", "--to", "DEV").stderr


@pytest.mark.parametrize("score", ["0", "6", "3.5", "good", "-1", "", " ", "４"])
def test_bad_scores_are_rejected_with_exit_1(cli: Cli, org: Path, score: str) -> None:
    result = cli.fails("feedback", "give", "--from", "SALES", "--to", "DEV", "--score", score)
    assert "1..5" in result.stderr or (not score.strip() and "--score is empty" in result.stderr)
    assert count(cli) == 0


def test_unknown_departments_and_same_department(cli: Cli, org: Path) -> None:
    cli.fails("feedback", "give", "--from", "NOPE", "--to", "DEV", "--score", "3")
    cli.fails("feedback", "give", "--from", "SALES", "--to", "NOPE", "--score", "3")
    cli.fails("feedback", "give", "--to", "DEV", "--score", "3", code=2)  # --from missing: usage
    cli.fails("feedback", "give", "--from", "DEV", "--to", "DEV", "--score", "3")
    cli.fails("feedback", "give", "--from", "SALES", "--to", "DEV", "--kind", "praise", code=2)
    assert count(cli) == 0


def test_request_defaults_parties_and_checks_mismatch(cli: Cli, org: Path) -> None:
    rid = resolved_request(cli)
    item = give(cli, "--request", str(rid), "--score", "5")
    assert (item["from_dept"], item["to_dept"], item["request_id"]) == ("SALES", "DEV", rid)
    assert (
        "customer is SALES"
        in cli.fails("feedback", "give", "--request", str(rid), "--from", "MKT", "--score", "3").stderr
    )
    assert (
        "supplier is DEV"
        in cli.fails("feedback", "give", "--request", str(rid), "--to", "QA", "--score", "3").stderr
    )
    give(cli, "--request", str(rid), "--from", "SALES", "--to", "DEV", "--score", "4")
    cli.fails("feedback", "give", "--request", "999", "--score", "3")
    assert count(cli) == 2


def test_request_must_be_resolved_or_final(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "DEV", "--title", "新增客户字段")
    assert "it is open" in cli.fails("feedback", "give", "--request", str(rid), "--score", "3").stderr
    cli.ok("request", "start", str(rid))
    cli.fails("feedback", "give", "--request", str(rid), "--score", "3")
    cli.ok("request", "resolve", str(rid), "--note", "已上线")
    give(cli, "--request", str(rid), "--score", "4")
    cli.ok("request", "close", str(rid))
    give(cli, "--request", str(rid), "--kind", "thanks", "--behavior", "一天上线", "--impact", "赢得投标")
    other = new_request(cli, "--from", "SALES", "--to", "PUR", "--title", "采购打印纸")
    cli.ok("request", "cancel", str(other), "--reason", "不需要了")
    give(cli, "--request", str(other), "--score", "3")
    assert count(cli) == 3


def test_list_filters_and_formats(cli: Cli, org: Path, frozen: Any) -> None:
    from datetime import timedelta

    give(cli, "--from", "SALES", "--to", "DEV", "--score", "4")
    frozen.shift(timedelta(days=2))
    give(cli, "--from", "MKT", "--to", "DEV", "--kind", "complaint", "--note", "=宣传页错别字")
    give(cli, "--from", "SALES", "--to", "WH", "--score", "2")

    def ids(*args: str) -> list[int]:
        out = cli.ok("feedback", "list", *args, "--format", "json").stdout
        return [row["id"] for row in json.loads(out)]

    assert ids() == [3, 2, 1]
    assert ids("--to", "DEV") == [2, 1]
    assert ids("--from", "SALES") == [3, 1]
    assert ids("--kind", "complaint") == [2]
    assert ids("--since", "2026-11-17") == [3, 2]
    assert ids("--until", "2026-11-16") == [1]
    assert ids("--open") == [2]
    open_rows = json.loads(cli.ok("feedback", "list", "--open", "--format", "json").stdout)
    assert open_rows[0]["age_days"] == 0.0 and open_rows[0]["responded"] is False
    csv_out = cli.ok("feedback", "list", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == ",".join(FEEDBACK_KEYS)
    assert "'=宣传页错别字" in csv_out
    table = cli.ok("feedback", "list").stdout
    assert "宣传页错别字" in table and "SALES" in table
    assert "No matching feedback." in cli.ok("feedback", "list", "--from", "GM").stdout
    cli.fails("feedback", "list", "--to", "NOPE")
    cli.fails("feedback", "list", "--since", "昨天")


def test_show_has_history(cli: Cli, org: Path) -> None:
    give(cli, "--from", "SALES", "--to", "DEV", "--score", "4", "--note", "响应很快")
    shown = json.loads(cli.ok("feedback", "show", "1", "--format", "json").stdout)
    assert [e["kind"] for e in shown["events"]] == ["given"]
    assert shown["events"][0]["actor"] == "zhang.wei"
    assert "响应很快" in cli.ok("feedback", "show", "1").stdout
    assert "unknown feedback #9" in cli.fails("feedback", "show", "9").stderr
