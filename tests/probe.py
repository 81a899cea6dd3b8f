"""Run icrm in a fresh interpreter and see which of some modules it imported.

The guards of the light read paths (tests/test_read_path_imports.py, test_lookups.py,
test_report_speed.py) ask the same question: does this command, run as a user runs
it, load SQLAlchemy, the ORM models, pydantic, the holidays library...?
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_SCRIPT = """
import sys
sys.argv = ["icrm", *{argv!r}]
from icrm_cli.cli.app import main
try:
    main()
    code = 0
except SystemExit as exit:
    code = exit.code or 0
sys.stderr.write(f"\\nPROBE-EXIT={{code}}\\n")
sys.stderr.write("PROBE-LOADED=" + ",".join(name for name in {watched!r} if name in sys.modules) + "\\n")
"""


@dataclass(frozen=True)
class Probed:
    code: object  # the exit code
    loaded: list[str]  # the watched modules the command imported
    stdout: str
    stderr: str  # what the command wrote to stderr


def probe(argv: Sequence[str], watched: Sequence[str], env: Mapping[str, str] | None = None) -> Probed:
    """Run ``icrm argv`` (the environment: this one, or ``env``) and report on ``watched``."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(argv=list(argv), watched=tuple(watched))],
        capture_output=True,
        text=True,
        env=dict(os.environ if env is None else env),
        timeout=120,
        check=False,
    )
    stderr, marker, report = done.stderr.rpartition("\nPROBE-EXIT=")
    assert marker, f"the probe did not finish: {done.stderr}"
    code, _, loaded = report.partition("\nPROBE-LOADED=")
    names = [name for name in loaded.strip().split(",") if name]
    return Probed(code=int(code) if code.isdigit() else code, loaded=names, stdout=done.stdout, stderr=stderr)
