"""The weekly report as Markdown, for mail and wikis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from icrm_cli.output.report_columns import (
    CUSTOMER_KEYS,
    SUPPLIER_KEYS,
    figure_with_change,
    header,
    matrix_grid,
)
from icrm_cli.safe_text import visible
from icrm_cli.timeutil import Clock


def _esc(value: Any) -> str:
    text = visible("" if value is None else str(value))
    for char in ("\\", "|", "*", "_", "`", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text.replace("\r", " ").replace("\n", " ")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---" if i < right_from else "---:" for i in range(len(headers))) + "|")
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def week_title(data: Mapping[str, Any], clock: Clock) -> str:
    first = clock.local(data["start"]).date()
    last = clock.local(data["end"] - timedelta(seconds=1)).date()
    return f"{data['week']} ({first.isoformat()} – {last.isoformat()})"


def render_markdown(data: Mapping[str, Any], clock: Clock) -> str:
    org = data.get("organization") or ""
    lines = [f"# 周报 Weekly report {week_title(data, clock)}", ""]
    about = [f"{_esc(org)}" if org else "", f"generated {clock.short(data['generated_at'])}"]
    about.append(f"change against {data['previous_week']} shown as ▲/▼")
    if data.get("dept"):
        about.append(f"department {data['dept']}")
    lines += ["; ".join(part for part in about if part), ""]
    rows = [*data["departments"], data["totals"]]

    lines += ["## 作为供方 As supplier", ""]
    headers = ["dept", "name", *(header(key) for key in SUPPLIER_KEYS)]
    body = [
        [_esc(row["department"]), _esc(row["name"]), *(figure_with_change(row, key) for key in SUPPLIER_KEYS)]
        for row in rows
    ]
    lines += _table(headers, body, right_from=2)
    lines += [
        "",
        "on time %: resolved at or before due; overdue: unresolved and past due at week end "
        "(waiting requests excluded); hours are medians from creation, waiting excluded; "
        f"satisfaction: average score of the week's ratings, withheld under {data['min_group']}; "
        "complaints: open at week end; escalations: opened in the week, max level reached by week end.",
        "",
    ]

    lines += ["## 作为客户 As customer", ""]
    body = [
        [_esc(row["department"]), _esc(row["name"]), *(figure_with_change(row, key) for key in CUSTOMER_KEYS)]
        for row in rows
    ]
    lines += _table(["dept", "name", "sent", "still open at week end"], body, right_from=2)
    lines.append("")

    customers, suppliers, cells = matrix_grid(data)
    lines += ["## 部门矩阵 Requests between departments (rows: customer, columns: supplier)", ""]
    if cells:
        body = [
            [_esc(customer), *(str(cells.get((customer, s), "")) for s in suppliers)]
            for customer in customers
        ]
        lines += _table(["from \\ to", *(_esc(s) for s in suppliers)], body)
    else:
        lines.append("No requests were created this week.")
    lines.append("")

    lines += ["## 踢皮球 Kicked balls (most transfers, open at week end)", ""]
    if data["kicked_balls"]:
        body = [
            [
                f"#{item['id']}",
                _esc(item["title"]),
                _esc(item["from_dept"]),
                _esc(item["to_dept"]),
                str(item["transfers"]),
                _esc(item["status"]),
                clock.short(item["due_at"]),
            ]
            for item in data["kicked_balls"]
        ]
        lines += _table(["#", "title", "from", "to", "transfers", "status now", "due"], body, right_from=4)
    else:
        lines.append("None.")
    lines.append("")

    lines += ["## 会议 Meetings held", ""]
    if data["meetings"]:
        body = [
            [
                f"#{m['id']}",
                _esc(m["title"]),
                _esc(m.get("series") or ""),
                clock.short(m["starts_at"]),
                _esc(", ".join(m["departments"])),
                str(m["action_count"]),
                str(m["open_actions"]),
            ]
            for m in data["meetings"]
        ]
        headers = ["#", "title", "series", "starts", "departments", "actions", "open at week end"]
        lines += _table(headers, body, right_from=5)
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"
