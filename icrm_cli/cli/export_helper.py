"""A big export on two cores: a helper process writes the second half while this one writes the first.

`report export` of many rows spends its time fetching rows through Python's ``sqlite3`` and
turning them into CSV or JSON, one core's work. From :data:`MIN_ROWS` rows on, on a
machine with two cores or more, :func:`export_rest` splits the read (every table whose rows
come from the driver's cursor: all but meetings)
(:mod:`icrm_cli.storage.split_scan`): a helper, ``python -m icrm_cli.cli.export_helper``,
reads the rows after the split point on the same snapshot and writes them
(:func:`icrm_cli.output.report_export.write_part`) to an unnamed temporary file (mode
0600, gone when closed); this process writes the header and the first half, then
appends the helper's bytes. The output is byte for byte what one process writes.

Whenever the helper cannot be used (it does not start, another connection committed
before its read began, it fails or runs out of disk), this process reads the rest
itself: the export is slower, never different.

The helper's conversation, on its standard streams: the part (JSON) in; ``ready`` once its
read has begun, then ``done ROWS BYTES`` once they are written, out; the bytes are checked.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

from icrm_cli.errors import DatabaseError
from icrm_cli.output.report_export import Rest
from icrm_cli.storage.row_batches import RowStream
from icrm_cli.storage.split_scan import Part, SplitScan
from icrm_cli.timeutil import Clock

MIN_ROWS = 200_000  # below this, starting a second interpreter costs about what it saves
READY_SECONDS = 30.0  # a helper that has not begun reading by then is not waited for


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _zone_name(clock: Clock) -> str | bool | None:
    """The org zone as the helper can rebuild it: an IANA name, None for the machine's zone,
    False when it has no name to pass."""
    if clock.zone is None:
        return None
    key = getattr(clock.zone, "key", None)
    return key if isinstance(key, str) and key and key != "localtime" else False


@contextmanager
def export_rest(data: RowStream, fmt: str, clock: Clock, output: Path | None = None) -> Iterator[Rest | None]:
    """Split ``data`` for two processes when it is worth it: the rest of the rows, or None (then
    ``data.batches`` holds them all). Call before the first batch is read. The helper's bytes wait
    in the folder of the ``output`` file (stdout, None or ``-``: the temporary folder, ``TMPDIR``)."""
    zone = _zone_name(clock)
    if fmt not in ("csv", "json") or zone is False or os.name != "posix" or _cores() < 2:
        yield None
        return
    if not sys.executable or not data.batches.can_split:
        yield None
        return
    rows = data.total()
    if rows < MIN_ROWS:
        yield None
        return
    if fmt == "csv":
        data.batches.utf8_text()  # as the CSV writer would ask: both halves read the same way
    try:
        scan = data.batches.split(rows)
    except DatabaseError:  # the file would not open a second time: one process reads it all
        scan = None
    if scan is None:
        yield None
        return
    spec = {
        "part": scan.rest_part().to_json(),
        "fmt": fmt,
        "keys": data.keys,
        "kinds": data.kinds,
        "zone": zone,
    }
    folder = output.parent if output is not None and str(output) != "-" else None
    rest = _HelperRest(scan, spec, folder)
    try:
        yield rest
    finally:
        rest.close()


class _HelperRest:
    """The rows after the split point: the helper's output when it delivered, else read here."""

    def __init__(self, scan: SplitScan, spec: dict[str, Any], folder: Path | None) -> None:
        self.scan = scan
        self.out: BinaryIO | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.said = b""
        try:
            self.out = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed in close())
            self.process = self._start({**spec, "fd": self.out.fileno()}, self.out)
        except OSError:
            return
        if self._line(READY_SECONDS) != "ready" or not scan.same_snapshot():
            self._stop()  # a commit came between the two reads (or the helper did not begin): read it here

    def _start(self, spec: dict[str, Any], out: BinaryIO) -> subprocess.Popen[bytes]:
        debug = os.environ.get("ICRM_DEBUG", "") not in ("", "0")
        # The modules this process runs, not whatever a folder named icrm_cli in the working
        # directory holds: -P keeps the working directory off the path, PYTHONPATH gives ours.
        paths = [str(Path(entry).absolute()) for entry in sys.path if isinstance(entry, str) and entry]
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "icrm_cli.cli.export_helper"],
            env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if debug else subprocess.DEVNULL,
            pass_fds=(out.fileno(),),
        )
        stdin = process.stdin
        assert stdin is not None
        try:
            stdin.write(json.dumps(spec).encode())
            stdin.close()
        except OSError:
            process.kill()
            process.wait()
            raise
        return process

    def _line(self, timeout: float | None) -> str | None:
        """The helper's next line, waiting at most ``timeout`` seconds (None: until it ends)."""
        if self.process is None or self.process.stdout is None:
            return None
        stream: IO[bytes] = self.process.stdout
        while b"\n" not in self.said:
            ready, _, _ = select.select([stream], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(stream.fileno(), 256)
            if not chunk:
                return None
            self.said += chunk
        line, self.said = self.said.split(b"\n", 1)
        return line.decode("ascii", "replace").strip()

    def written(self) -> tuple[BinaryIO, int] | None:
        if self.process is None or self.out is None:
            return None
        said = (self._line(None) or "").split()
        code = self.process.wait()
        self._stop()
        if code != 0 or len(said) != 3 or said[0] != "done" or not (said[1] + said[2]).isdigit():
            return None
        if os.fstat(self.out.fileno()).st_size != int(said[2]):
            return None  # not all of it reached the file
        self.out.seek(0)
        return self.out, int(said[1])

    def batches(self) -> Iterable[Sequence[Sequence[Any]]]:
        return self.scan.rest()

    def _stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
        self.process = None

    def close(self) -> None:
        try:
            self._stop()
        finally:
            if self.out is not None:
                self.out.close()
            self.scan.close()


def main() -> int:
    """The helper: read the part given on stdin, write its rows to the file descriptor given."""
    from icrm_cli.output.report_export import write_part
    from icrm_cli.storage.split_scan import read_part
    from icrm_cli.timeutil import zone_from_name

    spec = json.loads(sys.stdin.buffer.read())
    part = Part.from_json(spec["part"])
    clock = Clock(zone=zone_from_name(spec["zone"]))

    def ready() -> None:
        sys.stdout.write("ready\n")
        sys.stdout.flush()

    with os.fdopen(int(spec["fd"]), "wb", closefd=True) as out:
        rows = read_part(part, ready)
        count = write_part(spec["fmt"], spec["keys"], spec["kinds"], rows, clock, out)
        out.flush()
        size = out.tell()
    sys.stdout.write(f"done {count} {size}\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
