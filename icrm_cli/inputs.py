"""Reading files people hand to icrm (CSV imports, org files, notes): capped by the bytes actually read.

A size check on ``st_size`` says nothing about ``/dev/zero``, a pipe or a file
that grows while it is read; :class:`CappedReader` counts what it hands out and
stops at the cap, so no input can take more memory than the cap allows.
"""

from __future__ import annotations

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
