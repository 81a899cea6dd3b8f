"""One place that renders every command's results: table, JSON, CSV, Markdown.

Commands hand over plain rows (mappings) and a column spec; this package picks
the format, the destination (stdout or ``-o FILE``) and the encoding. Rich is
imported only by :mod:`icrm_cli.output.table`, and only when a table is drawn.
"""

from icrm_cli.output.render import (
    emit_message,
    emit_note,
    emit_object,
    emit_record,
    emit_rows,
    emit_text,
)
from icrm_cli.output.shapes import Column, OutputOptions, Section

__all__ = [
    "Column",
    "OutputOptions",
    "Section",
    "emit_message",
    "emit_note",
    "emit_object",
    "emit_record",
    "emit_rows",
    "emit_text",
]
