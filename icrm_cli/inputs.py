"""Reading files people hand to icrm (CSV imports, org files, notes): capped by the bytes actually read.

A size check on ``st_size`` says nothing about ``/dev/zero``, a pipe or a file
that grows while it is read; :class:`CappedReader` counts what it hands out and
stops at the cap, so no input can take more memory than the cap allows.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO, cast

from icrm_cli.errors import IcrmError

MIB = 1024 * 1024


class InputTooLarge(Exception):
    """More than the cap was read."""


class CappedReader(io.RawIOBase):
    """A binary stream over ``raw`` that fails with :class:`InputTooLarge` past ``limit`` bytes."""

    def __init__(self, raw: BinaryIO, limit: int) -> None:
        super().__init__()
        self._raw = raw
        self.limit = limit
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        # Ask for one byte more than the cap allows, so reaching the cap exactly is not an error.
        room = min(len(buffer), self.limit - self.read_bytes + 1)
        data = self._raw.read(room)
        count = len(data)
        self.read_bytes += count
        if self.read_bytes > self.limit:
            raise InputTooLarge(self.limit)
        buffer[:count] = data
        return count


def describe_limit(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit} bytes"


@contextmanager
def open_capped(path: Path, limit: int, failure: Callable[[str], IcrmError]) -> Iterator[IO[bytes]]:
    """``path`` opened for reading, buffered, capped at ``limit`` bytes actually read.

    ``failure(problem)`` builds the error for a file that is missing, a directory,
    unreadable or too large (``problem`` is a phrase such as ``"no such file"``).
    """
    try:
        if path.is_dir():
            raise failure("is a directory, not a file")
        raw = path.open("rb")
    except FileNotFoundError:
        raise failure("no such file") from None
    except OSError as exc:
        raise failure(f"cannot read: {exc.strerror or exc}") from None
    capped = CappedReader(raw, limit)
    try:
        with raw, io.BufferedReader(capped) as buffered:
            yield cast(IO[bytes], buffered)
    except InputTooLarge:
        raise failure(f"the file is larger than {describe_limit(limit)}") from None


SNIFF_BYTES = 64 * 1024
ENCODINGS_ACCEPTED = "UTF-8 (with or without BOM) or GB18030/GBK (what Excel and WPS save on Chinese Windows)"


def sniff_encoding(head: bytes) -> str | None:
    """``utf-8-sig`` when ``head`` (the start of a file) is UTF-8, ``gb18030`` when it is GB18030
    (a superset of GBK), else None. A multi-byte character cut at the end of ``head`` is allowed."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=len(head) < SNIFF_BYTES)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def decode_text(data: bytes) -> str | None:
    """``data`` as text (UTF-8, else GB18030/GBK), or None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


class _Prepended(io.RawIOBase):
    """``head`` (already read), then the rest of ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def text_reader(raw: IO[bytes]) -> io.TextIOWrapper | None:
    """``raw`` as text for ``csv`` (``newline=''``) in the encoding its first 64 KiB are in (see
    :func:`sniff_encoding`), or None when they are in neither. Detach the wrapper when done."""
    head = raw.read(SNIFF_BYTES)
    encoding = sniff_encoding(head)
    if encoding is None:
        return None
    return io.TextIOWrapper(io.BufferedReader(_Prepended(head, raw)), encoding=encoding, newline="")


def read_text_file(path: Path, limit: int, *, what: str) -> str:
    """A small text file (notes), read through the cap; UTF-8 or GB18030/GBK."""
    from icrm_cli.errors import InvalidValueError

    with open_capped(
        path, limit, lambda problem: InvalidValueError(f"{what} {str(path)!r}: {problem}")
    ) as raw:
        data = raw.read()
    text = decode_text(data)
    if text is None:
        raise InvalidValueError(
            f"{what} {str(path)!r}: not text in an encoding icrm reads: {ENCODINGS_ACCEPTED}"
        )
    return text


NOTES_FILE_BYTES = 256 * 1024  # meeting notes hold at most 20,000 characters


def notes_text(notes: str | None, notes_file: Path | None) -> str | None:
    """``--notes`` or the text of ``--notes-file`` (capped, UTF-8 or GB18030), not both."""
    from icrm_cli.errors import InvalidValueError

    if notes is not None and notes_file is not None:
        raise InvalidValueError("give --notes or --notes-file, not both")
    if notes_file is None:
        return notes
    return read_text_file(notes_file, NOTES_FILE_BYTES, what="--notes-file")
