"""The read-path and memory targets, each figure paired with its floor measured in the same run.

    python tests/benchmarks/bench_targets.py --db BIG.db [--runs 5] [--import-rows 200000]

BIG.db is a demo database (``icrm --db BIG.db demo --requests 1000000 --no-report``).
Times are medians of whole processes, floor and figure interleaved run by run,
so a busy machine slows both alike. Prints a Markdown table for
docs/performance.md. Run on purpose; pytest does not collect it.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import icrm_cli

ICRM = [sys.executable, "-m", "icrm_cli"]
EXAMPLE_ORG = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr.decode()}")
    return elapsed


def peak_mib(cmd: list[str], env: dict[str, str]) -> float:
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )
    return int(done.stderr.decode().strip().splitlines()[-1]) / 1024


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (Linux /proc), KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip() or 0)
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree: set[int] = set()
    grown = {root}
    while grown - tree:  # children, then their children
        tree |= grown
        grown = {pid for pid, parent in parents.items() if parent in tree}
    return sum(rss.get(pid, 0) for pid in tree)


def peak_tree_mib(cmd: list[str], env: dict[str, str]) -> float:
    """Peak of the summed resident memory of a command and its helper processes, sampled every 10 ms."""
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.01)
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return peak / 1024


def paired(figure: list[str], floor: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median seconds of ``figure`` and of ``floor``, run alternately."""
    mine, base = [], []
    for _ in range(runs):
        base.append(timed(floor, env))
        mine.append(timed(figure, env))
    return statistics.median(mine), statistics.median(base)


def import_file(path: Path, rows: int) -> None:
    depts = ["SALES", "MKT", "CS", "DEV", "QA", "OPS", "PUR", "WH", "FIN", "HR", "IT"]
    rng = random.Random(11)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from", "to", "title", "description", "priority"])
        for index in range(rows):
            customer, supplier = rng.sample(depts, 2)
            writer.writerow([customer, supplier, f"导入的联络单 {index}", "批量导入的说明文字", "normal"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=200_000)
    args = parser.parse_args()
    compileall.compile_dir(Path(icrm_cli.__file__).parent, quiet=1)  # as pip install does
    env = {**os.environ, "ICRM_DB": str(args.db), "ICRM_USER": "cron", "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([*ICRM, "request", "list", "--limit", "1"], env=env, check=True, capture_output=True)
    rows: list[tuple[str, str, str, str]] = []

    help_s, typer_s = paired([*ICRM, "--help"], [sys.executable, "-c", "import typer"], env, args.runs)
    rows.append(("`icrm --help`", f"{help_s * 1000:.0f} ms", f"`import typer` {typer_s * 1000:.0f} ms",
                 f"{help_s / typer_s:.2f}x (target ≤ 2.0x)"))  # fmt: skip
    floor = [sys.executable, "-c", "import typer, sqlite3, json"]
    overdue = [*ICRM, "request", "list", "--overdue", "--limit", "50", "--format", "json"]
    list_s, floor_s = paired(overdue, floor, env, args.runs)
    rows.append(("`request list --overdue --limit 50 --format json`", f"{list_s * 1000:.0f} ms",
                 f"`import typer, sqlite3, json` {floor_s * 1000:.0f} ms",
                 f"{list_s / floor_s:.2f}x (target ≤ 3.0x)"))  # fmt: skip
    report_s, floor_s = paired([*ICRM, "report", "weekly", "--format", "json"], floor, env, args.runs)
    rows.append(("`report weekly --format json`", f"{report_s * 1000:.0f} ms",
                 f"`import typer, sqlite3, json` {floor_s * 1000:.0f} ms",
                 f"{report_s / floor_s:.2f}x (target ≤ 4.0x)"))  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "export.csv"
        export = [*ICRM, "report", "export", "requests", "--format", "csv", "-o", str(out)]
        sqlite_csv = ["sqlite3", "-csv", "-header", str(args.db), "SELECT * FROM request"]
        runs = max(1, args.runs // 2)
        export_s, sqlite_s = paired(export, sqlite_csv, env, runs)
        rss = peak_mib(export, env)
        together = peak_tree_mib(export, env)  # both processes' memory, summed
        speed = f"{sqlite_s / export_s:.2f}x its speed (target ≥ 0.35x, peak < 100 MiB)"
        rows.append(("`report export requests --format csv`",
                     f"{export_s:.2f} s, peak {together:.0f} MiB (both processes; {rss:.0f} MiB the larger)",
                     f"`sqlite3 -csv` {sqlite_s:.2f} s", speed))  # fmt: skip
        if shutil.which("taskset"):  # the same export held to one core: written by one process
            one = ["taskset", "-c", "0", *export]
            one_s, sqlite_s = paired(one, ["taskset", "-c", "0", *sqlite_csv], env, runs)
            one_rss = peak_mib(one, env)
            rows.append(("the same on one core (`taskset -c 0`)", f"{one_s:.2f} s, peak {one_rss:.0f} MiB",
                         f"`sqlite3 -csv` {sqlite_s:.2f} s", f"{sqlite_s / one_s:.2f}x"))  # fmt: skip
        data = Path(folder) / "rows.csv"
        import_file(data, args.import_rows)
        target = Path(folder) / "import.db"
        admin = {**env, "ICRM_USER": "wang.qiang"}  # the import files rows of every department
        subprocess.run([*ICRM, "--db", str(target), "org", "apply", str(EXAMPLE_ORG)], env=admin, check=True,
                       capture_output=True)  # fmt: skip
        fresh = Path(folder) / "fresh.db"
        shutil.copy(target, fresh)
        rss = peak_mib([*ICRM, "--db", str(fresh), "request", "import", str(data)], admin)
        rows.append((f"`request import` of {args.import_rows:,} rows", f"peak {rss:.0f} MiB", "-",
                     "target < 150 MiB"))  # fmt: skip
    when = time.strftime("%Y-%m-%d")
    print(f"Measured {when} on {os.cpu_count()} cores, {args.runs} runs, db {args.db.name}:\n")
    print("| what | figure | floor in the same run | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
