"""Report benchmark (issue 6): run on purpose, never collected by pytest.

    python tests/benchmarks/bench_report.py [--requests 1000000] [--runs 5] [--workdir DIR] [--keep]
                                            [--no-export]

Builds a database of 100 departments, 2,000 people and REQUESTS requests over
three years ending now (org via `icrm org apply`, requests and their events
bulk-inserted with executemany in icrm's stored format), then times whole
processes (median of RUNS, each command and its floor interleaved in the same
run, so that load from elsewhere on the machine hits both alike):

- `icrm report weekly --format json` (target < 0.5 s) beside the floor
  `python -c 'import sqlmodel, typer'`, with EXPLAIN QUERY PLAN of every query
  it runs (every one must use an index, no full table scan) and the time of
  its queries and assembly inside one fresh process;
- `icrm report weekly --format html` (the same plus the 8-week trend and SVG);
- `icrm --help` beside `python -c 'import typer'` (target at most 2x);
- `icrm report export requests --format csv` against `sqlite3 -csv` exporting
  the same columns in the same run (target >= 0.35x its rows/s, peak RSS < 100 MB);
  `--no-export` skips it.
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import icrm_cli

ICRM = [sys.executable, "-m", "icrm_cli"]
REPORT_TABLES = ("request", "event", "feedback", "escalation", "meeting")
DAY = 86400
SLA = {
    "urgent": (2 * 3600, DAY),
    "high": (4 * 3600, 3 * DAY),
    "normal": (DAY, 5 * DAY),
    "low": (2 * DAY, 10 * DAY),
}
PRIORITIES = ("urgent", "high", "normal", "low")
PRIORITY_WEIGHTS = (5, 20, 60, 15)


IN_PROCESS = """
import sys, time
from icrm_cli.domain.org.settings import load_policy
from icrm_cli.domain.report.weekly import weekly_report
from icrm_cli.domain.reading import open_reader
start = time.perf_counter()
with open_reader(sys.argv[1]) as reader:
    weekly_report(reader, load_policy(reader), None, None, trend=True)
print(time.perf_counter() - start)
"""


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.decode()}")
    return elapsed


def medians(commands: list[list[str]], env: dict[str, str], runs: int) -> list[float]:
    """The median wall time of each command, the commands interleaved run by run."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, cmd in enumerate(commands):
            times[index].append(run(cmd, env))
    return [statistics.median(found) for found in times]


def in_process_seconds(db: Path, env: dict[str, str], runs: int) -> float:
    """Median time of ``weekly_report`` (queries and assembly) as its first call in a fresh process."""
    found = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", IN_PROCESS, str(db)], env=env, capture_output=True, text=True, check=True
        )
        found.append(float(proc.stdout.strip()))
    return statistics.median(found)


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )
    return int(proc.stderr.decode().strip().splitlines()[-1]) / 1024


def write_org(path: Path, departments: int = 100, people: int = 2000) -> tuple[list[str], dict[str, str]]:
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
    return codes, {code: f"p{index:04d}" for index, code in enumerate(codes)}


def stamp(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%d %H:%M:%S.000000")


def build(db: Path, codes: list[str], contact: dict[str, str], count: int, seed: int = 6) -> None:
    """Requests over three years ending now, with created/ack/transfer/wait/resolve/reopen events."""
    rng = random.Random(seed)
    now = time.time()
    first = now - 3 * 365 * DAY
    created_all = sorted(rng.uniform(first, now) for _ in range(count))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous=OFF")
    request_sql = (
        "INSERT INTO request (id, title, description, from_dept, to_dept, requester, owner, priority, "
        "status, created_at, acknowledged_at, resolved_at, closed_at, due_at, waiting_since, "
        "paused_seconds, transfers, reopened, meeting_id) "
        "VALUES (?,?,NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)"
    )
    event_sql = (
        "INSERT INTO event (entity, entity_id, at, actor, kind, note, detail) VALUES ('request',?,?,?,?,?,?)"
    )
    requests: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    weights = [1.0 / (1 + index % 17) for index in range(len(codes))]
    for ident, created in enumerate(created_all, start=1):
        customer, supplier = rng.choices(codes, weights, k=2)
        if customer == supplier:
            supplier = codes[(codes.index(supplier) + 1) % len(codes)]
        priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
        ack_sla, resolve_sla = SLA[priority]
        due = created + resolve_sla
        owner = contact[supplier]
        events.append((ident, stamp(created), owner, "created", None, '{"to": "open"}'))
        t = created
        transfers = 0
        while rng.random() < 0.06 and transfers < 4:
            t += ack_sla * rng.uniform(0.2, 1.5)
            target = rng.choice(codes)
            if target == supplier or t >= now:
                break
            detail = f'{{"from": "open", "to": "open", "from_dept": "{supplier}", "to_dept": "{target}"}}'
            events.append((ident, stamp(t), owner, "transferred", "转交", detail))
            supplier, owner, transfers = target, contact[target], transfers + 1
        status, acknowledged, resolved, closed, waiting, paused, reopened = (
            "open",
            None,
            None,
            None,
            None,
            0,
            0,
        )
        t += ack_sla * math.exp(rng.gauss(-0.3, 0.8))
        if t < now:
            acknowledged, status = t, "in_progress"
            events.append((ident, stamp(t), owner, "acknowledged", None, None))
            if rng.random() < 0.1:
                t += resolve_sla * rng.uniform(0.05, 0.4)
                if t < now:
                    wait = rng.uniform(4, 96) * 3600
                    if t + wait >= now:
                        status, waiting = "waiting", t
                    else:
                        paused, due = int(wait), due + int(wait)
                        events.append(
                            (
                                ident,
                                stamp(t + wait),
                                owner,
                                "resumed",
                                None,
                                f'{{"paused_seconds": {int(wait)}}}',
                            )
                        )
                        t += wait
            if status == "in_progress":
                t += resolve_sla * math.exp(rng.gauss(-0.9, 0.7))
                if t < now and rng.random() < 0.04:
                    status, closed = rng.choice(("rejected", "cancelled", "unachievable")), t
                elif t < now:
                    status, resolved = "resolved", t
                    events.append((ident, stamp(t), owner, "resolved", "已处理", None))
                    if rng.random() < 0.05 and t + 7200 < now:
                        t += rng.uniform(3600, 3 * DAY)
                        if t < now:
                            reopened, resolved, status = 1, None, "in_progress"
                            events.append((ident, stamp(t), owner, "reopened", "重开", None))
                            t += resolve_sla * math.exp(rng.gauss(-1.2, 0.6))
                            if t < now:
                                resolved, status = t, "resolved"
                    if (
                        status == "resolved"
                        and resolved is not None
                        and resolved + DAY < now
                        and rng.random() < 0.9
                    ):
                        closed, status = resolved + rng.uniform(600, DAY), "closed"
        requests.append(
            (
                ident,
                f"基准请求 {ident} =核对",
                customer,
                supplier,
                contact[customer],
                owner,
                priority,
                status,
                stamp(created),
                acknowledged and stamp(acknowledged),
                resolved and stamp(resolved),
                closed and stamp(closed),
                stamp(due),
                waiting and stamp(waiting),
                paused,
                transfers,
                reopened,
            )
        )
        if len(requests) >= 50_000:
            conn.executemany(request_sql, requests)
            conn.executemany(event_sql, events)
            requests.clear()
            events.clear()
    conn.executemany(request_sql, requests)
    conn.executemany(event_sql, events)
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def query_plans(db: Path) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of every query `report weekly` runs for the last complete week."""
    from sqlalchemy import event as sa_event

    from icrm_cli.domain.org.settings import load_policy
    from icrm_cli.domain.report.weekly import weekly_report
    from icrm_cli.storage.engine import open_database

    database = open_database(str(db))
    seen: list[tuple[str, object]] = []

    @sa_event.listens_for(database.engine, "before_cursor_execute")
    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    with database.reading() as conn:
        weekly_report(conn, load_policy(conn), None, None, trend=True)
    database.close()
    raw = sqlite3.connect(db)
    plans = []
    for statement, parameters in seen:
        if not any(f"FROM {table}" in statement for table in REPORT_TABLES):
            continue
        rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()  # type: ignore[arg-type]
        text = " ".join(statement.split())
        parts = text.count(" UNION ALL ") + 1
        label = text[:150] + (f" ... ({parts} parts, UNION ALL)" if parts > 1 else "")
        plans.append((label, [row[-1] for row in rows]))
    raw.close()
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="Reuse the database in --workdir if it exists.")
    parser.add_argument("--no-export", action="store_true", help="Skip timing `report export`.")
    args = parser.parse_args()
    # As `pip install` does: time icrm, not Python compiling its modules (PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(Path(icrm_cli.__file__).parent, quiet=1)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="icrm-bench-report-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "bench.db"
    env = {**os.environ, "ICRM_DB": str(db), "ICRM_USER": "bench", "NO_COLOR": "1"}
    if not (args.keep and db.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        org = workdir / "org.yaml"
        codes, contact = write_org(org)
        subprocess.run([*ICRM, "org", "apply", str(org)], env=env, check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        build(db, codes, contact, args.requests)
        print(f"built {args.requests:,} requests in {time.perf_counter() - started:.1f} s")

    print("\nEXPLAIN QUERY PLAN of the weekly report's queries:\n")
    scans = 0
    for statement, plan in query_plans(db):
        print(f"- {statement}")
        for line in plan:
            full_scan = line.startswith("SCAN") and "USING" not in line and "INDEX" not in line
            scans += full_scan
            print(f"    {line}{'   !! full scan' if full_scan else ''}")
    print(f"\nFull table scans: {scans}")

    weekly_floor, weekly_time, html_time = medians(
        [
            # The report reads SQLite with the standard library: Typer is all it must import.
            [sys.executable, "-c", "import typer"],
            [*ICRM, "report", "weekly", "--format", "json"],
            [*ICRM, "report", "weekly", "--format", "html"],
        ],
        env,
        args.runs,
    )
    queries = in_process_seconds(db, env, args.runs)
    typer_floor, help_time = medians(
        [[sys.executable, "-c", "import typer"], [*ICRM, "--help"]], env, max(args.runs, 7)
    )

    rows = args.requests
    print(f"\nDatabase: {db} ({rows:,} requests over 3 years, 100 departments, 2,000 people)\n")
    print("| measurement | result | floor / detail | target |")
    print("|---|---|---|---|")
    print(
        f"| `report weekly --format json` | {weekly_time * 1000:.0f} ms | "
        f"`python -c 'import typer'`: {weekly_floor * 1000:.0f} ms "
        f"({weekly_time / weekly_floor:.2f}x); queries + assembly in-process: {queries * 1000:.0f} ms "
        "| < 500 ms |"
    )
    print(f"| `report weekly --format html` | {html_time * 1000:.0f} ms | incl. the 8-week trend | - |")
    print(
        f"| `icrm --help` | {help_time * 1000:.0f} ms | "
        f"`python -c 'import typer'`: {typer_floor * 1000:.0f} ms ({help_time / typer_floor:.2f}x) | <= 2x |"
    )
    if args.no_export:
        return

    columns = (
        "id, title, description, from_dept, to_dept, requester, owner, priority, status, created_at, "
        "acknowledged_at, resolved_at, closed_at, due_at, transfers, reopened, meeting_id, paused_seconds, "
        "waiting_since"
    )
    sqlite_cmd = ["sqlite3", "-csv", "-header", str(db), f"SELECT {columns} FROM request ORDER BY id"]
    export_cmd = [*ICRM, "report", "export", "requests", "--format", "csv"]
    sqlite_time, export_time = medians([sqlite_cmd, export_cmd], env, max(1, args.runs // 2))
    export_rss = peak_rss_mb(export_cmd, env)
    ratio = (rows / export_time) / (rows / sqlite_time)
    print(
        f"| `report export requests --format csv` | {rows / export_time:,.0f} rows/s ({export_time:.2f} s), "
        f"peak RSS {export_rss:.0f} MB | `sqlite3 -csv` same columns: {rows / sqlite_time:,.0f} rows/s "
        f"({sqlite_time:.2f} s); ratio {ratio:.2f}x | >= 0.35x, < 100 MB |"
    )


if __name__ == "__main__":
    main()
