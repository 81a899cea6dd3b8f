"""The rules table as a matrix: every write action x every kind of actor -> allowed, or the refusal line.

The cast, around request SALES -> DEV filed by wang.fang and owned by wu.tao:
owner wu.tao, supplier member zhu.peng, supplier head sun.hao, head above zhao.lei
(RD, above DEV), customer member li.na, requester wang.fang, unrelated member gao.yan
(FIN), admin wang.qiang, service cron, unknown login nobody.x, deactivated ex.staff.
The expected refusal is built from the rules table (``RULES``): its ``doing`` and
``who_may`` lines; a refused command leaves the database byte for byte unchanged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from icrm_cli.domain.access.policy import DEACTIVATED_RULE, OUTSIDE_RULE, RULES, SERVICE_RULE
from tests.conftest import EXAMPLE_ORG, FROZEN_AT, Cli

CAST = {
    "owner": "wu.tao",
    "supplier member": "zhu.peng",
    "supplier head": "sun.hao",
    "head above": "zhao.lei",
    "customer member": "li.na",
    "requester": "wang.fang",
    "unrelated member": "gao.yan",
    "admin": "wang.qiang",
    "service": "cron",
    "unknown login": "nobody.x",
    "deactivated person": "ex.staff",
}
WHO = {
    "wu.tao": "吴涛 (wu.tao, DEV)",
    "zhu.peng": "朱鹏 (zhu.peng, DEV)",
    "sun.hao": "孙浩 (sun.hao, DEV)",
    "zhao.lei": "赵磊 (zhao.lei, RD)",
    "li.na": "李娜 (li.na, SALES)",
    "wang.fang": "王芳 (wang.fang, SALES)",
    "gao.yan": "高燕 (gao.yan, FIN)",
    "wang.qiang": "王强 (wang.qiang, GM)",
    "cron": "cron (service)",
    "nobody.x": "nobody.x (not in the org file)",
    "ex.staff": "前员工 (ex.staff, SALES, deactivated)",
}
SUPPLIER = {"owner", "supplier member", "supplier head", "head above", "admin"}
CUSTOMER = {"customer member", "requester", "admin"}
EITHER = SUPPLIER | CUSTOMER
MEETING = EITHER  # li.na organizes; SALES and DEV attend
PEOPLE = set(CAST) - {"service", "unknown login", "deactivated person"}

# action -> (argv with {id}, the rule, the object in the refusal, who may, facts for the line)
SIDES = {"customer": "SALES", "supplier": "DEV", "sides": "SALES, DEV"}
ACTIONS: dict[str, tuple[list[str], str, str, set[str]]] = {
    "new": (
        ["request", "new", "--from", "SALES", "--to", "DEV", "--title", "新需求"],
        "request new",
        "a request from SALES to DEV",
        CUSTOMER,
    ),
    "ack": (["request", "ack", "{open}"], "request ack", "request #{open}", SUPPLIER),
    "start": (["request", "start", "{open}"], "request start", "request #{open}", SUPPLIER),
    "wait": (
        ["request", "wait", "{acked}", "--reason", "等资料"],
        "request wait",
        "request #{acked}",
        SUPPLIER,
    ),
    "resume": (["request", "resume", "{waiting}"], "request resume", "request #{waiting}", SUPPLIER),
    "resolve": (
        ["request", "resolve", "{open}", "--note", "已完成"],
        "request resolve",
        "request #{open}",
        SUPPLIER,
    ),
    "reject": (
        ["request", "reject", "{open}", "--reason", "不归我们"],
        "request reject",
        "request #{open}",
        SUPPLIER,
    ),
    "transfer": (
        ["request", "transfer", "{open}", "--to", "QA", "--reason", "测试部负责"],
        "request transfer",
        "request #{open}",
        SUPPLIER,
    ),
    "assign": (
        ["request", "assign", "{open}", "--owner", "zhu.peng"],
        "request assign",
        "request #{open}",
        SUPPLIER,
    ),
    "due earlier": (
        ["request", "due", "{open}", "--due", "+1d", "--reason", "提前"],
        "request due",
        "request #{open}",
        EITHER,
    ),
    "close": (["request", "close", "{resolved}"], "request close", "request #{resolved}", CUSTOMER),
    "close unachievable": (
        ["request", "close", "{open}", "--unachievable", "--note", "做不到"],
        "request unachievable",
        "request #{open}",
        CUSTOMER,
    ),
    "reopen": (
        ["request", "reopen", "{resolved}", "--reason", "没好"],
        "request reopen",
        "request #{resolved}",
        CUSTOMER,
    ),
    "cancel": (
        ["request", "cancel", "{open}", "--reason", "不要了"],
        "request cancel",
        "request #{open}",
        CUSTOMER,
    ),
    "comment": (["request", "comment", "{open}", "补充说明"], "request comment", "request #{open}", EITHER),
    "escalate open": (
        ["escalate", "open", "--request", "{open}", "--reason", "太慢"],
        "escalate open",
        "request #{open}",
        EITHER,
    ),
    "escalate raise": (
        ["escalate", "raise", "{escalation}", "--reason", "仍未解决"],
        "escalate raise",
        "escalation #{escalation}",
        EITHER,
    ),
    "escalate resolve": (
        ["escalate", "resolve", "{escalation}", "--decision", "按期完成"],
        "escalate resolve",
        "escalation #{escalation}",
        {"owner", "customer member", "admin"},  # level 1: the contacts wu.tao and li.na
    ),
    "feedback give": (
        [
            "feedback",
            "give",
            "--from",
            "SALES",
            "--to",
            "DEV",
            "--kind",
            "thanks",
            "--behavior",
            "快",
            "--impact",
            "好",
        ],
        "feedback give",
        "",
        CUSTOMER,
    ),
    "complaint respond": (
        ["feedback", "respond", "{complaint}", "--note", "马上改"],
        "feedback respond",
        "complaint #{complaint}",
        SUPPLIER,  # the owner role is a DEV member
    ),
    "complaint close": (
        ["feedback", "close", "{answered}"],
        "feedback close",
        "complaint #{answered}",
        CUSTOMER,  # the requester role is a SALES member
    ),
    "meeting minutes": (
        ["meeting", "minutes", "{meeting}", "--notes", "纪要"],
        "meeting minutes",
        "meeting #{meeting}",
        MEETING,
    ),
    "meeting action": (
        ["meeting", "action", "{meeting}", "--title", "跟进", "--owner", "zhu.peng", "--due", "+3d"],
        "meeting action",
        "meeting #{meeting}",
        MEETING,
    ),
    "meeting cancel": (
        ["meeting", "cancel", "{meeting}", "--reason", "改期"],
        "meeting cancel",
        "meeting #{meeting}",
        MEETING,
    ),
    "sweep": (["escalate", "sweep"], "escalate sweep", "overdue requests", PEOPLE | {"service"}),
    "org apply": (["org", "apply", "{org}"], "org apply", "the org file", {"admin"}),
}


def _org_text(with_ex_staff: bool) -> str:
    text = EXAMPLE_ORG.read_text(encoding="utf-8")
    if with_ex_staff:
        text = text.replace("people:\n", "people:\n  - {id: ex.staff, name: 前员工, department: SALES}\n", 1)
    return text


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The example org, a request in each status the actions need, an escalation, complaints, a meeting."""
    folder = tmp_path_factory.mktemp("matrix")
    db, before, after = folder / "icrm.db", folder / "with.yaml", folder / "org.yaml"
    before.write_text(_org_text(True), encoding="utf-8")
    after.write_text(_org_text(False), encoding="utf-8")
    changed = folder / "changed.yaml"  # an apply that changes nothing writes nothing: anyone may
    changed.write_text(_org_text(False).replace("min_group: 3", "min_group: 4"), encoding="utf-8")
    ids: dict[str, str] = {"org": str(changed)}
    with pytest.MonkeyPatch.context() as patch, time_machine.travel(FROZEN_AT, tick=False):
        patch.setenv("ICRM_DB", str(db))
        patch.setenv("ICRM_USER", "wang.qiang")
        cli = Cli(CliRunner())
        cli.ok("org", "apply", str(before))

        def new(actor: str = "wang.fang") -> str:
            made = cli.ok(
                "request",
                "new",
                "--from",
                "SALES",
                "--to",
                "DEV",
                "--title",
                "单子",
                "-f",
                "json",
                actor=actor,
            )
            return str(json.loads(made.stdout)["id"])

        cli.ok("meeting", "new", "--title", "旧会", "--at", "+1d", "--attendee", "ex.staff", actor="ex.staff")
        # history (a meeting attended) keeps ex.staff, who is then deactivated
        cli.ok("org", "apply", str(after))
        ids["open"] = new()
        ids["acked"] = new()
        cli.ok("request", "ack", ids["acked"], actor="wu.tao")
        ids["waiting"] = new()
        cli.ok("request", "ack", ids["waiting"], actor="wu.tao")
        cli.ok("request", "wait", ids["waiting"], "--reason", "等", actor="wu.tao")
        ids["resolved"] = new()
        cli.ok("request", "resolve", ids["resolved"], "--note", "好了", actor="zhu.peng")
        escalated = new()
        opened = cli.ok(
            "escalate", "open", "--request", escalated, "--reason", "慢", "-f", "json", actor="li.na"
        )
        ids["escalation"] = str(json.loads(opened.stdout)["id"])
        for key in ("complaint", "answered"):
            given = cli.ok(
                "feedback",
                "give",
                "--from",
                "SALES",
                "--to",
                "DEV",
                "--kind",
                "complaint",
                "--score",
                "2",
                "--note",
                "太慢",
                "-f",
                "json",
                actor="li.na",
            )
            ids[key] = str(json.loads(given.stdout)["id"])
        cli.ok("feedback", "respond", ids["answered"], "--note", "改", actor="sun.hao")
        meeting = cli.ok(
            "meeting",
            "new",
            "--title",
            "周会",
            "--at",
            "+1d",
            "--dept",
            "SALES",
            "--dept",
            "DEV",
            "-f",
            "json",
            actor="li.na",
        )
        ids["meeting"] = str(json.loads(meeting.stdout)["id"])
    yield db, ids


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        lines = list(conn.iterdump())
    conn.close()
    return lines


CASES = [(action, role) for action in ACTIONS for role in CAST]


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_matrix(
    cli: Cli, db_path: Path, frozen: object, template: tuple[Path, dict[str, str]], action: str, role: str
) -> None:
    source, ids = template
    with sqlite3.connect(source) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    argv, rule, obj, allowed = ACTIONS[action]
    actor = CAST[role]
    args = [part.format(**ids) for part in argv]
    before = dump(db_path)
    result = cli(*args, actor=actor)
    if role in allowed:
        assert result.exit_code == 0, result.stderr
        return
    obj = obj.format(**ids) or "feedback about DEV"
    facts = {**SIDES, "object": obj, "organizer": "li.na", "departments": "DEV, SALES"}
    facts.update(must_act="li.na, wu.tao", admins="wang.qiang", customers="none")
    doing = RULES[rule].doing.format(**facts)
    if role == "service" and rule != "escalate sweep":
        why = SERVICE_RULE
    elif role == "unknown login":
        why = OUTSIDE_RULE
    elif role == "deactivated person":
        why = DEACTIVATED_RULE
    else:
        why = RULES[rule].who_may.format(**facts)
    assert result.stderr == f"Error: permission denied: {WHO[actor]} cannot {doing}; {why}\n"
    assert result.exit_code == 1
    assert dump(db_path) == before
