"""Small inline SVG charts for the HTML report: no scripts, no network, all text escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence

from icrm_cli.safe_text import visible

FONT = "font-family='sans-serif' font-size='12'"
SMALL = "font-family='sans-serif' font-size='10'"


def escape(text: str, quote: bool = True) -> str:
    """Text for SVG: escaped, with characters that could act on a viewer shown as escapes."""
    return html.escape(visible(text), quote=quote)


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{escape(label, quote=True)}'>"
        + "".join(body)
        + "</svg>"
    )


def _rate_colour(rate: float) -> str:
    if rate >= 90:
        return "#2e7d32"
    if rate >= 75:
        return "#9e9d24"
    if rate >= 50:
        return "#ef6c00"
    return "#c62828"


def rate_bars(items: Sequence[tuple[str, float | None]], title: str) -> str:
    """Horizontal bars: one per department, 0–100 %."""
    row, left, width = 22, 120, 300
    height = row * len(items) + 30
    body = [f"<text x='0' y='14' {FONT} font-weight='bold'>{escape(title)}</text>"]
    for index, (label, rate) in enumerate(items):
        y = 24 + index * row
        body.append(f"<text x='{left - 6}' y='{y + 13}' {FONT} text-anchor='end'>{escape(label)}</text>")
        body.append(f"<rect x='{left}' y='{y}' width='{width}' height='16' fill='#eeeeee'/>")
        if rate is None:
            body.append(f"<text x='{left + 4}' y='{y + 13}' {FONT} fill='#777'>no resolutions</text>")
            continue
        size = round(width * max(0.0, min(rate, 100.0)) / 100)
        body.append(f"<rect x='{left}' y='{y}' width='{size}' height='16' fill='{_rate_colour(rate)}'/>")
        body.append(f"<text x='{left + width + 6}' y='{y + 13}' {FONT}>{rate:.1f}%</text>")
    return _svg(left + width + 60, height, body, title)


def volume_trend(weeks: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], title: str) -> str:
    """Grouped bars per week (e.g. received and resolved)."""
    left, top, plot_h, group = 40, 24, 140, 64
    top_value = max([1, *(v for _, _, values in series for v in values)])
    bar = (group - 12) // max(len(series), 1)
    width = left + group * len(weeks) + 10
    body = [f"<text x='0' y='14' {FONT} font-weight='bold'>{escape(title)}</text>"]
    base = top + plot_h
    body.append(f"<line x1='{left}' y1='{base}' x2='{width}' y2='{base}' stroke='#999'/>")
    body.append(f"<text x='{left - 4}' y='{top + 10}' {FONT} text-anchor='end'>{top_value}</text>")
    for index, week in enumerate(weeks):
        x0 = left + index * group + 6
        for position, (_, colour, values) in enumerate(series):
            value = values[index]
            size = round(plot_h * value / top_value)
            x = x0 + position * bar
            body.append(
                f"<rect x='{x}' y='{base - size}' width='{bar - 2}' height='{size}' fill='{colour}'>"
                f"<title>{escape(week)}: {value}</title></rect>"
            )
        body.append(f"<text x='{x0}' y='{base + 14}' {SMALL}>{escape(week)}</text>")
    legend_y = base + 30
    for position, (name, colour, _) in enumerate(series):
        x = left + position * 110
        body.append(f"<rect x='{x}' y='{legend_y - 10}' width='10' height='10' fill='{colour}'/>")
        body.append(f"<text x='{x + 14}' y='{legend_y}' {FONT}>{escape(name)}</text>")
    return _svg(width, legend_y + 8, body, title)


def score_trend(weeks: Sequence[str], scores: Sequence[float | None], title: str) -> str:
    """A line of weekly averages on the 1–5 scale; gaps where the average is withheld."""
    left, top, plot_h, step = 40, 24, 120, 64
    width = left + step * len(weeks) + 10
    base = top + plot_h

    def y(score: float) -> float:
        return base - plot_h * (score - 1) / 4

    body = [f"<text x='0' y='14' {FONT} font-weight='bold'>{escape(title)}</text>"]
    for level in (1, 2, 3, 4, 5):
        body.append(f"<line x1='{left}' y1='{y(level):.0f}' x2='{width}' y2='{y(level):.0f}' stroke='#eee'/>")
        body.append(f"<text x='{left - 6}' y='{y(level) + 4:.0f}' {FONT} text-anchor='end'>{level}</text>")
    points: list[str] = []
    for index, (week, score) in enumerate(zip(weeks, scores, strict=True)):
        x = left + index * step + step // 2
        body.append(f"<text x='{x - 24}' y='{base + 14}' {SMALL}>{escape(week)}</text>")
        if score is None:
            if len(points) > 1:
                body.append(
                    f"<polyline points='{' '.join(points)}' fill='none' stroke='#1565c0' stroke-width='2'/>"
                )
            points = []
            continue
        points.append(f"{x},{y(score):.0f}")
        body.append(
            f"<circle cx='{x}' cy='{y(score):.0f}' r='3' fill='#1565c0'><title>{score:.2f}</title></circle>"
        )
    if len(points) > 1:
        body.append(f"<polyline points='{' '.join(points)}' fill='none' stroke='#1565c0' stroke-width='2'/>")
    return _svg(width, base + 22, body, title)


def heat_map(
    customers: Sequence[str], suppliers: Sequence[str], cells: dict[tuple[str, str], int], title: str
) -> str:
    """The department x department matrix: customer rows, supplier columns, colour by volume."""
    cell, left, top = 34, 70, 70
    top_value = max([1, *cells.values()])
    width = left + cell * len(suppliers) + 10
    height = top + cell * len(customers) + 10
    body = [f"<text x='0' y='14' {FONT} font-weight='bold'>{escape(title)}</text>"]
    for index, supplier in enumerate(suppliers):
        x = left + index * cell + cell // 2
        turn = f"rotate(-45 {x} {top - 6})"
        body.append(f"<text x='{x}' y='{top - 6}' {FONT} transform='{turn}'>{escape(supplier)}</text>")
    for row, customer in enumerate(customers):
        y = top + row * cell
        body.append(
            f"<text x='{left - 6}' y='{y + cell // 2 + 4}' {FONT} text-anchor='end'>{escape(customer)}</text>"
        )
        for column, supplier in enumerate(suppliers):
            value = cells.get((customer, supplier), 0)
            x = left + column * cell
            share = value / top_value
            fill = (
                "#f5f5f5" if not value else f"rgb(255,{round(235 - 180 * share)},{round(200 - 180 * share)})"
            )
            body.append(
                f"<rect x='{x}' y='{y}' width='{cell - 2}' height='{cell - 2}' fill='{fill}'>"
                f"<title>{escape(customer)} → {escape(supplier)}: {value}</title></rect>"
            )
            if value:
                body.append(
                    f"<text x='{x + cell // 2 - 1}' y='{y + cell // 2 + 3}' {FONT} "
                    f"text-anchor='middle'>{value}</text>"
                )
    return _svg(width, height, body, title)
