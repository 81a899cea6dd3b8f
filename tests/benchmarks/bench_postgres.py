"""PostgreSQL next to SQLite: the weekly report, the overdue list, and `db copy` rows/s, with floors.

Run on purpose, not in the suite (needs a server; ICRM_TEST_PG as for the tests):

    PYTHONPATH=. python tests/benchmarks/bench_postgres.py [--requests 1000000] [--runs 5]
    PYTHONPATH=. python tests/benchmarks/bench_postgres.py --sqlite big.db [--runs 5]
    PYTHONPATH=. python tests/benchmarks/bench_postgres.py --sqlite big.db --postgres URL [--no-copy-back]

Without ``--sqlite`` it builds a demo SQLite file of ``--requests``; without
``--postgres`` it copies the file into a new database on the ICRM_TEST_PG server
with `icrm db copy` (timed: rows/s; the database is dropped at the end) and lets
that server's login act as the example org's admin (``access.logins``). A
``--postgres`` URL is used as given: its login must be the org's admin, who may
copy the whole database and read as another person (for the example org a role
named ``wang.qiang``, e.g. ``CREATE ROLE "wang.qiang" LOGIN IN ROLE pg_read_all_data``).
The PostgreSQL database is then copied into a new SQLite file (timed; removed
afterwards) unless ``--no-copy-back``.

Each command runs as a separate `icrm` process on both databases after one
untimed run whose outputs are compared (the report's ``generated_at`` aside).
Times are medians of ``--runs``, interleaved run by run with their floors as in
bench_targets.py: ``import typer, sqlite3, json``, then the SQLite figure, then
``import typer, sqlite3, json, psycopg, sqlalchemy`` (what a PostgreSQL read
must import at least), then the PostgreSQL figure. A copy is paired with the
source's own tool writing every copied table out (``sqlite3 -csv``, ``psql``'s
``COPY ... TO STDOUT``). Prints a Markdown table for docs/performance-postgres.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import icrm_cli
from tests.benchmarks.bench_targets import timed

ICRM = [sys.executable, "-m", "icrm_cli"]
Row = tuple[str, str, str, str]
ADMIN = "wang.qiang"  # the example org's admin: `db copy` is admin-only (docs/permissions.md)
READER = "zhang.wei"
FLOOR = [sys.executable, "-c", "import typer, sqlite3, json"]
PG_FLOOR = [sys.executable, "-c", "import typer, sqlite3, json, psycopg, sqlalchemy"]
OVERDUE = ["request", "list", "--overdue", "--limit", "50"]
COMMANDS = {
    "`request list --overdue --limit 50` (table)": OVERDUE,
    "`request list --overdue --limit 50 --format json`": [*OVERDUE, "--format", "json"],
    "`report weekly --format json`": ["report", "weekly", "--format", "json"],
}


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds and stdout of ``cmd``; stops the benchmark with its stderr when it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    return elapsed, done.stdout


def comparable(label: str, out: str) -> str:
    if "report" not in label:
        return out
    report = json.loads(out)
    report.pop("generated_at")
    return json.dumps(report, ensure_ascii=False, sort_keys=True)


def compare(label: str, sqlite_out: str, pg_out: str) -> str:
    """One line: whether the two outputs are the same, else where they first differ."""
    mine, theirs = comparable(label, sqlite_out), comparable(label, pg_out)
    if mine == theirs:
        return f"{label}: same output on both ({len(sqlite_out.encode()):,} bytes)"
    for number, (a, b) in enumerate(zip(mine.splitlines(), theirs.splitlines(), strict=False), 1):
        if a != b:
            return f"{label}: OUTPUTS DIFFER at line {number}:\n  sqlite:     {a}\n  postgresql: {b}"
    return f"{label}: OUTPUTS DIFFER in length ({len(mine)} and {len(theirs)} characters)"


def interleaved(commands: list[tuple[list[str], dict[str, str]]], runs: int) -> list[float]:
    """Median seconds of each command, the commands run one after another in every run."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for spent, (cmd, env) in zip(times, commands, strict=True):
            spent.append(timed(cmd, env))
    return [statistics.median(spent) for spent in times]


def copy_rows(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    seconds, out = run([*cmd, "--format", "json"], env)
    return seconds, sum(row["rows"] for row in json.loads(out))


def table_names() -> list[str]:
    from icrm_cli.storage.copy import icrm_tables

    return [table.name for table in icrm_tables()]


def sqlite_dump(path: str) -> list[str]:
    """SQLite's own shell writing every copied table out: the floor of a copy from a file."""
    return ["sqlite3", "-csv", path, "; ".join(f'SELECT * FROM "{name}"' for name in table_names())]


def psql_dump(url: str) -> list[str]:
    """The server's ``COPY ... TO STDOUT`` of every copied table through psql: the floor of a copy from it."""
    statements = [arg for name in table_names() for arg in ("-c", f'COPY "{name}" TO STDOUT')]
    return ["psql", "-X", "-q", "-d", url.replace("postgresql+psycopg://", "postgresql://"), *statements]


@contextmanager
def fresh_database(admin: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin``; dropped afterwards."""
    import psycopg

    name = f"icrm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def login_as_admin(url: str) -> None:
    """Let the server login of ``url`` be the org's admin, as a team names it in the org file."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE setting SET value = jsonb_set(value::jsonb, '{logins}', "
            "jsonb_build_object(current_user::text, %s::text))::json WHERE key = 'access'",
            [ADMIN],
        )


def seconds_text(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def time_copy(label: str, source: str, target: str, floor: list[str], env: dict[str, str]) -> Row:
    """One `db copy` (as the admin), right after its floor: the source's tool writing the tables out."""
    floor_s = timed(floor, env)
    seconds, copied = copy_rows([*ICRM, "db", "copy", target], {**env, "ICRM_DB": source, "ICRM_USER": ADMIN})
    figure = f"{copied:,} rows in {seconds:.1f} s = {copied / seconds:,.0f} rows/s"
    tool = "`sqlite3 -csv`" if floor[0] == "sqlite3" else "psql `COPY ... TO STDOUT`"
    floored = f"{tool} of the same tables: {copied / floor_s:,.0f} rows/s ({floor_s:.1f} s)"
    to_sqlite = label.endswith("SQLite")
    return (label, figure if to_sqlite else "", "" if to_sqlite else figure, floored)


def time_reads(sqlite: str, url: str, env: dict[str, str], runs: int) -> tuple[list[Row], list[str]]:
    """Each command on both databases with its floors, and whether the outputs are the same."""
    rows: list[Row] = []
    notes: list[str] = []
    pg_env = {**env, "ICRM_DB": url, "ICRM_USER": READER}
    sqlite_env = {**env, "ICRM_DB": sqlite, "ICRM_USER": READER}
    for label, argv in COMMANDS.items():
        command = [*ICRM, *argv]
        _, sqlite_out = run(command, sqlite_env)  # untimed: warms the caches and gives the outputs
        _, pg_out = run(command, pg_env)
        notes.append(compare(label, sqlite_out, pg_out))
        floor_s, sqlite_s, pg_floor_s, pg_s = interleaved(
            [(FLOOR, env), (command, sqlite_env), (PG_FLOOR, env), (command, pg_env)], runs
        )
        rows.append(
            (
                label,
                f"{seconds_text(sqlite_s)} ({sqlite_s / floor_s:.2f}x floor)",
                f"{seconds_text(pg_s)} ({pg_s / pg_floor_s:.2f}x its floor, {pg_s / sqlite_s:.1f}x SQLite)",
                f"`import typer, sqlite3, json` {seconds_text(floor_s)}; "
                f"with `psycopg, sqlalchemy` {seconds_text(pg_floor_s)}",
            )
        )
    return rows, notes


@contextmanager
def postgres(given: str | None) -> Iterator[tuple[str, bool]]:
    """The PostgreSQL database to use, and whether this run made it (and must fill it)."""
    if given:
        yield given, False
        return
    admin = os.environ.get("ICRM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    with fresh_database(admin) as url:
        yield url, True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000, help="demo size without --sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite", type=Path, help="an existing demo database (no demo is built)")
    parser.add_argument("--postgres", help="an icrm database on a server whose login is the org's admin")
    parser.add_argument("--no-copy-back", action="store_true", help="do not time PostgreSQL -> SQLite")
    parser.add_argument("--workdir", type=Path, help="where the demo and the copy back go (removed after)")
    args = parser.parse_args()
    compileall.compile_dir(Path(icrm_cli.__file__).parent, quiet=1)  # as pip install does
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    for name in ("PYTHONDONTWRITEBYTECODE", "ICRM_DB", "ICRM_USER"):
        env.pop(name, None)
    load_before = os.getloadavg()
    rows: list[Row] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="icrm-pgbench-") as folder:
        sqlite = str(args.sqlite or Path(folder) / "demo.db")
        if args.sqlite is None:
            demo = [*ICRM, "demo", "--requests", str(args.requests), "--no-report"]
            seconds, _ = run(demo, {**env, "ICRM_DB": sqlite})
            notes.append(f"demo --requests {args.requests} (SQLite): {seconds:.1f} s")
        with postgres(args.postgres) as (url, made):
            if made:
                rows.append(time_copy("`db copy` SQLite → PostgreSQL", sqlite, url, sqlite_dump(sqlite), env))
                login_as_admin(url)
            read_rows, read_notes = time_reads(sqlite, url, env, args.runs)
            rows += read_rows
            notes += read_notes
            if not args.no_copy_back:
                back = str(Path(folder) / "back.db")
                rows.append(time_copy("`db copy` PostgreSQL → SQLite", url, back, psql_dump(url), env))
    load_after = os.getloadavg()
    from icrm_cli.storage.targets import shown

    print("\n".join(notes))
    loads = " before, ".join(" ".join(f"{v:.2f}" for v in load) for load in (load_before, load_after))
    print(
        f"\nMeasured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores with {sys.executable}, "
        f"medians of {args.runs} runs; SQLite {sqlite}, PostgreSQL {shown(url)}; "
        f"load average {loads} after:\n"
    )
    print("| what | SQLite | PostgreSQL | floor in the same run |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
