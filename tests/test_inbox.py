"""`icrm inbox`: what needs each role in a scripted week (frozen time, Mon 2026-11-16 09:00 Shanghai)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

KEYS = [
    "to_acknowledge",
    "overdue",
    "due_soon",
    "to_confirm",
    "complaints",
    "escalations",
    "meetings",
    "actions",
]


def inbox(cli: Cli, person: str) -> dict[str, list[int]]:
    found: dict[str, Any] = json.loads(cli.ok("inbox", "--format", "json", actor=person).stdout)
    assert list(found) == KEYS
    return {key: [row["id"] for row in rows] for key, rows in found.items() if rows}


def test_a_week_of_inboxes(cli: Cli, org: Path, frozen: time_machine.Traveller) -> None:
    # Monday 09:00: sales asks IT; the IT contact must acknowledge, nobody else in IT.
    vpn = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限")  # due Sat 09:00
    assert inbox(cli, "feng.kai") == {"to_acknowledge": [vpn]}
    assert inbox(cli, "han.bo") == {}
    assert cli.ok("inbox", actor="han.bo").stdout == "Nothing needs you now.\n"
    table = cli.ok("inbox", actor="feng.kai").stdout
    assert "To acknowledge (1)" in table and "开通VPN权限" in table

    # A weekly meeting tomorrow with an action item for the developers' contact.
    meeting = json.loads(
        cli.ok(
            "meeting",
            "new",
            "--title",
            "产销协调周会",
            "--at",
            "2026-11-17T10:00",
            "--dept",
            "SALES",
            "--dept",
            "DEV",
            "--format",
            "json",
        ).stdout
    )
    action = json.loads(
        cli.ok(
            "meeting",
            "action",
            str(meeting["id"]),
            "--title",
            "修复导出",
            "--owner",
            "wu.tao",
            "--due",
            "2026-11-27",
            "--format",
            "json",
        ).stdout
    )["id"]
    assert inbox(cli, "wang.fang") == {"meetings": [meeting["id"]]}  # SALES attends
    assert inbox(cli, "wu.tao") == {"to_acknowledge": [action], "meetings": [meeting["id"]]}
    cli.ok("request", "start", str(action), actor="wu.tao")
    assert inbox(cli, "wu.tao")["actions"] == [action]

    # Tuesday: IT acknowledges; Friday 10:00 it is due within 24 h; Sunday overdue.
    frozen.shift(timedelta(days=1))
    cli.ok("request", "ack", str(vpn), actor="feng.kai")
    assert inbox(cli, "feng.kai") == {}
    frozen.shift(timedelta(days=3, hours=1))
    assert inbox(cli, "feng.kai") == {"due_soon": [vpn]}
    frozen.shift(timedelta(days=2))
    assert inbox(cli, "feng.kai") == {"overdue": [vpn]}
    assert "meetings" not in inbox(cli, "wang.fang")  # the meeting is past

    # An escalation: level 1 is both interface contacts.
    cli.ok("escalate", "open", "--request", str(vpn), "--reason", "客户在等")
    assert inbox(cli, "li.na") == {"escalations": [1]}
    assert inbox(cli, "feng.kai") == {"overdue": [vpn], "escalations": [1]}

    # Resolved: the requester confirms; the owner is done with it.
    cli.ok("request", "resolve", str(vpn), "--note", "已开通", actor="feng.kai")
    assert inbox(cli, "zhang.wei")["to_confirm"] == [vpn]
    assert "overdue" not in inbox(cli, "feng.kai")

    # A complaint: IT's head and contact answer it; once answered, the author closes it.
    complaint = json.loads(
        cli.ok(
            "feedback",
            "give",
            "--from",
            "SALES",
            "--to",
            "IT",
            "--kind",
            "complaint",
            "--note",
            "打印机总坏",
            "--format",
            "json",
        ).stdout
    )["id"]
    assert inbox(cli, "han.bo") == {"complaints": [complaint]}
    assert inbox(cli, "feng.kai")["complaints"] == [complaint]
    assert "complaints" not in inbox(cli, "zhang.wei")
    cli.ok("feedback", "respond", str(complaint), "--note", "已换新打印机", actor="feng.kai")
    assert inbox(cli, "zhang.wei")["complaints"] == [complaint]


def test_unowned_request_goes_to_the_contact(cli: Cli, org: Path, org_file: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "DEV", "--title", "导出报表", "--owner", "zhu.peng")
    data = yaml.safe_load(org_file.read_text(encoding="utf-8"))
    data["people"] = [p for p in data["people"] if p["id"] != "zhu.peng"]  # zhu.peng leaves
    org_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cli.ok("org", "apply", str(org_file))
    assert inbox(cli, "wu.tao") == {"to_acknowledge": [rid]}  # DEV's contact
    assert inbox(cli, "sun.hao") == {}


def test_unknown_person_is_an_error(cli: Cli, org: Path) -> None:
    result = cli.fails("inbox", actor="nobody")
    assert result.stderr.strip() == "Error: unknown person 'nobody' (see 'icrm org show')"
