"""Meeting documents: column specs, the minutes and agenda in Markdown, the .ics file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from icrm_cli.output.render import markdown_table
from icrm_cli.output.shapes import Column, OutputOptions
from icrm_cli.output.sink import open_sink
from icrm_cli.safe_text import visible
from icrm_cli.timeutil import Clock

MEETING_COLUMNS = (
    Column("id", "#", kind="int", justify="right"),
    Column("title"),
    Column("series"),
    Column("starts_at", "starts", kind="time"),
    Column("ends_at", "ends", kind="time", in_table=False),
    Column("location"),
    Column("departments", kind="list"),
    Column("attendees", kind="list", in_table=False),
    Column("organizer"),
    Column("organizer_dept", in_table=False),
    Column("status"),
    Column("notes", in_table=False),
    Column("decisions", kind="list", in_table=False),
    Column("action_count", "actions", kind="int", justify="right"),
    Column("open_actions", "open", kind="int", justify="right"),
)

MEETING_FIELDS = (
    Column("id", kind="int"),
    Column("title"),
    Column("series"),
    Column("starts_at", "starts", kind="time"),
    Column("ends_at", "ends", kind="time"),
    Column("location"),
    Column("departments", kind="list"),
    Column("organizer"),
    Column("organizer_dept", "organizer dept"),
    Column("status"),
    Column("notes"),
    Column("decisions", kind="list"),
)

ATTENDANCE_COLUMNS = (
    Column("person"),
    Column("name"),
    Column("department"),
    Column("email"),
    Column("present", kind="bool"),
)

ITEM_COLUMNS = (
    Column("id", "#", kind="int", justify="right"),
    Column("title"),
    Column("from_dept", "from"),
    Column("to_dept", "to"),
    Column("owner"),
    Column("status"),
    Column("due_at", "due", kind="time"),
    Column("overdue", kind="bool"),
    Column("meeting_id", "meeting", kind="int", justify="right"),
)

ESCALATION_COLUMNS = (
    Column("id", "#", kind="int", justify="right"),
    Column("request_id", "request", kind="int"),
    Column("dept_a"),
    Column("dept_b"),
    Column("level", kind="int"),
    Column("reason"),
    Column("opened_at", "opened", kind="time"),
)

REMIND_COLUMNS = (
    Column("id", "#", kind="int", justify="right"),
    Column("title"),
    Column("starts_at", "starts", kind="time"),
    Column("location"),
    Column("person"),
    Column("name"),
    Column("email"),
)

AGENDA_SECTIONS = (
    ("carried_over", "1. 遗留事项 Carried over", ITEM_COLUMNS),
    ("overdue_requests", "2. 逾期联络单 Overdue requests between these departments", ITEM_COLUMNS),
    ("open_escalations", "3. 未决升级 Open escalations", ESCALATION_COLUMNS),
)


def _esc(value: Any) -> str:
    text = visible("" if value is None else str(value))
    for char in ("\\", "|", "*", "_", "`", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text.replace("\r", " ").replace("\n", " ")


def _notes(text: str | None) -> list[str]:
    """Free-text notes as Markdown that stays text: no HTML, and no heading, rule or link of its own
    (a ``## 决议 Decisions`` line in the notes must not pose as the document's section)."""
    if not text or not text.strip():
        return ["(无 none)"]
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _esc(raw.rstrip()).replace("&", "&amp;")
        stripped = line.lstrip()
        if stripped[:1] in ("#", "=", "-", "+") or stripped[:1].isdigit():
            indent = line[: len(line) - len(stripped)]
            line = indent + "\\" + stripped if not stripped[:1].isdigit() else line.replace(".", "\\.", 1)
        lines.append(line)
    # Two trailing spaces keep the writer's line breaks inside a paragraph.
    return ["  \n".join(lines).replace("  \n  \n", "\n\n")]


def _when(meeting: Mapping[str, Any], clock: Clock) -> str:
    start, end = clock.local(meeting["starts_at"]), clock.local(meeting["ends_at"])
    zone = str(clock.zone) if clock.zone is not None else start.strftime("%Z")
    last = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return f"{start:%Y-%m-%d %H:%M}–{last} ({zone})"


def _label(code: str | None, names: Mapping[str, str]) -> str:
    if not code:
        return "-"
    name = names.get(code)
    return f"{name} ({code})" if name else code


def _header(meeting: Mapping[str, Any], names: Mapping[str, str], clock: Clock) -> list[str]:
    lines = [
        f"- 时间 Time: {_when(meeting, clock)}",
        f"- 地点 Location: {_esc(meeting.get('location') or '-')}",
    ]
    if meeting.get("series"):
        lines.append(f"- 系列 Series: {_esc(meeting['series'])}")
    depts = ", ".join(_esc(_label(code, names)) for code in meeting["departments"])
    lines += [
        f"- 部门 Departments: {depts or '-'}",
        f"- 组织者 Organizer: {_esc(_label(meeting['organizer'], names))}",
        f"- 状态 Status: {meeting['status']}",
    ]
    return lines


def _items(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], clock: Clock) -> list[str]:
    if not rows:
        return ["(无 none)"]
    lines = [
        "| # | 事项 item | 负责人 owner | 部门 from → to | 截止 due | 状态 status |",
        "|---:|---|---|---|---|---|",
    ]
    for row in rows:
        status = row["status"] + (" **逾期 overdue**" if row.get("overdue") else "")
        lines.append(
            f"| {row['id']} | {_esc(row['title'])} | {_esc(_label(row.get('owner'), names))} "
            f"| {row['from_dept']} → {row['to_dept']} | {clock.short(row['due_at'])} | {status} |"
        )
    return lines


def minutes_markdown(agenda: Mapping[str, Any], names: Mapping[str, str], clock: Clock) -> str:
    """The minutes (会议纪要) for stakeholders, ready to paste into mail."""
    meeting = agenda["meeting"]
    lines = [f"# 会议纪要 Minutes: {_esc(meeting['title'])}", "", *_header(meeting, names, clock), ""]
    lines += ["## 参会人员 Attendees", ""]
    if not meeting["attendance"]:
        lines.append("(无 none)")
    for person in meeting["attendance"]:
        mark = {True: "出席 present", False: "缺席 absent", None: "未记录 not recorded"}[person["present"]]
        dept = _label(person["department"], names)
        lines.append(f"- {_esc(person['name'])} ({_esc(person['person'])}), {_esc(dept)}: {mark}")
    lines += ["", "## 会议记录 Notes", "", *_notes(meeting.get("notes")), ""]
    lines += ["## 决议 Decisions", ""]
    decisions = meeting.get("decisions") or []
    lines += [f"{n}. {_esc(text)}" for n, text in enumerate(decisions, 1)] or ["(无 none)"]
    lines += ["", "## 行动项 Action items", "", *_items(meeting["actions"], names, clock), ""]
    lines += ["## 遗留事项 Carried over from earlier meetings", ""]
    lines += [*_items(agenda["carried_over"], names, clock), ""]
    return "\n".join(lines)


def agenda_markdown(agenda: Mapping[str, Any], names: Mapping[str, str], clock: Clock) -> str:
    """The agenda: carried-over items first, then what is stuck between the departments."""
    meeting = agenda["meeting"]
    lines = [f"# 会议议程 Agenda: {_esc(meeting['title'])}", "", *_header(meeting, names, clock), ""]
    for key, title, columns in AGENDA_SECTIONS:
        lines += [f"## {title}", ""]
        if key == "open_escalations":
            rows = agenda[key]
            lines.append(markdown_table(rows, columns, clock).rstrip("\n") if rows else "(无 none)")
        else:
            lines += _items(agenda[key], names, clock)
        lines.append("")
    return "\n".join(lines)


def emit_ics(data: bytes, opts: OutputOptions) -> None:
    """The calendar file as-is (CRLF kept), to stdout or ``-o FILE``."""
    with open_sink(opts.output, newline="") as stream:
        stream.write(data.decode("utf-8"))
