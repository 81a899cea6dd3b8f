"""The digest text: one message per recipient and channel, grouped like ``icrm inbox``.

Chinese for a Chinese org (``language: zh``, the default when the organisation's
name is Chinese), else English. Each line names the request number, title,
departments and due time in the org's zone, then the command to act.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from icrm_cli.domain.inbox.sections import SECTIONS  # the digest's sections are the inbox's
from icrm_cli.domain.notify.collect import Item, Recipient
from icrm_cli.timeutil import Clock

# A request shows in one section only: the first of these that it has.
REQUEST_ORDER = ("overdue", "due_soon", "to_acknowledge", "to_confirm", "actions")
MAX_LINES = 20  # per section; the rest is "and N more"

HEADINGS = {
    "zh": {
        "to_acknowledge": "待接收",
        "overdue": "已逾期",
        "due_soon": "24 小时内到期",
        "to_confirm": "待您确认",
        "complaints": "投诉",
        "escalations": "升级待处理",
        "meetings": "明天的会议",
        "actions": "会议行动项",
    },
    "en": {
        "to_acknowledge": "To acknowledge",
        "overdue": "Overdue",
        "due_soon": "Due within 24 hours",
        "to_confirm": "To confirm",
        "complaints": "Complaints",
        "escalations": "Escalations",
        "meetings": "Meetings tomorrow",
        "actions": "Action items",
    },
}
COMMANDS = {
    "to_acknowledge": "icrm request ack {id}",
    "overdue": "icrm request show {id}",
    "due_soon": "icrm request show {id}",
    "to_confirm": "icrm request close {id}",
    "complaints": 'icrm feedback respond {id} --note "..."',
    "escalations": "icrm escalate show {id}",
    "meetings": "icrm meeting agenda {id}",
    "actions": "icrm request show {id}",
}
_CJK = re.compile(r"[\u3400-\u9fff]")


def language(settings: dict[str, Any]) -> str:
    """``language`` from the org file, else zh for a Chinese organisation name, else en."""
    chosen = settings.get("language")
    if chosen in ("zh", "en"):
        return str(chosen)
    return "zh" if _CJK.search(str(settings.get("organization") or "")) else "en"


def _order(item: Item) -> tuple[str, str]:
    return (str(item.fields.get("due_at") or item.fields.get("starts_at") or ""), item.object)


def arrange(items: Sequence[Item]) -> dict[str, list[Item]]:
    """Items by section in inbox order; a request only in its first matching section, once."""
    best: dict[str, int] = {}
    for item in items:
        if item.object.startswith("request:") and item.section in REQUEST_ORDER:
            rank = REQUEST_ORDER.index(item.section)
            best[item.object] = min(rank, best.get(item.object, rank))
    sections: dict[str, list[Item]] = {name: [] for name in SECTIONS}
    shown: set[tuple[str, str]] = set()
    for item in items:
        if item.object in best and REQUEST_ORDER.index(item.section) != best[item.object]:
            continue
        if (item.section, item.object) in shown or item.section not in sections:
            continue
        shown.add((item.section, item.object))
        sections[item.section].append(item)
    for rows in sections.values():
        rows.sort(
            key=lambda item: (item.fields.get("due_at") or item.fields.get("starts_at") or "", item.object)
        )
    return {name: rows for name, rows in sections.items() if rows}


TEXT = {
    "zh": {
        "complaint": "投诉 #{id} {from_name}({from_dept}) → {to_name}({to_dept})：{note}",
        "escalation": "升级 #{id} 第 {level} 级{request}：{dept_a_name}({dept_a}) ↔ {dept_b_name}({dept_b})，"
        "原因：{reason}",
        "meeting": "#{id} {title}，{start}{where}",
        "request": "#{id} 「{title}」 {from_name}({from_dept}) → {to_name}({to_dept})，截止 {due}",
        "act": "  处理：{command}",
        "heading": "{heading}（{count}）",
        "more": "- 另有 {count} 项：icrm inbox",
        "person_title": "【icrm】{name}，有 {count} 件事需要您处理",
        "dept_title": "【icrm】{name}：{count} 件新事项",
        "zone": "时间为 {zone} 时间。",
        "everything": "查看全部：icrm --as {person} inbox",
    },
    "en": {
        "complaint": "Complaint #{id} {from_name}({from_dept}) → {to_name}({to_dept}): {note}",
        "escalation": "Escalation #{id} level {level}{request}: {dept_a_name}({dept_a}) ↔ "
        "{dept_b_name}({dept_b}), reason: {reason}",
        "meeting": "#{id} {title}, {start}{where}",
        "request": '#{id} "{title}" {from_name}({from_dept}) → {to_name}({to_dept}), due {due}',
        "act": "  act: {command}",
        "heading": "{heading} ({count})",
        "more": "- and {count} more: icrm inbox",
        "person_title": "[icrm] {count} things need you, {name}",
        "dept_title": "[icrm] {name}: {count} new items",
        "zone": "Times are {zone}.",
        "everything": "Everything: icrm --as {person} inbox",
    },
}


def _when(value: str | None, clock: Clock) -> str:
    return clock.short(datetime.fromisoformat(value)) if value else "?"


def _line(section: str, fields: dict[str, Any], lang: str, clock: Clock) -> str:
    text = TEXT[lang]
    values = {key: ("" if value is None else value) for key, value in fields.items()}
    if section == "complaints":
        return text["complaint"].format(**values)
    if section == "escalations":
        request = f" #{fields['request_id']}" if fields.get("request_id") else ""
        return text["escalation"].format(**{**values, "request": request})
    if section == "meetings":
        where = f" @ {fields['location']}" if fields.get("location") else ""
        return text["meeting"].format(**values, start=_when(fields.get("starts_at"), clock), where=where)
    return text["request"].format(**values, due=_when(fields.get("due_at"), clock))


def digest(
    recipient: Recipient, items: Sequence[Item], lang: str, clock: Clock, zone_name: str | None
) -> tuple[str, str]:
    """(title, body) of one digest."""
    text = TEXT[lang]
    sections = arrange(items)
    count = sum(len(rows) for rows in sections.values())
    which = "person_title" if recipient.kind == "person" else "dept_title"
    title = text[which].format(name=recipient.name, count=count)
    lines: list[str] = []
    for section, rows in sections.items():
        lines.append(text["heading"].format(heading=HEADINGS[lang][section], count=len(rows)))
        for item in rows[:MAX_LINES]:
            lines.append("- " + _line(section, item.fields, lang, clock))
            lines.append(text["act"].format(command=COMMANDS[section].format(id=item.fields.get("id"))))
        if len(rows) > MAX_LINES:
            lines.append(text["more"].format(count=len(rows) - MAX_LINES))
        lines.append("")
    if zone_name:
        lines.append(text["zone"].format(zone=zone_name))
    if recipient.kind == "person":
        lines.append(text["everything"].format(person=recipient.ident))
    return title, "\n".join(lines).strip() + "\n"
