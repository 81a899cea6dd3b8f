"""`request import` streams: memory does not grow with the file, and a bad row anywhere rolls back all."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli

MEASURE = """
import resource, sys
sys.argv = ["icrm", "request", "import", {path!r}]
from icrm_cli.cli.app import main
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _write(path: Path, rows: int, bad_at: int | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "title", "description", "priority"])
        for index in range(rows):
            to = "NOWHERE" if index == bad_at else "DEV"
            writer.writerow(["SALES", to, f"导入请求 {index}", "说明文字 " * 4, "normal"])
    return path


def _peak_kib(path: Path) -> int:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE.format(path=str(path))],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
        check=True,
    )
    return int(result.stdout.split()[-1])


@pytest.mark.usefixtures("org")
def test_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    # Both large enough for the bulk path (indexes built once, with a bounded sort cache).
    small = _peak_kib(_write(tmp_path / "small.csv", 25_000))
    large = _peak_kib(_write(tmp_path / "large.csv", 100_000))  # 4x the rows
    # Holding the rows would take about 1 KiB each (75 MiB more here); streaming keeps memory flat.
    assert large - small < 15 * 1024, (small, large)


def test_a_bad_row_late_in_a_large_file_leaves_nothing(cli: Cli, org: object, tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", 12_000, bad_at=11_000)  # after two batches were inserted
    result = cli.fails("request", "import", str(bad))
    assert "line 11002: unknown department 'NOWHERE' in column 'to'" in result.stderr
    assert "nothing imported" in result.stderr
    assert cli.ok("request", "list", "--format", "csv").stdout.count("\n") == 1  # the header only
    assert '"kind": "created"' not in cli.ok("report", "export", "events", "--format", "json").stdout


def test_a_trailing_empty_column_is_accepted(cli: Cli, org: object, tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text("from,to,title,,\nSALES,DEV,开通VPN账号,,\n", encoding="utf-8")
    assert "imported 1 request" in cli.ok("request", "import", str(path)).stdout


def test_a_value_under_a_column_without_a_name_is_refused(cli: Cli, org: object, tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    path.write_text("from,to,title,\nSALES,DEV,开通VPN账号,加急\n", encoding="utf-8")
    result = cli.fails("request", "import", str(path))
    assert "line 2: a value ('加急') in a column without a name" in result.stderr


def test_a_dry_run_checks_everything_and_writes_nothing(cli: Cli, org: object, tmp_path: Path) -> None:
    path = _write(tmp_path / "many.csv", 12_000)
    assert "12000 requests would be imported" in cli.ok("request", "import", str(path), "--dry-run").stdout
    assert cli.ok("request", "list", "--format", "csv").stdout.count("\n") == 1
