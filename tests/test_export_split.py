"""`report export requests` on two cores: a helper process writes the second half.

The output must be byte for byte what one process writes, whatever happens to the
helper; and both halves must come from one snapshot of the database, so a commit
that lands between the two reads makes this process read the rest itself.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from icrm_cli.cli import export_helper
from icrm_cli.output import report_export
from icrm_cli.storage import split_scan
from icrm_cli.storage.split_scan import SplitScan, open_split
from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo history of 400 requests, made once for the module."""
    path = tmp_path_factory.mktemp("split") / "demo.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ICRM_DB", str(path))
        Cli(CliRunner()).ok("demo", "--requests", "400", "--no-report")
    return path


@pytest.fixture
def history(demo_db: Path, db_path: Path, cli: Cli) -> Path:
    """A copy of the demo, plus requests whose text needs quoting, guarding and escaping in CSV."""
    shutil.copy(demo_db, db_path)
    db_path.chmod(0o600)
    ids = [
        new_request(cli, "--from", "SALES", "--to", "IT", "--title", title, "--description", description)
        for title, description in [
            ('=SUM(A1) "引号", 逗号', "第一行\n第二行"),
            ("@提醒 上线", "回车符"),
            ("普通标题", "-5 元差额"),
        ]
    ]
    with sqlite3.connect(db_path) as older:  # text an older version let in: a lone carriage return
        older.execute("UPDATE request SET description = ? WHERE id = ?", ("回车\r符", ids[1]))
    older.close()
    return db_path


@pytest.fixture
def split_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_helper, "MIN_ROWS", 2)


def _export(cli: Cli, *args: str) -> bytes:
    return cli.ok("report", "export", "requests", *args, actor="wang.qiang").stdout_bytes


@pytest.fixture
def helper_results(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, int] | None]:
    """What each helper delivered (its bytes and row count), or None where this process read the rest."""
    found: list[tuple[bytes, int] | None] = []
    original = export_helper._HelperRest.written

    def written(self: Any) -> Any:
        result = original(self)
        if result is None:
            found.append(None)
        else:
            found.append((result[0].read(), result[1]))
            result[0].seek(0)
        return result

    monkeypatch.setattr(export_helper._HelperRest, "written", written)
    return found


@pytest.fixture
def splitting(
    history: Path, split_always: None, helper_results: list[tuple[bytes, int] | None]
) -> list[tuple[bytes, int] | None]:
    """The history, every export split, and what each helper delivered."""
    return helper_results


def _serial(cli: Cli, monkeypatch: pytest.MonkeyPatch, *args: str) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(export_helper, "MIN_ROWS", 10**12)
        return _export(cli, *args)


@pytest.mark.parametrize("args", [(), ("--format", "json"), ("--excel",)])
def test_two_processes_write_what_one_writes(
    cli: Cli,
    splitting: list[tuple[bytes, int] | None],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    together = _export(cli, *args)
    assert len(splitting) == 1 and splitting[0] is not None, "the helper wrote the second half"
    part, rows = splitting[0]
    assert rows > 100 and part and part in together
    assert together == _serial(cli, monkeypatch, *args)


def test_the_helpers_half_is_the_end_of_the_export(
    cli: Cli, splitting: list[tuple[bytes, int] | None]
) -> None:
    together = _export(cli)
    assert splitting[0] is not None
    part, rows = splitting[0]
    assert together.endswith(part)
    assert '\'=SUM(A1) ""引号"", 逗号'.encode() in part  # the newest requests: quoted and guarded
    assert b"\\x0d" in part  # a lone carriage return shown, as one process shows it
    total = together.count(b"\r\n") - 1 - together.count("第一行\n".encode())
    assert 0 < rows < total


def test_a_file_output_keeps_no_helper_file(
    cli: Cli, history: Path, split_always: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "导出.csv"
    cli.ok("report", "export", "requests", "-o", str(target), actor="wang.qiang")
    assert sorted(p.name for p in folder.iterdir()) == ["导出.csv"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == _serial(cli, monkeypatch)


def test_the_helper_runs_icrm_not_the_working_directory(
    cli: Cli,
    splitting: list[tuple[bytes, int] | None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A folder named icrm_cli where the export runs is not the helper's code."""
    planted = tmp_path / "planted"
    (planted / "icrm_cli" / "cli").mkdir(parents=True)
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').close()\n"
    for name in ("icrm_cli/__init__.py", "icrm_cli/cli/__init__.py", "icrm_cli/cli/export_helper.py"):
        (planted / name).write_text(code, encoding="utf-8")
    monkeypatch.chdir(planted)
    exported = _export(cli)
    assert not marker.exists()
    assert splitting[0] is not None and exported.endswith(splitting[0][0])


def _commit_between(history: Path) -> Callable[[], None]:
    def change() -> None:
        with sqlite3.connect(history) as other:
            other.execute("UPDATE request SET title = '后来改的' WHERE id = (SELECT max(id) FROM request)")
        other.close()

    return change


def test_a_commit_between_the_two_reads_leaves_the_rest_to_this_process(
    cli: Cli,
    db_path: Path,
    splitting: list[tuple[bytes, int] | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _serial(cli, monkeypatch)
    start = export_helper._HelperRest._start
    change = _commit_between(db_path)

    def start_after_a_commit(self: Any, spec: dict[str, Any], out: Any) -> Any:
        change()  # another member of the team saves a change just before the helper begins
        return start(self, spec, out)

    monkeypatch.setattr(export_helper._HelperRest, "_start", start_after_a_commit)
    exported = _export(cli)
    assert splitting == [None]
    assert exported == before  # all of it from this process's snapshot, nothing mixed in
    assert "后来改的".encode() not in exported
    assert "后来改的".encode() in _serial(cli, monkeypatch)


@pytest.fixture
def fake_helper(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Put a shell script in the interpreter's place; ``READY`` in it says a correct ready line."""

    def install(body: str) -> None:
        found = db_path.stat()
        script = tmp_path / "fake-python"
        text = body.replace("echo READY", f"echo 'ready {found.st_dev} {found.st_ino}'")
        script.write_text("#!/bin/sh\n" + text + "\n", encoding="utf-8")
        script.chmod(0o700)
        monkeypatch.setattr(sys, "executable", str(script))

    return install


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every helper process the exports start."""
    found: list[subprocess.Popen[bytes]] = []
    start = export_helper._HelperRest._start

    def keep(self: Any, spec: dict[str, Any], out: Any) -> Any:
        found.append(start(self, spec, out))
        return found[-1]

    monkeypatch.setattr(export_helper._HelperRest, "_start", keep)
    return found


@pytest.mark.parametrize(
    "body",
    [
        "exit 3",  # never begins reading
        "cat > /dev/null; echo ready; exit 1",  # says less than a ready helper says
        "cat > /dev/null; echo READY; exit 1",  # begins, then fails
        "cat > /dev/null; echo READY; echo 'done 5 120'; exit 0",  # says it wrote bytes it did not
        "cat > /dev/null; echo READY; echo 'done 5'; exit 0",  # says too little
        "cat > /dev/null; echo READY; echo 'done 0 0'; exit 4",  # says it is done, then fails
    ],
)
def test_a_failing_helper_costs_speed_not_rows(
    cli: Cli,
    splitting: list[tuple[bytes, int] | None],
    fake_helper: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    body: str,
) -> None:
    before = _serial(cli, monkeypatch)
    fake_helper(body)
    exported = _export(cli)
    assert splitting == [None]  # not used: this process read the rest
    assert exported == before


@pytest.mark.parametrize(
    ("body", "patched"),
    [
        ("cat > /dev/null; exec sleep 30", "READY_SECONDS"),  # never says it is ready
        ("cat > /dev/null; echo READY; exec sleep 30", "DONE_SECONDS"),  # begins, then hangs
    ],
)
def test_a_helper_that_hangs_is_stopped_and_not_waited_for(
    cli: Cli,
    splitting: list[tuple[bytes, int] | None],
    fake_helper: Callable[[str], None],
    started: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    patched: str,
) -> None:
    before = _serial(cli, monkeypatch)
    fake_helper(body)
    monkeypatch.setattr(export_helper, patched, 0.2)
    assert _export(cli) == before
    assert splitting == [None]
    assert started and started[0].returncode is not None  # stopped and reaped, not left running


def test_ctrl_c_while_the_helper_starts_leaves_nothing_running(
    cli: Cli,
    splitting: list[tuple[bytes, int] | None],
    started: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(self: Any, timeout: float | None) -> str | None:
        raise KeyboardInterrupt

    monkeypatch.setattr(export_helper._HelperRest, "_line", interrupted)
    result = cli("report", "export", "requests", actor="wang.qiang")
    assert result.exit_code != 0
    assert started and started[0].returncode is not None  # killed and reaped
    assert started[0].stdout is not None and started[0].stdout.closed


def test_a_database_file_replaced_meanwhile_is_not_mixed_in(
    cli: Cli,
    db_path: Path,
    splitting: list[tuple[bytes, int] | None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`mv restored.db icrm.db` while an export begins: the helper would read another file."""
    before = _serial(cli, monkeypatch)
    restored = tmp_path / "restored.db"
    shutil.copy(db_path, restored)
    _commit_between(restored)()
    start = export_helper._HelperRest._start

    def start_after_a_restore(self: Any, spec: dict[str, Any], out: Any) -> Any:
        restored.replace(db_path)  # this process keeps reading the file it opened
        return start(self, spec, out)

    monkeypatch.setattr(export_helper._HelperRest, "_start", start_after_a_restore)
    exported = _export(cli)
    assert splitting == [None]
    assert exported == before
    assert "后来改的".encode() in _serial(cli, monkeypatch)  # the path now names the restored file


def test_the_scan_notes_the_version_before_its_read_begins(
    cli: Cli,
    db_path: Path,
    splitting: list[tuple[bytes, int] | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A commit just before the scan's own read begins is in both halves, never in one only."""
    version = split_scan._data_version
    calls: list[int] = []

    def commit_then_read(connection: sqlite3.Connection) -> int:
        if not calls:
            with sqlite3.connect(db_path) as other:
                other.execute("UPDATE request SET title = '先改的' WHERE id = (SELECT min(id) FROM request)")
            other.close()
        calls.append(1)
        return version(connection)

    monkeypatch.setattr(split_scan, "_data_version", commit_then_read)
    exported = _export(cli)
    assert splitting[0] is not None  # the helper's half was used
    assert "先改的".encode() in exported
    monkeypatch.setattr(split_scan, "_data_version", version)
    assert exported == _serial(cli, monkeypatch)


def test_the_helper_writes_many_batches_and_they_are_appended_in_pieces(
    cli: Cli, splitting: list[tuple[bytes, int] | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_helper, "HELPER_BATCH", 7)
    monkeypatch.setattr(report_export, "_CHUNK", 100)
    for args in ((), ("--format", "json")):
        together = _export(cli, *args)
        assert together == _serial(cli, monkeypatch, *args)
    assert len(splitting) == 2 and all(found is not None and found[1] > 7 * 3 for found in splitting)


def test_a_missing_interpreter_is_no_error(
    cli: Cli, history: Path, split_always: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = _serial(cli, monkeypatch)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    assert _export(cli) == before


def test_a_second_connection_that_fails_leaves_one_process(
    cli: Cli, splitting: list[tuple[bytes, int] | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _serial(cli, monkeypatch)

    def no_more_files(path: str) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(split_scan, "_connect", no_more_files)  # as when out of file descriptors
    assert _export(cli) == before
    assert splitting == []  # no helper was started


def test_small_exports_stay_in_one_process(
    cli: Cli, history: Path, helper_results: list[tuple[bytes, int] | None]
) -> None:
    _export(cli)  # 403 requests: far below MIN_ROWS
    cli.ok("report", "export", "events", actor="wang.qiang")
    assert helper_results == []


def _table(cli: Cli, table: str, *args: str, actor: str = "wang.qiang") -> bytes:
    return cli.ok("report", "export", table, *args, actor=actor).stdout_bytes


@pytest.mark.parametrize(
    ("table", "args", "actor"),
    [
        ("events", (), "wang.qiang"),
        ("events", ("--format", "json"), "wang.qiang"),
        ("events", ("--since", "2026-11-01"), "zhang.wei"),  # who gave a score hidden from a non-admin
        ("feedback", (), "zhang.wei"),
        ("feedback", ("--format", "json"), "wang.qiang"),
        ("escalations", ("--excel",), "wang.qiang"),
    ],
)
def test_the_other_tables_split_the_same_way(
    cli: Cli,
    splitting: list[tuple[bytes, int] | None],
    monkeypatch: pytest.MonkeyPatch,
    table: str,
    args: tuple[str, ...],
    actor: str,
) -> None:
    together = _table(cli, table, *args, actor=actor)
    assert len(splitting) == 1 and splitting[0] is not None, "the helper wrote the second half"
    part, rows = splitting[0]
    assert rows > 0 and part and part in together
    with monkeypatch.context() as patch:
        patch.setattr(export_helper, "MIN_ROWS", 10**12)
        assert together == _table(cli, table, *args, actor=actor)


def test_meetings_stay_in_one_process(cli: Cli, splitting: list[tuple[bytes, int] | None]) -> None:
    """Each batch of meetings is completed with its departments and attendees by the ORM."""
    assert _table(cli, "meetings").count(b"\r\n") > 2
    assert splitting == []


def test_a_requests_export_over_a_range_stays_in_one_process(
    cli: Cli, splitting: list[tuple[bytes, int] | None]
) -> None:
    """Its rows are found by creation time, then sorted by number: each process would sort them all."""
    assert _export(cli, "--since", "2026-10-01").count(b"\r\n") > 100
    assert splitting == []


def test_one_core_stays_in_one_process(
    cli: Cli,
    splitting: list[tuple[bytes, int] | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(export_helper, "_cores", lambda: 1)
    _export(cli)
    assert splitting == []


# The storage half: one snapshot, or a clear "changed".


@pytest.fixture
def scan(history: Path) -> Iterator[SplitScan]:
    sql = "SELECT id, title FROM request ORDER BY id"
    found = open_split(history, sql, {}, 100)
    assert found is not None
    yield found
    found.close()


def test_the_parts_cover_every_row_once_in_order(scan: SplitScan, history: Path) -> None:
    with sqlite3.connect(history) as plain:
        everything = plain.execute("SELECT id, title FROM request ORDER BY id").fetchall()
    plain.close()
    first = [tuple(row) for batch in scan.first(size=7) for row in batch]
    rest = [tuple(row) for batch in scan.rest(size=7) for row in batch]
    assert len(first) == 50
    assert first + rest == everything


def test_same_snapshot_notices_a_commit_and_the_scan_keeps_its_own(scan: SplitScan, history: Path) -> None:
    assert scan.same_snapshot(scan.file)
    assert not scan.same_snapshot((scan.file[0], scan.file[1] + 1))  # another file
    _commit_between(history)()
    assert not scan.same_snapshot(scan.file)
    titles = [row[1] for batch in scan.rest() for row in batch]
    assert "后来改的" not in titles  # still the snapshot the scan began on


def test_an_order_no_index_gives_means_no_split(history: Path) -> None:
    """Each process would compute and sort every row: two would be slower than one."""
    assert open_split(history, "SELECT id, title FROM request ORDER BY length(title), id", {}, 9) is None
    assert open_split(history, "SELECT id FROM request ORDER BY due_at, id", {}, 9) is None
    indexed = open_split(history, "SELECT id FROM request ORDER BY created_at, id", {}, 9)
    assert indexed is not None
    indexed.close()


def test_parameters_that_cannot_travel_mean_no_split(history: Path) -> None:
    assert (
        open_split(history, "SELECT id FROM request WHERE title = :t ORDER BY id", {"t": b"\x00"}, 9) is None
    )


def test_the_helper_reads_its_part_by_itself(history: Path, scan: SplitScan, tmp_path: Path) -> None:
    """`python -m icrm_cli.cli.export_helper` as the export starts it: ready, then done N."""
    out = tmp_path / "part.bin"
    kinds = ["int", "text"]
    with out.open("wb") as handle:
        spec: dict[str, Any] = {"part": scan.rest_part().to_json(), "fmt": "csv", "keys": ["id", "title"]}
        spec["kinds"] = kinds
        spec |= {"zone": "Asia/Shanghai", "fd": handle.fileno(), "parent": os.getpid()}
        done = subprocess.run(
            [sys.executable, "-m", "icrm_cli.cli.export_helper"],
            input=json.dumps(spec).encode(),
            capture_output=True,
            pass_fds=(handle.fileno(),),
            check=False,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr.decode()
    said = done.stdout.decode().splitlines()
    assert said[0] == f"ready {scan.file[0]} {scan.file[1]}" and said[1].startswith("done ")
    lines = out.read_bytes().split(b"\r\n")
    assert int(said[1].split()[1]) == len([row for batch in scan.rest() for row in batch])
    assert lines[0].startswith(b"51,")  # the rows after the first 50
    assert said[1].split()[2] == str(out.stat().st_size).encode().decode()


def test_the_helper_stops_when_the_export_is_gone() -> None:
    """A helper whose export was killed stops at its next batch instead of writing for no one."""
    batches = [[(1,)], [(2,)]]
    assert list(export_helper._while_parent(iter(batches), os.getppid())) == batches
    orphaned = export_helper._while_parent(iter(batches), os.getppid() + 1)
    with pytest.raises(SystemExit):
        next(orphaned)
