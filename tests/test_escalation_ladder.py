"""Who must act at each level, and the level-3 arbiter from the org chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from icrm_cli.domain.escalation.ladder import ancestry, arbiter_department, who_must_act
from icrm_cli.storage.engine import open_database
from tests.conftest import Cli

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

TWO_ROOTS = """\
organization: 两地合资公司
timezone: Asia/Shanghai
access: {mode: open}
departments:
  - {code: EAST, name: 华东公司, head: qian.dong}
  - {code: EAST_SALES, name: 华东销售部, parent: EAST, head: sun.xiao, contact: wu.lan}
  - {code: WEST, name: 西部公司, head: li.xi}
  - {code: WEST_IT, name: 西部信息部, parent: WEST, head: zhou.bei}
people:
  - {id: qian.dong, name: 钱东, email: qian.dong@example.com, department: EAST}
  - {id: sun.xiao, name: 孙晓, email: sun.xiao@example.com, department: EAST_SALES}
  - {id: wu.lan, name: 吴兰, email: wu.lan@example.com, department: EAST_SALES}
  - {id: li.xi, name: 李西, email: li.xi@example.com, department: WEST}
  - {id: zhou.bei, name: 周北, email: zhou.bei@example.com, department: WEST_IT}
"""


def _open_between(cli: Cli, a: str, b: str) -> dict[str, Any]:
    result = cli.ok("escalate", "open", "--between", a, b, "--reason", "双方无法达成一致", "--format", "json")
    return dict(json.loads(result.stdout))


def _arbiter(cli: Cli, a: str, b: str) -> list[dict[str, Any]]:
    escalation = _open_between(cli, a, b)
    for _ in range(2):
        cli.ok("escalate", "raise", str(escalation["id"]), "--reason", "协调未果")
    shown = json.loads(cli.ok("escalate", "show", str(escalation["id"]), "--format", "json").stdout)
    assert shown["level"] == 3
    return list(shown["must_act"])


def test_level_one_contacts_and_level_two_heads(cli: Cli, org: Path) -> None:
    escalation = _open_between(cli, "SALES", "IT")
    assert escalation["level"] == 1
    assert escalation["must_act"] == [
        {"person": "li.na", "name": "李娜", "email": "li.na@example.com", "role": "SALES contact"},
        {"person": "feng.kai", "name": "冯凯", "email": "feng.kai@example.com", "role": "IT contact"},
    ]
    cli.ok("escalate", "raise", str(escalation["id"]), "--reason", "接口人协调未果")
    shown = json.loads(cli.ok("escalate", "show", str(escalation["id"]), "--format", "json").stdout)
    assert [(p["person"], p["role"]) for p in shown["must_act"]] == [
        ("zhang.wei", "SALES head"),
        ("han.bo", "IT head"),
    ]


def test_arbiter_of_siblings_is_their_parent_head(cli: Cli, org: Path) -> None:
    assert _arbiter(cli, "SALES", "MKT") == [
        {"person": "li.jun", "name": "李军", "email": "li.jun@example.com", "role": "BIZ arbiter"}
    ]


def test_arbiter_of_cousins_is_the_common_grandparent_head(cli: Cli, org: Path) -> None:
    must_act = _arbiter(cli, "SALES", "DEV")
    assert [(p["person"], p["name"], p["role"]) for p in must_act] == [("wang.qiang", "王强", "GM arbiter")]


@pytest.mark.parametrize(("a", "b"), [("SALES", "BIZ"), ("BIZ", "SALES")])
def test_arbiter_of_a_department_and_its_parent_is_the_parent_head(
    cli: Cli, org: Path, a: str, b: str
) -> None:
    assert [p["person"] for p in _arbiter(cli, a, b)] == ["li.jun"]


def test_request_inside_one_department_goes_to_the_department_above(cli: Cli, org: Path) -> None:
    meeting = cli.ok("meeting", "new", "--title", "销售周会", "--at", "+1d", "--dept", "SALES", "-f", "json")
    meeting_id = str(json.loads(meeting.stdout)["id"])
    request = json.loads(
        cli.ok(
            "meeting",
            "action",
            meeting_id,
            "--title",
            "整理客户名单",
            "--owner",
            "li.na",
            "--due",
            "+3d",
            "-f",
            "json",
        ).stdout
    )  # a meeting's action item may stay inside the organiser's department
    opened = cli.ok(
        "escalate", "open", "--request", str(request["id"]), "--reason", "迟迟未完成", "-f", "json"
    )
    escalation = json.loads(opened.stdout)
    assert [(p["person"], p["role"]) for p in escalation["must_act"]] == [("li.na", "SALES contact")]
    levels = []
    for _ in range(2):
        cli.ok("escalate", "raise", str(escalation["id"]), "--reason", "协调未果")
        shown = json.loads(cli.ok("escalate", "show", str(escalation["id"]), "-f", "json").stdout)
        levels.append([p["person"] for p in shown["must_act"]])
    assert levels == [["zhang.wei"], ["li.jun"]]  # SALES head, then the head of BIZ above it


def test_arbiter_without_common_parent_is_the_customer_root_head(
    cli: Cli, tmp_path: Path, frozen: object
) -> None:
    org_file = tmp_path / "two-roots.yaml"
    org_file.write_text(TWO_ROOTS, encoding="utf-8")
    cli.ok("org", "apply", str(org_file))
    assert [p["person"] for p in _arbiter(cli, "EAST_SALES", "WEST_IT")] == ["qian.dong"]
    cli.ok("escalate", "resolve", "1", "--decision", "按华东方案执行")
    assert [p["person"] for p in _arbiter(cli, "WEST_IT", "EAST_SALES")] == ["li.xi"]


def test_who_must_act_follows_the_org_file_now(cli: Cli, org: Path) -> None:
    escalation = _open_between(cli, "SALES", "MKT")
    cli.ok("escalate", "raise", str(escalation["id"]), "--reason", "接口人协调未果")
    text = org.read_text(encoding="utf-8").replace("head: zhang.wei", "head: wang.fang")
    org.write_text(text, encoding="utf-8")
    cli.ok("org", "apply", str(org))
    shown = json.loads(cli.ok("escalate", "show", str(escalation["id"]), "--format", "json").stdout)
    assert shown["must_act"][0] == {
        "person": "wang.fang",
        "name": "王芳",
        "email": "wang.fang@example.com",
        "role": "SALES head",
    }


def test_ladder_service_directly(cli: Cli, org: Path, db_path: Path) -> None:
    db = open_database(str(db_path))
    try:
        with db.session() as session:
            assert ancestry(session, "QA") == ["QA", "RD", "GM"]
            assert arbiter_department(session, "QA", "DEV") == "RD"
            assert arbiter_department(session, "QA", "PUR") == "GM"
            assert arbiter_department(session, "GM", "WH") == "GM"
            assert arbiter_department(session, "IT", "IT") == "GM"  # one department: the one above
            assert arbiter_department(session, "GM", "GM") == "GM"  # a root has nobody above
            # the same person with two roles is listed once
            assert who_must_act(session, "GM", "GM", 1) == [
                {"person": "zhou.min", "name": "周敏", "email": "zhou.min@example.com", "role": "GM contact"}
            ]
    finally:
        db.close()
