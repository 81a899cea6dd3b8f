"""The weekly report as one self-contained HTML file (inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from icrm_cli.domain.report.keys import CHANGE_KEYS, TOTAL, WORSE_WHEN_UP
from icrm_cli.output.report_columns import (
    CUSTOMER_KEYS,
    SUPPLIER_KEYS,
    change_text,
    header,
    matrix_grid,
    number,
)
from icrm_cli.output.report_markdown import week_title
from icrm_cli.output.report_svg import heat_map, rate_bars, score_trend, volume_trend
from icrm_cli.safe_text import visible
from icrm_cli.timeutil import Clock

_CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #eee}
th{background:#f6f6f6;text-align:left}td.n{text-align:right;white-space:nowrap}
tr.total td{font-weight:bold;border-top:2px solid #999}
.up{color:#c62828}.down{color:#2e7d32}.muted{color:#777;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:32px;align-items:flex-start}
"""


def _e(value: Any) -> str:
    return escape(visible("" if value is None else str(value)), quote=True)


def _figure(row: Mapping[str, Any], key: str) -> str:
    text = _e(number(row.get(key), key))
    change = row.get("change", {}).get(key) if key in CHANGE_KEYS else None
    arrow = change_text(change, key)
    if not arrow or change is None:
        return text
    worse = (change > 0) == (key in WORSE_WHEN_UP)
    return f"{text} <span class='{'up' if worse else 'down'}'>{_e(arrow)}</span>"


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int, classes: Sequence[str]
) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for cells, css in zip(rows, classes, strict=True):
        tds = "".join(
            f"<td class='n'>{cell}</td>" if i >= numeric_from else f"<td>{cell}</td>"
            for i, cell in enumerate(cells)
        )
        body.append(f"<tr class='{css}'>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _scorecard(data: Mapping[str, Any]) -> str:
    rows = [*data["departments"], data["totals"]]
    keys = (*SUPPLIER_KEYS, *CUSTOMER_KEYS)
    cells = [[_e(r["department"]), _e(r["name"]), *(_figure(r, k) for k in keys)] for r in rows]
    classes = ["total" if r["department"] == TOTAL else "" for r in rows]
    return _table(["dept", "name", *(header(k) for k in keys)], cells, 2, classes)


def _charts(data: Mapping[str, Any]) -> str:
    rates = [(f"{r['department']} {r['name']}", r["on_time_rate"]) for r in data["departments"]]
    parts = [rate_bars(rates, "准时率 On-time rate by department")]
    trend = data.get("trend") or []
    if trend:
        weeks = [t["week"] for t in trend]
        parts.append(
            volume_trend(
                weeks,
                [
                    ("received", "#90caf9", [t["received"] for t in trend]),
                    ("resolved", "#1565c0", [t["resolved"] for t in trend]),
                ],
                "工作量 Volume, last 8 weeks",
            )
        )
        parts.append(
            score_trend(weeks, [t["satisfaction"] for t in trend], "满意度 Satisfaction, last 8 weeks")
        )
    return "<div class='charts'>" + "".join(f"<div>{p}</div>" for p in parts) + "</div>"


def _lists(data: Mapping[str, Any], clock: Clock) -> str:
    out = ["<h2>踢皮球 Kicked balls: most transfers, still open at week end</h2>"]
    if data["kicked_balls"]:
        rows = [
            [
                f"#{item['id']}",
                _e(item["title"]),
                _e(item["from_dept"]),
                _e(item["to_dept"]),
                _e(item["status"]),
                _e(clock.short(item["due_at"])),
                _e(item["transfers"]),
            ]
            for item in data["kicked_balls"]
        ]
        headers = ["#", "title", "from", "to", "status now", "due", "transfers"]
        out.append(_table(headers, rows, 6, [""] * len(rows)))
    else:
        out.append("<p class='muted'>None.</p>")
    out.append("<h2>会议 Meetings held this week</h2>")
    if data["meetings"]:
        rows = [
            [
                f"#{m['id']}",
                _e(m["title"]),
                _e(m.get("series") or ""),
                _e(clock.short(m["starts_at"])),
                _e(", ".join(m["departments"])),
                _e(m["action_count"]),
                _e(m["open_actions"]),
            ]
            for m in data["meetings"]
        ]
        headers = ["#", "title", "series", "starts", "departments", "actions", "open at week end"]
        out.append(_table(headers, rows, 5, [""] * len(rows)))
    else:
        out.append("<p class='muted'>None.</p>")
    return "".join(out)


def render_html(data: Mapping[str, Any], clock: Clock) -> str:
    title = f"周报 Weekly report {week_title(data, clock)}"
    org = data.get("organization") or ""
    customers, suppliers, cells = matrix_grid(data)
    matrix = (
        heat_map(customers, suppliers, cells, "客户 (rows) → 供方 (columns)")
        if cells
        else "<p class='muted'>No requests were created this week.</p>"
    )
    about = f"{_e(org)} · generated {_e(clock.short(data['generated_at']))} · ▲/▼ change against "
    about += f"{_e(data['previous_week'])} · satisfaction withheld under {_e(data['min_group'])} ratings"
    return (
        "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='muted'>{about}</p>"
        f"<h2>部门记分卡 Scorecard</h2>{_scorecard(data)}"
        "<p class='muted'>on time %: resolved at or before due · overdue: unresolved and past due "
        "at week end (waiting excluded) · hours: medians from creation, waiting excluded · "
        "complaints: open at week end · escalations: opened in the week, max level reached by week end · "
        "sent open: the department's requests still unresolved at week end</p>"
        f"<h2>图表 Charts</h2>{_charts(data)}"
        f"<h2>部门墙 Requests between departments (created this week)</h2>{matrix}"
        f"{_lists(data, clock)}"
        "</body></html>\n"
    )
