"""An escalation follows its request: transfers move it, the request's end ends it (issue 16, items 1-2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def _escalated(cli: Cli) -> tuple[int, int]:
    request_id = new_request(cli, "--from", "SALES", "--to", "DEV", "--title", "客户报表导出功能")
    result = cli.ok(
        "escalate", "open", "--request", str(request_id), "--reason", "开发迟迟不排期", "--format", "json"
    )
    return request_id, int(json.loads(result.stdout)["id"])


def _show(cli: Cli, escalation_id: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("escalate", "show", str(escalation_id), "--format", "json").stdout))


def test_a_transfer_moves_the_escalation_to_the_new_supplier(cli: Cli, org: Path) -> None:
    request_id, escalation_id = _escalated(cli)
    cli.ok("request", "transfer", str(request_id), "--to", "QA", "--reason", "属于测试问题", actor="wu.tao")
    shown = _show(cli, escalation_id)
    assert (shown["dept_a"], shown["dept_b"]) == ("SALES", "QA")
    assert {entry["person"] for entry in shown["must_act"]} == {"li.na", "zheng.xin"}  # QA has no contact
    assert shown["history"][-1]["kind"] == "transferred"
    assert "from DEV to QA" in shown["history"][-1]["note"]
    raised = json.loads(
        cli.ok("escalate", "raise", str(escalation_id), "--reason", "仍未处理", "--format", "json").stdout
    )
    assert {entry["person"] for entry in raised["must_act"]} == {"zhang.wei", "zheng.xin"}  # heads


@pytest.mark.parametrize(
    ("command", "extra", "status"),
    [
        ("resolve", ["--note", "已上线"], "resolved"),
        ("reject", ["--reason", "不属于本部门"], "rejected"),
        ("cancel", ["--reason", "客户取消"], "cancelled"),
        ("close", ["--unachievable", "--note", "系统下线，无法实现"], "unachievable"),
    ],
)
def test_the_end_of_the_request_ends_its_escalation(
    cli: Cli, org: Path, command: str, extra: list[str], status: str
) -> None:
    request_id, escalation_id = _escalated(cli)
    cli.ok("request", command, str(request_id), *extra)
    shown = _show(cli, escalation_id)
    assert shown["status"] == "resolved"
    assert shown["must_act"] == []
    assert shown["decision"] == f"request #{request_id} {status}"
    assert shown["history"][-1]["kind"] == "ended_with_request"
    assert json.loads(cli.ok("escalate", "list", "--open", "--format", "json").stdout) == []
    listed = cli.ok("request", "list", "--escalated", "--format", "json").stdout
    assert json.loads(listed) == []


def test_closing_after_resolve_leaves_the_ended_escalation_alone(cli: Cli, org: Path) -> None:
    request_id, escalation_id = _escalated(cli)
    cli.ok("request", "resolve", str(request_id), "--note", "已上线", actor="wu.tao")
    cli.ok("request", "close", str(request_id), actor="li.na")
    history = _show(cli, escalation_id)["history"]
    assert [item["kind"] for item in history] == ["opened", "ended_with_request"]
