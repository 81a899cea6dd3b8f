"""A big export on two cores: a helper process writes the second half while this one writes the first.

`report export` of many rows spends its time fetching rows through Python's ``sqlite3`` and
turning them into CSV or JSON, one core's work. From :data:`MIN_ROWS` rows on, on a
machine with two cores or more, :func:`export_rest` splits the read (every table whose rows
come from the driver's cursor: all but meetings) with :mod:`icrm_cli.storage.split_scan`:
a helper, this module's :func:`main` in a new interpreter, reads the rows after the split
point on the same snapshot and writes them
(:func:`icrm_cli.output.report_export.write_part`) to an unnamed temporary file (mode
0600, gone when closed); this process writes the header and the first half, then
appends the helper's bytes. The output is byte for byte what one process writes.

Whenever the helper cannot be used (it does not start or begin reading in time, another
connection committed before its read began, the file was replaced, it fails, runs out of
disk or takes far longer than this process took for its half), this process reads the
rest itself: the export is slower, never different.

The helper runs the same interpreter with the same module path as this process (never a
folder named ``icrm_cli`` in the working directory) and its interpreter flags. Its
conversation, on its standard streams: the part (JSON) in; ``ready DEVICE INODE`` once its
read has begun on that file, then ``done ROWS BYTES`` once they are written, out; the bytes
are checked. It stops when this process is gone.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from icrm_cli.errors import DatabaseError
from icrm_cli.output.report_export import Rest
from icrm_cli.storage.plans import BATCH
from icrm_cli.storage.row_batches import RowStream
from icrm_cli.storage.split_scan import Batch, Part, SplitScan
from icrm_cli.timeutil import Clock

MIN_ROWS = 200_000  # below this, starting a second interpreter costs about what it saves
HELPER_BATCH = BATCH  # rows the helper converts at a time
READY_SECONDS = 30.0  # a helper that has not begun reading by then is not waited for
# Once this process has written its half, the helper gets this long, or twice what that took.
DONE_SECONDS = 60.0

# Run in the helper's interpreter (``-c``): this process's module path, then :func:`main`.
_BOOT = (
    "import sys; sys.path[:] = sys.argv[1:]; from icrm_cli.cli.export_helper import main; sys.exit(main())"
)


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
        "part": scan.rest_part(HELPER_BATCH).to_json(),
        "fmt": fmt,
        "keys": data.keys,
        "kinds": data.kinds,
        "zone": zone,
        "parent": os.getpid(),
    }
    folder = output.parent if output is not None and str(output) != "-" else None
    rest = _HelperRest(scan, spec, folder)
    try:
        yield rest
    finally:
        rest.close()


def _interpreter() -> list[str]:
    """This interpreter with this process's flags that shape the module path, and no working
    directory on the path (``-P``): the helper imports what this process imported."""
    flags = ["-P"]
    if sys.flags.isolated:
        flags.append("-I")
    if sys.flags.ignore_environment:
        flags.append("-E")
    if sys.flags.no_user_site:
        flags.append("-s")
    paths = [str(Path(entry).absolute()) for entry in sys.path if isinstance(entry, str) and entry]
    return [sys.executable, *flags, "-c", _BOOT, *paths]


class _HelperRest:
    """The rows after the split point: the helper's output when it delivered, else read here."""

    def __init__(self, scan: SplitScan, spec: dict[str, Any], folder: Path | None) -> None:
        self.scan = scan
        self.out: BinaryIO | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.said = b""
        self.code: int | None = None  # the helper's exit status, once it has ended
        self.started = time.monotonic()
        try:
            self._begin(spec, folder)
        except BaseException:  # Ctrl-C while waiting, too: no helper, pipe or file is left behind
            self.close()
            raise

    def _begin(self, spec: dict[str, Any], folder: Path | None) -> None:
        try:
            self.out = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed in close())
            self.process = self._start({**spec, "fd": self.out.fileno()}, self.out)
        except OSError:
            self._stop()
            return
        said = (self._line(READY_SECONDS) or "").split()
        ready = len(said) == 3 and said[0] == "ready" and (said[1] + said[2]).isdigit()
        if not ready or not self.scan.same_snapshot((int(said[1]), int(said[2]))):
            self._stop()  # a commit came between the two reads (or the helper did not begin): read it here

    def _start(self, spec: dict[str, Any], out: BinaryIO) -> subprocess.Popen[bytes]:
        debug = os.environ.get("ICRM_DEBUG", "") not in ("", "0")
        process = subprocess.Popen(
            _interpreter(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if debug else subprocess.DEVNULL,
            pass_fds=(out.fileno(),),
        )
        self.process = process
        stdin = process.stdin
        assert stdin is not None
        stdin.write(json.dumps(spec).encode())
        stdin.close()
        return process

    def _line(self, timeout: float | None) -> str | None:
        """The helper's next line, waiting at most ``timeout`` seconds (None: until it ends)."""
        if self.process is None or self.process.stdout is None:
            return None
        stream = self.process.stdout
        deadline = None if timeout is None else time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while b"\n" not in self.said:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not selector.select(left):
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
        took = time.monotonic() - self.started  # this process's half
        said = (self._line(max(DONE_SECONDS, 2 * took)) or "").split()
        if said and self.process is not None:
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(READY_SECONDS)  # it has said its last word: let it end
        self._stop()  # ended by now, else taking too long: stopped
        if len(said) != 3 or said[0] != "done" or not (said[1] + said[2]).isdigit():
            return None
        if self.code != 0 or os.fstat(self.out.fileno()).st_size != int(said[2]):
            return None  # failed at the end, or not all of it reached the file
        self.out.seek(0)
        return self.out, int(said[1])

    def batches(self) -> Iterable[Sequence[Sequence[Any]]]:
        return self.scan.rest()

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        self.code = process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def close(self) -> None:
        try:
            self._stop()
        finally:
            if self.out is not None:
                self.out.close()
            self.scan.close()


def _while_parent(rows: Iterator[Batch], parent: int) -> Iterator[Batch]:
    """The batches, as long as the process that started this one is there to read the result."""
    for batch in rows:
        if os.getppid() != parent:
            raise SystemExit(3)
        yield batch


def main() -> int:
    """The helper: read the part given on stdin, write its rows to the file descriptor given."""
    from icrm_cli.output.report_export import write_part
    from icrm_cli.storage.split_scan import read_part
    from icrm_cli.timeutil import zone_from_name

    spec = json.loads(sys.stdin.buffer.read())
    part = Part.from_json(spec["part"])
    clock = Clock(zone=zone_from_name(spec["zone"]))

    def ready(file: tuple[int, int]) -> None:
        sys.stdout.write(f"ready {file[0]} {file[1]}\n")
        sys.stdout.flush()

    with os.fdopen(int(spec["fd"]), "wb", closefd=True) as out:
        rows = _while_parent(read_part(part, ready), int(spec["parent"]))
        count = write_part(spec["fmt"], spec["keys"], spec["kinds"], rows, clock, out)
        out.flush()
        size = out.tell()
    sys.stdout.write(f"done {count} {size}\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
