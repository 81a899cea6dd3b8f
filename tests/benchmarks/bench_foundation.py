"""Foundation benchmark (issue 2): run on purpose, never collected by pytest.

    python tests/benchmarks/bench_foundation.py [--rows 200000] [--runs 5] [--workdir DIR]

Builds a database of 100 departments, 2,000 people and ROWS requests through
the project's own import path (`icrm org apply`, `icrm request import`), then
times whole processes (median of RUNS) next to the floor measured in the same
run, and prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import icrm_cli

ICRM = [sys.executable, "-m", "icrm_cli"]


def run(cmd: list[str], env: dict[str, str], stdout: int | None = subprocess.DEVNULL) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.decode()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def peak_rss_kib(cmd: list[str], env: dict[str, str]) -> int:
    """Peak RSS of one child measured by /usr/bin/time when available, else getrusage."""
    if Path("/usr/bin/time").exists():
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *cmd],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=True,
        )
        return int(proc.stderr.decode().strip().splitlines()[-1])
    return run(cmd, env)[1]


def median_time(cmd: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(run(cmd, env)[0] for _ in range(runs))


def time_import(db: Path, data: Path, env: dict[str, str], runs: int) -> float:
    """Median seconds of `icrm request import`, each run into a fresh copy of the org-only database;
    the last run's database is kept for the other measurements."""
    import shutil

    template = db.with_name("org-only.db")
    run(
        [
            sys.executable,
            "-c",
            "import sys, sqlite3; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')",
            str(db),
        ],
        env,
    )
    shutil.copy(db, template)
    seconds = []
    for _ in range(runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, db)
        seconds.append(run([*ICRM, "request", "import", str(data)], env)[0])
    template.unlink()
    return statistics.median(seconds)


FETCH_ONLY = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
names = [row[1] for row in conn.execute("PRAGMA table_info(request)")]
cursor = conn.execute("SELECT " + ", ".join(f"CAST({name} AS BLOB)" for name in names) + " FROM request")
while cursor.fetchmany(5000):
    pass
"""


def overdue_plan(db: Path) -> list[str]:
    """EXPLAIN QUERY PLAN of the `request list --overdue` query (it must search an index)."""
    import sqlite3

    query = (
        "SELECT * FROM request WHERE status IN ('acknowledged', 'in_progress', 'open') "
        "AND due_at < '2026-11-23 00:00:00.000000' ORDER BY due_at, id LIMIT 50"
    )
    with sqlite3.connect(db) as conn:
        return [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + query)]


def write_org(path: Path, departments: int = 100, people: int = 2000) -> list[str]:
    codes = [f"D{index:03d}" for index in range(departments)]
    lines = ["organization: 基准测试集团", "timezone: Asia/Shanghai", "departments:"]
    for index, code in enumerate(codes):
        parent = "" if index == 0 else f", parent: {codes[(index - 1) // 5]}"
        lines.append(f"  - {{code: {code}, name: 部门{index:03d}{parent}, head: p{index:04d}}}")
    lines.append("people:")
    for index in range(people):
        lines.append(
            f"  - {{id: p{index:04d}, name: 员工{index:04d}, department: {codes[index % departments]}}}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return codes


def write_requests(path: Path, codes: list[str], rows: int) -> None:
    rng = random.Random(1)
    days = [f"2026-{month:02d}-{day:02d}" for month in range(1, 13) for day in range(1, 29)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "title", "priority", "due"])
        for index in range(rows):
            customer, supplier = rng.sample(codes, 2)
            writer.writerow(
                [
                    customer,
                    supplier,
                    f"协作事项 {index} =审核",
                    rng.choice(("high", "normal", "low")),
                    rng.choice(days),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    # As `pip install` does: time icrm, not Python compiling its modules (PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(Path(icrm_cli.__file__).parent, quiet=1)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="icrm-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "ICRM_DB": str(db), "ICRM_USER": "bench", "NO_COLOR": "1"}

    org = workdir / "org.yaml"
    codes = write_org(org)
    run([*ICRM, "org", "apply", str(org)], env)
    data = workdir / "requests.csv"
    write_requests(data, codes, args.rows)
    import_seconds = time_import(db, data, env, max(1, args.runs // 2))

    results = []
    runs = args.runs
    floor_help = median_time([sys.executable, "-c", "import typer"], env, args.runs)
    help_time = median_time([*ICRM, "--help"], env, args.runs)
    results.append(
        (
            "`icrm --help`",
            f"{help_time * 1000:.0f} ms",
            f"`python -c 'import typer'`: {floor_help * 1000:.0f} ms ({help_time / floor_help:.2f}x)",
            "<= 2x floor",
        )
    )
    # What any Typer command printing a Rich table pays before doing anything.
    floor_table = median_time([sys.executable, "-c", "import typer, rich.console, rich.table"], env, runs)
    overdue = median_time([*ICRM, "request", "list", "--overdue", "--limit", "50"], env, args.runs)
    results.append(
        (
            "`request list --overdue --limit 50`",
            f"{overdue * 1000:.0f} ms",
            f"`python -c 'import typer, rich.console, rich.table'`: {floor_table * 1000:.0f} ms "
            f"({overdue / floor_table:.2f}x)",
            "< 250 ms",
        )
    )
    # The floors of a CSV export: SQLite's own shell writing every stored column of the table, and
    # Python's sqlite3 module only fetching them (as bytes, in batches, doing nothing with them).
    sqlite_csv = median_time(["sqlite3", "-csv", "-header", str(db), "SELECT * FROM request"], env, runs)
    python_fetch = median_time([sys.executable, "-c", FETCH_ONLY, str(db)], env, runs)
    for fmt, target in (("csv", ">= 200,000 rows/s, < 100 MB"), ("json", "streams, < 100 MB")):
        command = [*ICRM, "request", "list", "--format", fmt]
        export = median_time(command, env, max(1, args.runs // 2))
        export_rss = peak_rss_kib(command, env)
        floor = (
            f"`sqlite3 -csv`: {args.rows / sqlite_csv:,.0f} rows/s ({sqlite_csv / export:.2f}x); "
            f"Python's `sqlite3` fetching alone: {args.rows / python_fetch:,.0f} rows/s; "
        )
        results.append(
            (
                f"`request list --format {fmt}` (all rows)",
                f"{args.rows / export:,.0f} rows/s",
                f"{floor}{export:.2f} s, peak RSS {export_rss / 1024:.0f} MB",
                target,
            )
        )
    results.append(
        (
            f"`request import` ({args.rows:,} rows)",
            f"{args.rows / import_seconds:,.0f} rows/s",
            f"{import_seconds:.2f} s in one transaction (median of {max(1, args.runs // 2)})",
            ">= 40,000 rows/s",
        )
    )

    print(
        f"Database: {db} ({args.rows:,} requests, 100 departments, 2,000 people); "
        f"median of {args.runs} runs\n"
    )
    print("`request list --overdue` query plan: " + "; ".join(overdue_plan(db)) + "\n")
    print("| measurement | result | floor / detail | target |")
    print("|---|---|---|---|")
    for row in results:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
