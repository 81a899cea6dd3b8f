"""PostgreSQL as a team database: driver, URLs, errors without passwords, db check/backup/copy, roles.

Runs against the server of ``tests/dbtargets.py`` (skipped without one, failed under CI=true).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from icrm_cli.storage.targets import database_url, shown
from tests.conftest import EXAMPLE_ORG, Cli
from tests.dbtargets import PgServer

ROOT = Path(__file__).resolve().parents[1]


def _icrm(*argv: str, db: str, user: str | None = "zhang.wei") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ICRM_DB": db, "PYTHONPATH": str(ROOT)}
    env.pop("ICRM_USER", None)
    if (
        user is not None
    ):  # on a server the login is who you are; ICRM_USER names the same person or is refused
        env["ICRM_USER"] = user
    return subprocess.run(
        [sys.executable, "-m", "icrm_cli", *argv], capture_output=True, text=True, env=env, check=False
    )


def test_both_url_forms_mean_psycopg_and_passwords_are_hidden() -> None:
    assert database_url("postgresql://a@h/d") == "postgresql+psycopg://a@h/d"
    assert database_url("postgresql+psycopg://a@h/d") == "postgresql+psycopg://a@h/d"
    assert shown("postgresql://app:s3cret@db/icrm") == "postgresql://app:***@db/icrm"
    assert shown("postgresql+psycopg://app@db:5433/icrm") == "postgresql+psycopg://app@db:5433/icrm"


def test_without_the_driver_one_error_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg fails
    result = cli.fails("--db", "postgresql://app:pw@db/icrm", "request", "list")
    assert result.stderr == 'Error: PostgreSQL needs the driver: pip install "icrm[postgres]"\n'


def test_db_path_hides_the_password(cli: Cli) -> None:
    out = cli.ok("--db", "postgresql://app:s3cret@db/icrm", "db", "path").stdout
    assert out == "postgresql://app:***@db/icrm\n"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://app:s3cret@127.0.0.1:1/icrm", "server unreachable"),
        ("postgresql://no_such_role_icrm:s3cret@{hostport}/postgres", 'role "no_such_role_icrm"'),
        ("postgresql+psycopg://postgres:s3cret@{hostport}/no_such_db_icrm", "does not exist"),
    ],
)
def test_connection_problems_are_one_line_naming_host_and_database(
    cli: Cli, pg_server: PgServer, url: str, said: str
) -> None:
    hostport = pg_server.admin.split("@", 1)[1].split("/", 1)[0]
    url = url.format(hostport=hostport)
    result = cli.fails("--db", url, "request", "list")
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot connect to PostgreSQL database")
    assert said in lines[0]
    assert url.rsplit("/", 1)[1] in lines[0]
    assert "s3cret" not in result.stderr + result.stdout


def test_check_backup_and_text_order(cli: Cli, pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.create("check")
    cli.ok("--db", url, "org", "apply", str(EXAMPLE_ORG))
    out = cli.ok("--db", url, "db", "check").stdout
    assert "(current)" in out and "integrity:    ok" in out and "foreign keys: ok" in out
    result = cli.fails("--db", url, "db", "backup", str(tmp_path / "b.db"))
    assert "pg_dump" in result.stderr and not (tmp_path / "b.db").exists()
    name = url.rsplit("/", 1)[1]
    not_c = pg_server.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND data_type = 'character varying' AND COALESCE(collation_name, '') <> 'C'",
        name,
    )
    assert not_c == []  # every text column sorts in byte order, as on SQLite


def test_two_first_runs_at_once_agree_on_one_schema(pg_server: PgServer) -> None:
    url = pg_server.create("race")
    env = {**os.environ, "ICRM_DB": url, "PYTHONPATH": str(ROOT)}
    env.pop("ICRM_USER", None)  # the server login applies it (the later runs change nothing)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "icrm_cli", "org", "apply", str(EXAMPLE_ORG)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    names = pg_server.execute("SELECT name FROM icrm_migrations", url.rsplit("/", 1)[1])
    assert len(names) == len({row[0] for row in names})


def _without_generated_at(text: str) -> Any:
    report = json.loads(text)
    report.pop("generated_at")
    return report


def test_demo_copied_to_postgres_and_back_answers_the_same(
    cli: Cli, pg_server: PgServer, tmp_path: Path
) -> None:
    demo = tmp_path / "demo.db"
    cli.ok("--db", str(demo), "demo", "--requests", "300", "--no-report")
    url = pg_server.create("copy")
    copied = json.loads(
        cli.ok("--db", str(demo), "--as", "wang.qiang", "db", "copy", url, "-f", "json").stdout
    )
    assert {row["table"] for row in copied} >= {"request", "event", "department", "feedback"}
    # the server's test login becomes the admin's (as a team would name it with `login:` in the org file)
    name = url.rsplit("/", 1)[1]
    login = pg_server.execute("SELECT current_user")[0][0]
    pg_server.execute(
        "UPDATE setting SET value = jsonb_set(value::jsonb, '{logins}', "
        f"'{{\"{login}\": \"wang.qiang\"}}')::json WHERE key = 'access'",
        name,
    )
    back = tmp_path / "back.db"
    copied_back = cli.ok("--db", url, "db", "copy", str(back), actor="wang.qiang")  # read as the server login
    assert copied_back.stdout.rstrip().endswith(f"into {back}.")
    outputs = {}
    for target in (str(demo), url, str(back)):
        report = _without_generated_at(cli.ok("--db", target, "report", "weekly", "--format", "json").stdout)
        listing = cli.ok("--db", target, "request", "list", "--format", "csv").stdout
        outputs[target] = (report, listing)
    assert outputs[str(demo)] == outputs[url] == outputs[str(back)]
    # ids made after the copy continue after the copied ones, on both kinds
    top = max(
        json.loads(cli.ok("--db", url, "request", "list", "--format", "json").stdout), key=lambda r: r["id"]
    )
    new = cli.ok(
        "--db",
        str(back),
        "request",
        "new",
        "--from",
        "SALES",
        "--to",
        "IT",
        "--title",
        "after copy",
        "-f",
        "json",
    )
    assert json.loads(new.stdout)["id"] > top["id"]
    # on the server the id sequence moved on past the copied ids
    following = pg_server.execute("SELECT nextval(pg_get_serial_sequence('request', 'id'))", name)
    assert following[0][0] > top["id"]
    # a target that holds icrm rows is refused, and nothing is added to it
    result = cli.fails("--db", str(demo), "db", "copy", url, actor="wang.qiang")
    assert "already holds icrm data" in result.stderr


def test_a_failed_copy_leaves_no_file_and_an_empty_server_database(
    cli: Cli, org: Path, pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icrm_cli.storage import copy as copy_module

    real = copy_module._copy_table
    calls: list[str] = []

    def failing(src: Any, dst: Any, table: Any, progress: Any) -> int:
        calls.append(table.name)
        if len(calls) == 3:
            raise OSError("disk full (simulated)")
        return real(src, dst, table, progress)

    monkeypatch.setattr(copy_module, "_copy_table", failing)
    target = tmp_path / "new.db"
    assert "simulated" in cli.fails("db", "copy", str(target), actor="wang.qiang").stderr
    assert not target.exists() and not Path(f"{target}-wal").exists()
    url = pg_server.create("failed")
    calls.clear()
    assert "simulated" in cli.fails("db", "copy", url, actor="wang.qiang").stderr
    name = url.rsplit("/", 1)[1]
    assert pg_server.execute("SELECT COUNT(*) FROM department", name) == [(0,)]


def test_a_copy_into_postgres_leaves_the_planner_statistics(cli: Cli, org: Path, pg_server: PgServer) -> None:
    """Without them (autovacuum late or off) the planner guesses table sizes and picks worse plans."""
    url = pg_server.create("analysed")
    cli.ok("db", "copy", url, actor="wang.qiang")
    name = url.rsplit("/", 1)[1]
    counted = pg_server.execute(
        "SELECT relname, reltuples FROM pg_class WHERE relname IN ('department', 'person') ORDER BY 1", name
    )
    rows = pg_server.execute("SELECT (SELECT COUNT(*) FROM department), (SELECT COUNT(*) FROM person)", name)[
        0
    ]
    assert counted == [("department", rows[0]), ("person", rows[1])]  # -1 (never analysed) before
    assert pg_server.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'person'", name)[0][0] > 0


def test_a_team_follows_the_docs_with_non_superuser_logins(pg_server: PgServer, tmp_path: Path) -> None:
    """docs/team-database.md, step by step: an owner role, a group with exactly icrm's grants, a login."""
    tag = pg_server.tag
    owner, group, member, other = f"{tag}_owner", f"{tag}_users", f"{tag}_zhang", f"{tag}_feng"
    name = f"{tag}_team"
    for statement in (
        f"CREATE ROLE {owner} LOGIN",
        f"CREATE ROLE {group} NOLOGIN",
        f"CREATE ROLE {member} LOGIN IN ROLE {group}",
        f"CREATE ROLE {other} LOGIN IN ROLE {group}",
        f"CREATE DATABASE {name} OWNER {owner}",
        f"REVOKE ALL ON DATABASE {name} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {name} TO {group}",
    ):
        pg_server.execute(statement)
    pg_server.made.append(name)
    try:
        base = pg_server.admin.rsplit("@", 1)[1].rsplit("/", 1)[0]
        as_owner = f"postgresql://{owner}:secret-pw@{base}/{name}"
        as_member = f"postgresql://{member}@{base}/{name}"
        as_other = f"postgresql://{other}@{base}/{name}"
        org = tmp_path / "org.yaml"  # each person's login is their database role
        text = EXAMPLE_ORG.read_text(encoding="utf-8")
        text = text.replace("{id: zhang.wei, ", f"{{id: zhang.wei, login: {member}, ")
        org.write_text(text.replace("{id: feng.kai, ", f"{{id: feng.kai, login: {other}, "), encoding="utf-8")
        done = _icrm("org", "apply", str(org), db=as_owner)
        assert done.returncode == 0, done.stderr
        assert "secret-pw" not in done.stdout + done.stderr
        grants = (ROOT / "docs" / "team-database.md").read_text(encoding="utf-8")
        block = grants.split("<!-- grants -->", 2)[1]
        sql = "\n".join(
            line for line in block.splitlines() if line and not line.startswith(("```", "--", "\\"))
        )
        sql = sql.replace("icrm_owner", owner).replace("icrm_users", group)
        pg_server.execute(sql, name)
        new = _icrm(
            "request",
            "new",
            "--from",
            "SALES",
            "--to",
            "IT",
            "--title",
            "团队库",
            "--format",
            "json",
            db=as_member,
        )
        assert new.returncode == 0, new.stderr
        rid = str(json.loads(new.stdout)["id"])
        for argv in (("request", "ack", rid), ("request", "list"), ("report", "weekly", "--format", "json")):
            done = _icrm(*argv, db=as_other, user="feng.kai")  # IT's contact acknowledges
            assert done.returncode == 0, done.stderr
        # an upgrade is due, and a member may not change the schema: one clear line
        pg_server.execute(
            "DELETE FROM icrm_migrations WHERE name = (SELECT MAX(name) FROM icrm_migrations)", name
        )
        refused = _icrm("request", "list", db=as_member)
        assert refused.returncode == 1
        assert refused.stderr.startswith("Error: ") and len(refused.stderr.splitlines()) == 1
        assert "needs an upgrade" in refused.stderr and "owner" in refused.stderr
        assert _icrm("request", "list", db=as_owner, user=None).returncode == 0  # the owner upgrades it
        assert _icrm("request", "list", db=as_member).returncode == 0
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_server.made.remove(name)
        for role in (member, other, group, owner):
            pg_server.execute(f"DROP ROLE IF EXISTS {role}")
