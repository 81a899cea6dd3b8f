"""Progress bars on stderr: drawn on a terminal (a pseudo-terminal here), never into a pipe,
and only once the work has taken the delay (1 s; ``ICRM_PROGRESS_DELAY=0`` in these tests)."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from icrm_cli.output.progress import ProgressBar
from tests.conftest import EXAMPLE_ORG, ROOT

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

ESC = "\x1b"


def _env(db: Path, delay: str = "0") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "ICRM_DEBUG")}
    env.update(PYTHONPATH=str(ROOT), ICRM_DB=str(db), ICRM_USER="zhang.wei", ICRM_PROGRESS_DELAY=delay)
    env["TERM"] = "xterm-256color"
    return env


def on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run icrm with stderr on a pseudo-terminal: exit code, stdout, what the terminal showed."""
    leader, follower = pty.openpty()
    shown = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower side closed
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "icrm_cli", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
            timeout=300,
            check=False,
        )
    finally:
        os.close(follower)
    reader.join(timeout=30)
    os.close(leader)
    return process.returncode, process.stdout.decode(), shown.decode("utf-8", "replace")


def in_pipe(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "icrm_cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_shows_a_bar_on_a_terminal_and_nothing_in_a_pipe(tmp_path: Path) -> None:
    code, out, terminal = on_terminal(["demo", "--requests", "3000", "--no-report"], _env(tmp_path / "a.db"))
    assert code == 0 and out == ""
    assert "Demo requests" in terminal and ESC in terminal
    assert "Demo data written to" in terminal
    piped = in_pipe(["demo", "--requests", "3000", "--no-report"], _env(tmp_path / "b.db"))
    assert piped.returncode == 0 and piped.stdout == ""
    assert piped.stderr.startswith("Demo data written to") and piped.stderr.count("\n") == 1
    assert ESC not in piped.stderr and "Demo requests" not in piped.stderr


def test_import_and_export_to_a_file_show_bars_only_on_a_terminal(tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    assert in_pipe(["org", "apply", str(EXAMPLE_ORG)], _env(db)).returncode == 0
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "from,to,title\n" + "".join(f"SALES,IT,请求{n}\n" for n in range(12000)), encoding="utf-8"
    )
    code, out, terminal = on_terminal(["request", "import", str(rows)], _env(db))
    assert code == 0 and "imported 12000 requests" in out
    assert "Importing rows" in terminal and ESC in terminal
    export = tmp_path / "out.csv"
    code, out, terminal = on_terminal(["report", "export", "requests", "-o", str(export)], _env(db))
    assert code == 0 and "Writing requests" in terminal and "12000/12000" in terminal
    assert export.read_text(encoding="utf-8").count("\n") == 12001
    code, out, terminal = on_terminal(["request", "list", "--format", "csv", "--limit", "0"], _env(db))
    assert code == 0 and out.count("\n") == 12001 and terminal == ""  # stdout: no bar
    again = tmp_path / "again.csv"
    again.write_text("from,to,title\nSALES,IT,再来一个\n", encoding="utf-8")
    piped = in_pipe(["request", "import", str(again)], _env(db))
    assert piped.returncode == 0 and piped.stderr == ""
    piped = in_pipe(["report", "export", "requests", "-o", str(tmp_path / "p.csv")], _env(db))
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout == ""


def test_db_copy_shows_a_bar_on_a_terminal_only(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    assert in_pipe(["demo", "--requests", "500", "--no-report"], _env(source)).returncode == 0
    admin = {**_env(source), "ICRM_USER": "wang.qiang"}  # copying the database is an admin's
    code, out, terminal = on_terminal(["db", "copy", str(tmp_path / "copy.db")], admin)
    assert code == 0 and "Copied" in out
    assert "Copying rows" in terminal and ESC in terminal
    piped = in_pipe(["db", "copy", str(tmp_path / "again.db")], admin)
    assert piped.returncode == 0 and piped.stderr == "" and "Copied" in piped.stdout


def test_quick_work_shows_no_bar_even_on_a_terminal(tmp_path: Path) -> None:
    code, _out, terminal = on_terminal(
        ["demo", "--requests", "200", "--no-report"], _env(tmp_path / "q.db", delay="3600")
    )
    assert code == 0 and "Demo data written to" in terminal
    assert "Demo requests" not in terminal and ESC not in terminal


def test_the_bar_appears_only_after_the_delay() -> None:
    now = [0.0]
    stream = io.StringIO()
    bar = ProgressBar("Copying rows", 100, stream=stream, delay=1.0, clock=lambda: now[0])
    seen = []
    for moment in (0.0, 0.99, 1.0):
        now[0] = moment
        bar.advance(10)
        seen.append(bar.shown)
    assert seen == [False, False, True] and bar.done == 30
    bar.stage("Building indexes")
    bar.close()
    assert [bar.shown] == [False]


def test_a_disabled_bar_counts_and_draws_nothing() -> None:
    stream = io.StringIO()
    bar = ProgressBar("Copying rows", lambda: 1 // 0, enabled=False, stream=stream, delay=0.0)
    bar.advance(5)
    bar.close()
    assert not bar.shown and bar.done == 5 and stream.getvalue() == ""
