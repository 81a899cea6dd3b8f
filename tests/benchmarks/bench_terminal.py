"""Daily terminal use benchmark (issue 17): run on purpose, never collected by pytest.

    python tests/benchmarks/bench_terminal.py [--db FILE] [--requests 1000000] [--runs 5] [--no-fts]

On a demo database (``--db`` an existing one, else ``icrm demo --requests N``
builds one in a temporary folder, ~2-3 minutes for a million) it times, next to
floors measured in the same run:

- ``request list --search`` (escaped LIKE on title and description) against the
  floor of reading those two columns of every row (``length()``), in-process
  through the light reader, and whole commands against ``icrm --version``;
- optionally (default on) a SQLite FTS5 trigram index built in a temporary
  database from the same rows, to show where it would pay and where not (a
  trigram index cannot serve one- or two-character searches, the usual CJK
  case);
- shell completion (whole processes, the way a shell runs them) against the
  ``icrm --version`` floor, and the completion queries alone.

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICRM = [sys.executable, "-m", "icrm_cli"]
SEARCHES = ("报价", "VPN", "服务器扩容", "no such text at all")


def median(runs: int, work: Callable[[], object]) -> float:
    """Median wall seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def process(argv: list[str], env: dict[str, str]) -> Callable[[], object]:
    def run() -> object:
        done = subprocess.run([*ICRM, *argv], env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"failed: icrm {' '.join(argv)}\n{done.stderr.decode()}")
        return done

    return run


def completing(words: str, env: dict[str, str]) -> Callable[[], object]:
    shell = {**env, "_ICRM_COMPLETE": "complete_bash", "COMP_WORDS": words}
    shell["COMP_CWORD"] = str(len(words.split(" ")) - 1)

    def run() -> object:
        done = subprocess.run(ICRM, env=shell, capture_output=True, check=False)
        if done.returncode != 0 or done.stderr:
            raise SystemExit(f"completion failed: {words}\n{done.stderr.decode()}")
        return done

    return run


def fts_rows(db: Path, runs: int) -> list[tuple[str, str]]:
    """An FTS5 trigram index over the same rows (in a temporary database): build time, and each
    search through MATCH (3+ characters) or LIKE on the index (shorter: a scan)."""
    found = []
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "fts.db")
        conn.execute(f"ATTACH DATABASE '{db.resolve().as_uri()}?mode=ro' AS src")
        start = time.perf_counter()
        conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, description, tokenize='trigram')")
        conn.execute(
            "INSERT INTO fts (rowid, title, description) SELECT id, title, description FROM src.request"
        )
        conn.commit()
        found.append(("FTS5 trigram index: build", f"{time.perf_counter() - start:.1f} s"))
        for text in SEARCHES:
            if len(text) >= 3:
                sql, arg = "SELECT count(*) FROM fts WHERE fts MATCH ?", '"' + text.replace('"', '""') + '"'
            else:
                sql, arg = "SELECT count(*) FROM fts WHERE title LIKE ? OR description LIKE ?", f"%{text}%"
            args = (arg,) if "MATCH" in sql else (arg, arg)
            seconds = median(runs, lambda s=sql, a=args: conn.execute(s, a).fetchone())  # type: ignore[misc]
            how = "MATCH" if "MATCH" in sql else "LIKE (too short for trigrams)"
            found.append((f"FTS5 trigram, {how}: {text!r}", f"{seconds * 1000:.0f} ms"))
        conn.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="an existing demo database (else one is built)")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-fts", action="store_true", help="skip the FTS5 trigram comparison")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "demo.db"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ICRM_DB": str(db), "ICRM_USER": "zhang.wei"}
        env.pop("NO_COLOR", None)
        if args.db is None:
            start = time.perf_counter()
            process(["demo", "--requests", str(args.requests), "--no-report"], env)()
            print(f"built {db} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        rows = measure(db, env, args.runs)
        if not args.no_fts:
            rows += fts_rows(db, args.runs)
    print("| what | median |")
    print("|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


def measure(db: Path, env: dict[str, str], runs: int) -> list[tuple[str, str]]:
    from icrm_cli.domain import completion
    from icrm_cli.domain.reading import open_reader
    from icrm_cli.domain.requests.query import RequestFilter, count_requests

    rows: list[tuple[str, str]] = []
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
        total = conn.execute("SELECT count(*) FROM request").fetchone()[0]
        scan = "SELECT count(*) FROM request WHERE length(title) + length(coalesce(description, '')) < 0"
        floor = median(runs, lambda: conn.execute(scan).fetchone())
    conn.close()
    rows.append(("requests in the database", f"{total:,}"))
    rows.append(("floor: read title and description of every row (sqlite3)", f"{floor * 1000:.0f} ms"))
    now = datetime.now(UTC)
    with open_reader(str(db)) as reader:
        for text in SEARCHES:
            filt = RequestFilter(search=text)
            found = count_requests(reader, filt, now)
            seconds = median(runs, lambda f=filt: count_requests(reader, f, now))  # type: ignore[misc]
            rows.append(
                (f"--search {text!r}: count matches ({found:,}), light reader", f"{seconds * 1000:.0f} ms")
            )
    start_floor = median(runs, process(["--version"], env))
    rows.append(("floor: `icrm --version` (process start)", f"{start_floor * 1000:.0f} ms"))
    for argv in (
        ["request", "list"],
        ["request", "list", "--search", "报价"],
        ["request", "list", "--search", "报价", "--all", "--format", "csv"],
        ["request", "list", "--search", "no such text at all", "--all", "--format", "csv"],
        ["request", "list", "--sort", "updated", "--desc"],
        ["request", "list", "--sort", "priority", "--all"],
    ):
        seconds = median(runs, process(argv, env))
        rows.append((f"`icrm {' '.join(argv)}`", f"{seconds * 1000:.0f} ms"))
    for words in ("icrm request ack ", "icrm request ack 99", "icrm request list --to ", "icrm --as z"):
        seconds = median(runs, completing(words, env))
        extra = (seconds - start_floor) * 1000
        rows.append(
            (f"completion `{words.strip()}` (whole process)", f"{seconds * 1000:.0f} ms ({extra:+.0f} ms)")
        )
    for name, values in (
        ("open request ids", completion.open_request_ids),
        ("department codes", completion.department_codes),
        ("person ids", completion.person_ids),
    ):
        seconds = median(runs, lambda v=values: v(db, ""))  # type: ignore[misc]
        rows.append((f"completion query alone: {name}", f"{seconds * 1000:.1f} ms"))
    return rows


if __name__ == "__main__":
    main()
