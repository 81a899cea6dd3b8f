"""Demo benchmark (issue 2 item 8): run on purpose, never collected by pytest.

    python tests/benchmarks/bench_demo.py [--sizes 3000,100000,1000000] [--runs 3] [--workdir DIR]

Times the whole process ``icrm --db NEW.db demo --requests N --no-report`` on a
fresh database for each size: the median of RUNS runs for small sizes, one run
from LARGE requests on (a million takes a minute or two). CPU seconds (user +
sys of the child) are printed next to the wall time: on a shared machine the
wall time depends on the neighbours, the CPU time much less. The floor is the
start-up of ``python -c 'import sqlmodel, typer'`` measured in the same run.
Target: 1,000,000 requests in under two minutes.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import icrm_cli

ICRM = [sys.executable, "-m", "icrm_cli"]
LARGE = 500_000


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + sys) and stderr of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stderr.decode().strip()


def demo(size: int, db: Path, env: dict[str, str]) -> tuple[float, float, str]:
    _fresh(db)
    return run([*ICRM, "--db", str(db), "demo", "--requests", str(size), "--no-report"], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,100000,1000000", help="comma-separated request counts")
    parser.add_argument("--runs", type=int, default=3, help=f"runs per size below {LARGE}")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    # As `pip install` does: time icrm, not Python compiling its modules (PYTHONDONTWRITEBYTECODE).
    compileall.compile_dir(Path(icrm_cli.__file__).parent, quiet=1)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="icrm-bench-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "demo.db"
    env = {**os.environ, "ICRM_USER": "bench", "NO_COLOR": "1"}

    floor = statistics.median(
        run([sys.executable, "-c", "import sqlmodel, typer"], env)[0] for _ in range(args.runs)
    )
    rows = []
    for size in sizes:
        runs = 1 if size >= LARGE else args.runs
        results = [demo(size, db, env) for _ in range(runs)]
        wall = statistics.median(result[0] for result in results)
        cpu = statistics.median(result[1] for result in results)
        written = results[-1][2].splitlines()[-1].split(": ", 1)[-1]
        rows.append(
            (
                f"`icrm demo --requests {size} --no-report`",
                f"{wall:.1f} s",
                f"{cpu:.1f} s",
                f"{size / wall:,.0f}",
                f"{f'median of {runs}' if runs > 1 else 'one run'}; {written}",
            )
        )
        _fresh(db)

    print(f"Python start-up floor (`python -c 'import sqlmodel, typer'`): {floor * 1000:.0f} ms\n")
    print("| command | wall | CPU (user+sys) | requests/s (wall) | detail |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
