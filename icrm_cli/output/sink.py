"""Where output goes: stdout or a file, as UTF-8, optionally with an Excel BOM."""

from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, TextIO

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
    with _atomic_file(output) as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8", newline=newline)
        try:
            yield handle
            handle.flush()
        finally:
            handle.detach()


# The database files of the command that runs (set when it opens one): never an output.
_PROTECTED: set[str] = set()


def protect(database: Path) -> None:
    """Refuse ``database`` and its journal files as an output path (``-o live.db`` would destroy it)."""
    real = os.path.realpath(database)
    _PROTECTED.update(real + suffix for suffix in ("", "-wal", "-shm", "-journal"))


def _check_target(output: Path) -> None:
    if os.path.realpath(output) in _PROTECTED:
        raise OutputError(f"cannot write {str(output)!r}: it is the database in use (or its journal)")
    try:
        mode = output.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot write {str(output)!r}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
        raise OutputError(f"cannot write {str(output)!r}: it is {what}; give a file path or '-'")


@contextmanager
def _atomic_file(output: Path) -> Iterator[BinaryIO]:
    """A new file owner-only (0600) next to ``output``, renamed onto it when the block succeeds:
    a failed or interrupted write leaves any old file as it was."""
    _check_target(output)
    folder = output.parent if str(output.parent) else Path()
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {str(output)!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        Path(temporary).replace(output)
    except OSError as exc:
        _remove(temporary)
        raise OutputError(f"cannot write {str(output)!r}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    with suppress(OSError):
        Path(path).unlink()
