"""Identity (whoami, logins, PostgreSQL roles), mode: open, separation of duties and integrity rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_ORG, Cli, new_request
from tests.dbtargets import PgServer

ROOT = Path(__file__).resolve().parents[1]


def whoami(cli: Cli, *args: str) -> dict[str, Any]:
    return dict(json.loads(cli.ok(*args, "whoami", "--format", "json").stdout))


def test_whoami_in_every_case(cli: Cli, org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    me = whoami(cli)
    assert (me["person"], me["name"], me["department"], me["via"]) == (
        "zhang.wei",
        "张伟",
        "SALES",
        "ICRM_USER",
    )
    assert me["roles"] == ["member", "head"]
    assert whoami(cli, "--as", "li.na")["roles"] == ["member", "contact"]
    assert whoami(cli, "--as", "li.na")["via"] == "--as"
    assert whoami(cli, "--as", "wang.qiang")["roles"] == ["member", "head", "admin"]
    service = whoami(cli, "--as", "cron")
    assert (service["person"], service["name"], service["department"], service["roles"]) == (
        None,
        None,
        None,
        ["service"],
    )
    unknown = whoami(cli, "--as", "nobody.x")
    assert (unknown["person"], unknown["roles"]) == (None, [])
    monkeypatch.delenv("ICRM_USER")
    assert whoami(cli)["via"] == "os login"
    table = cli.ok("--as", "li.na", "whoami").stdout
    assert "李娜" in table and "member, contact" in table


def test_login_maps_to_the_person(cli: Cli, org_file: Path, frozen: object) -> None:
    text = org_file.read_text(encoding="utf-8").replace(
        "{id: li.na, name: 李娜,", "{id: li.na, login: lna, name: 李娜,"
    )
    org_file.write_text(text, encoding="utf-8")
    cli.ok("org", "apply", str(org_file))
    me = whoami(cli, "--as", "lna")
    assert (me["person"], me["department"]) == ("li.na", "SALES")
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "登录名", actor="lna")
    shown = json.loads(cli.ok("request", "show", str(rid), "-f", "json").stdout)
    assert shown["requester"] == "li.na"


def test_colliding_names_are_rejected(cli: Cli, org_file: Path) -> None:
    text = org_file.read_text(encoding="utf-8")
    text = text.replace("{id: li.na, name: 李娜,", "{id: li.na, login: zhang.wei, name: 李娜,")
    text = text.replace("services: [cron]", "services: [cron, wang.fang]")
    org_file.write_text(text, encoding="utf-8")
    result = cli.fails("org", "apply", str(org_file))
    assert "'zhang.wei' is also person zhang.wei" in result.stderr
    assert "access.services: 'wang.fang' is also person wang.fang" in result.stderr


def test_without_access_section_root_heads_are_admins_and_apply_warns(
    cli: Cli, org_file: Path, frozen: object
) -> None:
    text = org_file.read_text(encoding="utf-8").split("\n# Who may do what")[0] + "\n"
    org_file.write_text(text, encoding="utf-8")
    result = cli.ok("org", "apply", str(org_file), actor="wang.qiang")
    assert "no access section" in result.stderr
    assert whoami(cli, "--as", "wang.qiang")["roles"] == ["member", "head", "admin"]
    assert "admin" not in whoami(cli, "--as", "zhang.wei")["roles"]


def test_mode_open_lets_anyone_but_keeps_integrity(cli: Cli, org: Path, open_org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开放模式", actor="nobody.x")
    cli.ok("request", "close", str(rid), "--unachievable", "--note", "不做了", actor="feng.kai")
    assert "to itself" in cli.fails("request", "new", "--from", "IT", "--to", "IT", "--title", "自己").stderr
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "转回")
    result = cli.fails("request", "transfer", str(rid), "--to", "SALES", "--reason", "退回")
    assert "back to its customer SALES" in result.stderr
    result = cli.fails("request", "assign", str(rid), "--owner", "li.na")
    assert "an owner is a member of the supplier IT" in result.stderr


def test_separation_of_duties(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "职责分离")
    # the head of GM is a member of both sides: he resolves, so someone else confirms
    cli.ok("request", "resolve", str(rid), "--note", "好了", actor="wang.qiang")
    result = cli.fails("request", "close", str(rid), actor="wang.qiang")
    assert "the person who resolved it does not confirm it" in result.stderr
    cli.ok("request", "close", str(rid), actor="zhang.wei")
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "延期")
    result = cli.fails("request", "due", str(rid), "--due", "+20d", "--reason", "晚点", actor="feng.kai")
    assert "only the customer side (SALES) moves a due time later" in result.stderr
    cli.ok("request", "due", str(rid), "--due", "+1d", "--reason", "提前", actor="feng.kai")
    cli.ok("request", "due", str(rid), "--due", "+20d", "--reason", "客户同意", actor="li.na")
    result = cli.fails(
        "feedback", "give", "--from", "BIZ", "--to", "SALES", "--score", "5", actor="li.jun"
    )  # li.jun heads BIZ and so SALES below it
    assert "nobody rates or complains about a department they belong to or head (SALES)" in result.stderr


def test_refusal_line_matches_the_contract(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "FIN", "--title", "报销")
    cli.ok("request", "resolve", str(rid), "--note", "已报销", actor="gao.yan")
    result = cli.fails("request", "close", str(rid), actor="gao.yan")
    assert result.stderr == (
        f"Error: permission denied: 高燕 (gao.yan, FIN) cannot close request #{rid}; "
        "the customer side (SALES) confirms\n"
    )


def _icrm(*argv: str, db: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ICRM_DB": db, "PYTHONPATH": str(ROOT)}
    env.pop("ICRM_USER", None)
    if user is not None:
        env["ICRM_USER"] = user
    return subprocess.run(
        [sys.executable, "-m", "icrm_cli", *argv], capture_output=True, text=True, env=env, check=False
    )


def test_postgres_logins_are_who_you_are(pg_server: PgServer, tmp_path: Path) -> None:
    """One non-superuser role per person: identity from the login, --as refused, an admin's --as recorded."""
    tag = pg_server.tag
    name = f"{tag}_ident"
    roles = {"owner": f"{tag}_o", "wang.qiang": f"{tag}_wq", "li.na": f"{tag}_ln", "feng.kai": f"{tag}_fk"}
    statements = [f"CREATE ROLE {role} LOGIN" for role in roles.values()]
    statements += [f"CREATE DATABASE {name} OWNER {roles['owner']}"]
    for statement in statements:
        pg_server.execute(statement)
    pg_server.made.append(name)
    try:
        base = pg_server.admin.rsplit("@", 1)[1].rsplit("/", 1)[0]
        url = {person: f"postgresql://{role}@{base}/{name}" for person, role in roles.items()}
        text = EXAMPLE_ORG.read_text(encoding="utf-8")
        for person in ("wang.qiang", "li.na", "feng.kai"):
            text = text.replace(f"{{id: {person}, ", f"{{id: {person}, login: {roles[person]}, ")
        org = tmp_path / "org.yaml"
        org.write_text(text, encoding="utf-8")
        done = _icrm("org", "apply", str(org), db=url["owner"])
        assert done.returncode == 0, done.stderr
        pg_server.execute(
            f"GRANT USAGE ON SCHEMA public TO {', '.join(roles.values())}; "
            f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {', '.join(roles.values())}; "
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {', '.join(roles.values())}",
            name,
        )
        refused = _icrm("whoami", db=url["li.na"], user="zhang.wei")
        assert refused.returncode == 1
        assert refused.stderr == (
            "Error: permission denied: 李娜 (li.na, SALES) cannot act as zhang.wei; "
            "on a database server only an admin acts for someone else\n"
        )
        for read in (["request", "list"], ["report", "weekly", "-f", "json"]):  # the plan read path too
            assert _icrm(*read, db=url["li.na"], user="zhang.wei").stderr == refused.stderr
            assert _icrm(*read, db=url["wang.qiang"], user="zhang.wei").returncode == 0
        me = json.loads(_icrm("whoami", "-f", "json", db=url["li.na"]).stdout)
        assert (me["person"], me["via"]) == ("li.na", "database login")
        new = _icrm(
            "request",
            "new",
            "--from",
            "SALES",
            "--to",
            "IT",
            "--title",
            "服务器",
            "-f",
            "json",
            db=url["li.na"],
        )
        assert new.returncode == 0, new.stderr
        rid = str(json.loads(new.stdout)["id"])
        assert _icrm("request", "ack", rid, db=url["li.na"]).returncode == 1  # not the supplier
        acted = _icrm("request", "ack", rid, db=url["wang.qiang"], user="feng.kai")
        assert acted.returncode == 0, acted.stderr
        events = json.loads(_icrm("request", "show", rid, "-f", "json", db=url["feng.kai"]).stdout)["events"]
        assert [(e["actor"], e["by"]) for e in events] == [("li.na", None), ("feng.kai", "wang.qiang")]
        logins = pg_server.execute(
            "SELECT actor, db_login FROM event WHERE entity = 'request' ORDER BY id", name
        )
        assert logins == [("li.na", roles["li.na"]), ("feng.kai", roles["wang.qiang"])]
    finally:
        pg_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_server.made.remove(name)
        for role in roles.values():
            pg_server.execute(f"DROP ROLE IF EXISTS {role}")


def test_who_gave_a_score_shows_only_to_their_department_and_admins(cli: Cli, org: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "评分")
    cli.ok("request", "resolve", str(rid), "--note", "好了", actor="feng.kai")
    cli.ok("feedback", "give", "--request", str(rid), "--score", "2", actor="li.na")
    thanks = ["--kind", "thanks", "--behavior", "快", "--impact", "好"]
    cli.ok("feedback", "give", "--from", "SALES", "--to", "IT", *thanks, actor="li.na")

    def authors(actor: str, *args: str) -> list[Any]:
        out = cli.ok(*args, "--format", "json", actor=actor).stdout
        return [row["author"] for row in json.loads(out)]

    listing = ("feedback", "list")
    assert authors("wang.fang", *listing) == ["li.na", "li.na"]  # li.na's own department
    assert authors("wang.qiang", *listing) == ["li.na", "li.na"]  # an admin
    assert authors("feng.kai", *listing) == ["li.na", None]  # the rated side sees thanks, not the score
    exported = ("report", "export", "feedback")
    assert authors("feng.kai", *exported) == [None, "li.na"]
    assert authors("zhang.wei", *exported) == ["li.na", "li.na"]
    shown = json.loads(cli.ok("feedback", "show", "1", "-f", "json", actor="feng.kai").stdout)
    assert shown["author"] is None and shown["events"][0]["actor"] is None
    events = json.loads(cli.ok("report", "export", "events", "-f", "json", actor="han.bo").stdout)
    given = [e["actor"] for e in events if e["entity"] == "feedback"]
    assert given == [None, "li.na"]


def test_request_edit_and_meeting_edit(cli: Cli, org: Path) -> None:
    rid = str(new_request(cli, "--from", "SALES", "--to", "IT", "--title", "编辑", "--priority", "high"))
    refused = cli.fails("request", "edit", rid, "--title", "改标题", actor="feng.kai").stderr
    assert "the customer side (SALES) edits its title and description" in refused
    cli.ok("request", "edit", rid, "--priority", "urgent", actor="feng.kai")  # either side raises it
    refused = cli.fails("request", "edit", rid, "--priority", "low", actor="feng.kai").stderr
    assert "only the customer side (SALES) lowers a priority" in refused
    cli.ok("request", "edit", rid, "--priority", "low", "--title", "新标题", actor="li.na")
    assert (
        "cannot change the priority"
        in cli.fails("request", "edit", rid, "--priority", "high", actor="gao.yan").stderr
    )
    made = cli.ok(
        "meeting", "new", "--title", "周会", "--at", "+1d", "--dept", "SALES", "-f", "json", actor="li.na"
    )
    mid = str(json.loads(made.stdout)["id"])
    refused = cli.fails("meeting", "edit", mid, "--title", "别人的会", actor="feng.kai").stderr
    assert "cannot edit meeting" in refused and "the organizer (li.na)" in refused
    cli.ok("meeting", "edit", mid, "--title", "销售周会", actor="wang.fang")  # an attending department
