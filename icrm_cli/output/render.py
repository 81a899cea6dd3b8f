"""Format dispatch: the one entry point every command uses to print results."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from icrm_cli.output.shapes import Column, OutputOptions, Row, Section
from icrm_cli.output.sink import open_sink
from icrm_cli.output.values import cell_text, csv_value, json_value
from icrm_cli.safe_text import json_safe, visible
from icrm_cli.timeutil import Clock

__all__ = [
    "Column",
    "OutputOptions",
    "Section",
    "emit_message",
    "emit_object",
    "emit_record",
    "emit_rows",
    "emit_text",
]


def _write_json_array(stream: Any, rows: Iterable[Row], clock: Clock) -> None:
    stream.write("[")
    first = True
    for row in rows:
        stream.write("\n  " if first else ",\n  ")
        stream.write(json_safe(json.dumps(json_value(row, clock), ensure_ascii=False)))
        first = False
    stream.write("\n]\n" if not first else "]\n")


def _write_csv(stream: Any, rows: Iterable[Row], columns: Sequence[Column], clock: Clock) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    keys = [column.key for column in columns]
    writer.writerow(keys)
    batch: list[list[Any]] = []
    for row in rows:
        batch.append([csv_value(row.get(key), clock) for key in keys])
        if len(batch) >= 1000:
            writer.writerows(batch)
            batch.clear()
    writer.writerows(batch)


def markdown_table(rows: Iterable[Row], columns: Sequence[Column], clock: Clock) -> str:
    """A GitHub-flavoured Markdown table."""
    shown = [column for column in columns if column.in_table]

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(column.label) for column in shown) + " |"]
    lines.append("|" + "|".join("---:" if column.justify == "right" else "---" for column in shown) + "|")
    for row in rows:
        cells = (esc(cell_text(row.get(column.key), clock, column.kind)) for column in shown)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def emit_rows(
    rows: Iterable[Row],
    columns: Sequence[Column],
    opts: OutputOptions,
    *,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    """A list: JSON array, CSV (streamed), Markdown table or Rich table."""
    opts.check(("table", "json", "csv", "markdown"))
    if opts.fmt == "json":
        with open_sink(opts.output) as stream:
            _write_json_array(stream, rows, opts.clock)
    elif opts.fmt == "csv":
        with open_sink(opts.output, bom=opts.excel, newline="") as stream:
            _write_csv(stream, rows, columns, opts.clock)
    elif opts.fmt == "markdown":
        with open_sink(opts.output) as stream:
            if title:
                stream.write(f"## {title}\n\n")
            stream.write(markdown_table(rows, columns, opts.clock))
    else:
        from icrm_cli.output import table

        materialised = list(rows)
        with open_sink(opts.output) as stream:
            if not materialised and empty:
                stream.write(empty + "\n")
                return
            table.print_rows(stream, materialised, columns, opts, title=title)


def emit_record(
    record: Row,
    fields: Sequence[Column],
    opts: OutputOptions,
    *,
    title: str | None = None,
    sections: Sequence[Section] = (),
) -> None:
    """One object: JSON object (sections nested under their keys), or a field table."""
    opts.check(("table", "json", "markdown"))
    if opts.fmt == "json":
        payload = dict(record)
        for section in sections:
            payload[section.key] = list(section.rows)
        emit_object(payload, opts)
        return
    if opts.fmt == "markdown":
        with open_sink(opts.output) as stream:
            if title:
                stream.write(f"# {title}\n\n")
            pairs = [
                {"field": f.label, "value": cell_text(record.get(f.key), opts.clock, f.kind)} for f in fields
            ]
            stream.write(markdown_table(pairs, [Column("field"), Column("value")], opts.clock))
            for section in sections:
                stream.write(f"\n## {section.title}\n\n")
                stream.write(markdown_table(section.rows, section.columns, opts.clock))
        return
    from icrm_cli.output import table

    with open_sink(opts.output) as stream:
        table.print_record(stream, record, fields, opts, title=title, sections=sections)


def emit_object(payload: Any, opts: OutputOptions) -> None:
    """Any JSON-able structure as one indented JSON document."""
    with open_sink(opts.output) as stream:
        stream.write(json_safe(json.dumps(json_value(payload, opts.clock), ensure_ascii=False, indent=2)))
        stream.write("\n")


def emit_text(text: str, opts: OutputOptions) -> None:
    """A prepared document (Markdown, HTML, iCalendar) written as-is."""
    with open_sink(opts.output) as stream:
        stream.write(text)
        if not text.endswith("\n"):
            stream.write("\n")


def emit_note(message: str) -> None:
    """A ``note:`` line on stderr: something the user should know that is not an error."""
    sys.stderr.write(f"note: {visible(message)}\n")
    sys.stderr.flush()


def emit_message(message: str) -> None:
    """A one-line confirmation on stdout."""
    with open_sink(None) as stream:
        stream.write(visible(message) + "\n")
