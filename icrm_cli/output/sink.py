"""Where output goes: stdout or a file, as UTF-8, optionally with an Excel BOM."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from icrm_cli.errors import OutputError

BOM = "\ufeff"


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def colour_allowed(output: Path | None) -> bool:
    """ANSI codes only for a terminal, never for files, pipes or under NO_COLOR."""
    return output is None and stdout_is_terminal() and not os.environ.get("NO_COLOR")


def _utf8_stdout(newline: str | None) -> TextIO:
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and (encoding != "utf8" or newline == ""):
        stream.flush()
        return io.TextIOWrapper(buffer, encoding="utf-8", newline=newline, write_through=True)
    return stream


@contextmanager
def open_sink(output: Path | None, *, bom: bool = False, newline: str | None = None) -> Iterator[TextIO]:
    """A text stream to write to; ``newline=''`` keeps CSV's CRLF untouched."""
    if output is None or str(output) == "-":
        stream = _utf8_stdout(newline)
        if bom:
            stream.write(BOM)
        try:
            yield stream
        finally:
            stream.flush()
            if stream is not sys.stdout and isinstance(stream, io.TextIOWrapper):
                stream.detach()
        return
    try:
        handle = output.open("w", encoding="utf-8-sig" if bom else "utf-8", newline=newline)
    except OSError as exc:
        raise OutputError(f"cannot write {str(output)!r}: {exc.strerror}") from None
    with handle:
        yield handle
