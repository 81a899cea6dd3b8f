"""PostgreSQL next to SQLite: the weekly report, the overdue list, and `db copy` rows/s.

Run on purpose, not in the suite (needs a server; ICRM_TEST_PG as for the tests):

    PYTHONPATH=. python tests/benchmarks/bench_postgres.py [--requests 1000000] [--runs 3]

Builds a demo SQLite file of that size, copies it into a fresh PostgreSQL
database with `icrm db copy` (timed: rows/s), then times each command as a
separate `icrm` process on both databases (best of --runs) and checks that the
outputs are the same. Method and figures: docs/performance-postgres.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {
    "report weekly --format json": ["report", "weekly", "--format", "json"],
    "request list --overdue --limit 50": ["request", "list", "--overdue", "--limit", "50"],
}


def icrm(db: str, *argv: str) -> tuple[float, str]:
    env = {**os.environ, "ICRM_DB": db, "ICRM_USER": "zhang.wei", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "icrm_cli", *argv], capture_output=True, text=True, env=env, check=True
    )
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    admin = os.environ.get("ICRM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    import psycopg

    name = f"icrm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    url = admin.rsplit("/", 1)[0] + "/" + name
    try:
        with tempfile.TemporaryDirectory() as folder:
            demo = str(Path(folder) / "demo.db")
            seconds, _ = icrm(demo, "demo", "--requests", str(args.requests), "--no-report")
            print(f"demo --requests {args.requests} (SQLite): {seconds:.1f} s")
            seconds, out = icrm(demo, "db", "copy", url, "--format", "json")
            rows = sum(row["rows"] for row in json.loads(out))
            print(
                f"db copy SQLite -> PostgreSQL: {rows} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
            )
            back = str(Path(folder) / "back.db")
            seconds, _ = icrm(url, "db", "copy", back)
            print(
                f"db copy PostgreSQL -> SQLite: {rows} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
            )
            for label, argv in COMMANDS.items():
                outputs = {}
                for kind, db in (("sqlite", demo), ("postgresql", url)):
                    best, out = min(icrm(db, *argv) for _ in range(args.runs))
                    if label.startswith("report"):
                        report = json.loads(out)
                        report.pop("generated_at")
                        out = json.dumps(report)
                    outputs[kind] = out
                    print(f"{label:<36} {kind:<11} best of {args.runs}: {best:.2f} s")
                print(f"{label:<36} same output: {outputs['sqlite'] == outputs['postgresql']}")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


if __name__ == "__main__":
    main()
