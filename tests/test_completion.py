"""Shell completion through Typer's own mechanism, with values from the database in use:
department codes, person ids, open request ids; quiet, read-only, at most 100 values."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)


def complete(
    words: str, db: Path | str | None = None, *, shell: str = "bash"
) -> subprocess.CompletedProcess[str]:
    """What the shell gets for the last word of ``words`` (bash protocol; zsh gives help too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("_ICRM")}
    env["PYTHONPATH"] = str(ROOT)
    env["_ICRM_COMPLETE"] = f"complete_{shell}"
    if db is not None:
        env["ICRM_DB"] = str(db)
    if shell == "bash":
        env["COMP_WORDS"] = words
        env["COMP_CWORD"] = str(len(words.split(" ")) - 1)
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
    return subprocess.run(
        [sys.executable, "-m", "icrm_cli"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def values(words: str, db: Path | str | None = None) -> list[str]:
    result = complete(words, db)
    assert result.returncode == 0 and result.stderr == ""
    return result.stdout.split()


def test_department_codes(org: Path, db_path: Path) -> None:
    assert values("icrm request list --to S", db_path) == ["SALES"]
    assert values("icrm request new --from SA", db_path) == ["SALES"]
    assert "FIN" in values("icrm report weekly --dept ", db_path)
    assert values("icrm meeting new --dept I", db_path) == ["IT"]
    assert values("icrm feedback list --from H", db_path) == ["HR"]
    everything = values("icrm request list --from ", db_path)
    assert len(everything) == 14 and everything == sorted(everything)


def test_person_ids_with_names_for_zsh(org: Path, db_path: Path) -> None:
    assert values("icrm request list --owner li.", db_path) == ["li.jun", "li.na"]
    assert values("icrm --as zhang", db_path) == ["zhang.wei"]
    zsh = complete("icrm request assign 1 --owner li.n", db_path, shell="zsh")
    assert '"li.na":"李娜"' in zsh.stdout and zsh.stderr == ""


def test_open_request_ids(cli: Cli, org: Path, db_path: Path) -> None:
    first = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")
    gone = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "取消")
    cli.ok("request", "cancel", str(gone), "--reason", "不需要")
    assert values("icrm request ack ", db_path) == [str(first)]
    assert values("icrm request show 9", db_path) == []
    assert values("icrm request ack x", db_path) == []


def test_at_most_100_values(cli: Cli, org: Path, db_path: Path, tmp_path: Path) -> None:
    rows = "from,to,title\n" + "".join(f"SALES,IT,请求{n}\n" for n in range(150))
    (tmp_path / "many.csv").write_text(rows, encoding="utf-8")
    cli.ok("request", "import", str(tmp_path / "many.csv"))
    offered = values("icrm request close ", db_path)
    assert len(offered) == 100 and offered[0] == "150"  # newest first
    assert values("icrm request close 14", db_path) == [str(n) for n in range(149, 139, -1)] + ["14"]


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    target = tmp_path / "typo.db"
    assert values("icrm request list --to ", target) == []
    assert values(f"icrm --db {target} request list --to ") == []
    assert values(f"icrm --db sqlite:///{target} request list --to ") == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [b"not a database at all" * 50, b""])
def test_unreadable_database_is_silent(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "junk.db"
    target.write_bytes(content)
    assert values("icrm request ack ", target) == []
    assert target.read_bytes() == content


def test_server_urls_complete_nothing() -> None:
    assert values("icrm request list --to ", "postgresql+psycopg://nobody@127.0.0.1:1/none") == []


def test_an_old_schema_is_not_upgraded(org: Path, db_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        newest = conn.execute("SELECT max(name) FROM icrm_migrations").fetchone()[0]
        conn.execute("DELETE FROM icrm_migrations WHERE name = ?", (newest,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    assert values("icrm request list --to S", db_path) == ["SALES"]
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    with sqlite3.connect(db_path) as conn:
        left = conn.execute("SELECT count(*) FROM icrm_migrations WHERE name = ?", (newest,)).fetchone()
    assert left == (0,)
    conn.close()


def test_completion_does_not_load_sqlalchemy(org: Path, db_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ICRM_DB": str(db_path)}
    env.update(_ICRM_COMPLETE="complete_bash", COMP_WORDS="icrm request list --to S", COMP_CWORD="4")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "icrm_cli"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["SALES"]
    assert "sqlalchemy" not in result.stderr and "rich" not in result.stderr.split()


def test_install_and_show_completion_are_offered(cli: Cli) -> None:
    assert "--install-completion" in cli.ok("--help").stdout
    # Typer detects the shell from the parent processes; without one to detect, name it.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    shown = subprocess.run(
        [sys.executable, "-m", "icrm_cli", "--show-completion", "bash"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0 and "_ICRM_COMPLETE" in shown.stdout
