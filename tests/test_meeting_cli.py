"""`icrm meeting`: scheduling, action items, minutes, attendance, cancellation, bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

SERIES = "例会-产销协调"


def new_meeting(cli: Cli, *args: str, actor: str | None = None) -> dict[str, Any]:
    result = cli.ok("meeting", "new", *args, "--format", "json", actor=actor)
    return dict(json.loads(result.stdout))


def standard(cli: Cli, at: str = "2026-11-16T10:00", series: str = SERIES) -> int:
    meeting = new_meeting(
        cli,
        "--title",
        "产销协调周会",
        "--at",
        at,
        "--series",
        series,
        "--dept",
        "SALES",
        "--dept",
        "DEV",
        "--dept",
        "PUR",
        "--location",
        "3楼会议室",
    )
    return int(meeting["id"])


def test_new_defaults_and_json_keys(cli: Cli, org: Path) -> None:
    meeting = new_meeting(
        cli, "--title", "产销协调周会", "--at", "2026-11-16T10:00", "--dept", "SALES", "--dept", "DEV"
    )
    for key in (
        "id",
        "title",
        "series",
        "starts_at",
        "ends_at",
        "location",
        "departments",
        "attendees",
        "organizer",
        "status",
        "notes",
        "decisions",
        "actions",
    ):
        assert key in meeting
    assert meeting["starts_at"] == "2026-11-16T10:00:00+08:00"
    assert meeting["ends_at"] == "2026-11-16T11:00:00+08:00"
    assert meeting["departments"] == ["DEV", "SALES"]
    assert meeting["organizer"] == "zhang.wei"
    assert meeting["organizer_dept"] == "SALES"
    # default attendees: the organiser and each department's interface contact
    assert set(meeting["attendees"]) == {"zhang.wei", "li.na", "wu.tao"}
    assert meeting["status"] == "scheduled"
    assert meeting["decisions"] == [] and meeting["actions"] == []

    text = cli.ok(
        "meeting", "new", "--title", "周会", "--at", "tomorrow", "--duration", "90m", "--attendee", "feng.kai"
    ).stdout
    assert text.startswith("Created meeting #2 周会 at 2026-11-17 00:00")
    second = json.loads(cli.ok("meeting", "show", "2", "--format", "json").stdout)
    assert second["departments"] == ["IT", "SALES"]  # from the attendee and the organiser
    assert second["ends_at"] == "2026-11-17T01:30:00+08:00"


def test_action_creates_request_with_departments_and_meeting(cli: Cli, org: Path) -> None:
    meeting_id = standard(cli)
    text = cli.ok(
        "meeting",
        "action",
        str(meeting_id),
        "--title",
        "确认交期",
        "--owner",
        "wu.tao",
        "--due",
        "2026-11-20",
    ).stdout
    assert text.startswith("Created request #1 SALES → DEV (owner wu.tao, due 2026-11-20 23:59)")
    result = cli.ok(
        "meeting",
        "action",
        str(meeting_id),
        "--title",
        "采购样品",
        "--owner",
        "xu.fang",
        "--due",
        "+3d",
        "--format",
        "json",
    )
    created = json.loads(result.stdout)
    assert (created["from_dept"], created["to_dept"], created["owner"]) == ("SALES", "PUR", "xu.fang")
    assert created["meeting_id"] == meeting_id
    assert created["requester"] == "zhang.wei"
    shown = json.loads(cli.ok("request", "show", str(created["id"]), "--format", "json").stdout)
    assert shown["meeting_id"] == meeting_id
    meeting = json.loads(cli.ok("meeting", "show", str(meeting_id), "--format", "json").stdout)
    assert [a["id"] for a in meeting["actions"]] == [1, 2]
    assert "action_added" in [e["kind"] for e in meeting["events"]]
    listed = json.loads(cli.ok("meeting", "list", "--format", "json").stdout)
    assert listed[0]["action_count"] == 2 and listed[0]["open_actions"] == 2


def test_action_customer_is_organiser_department(cli: Cli, org: Path) -> None:
    it_meeting = new_meeting(
        cli, "--title", "账号清理", "--at", "+1d", "--dept", "SALES", "--dept", "DEV", actor="feng.kai"
    )
    created = json.loads(
        cli.ok(
            "meeting",
            "action",
            str(it_meeting["id"]),
            "--title",
            "清理离职账号",
            "--owner",
            "feng.kai",
            "--due",
            "+2d",
            "--format",
            "json",
        ).stdout
    )
    assert (created["from_dept"], created["to_dept"]) == ("IT", "IT")  # the same department is allowed
    cron = new_meeting(
        cli, "--title", "自动排期", "--at", "+1d", "--dept", "PUR", "--dept", "WH", actor="cron"
    )
    assert cron["organizer"] == "cron" and cron["organizer_dept"] == "PUR"
    created = json.loads(
        cli.ok(
            "meeting",
            "action",
            str(cron["id"]),
            "--title",
            "盘点库存",
            "--owner",
            "shen.bin",
            "--due",
            "+2d",
            "--format",
            "json",
        ).stdout
    )
    assert (created["from_dept"], created["to_dept"]) == ("PUR", "WH")


def test_notes_prepared_before_the_start_keep_the_meeting_upcoming(cli: Cli, org: Path, frozen: Any) -> None:
    meeting_id = str(standard(cli))  # starts at 10:00, the clock says 09:00
    cli.ok("meeting", "minutes", meeting_id, "--notes", "议题：交期延误")
    upcoming = json.loads(cli.ok("meeting", "list", "--upcoming", "--format", "json").stdout)
    assert [m["id"] for m in upcoming] == [int(meeting_id)] and upcoming[0]["status"] == "scheduled"
    reminders = json.loads(cli.ok("meeting", "remind", "--within", "2h", "--format", "json").stdout)
    assert [m["id"] for m in reminders] == [int(meeting_id)]
    frozen.shift(timedelta(hours=2))  # after the meeting: recording the minutes makes it held
    cli.ok("meeting", "minutes", meeting_id, "--decision", "报价统一走联络单")
    shown = json.loads(cli.ok("meeting", "show", meeting_id, "--format", "json").stdout)
    assert shown["status"] == "held" and shown["notes"] == "议题：交期延误"
    assert [e["kind"] for e in shown["events"]] == ["created", "minutes_recorded", "minutes_recorded"]


def test_minutes_amend_keeps_history_and_attendance(cli: Cli, org: Path, tmp_path: Path, frozen: Any) -> None:
    meeting_id = str(standard(cli))
    frozen.shift(timedelta(hours=2))  # the meeting is over
    cli.ok("meeting", "minutes", meeting_id, "--notes", "讨论了交期问题", "--decision", "报价统一走联络单")
    notes_file = tmp_path / "纪要.md"
    notes_file.write_text("## 讨论\n\n- 交期延误原因已确认\n", encoding="utf-8")
    cli.ok(
        "meeting",
        "minutes",
        meeting_id,
        "--notes-file",
        str(notes_file),
        "--decision",
        "每日同步进度",
        "--decision",
        "下周复盘",
    )
    cli.ok("meeting", "attend", meeting_id, "li.na", "wu.tao")
    cli.ok("meeting", "attend", meeting_id, "xu.fang", "--absent")
    cli.ok("meeting", "attend", meeting_id, "han.bo")  # not invited, came anyway
    shown = json.loads(cli.ok("meeting", "show", meeting_id, "--format", "json").stdout)
    assert shown["status"] == "held"
    assert shown["notes"] == "## 讨论\n\n- 交期延误原因已确认"
    assert shown["decisions"] == ["每日同步进度", "下周复盘"]
    kinds = [e["kind"] for e in shown["events"]]
    assert kinds == [
        "created",
        "minutes_recorded",
        "minutes_amended",
        "attendance",
        "attendance",
        "attendance",
    ]
    presence = {a["person"]: a["present"] for a in shown["attendance"]}
    assert presence == {"zhang.wei": None, "li.na": True, "wu.tao": True, "xu.fang": False, "han.bo": True}
    assert "han.bo" in shown["attendees"]


def test_list_upcoming_series_and_cancel(cli: Cli, org: Path) -> None:
    past = standard(cli, "2026-11-09T10:00")
    nxt = standard(cli, "2026-11-23T10:00")
    other = standard(cli, "2026-11-18T10:00", series="例会-研发质量")
    cancelled = standard(cli, "2026-11-20T10:00")
    cli.ok("meeting", "cancel", str(cancelled), "--reason", "负责人出差")
    upcoming = json.loads(cli.ok("meeting", "list", "--upcoming", "--format", "json").stdout)
    assert [m["id"] for m in upcoming] == [other, nxt]
    series = json.loads(cli.ok("meeting", "list", "--series", SERIES, "--format", "json").stdout)
    assert [m["id"] for m in series] == [nxt, cancelled, past]
    table = cli.ok("meeting", "list").stdout
    assert "产销协调周会" in table and "cancelled" in table and "\x1b[" not in table
    assert cli.ok("meeting", "list", "--series", "不存在").stdout.strip() == "No meetings."
    csv_text = cli.ok("meeting", "list", "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("id,title,series,starts_at")


def _count(cli: Cli, what: str) -> int:
    return len(json.loads(cli.ok(what, "list", "--format", "json").stdout))


@pytest.mark.parametrize(
    "args",
    [
        ["new", "--title", "周会", "--at", "+1d", "--duration", "0m", "--dept", "SALES"],
        ["new", "--title", "周会", "--at", "+1d", "--duration", "forever", "--dept", "SALES"],
        ["new", "--title", "周会", "--at", "+1d", "--duration", "25h", "--dept", "SALES"],
        ["new", "--title", "周会", "--at", "+1d", "--dept", "NOPE"],
        ["new", "--title", "周会", "--at", "+1d", "--dept", "SALES", "--attendee", "nobody"],
        ["new", "--title", "周会", "--at", "下周二", "--dept", "SALES"],
        ["new", "--title", "周会", "--at", "2026-13-40", "--dept", "SALES"],
        ["new", "--title", "  ", "--at", "+1d", "--dept", "SALES"],
        ["action", "99", "--title", "确认交期", "--owner", "wu.tao", "--due", "+3d"],
        ["action", "1", "--title", "确认交期", "--owner", "nobody", "--due", "+3d"],
        ["action", "1", "--title", "确认交期", "--owner", "wu.tao", "--due", "whenever"],
        ["action", "2", "--title", "确认交期", "--owner", "wu.tao", "--due", "+3d"],
        ["minutes", "2", "--notes", "取消的会"],
        ["minutes", "1"],
        ["minutes", "1", "--notes", "a", "--notes-file", "x.md"],
        ["minutes", "1", "--notes-file", "/nonexistent/纪要.md"],
        ["minutes", "99", "--notes", "无此会议"],
        ["cancel", "2", "--reason", "再次取消"],
        ["attend", "1", "nobody"],
        ["attend", "2", "li.na"],
        ["show", "99"],
        ["agenda", "99"],
        ["ics", "99"],
        ["remind", "--within", "forever"],
    ],
)
def test_bad_input_changes_nothing(cli: Cli, org: Path, args: list[str]) -> None:
    standard(cli, "2026-11-17T10:00")
    cancelled = standard(cli, "2026-11-18T10:00")
    cli.ok("meeting", "cancel", str(cancelled), "--reason", "负责人出差")
    before = cli.ok("meeting", "show", "1", "--format", "json").stdout
    result = cli.fails("meeting", *args)
    assert len(result.stderr.strip().splitlines()) == 1
    assert _count(cli, "meeting") == 2 and _count(cli, "request") == 0
    assert cli.ok("meeting", "show", "1", "--format", "json").stdout == before


def test_organiser_outside_org_without_departments_fails(cli: Cli, org: Path) -> None:
    cli.fails("meeting", "new", "--title", "周会", "--at", "+1d", actor="cron")
    assert _count(cli, "meeting") == 0


def test_service_unit_create_and_cancel(cli: Cli, org: Path, db_path: Path) -> None:
    from datetime import timedelta

    from icrm_cli.domain.meetings import schedule as meetings
    from icrm_cli.domain.org.settings import load_policy
    from icrm_cli.errors import TransitionError
    from icrm_cli.storage.engine import open_database

    db = open_database(str(db_path))
    try:
        with db.session(write=True) as sess:
            policy = load_policy(sess)
            start = policy.clock.parse("2026-11-17T10:00")
            meeting = meetings.create(
                sess,
                policy,
                actor="li.na",
                title="周会",
                starts_at=start,
                duration=timedelta(minutes=30),
                departments=["sales", "dev"],
            )
            assert meeting.organizer_dept == "SALES"
            assert meetings.departments_of(sess, meeting.id or 0) == ["DEV", "SALES"]
            meetings.cancel(sess, policy, meeting.id or 0, reason="改期", actor="li.na")
            with pytest.raises(TransitionError):
                meetings.record_minutes(sess, policy, meeting.id or 0, actor="li.na", notes="x")
    finally:
        db.close()


def test_unrelated_request_counts(cli: Cli, org: Path) -> None:
    """A request filed outside meetings has no meeting_id and is not an action item."""
    standard(cli)
    request_id = new_request(cli, "--from", "SALES", "--to", "DEV", "--title", "导出数据")
    shown = json.loads(cli.ok("request", "show", str(request_id), "--format", "json").stdout)
    assert shown["meeting_id"] is None
    assert json.loads(cli.ok("meeting", "show", "1", "--format", "json").stdout)["actions"] == []
