"""`org apply` / `org show`: validation as a whole, idempotence, retiring, dry runs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLE_ORG, Cli, new_request


@pytest.fixture(autouse=True)
def as_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The org file is applied by an admin (wang.qiang in examples/org.yaml)."""
    monkeypatch.setenv("ICRM_USER", "wang.qiang")


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def example() -> dict[str, Any]:
    return dict(yaml.safe_load(EXAMPLE_ORG.read_text(encoding="utf-8")))


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def dept(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(d for d in data["departments"] if d["code"] == code)


def _unknown_parent(d: dict[str, Any]) -> None:
    dept(d, "SALES")["parent"] = "NOPE"


def _cycle(d: dict[str, Any]) -> None:
    dept(d, "GM")["parent"] = "SALES"


def _unknown_head(d: dict[str, Any]) -> None:
    dept(d, "QA")["head"] = "ghost.user"


def _unknown_contact(d: dict[str, Any]) -> None:
    dept(d, "QA")["contact"] = "ghost.user"


def _person_unknown_dept(d: dict[str, Any]) -> None:
    d["people"][3]["department"] = "LEGAL"


def _duplicate_code(d: dict[str, Any]) -> None:
    d["departments"].append({"code": "SALES", "name": "销售二部", "head": "wang.fang"})


def _duplicate_person(d: dict[str, Any]) -> None:
    d["people"].append({"id": "li.na", "name": "李娜二", "department": "HR"})


def _bad_sla(d: dict[str, Any]) -> None:
    d["sla"]["urgent"]["ack"] = "2 hours"


def _zero_sla(d: dict[str, Any]) -> None:
    d["sla"]["low"]["resolve"] = "0d"


def _unknown_priority(d: dict[str, Any]) -> None:
    d["sla"]["critical"] = {"ack": "1h", "resolve": "4h"}


def _bad_escalation(d: dict[str, Any]) -> None:
    d["escalation"][0]["overdue"] = "soon"


def _unknown_key_dept(d: dict[str, Any]) -> None:
    dept(d, "HR")["colour"] = "red"


def _unknown_key_top(d: dict[str, Any]) -> None:
    d["managers"] = ["wang.qiang"]


def _bad_timezone(d: dict[str, Any]) -> None:
    d["timezone"] = "Mars/Olympus"


def _bad_channel(d: dict[str, Any]) -> None:
    dept(d, "HR")["channel"] = "pigeon"


def _missing_name(d: dict[str, Any]) -> None:
    del dept(d, "HR")["name"]


def _ack_after_resolve(d: dict[str, Any]) -> None:
    d["sla"] = {"urgent": {"ack": "5d", "resolve": "1h"}}


def _escalation_not_rising(d: dict[str, Any]) -> None:
    d["escalation"] = [{"overdue": "3d", "level": 1}, {"overdue": "1d", "level": 2}]


def _escalation_level_twice(d: dict[str, Any]) -> None:
    d["escalation"] = [{"overdue": "1d", "level": 1}, {"overdue": "3d", "level": 1}]


def _head_outside(d: dict[str, Any]) -> None:
    dept(d, "QA")["head"] = "li.na"  # a SALES person


def _long_service(d: dict[str, Any]) -> None:
    dept(d, "HR")["services"] = ["招聘" * 60]


def _long_organization(d: dict[str, Any]) -> None:
    d["organization"] = "公" * 201


INVALID: dict[str, tuple[Callable[[dict[str, Any]], None], list[str]]] = {
    "ack after resolve": (_ack_after_resolve, ["sla.urgent", "ack (5d)", "resolve (1h)"]),
    "escalation not rising": (_escalation_not_rising, ["escalation[1].overdue", "level 2 at 1d"]),
    "escalation level twice": (_escalation_level_twice, ["escalation[1]", "level 1 is given twice"]),
    "head outside the department": (_head_outside, ["(QA).head", "'li.na' belongs to SALES", "RD"]),
    "service too long": (_long_service, ["HR", "services"]),
    "organization too long": (_long_organization, ["organization", "200"]),
    "unknown parent": (_unknown_parent, ["SALES", "parent", "NOPE"]),
    "parent cycle": (_cycle, ["cycle", "GM", "SALES"]),
    "unknown head": (_unknown_head, ["QA", "head", "ghost.user"]),
    "unknown contact": (_unknown_contact, ["QA", "contact", "ghost.user"]),
    "person in unknown department": (_person_unknown_dept, ["zhang.wei", "department", "LEGAL"]),
    "duplicate code": (_duplicate_code, ["duplicate", "SALES"]),
    "duplicate person": (_duplicate_person, ["duplicate", "li.na"]),
    "bad sla duration": (_bad_sla, ["sla", "urgent", "ack", "2 hours"]),
    "zero sla duration": (_zero_sla, ["sla", "low", "resolve"]),
    "unknown priority": (_unknown_priority, ["sla", "critical"]),
    "bad escalation duration": (_bad_escalation, ["escalation", "overdue"]),
    "unknown key in department": (_unknown_key_dept, ["HR", "colour"]),
    "unknown top-level key": (_unknown_key_top, ["managers"]),
    "bad timezone": (_bad_timezone, ["timezone", "Mars/Olympus"]),
    "bad channel": (_bad_channel, ["HR", "channel"]),
    "missing name": (_missing_name, ["HR", "name"]),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_org_rejected_nothing_written(
    cli: Cli, org: Path, tmp_path: Path, db_path: Path, case: str
) -> None:
    mutate, words = INVALID[case]
    data = example()
    mutate(data)
    bad = write(tmp_path / "bad.yaml", data)
    before = dump(db_path)
    result = cli.fails("org", "apply", str(bad))
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error:") and all(line.startswith("  ") for line in lines[1:])
    assert dump(db_path) == before


def test_invalid_org_on_fresh_database_writes_nothing(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    data = example()
    _cycle(data)
    _unknown_head(data)
    result = cli.fails("org", "apply", str(write(tmp_path / "bad.yaml", data)))
    assert "cycle" in result.stderr and "ghost.user" in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].endswith("bad.yaml: 2 problems; nothing was applied")  # one Error: line...
    assert [line[:2] for line in lines[1:]] == ["  ", "  "]  # ...and each problem indented under it
    assert not db_path.exists() or count(db_path, "department") == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("departments: [\n  {code: GM\n", ["YAML", "line"]),
        ("departments:\n\t- code: GM\n", ["YAML", "line"]),
        ("- just\n- a list\n", ["mapping"]),
        ("", ["mapping"]),
        ("organization: 空公司\n", ["departments"]),
    ],
)
def test_bad_yaml(cli: Cli, tmp_path: Path, db_path: Path, text: str, words: list[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli.fails("org", "apply", str(path))
    for word in words:
        assert word in result.stderr
    assert not db_path.exists() or count(db_path, "department") == 0


def test_missing_and_non_utf8_file(cli: Cli, tmp_path: Path) -> None:
    cli.fails("org", "apply", str(tmp_path / "missing.yaml"))
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("organization: 示例\n".encode("gbk"))
    assert "UTF-8" in cli.fails("org", "apply", str(gbk)).stderr


def test_apply_is_idempotent(cli: Cli, org_file: Path, db_path: Path) -> None:
    first = cli.ok("org", "apply", str(org_file)).stdout
    assert "added: department SALES" in first
    assert "added: person zhang.wei" in first
    before = dump(db_path)
    second = cli.ok("org", "apply", str(org_file)).stdout
    assert second.strip() == f"{org_file}: no change"
    assert dump(db_path) == before


def test_apply_records_event(cli: Cli, org: Path, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT actor, kind FROM event WHERE entity = 'org'").fetchall()
    assert rows == [("zhang.wei", "org_applied")]


def test_update_reports_changes(cli: Cli, org: Path, tmp_path: Path) -> None:
    data = example()
    dept(data, "HR")["contact"] = "luo.mei"
    data["people"].append({"id": "qian.yu", "name": "钱雨", "department": "HR"})
    out = cli.ok("org", "apply", str(write(tmp_path / "v2.yaml", data))).stdout
    assert "updated: department HR" in out
    assert "added: person qian.yu" in out
    shown = json.loads(cli.ok("org", "show", "--format", "json").stdout)
    assert next(d for d in shown["departments"] if d["code"] == "HR")["contact"] == "luo.mei"


def test_deactivate_referenced_delete_unreferenced(cli: Cli, org: Path, tmp_path: Path) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "重置密码")  # owner feng.kai
    data = example()
    data["departments"] = [d for d in data["departments"] if d["code"] not in ("IT", "WH")]
    data["people"] = [p for p in data["people"] if p["department"] not in ("IT", "WH")]
    out = cli.ok("org", "apply", str(write(tmp_path / "v2.yaml", data))).stdout
    assert "deactivated: department IT" in out
    assert "deactivated: person feng.kai" in out
    assert "removed: department WH" in out
    assert "removed: person guo.qiang" in out  # head of WH, which is gone too
    assert "deactivated: person han.bo" in out  # still the head of the deactivated IT
    assert "updated:" not in out  # the others only moved up in the file: no news
    shown = json.loads(cli.ok("org", "show", "--format", "json").stdout)
    codes = {d["code"]: d["active"] for d in shown["departments"]}
    assert codes["IT"] is False and "WH" not in codes
    people = {p["id"]: p for p in shown["people"]}
    assert people["feng.kai"]["active"] is False and "guo.qiang" not in people
    assert (people["han.bo"]["active"], people["han.bo"]["name"]) == (False, "韩博")
    # Who must act on a conflict with the retired IT still has a name and an email.
    opened = json.loads(
        cli.ok("escalate", "open", "--request", str(rid), "--reason", "密码迟迟未重置", "-f", "json").stdout
    )
    cli.ok("escalate", "raise", str(opened["id"]), "--reason", "接口人协调未果")
    heads = json.loads(cli.ok("escalate", "show", str(opened["id"]), "-f", "json").stdout)["must_act"]
    assert [(p["person"], p["name"]) for p in heads] == [("zhang.wei", "张伟"), ("han.bo", "韩博")]
    # History still reads; new work cannot go to a retired department or person.
    request = json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout)
    assert (request["to_dept"], request["owner"]) == ("IT", "feng.kai")
    assert "IT" in cli.fails("request", "new", "--from", "SALES", "--to", "IT", "--title", "新需求").stderr
    cli.fails("request", "assign", str(rid), "--owner", "feng.kai")
    # Applying again is quiet; bringing IT back reactivates it.
    assert "no change" in cli.ok("org", "apply", str(tmp_path / "v2.yaml")).stdout
    back = cli.ok("org", "apply", str(org)).stdout
    assert "updated: department IT" in back and "updated: person feng.kai" in back
    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "新需求")


def test_removing_someone_lists_the_open_work_they_leave(
    cli: Cli, org: Path, tmp_path: Path, db_path: Path
) -> None:
    kept = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "重置密码")  # owner feng.kai
    done = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "已解决的事")
    cli.ok("request", "resolve", str(done), "--note", "好了", actor="feng.kai")
    data = example()
    data["people"] = [p for p in data["people"] if p["id"] != "feng.kai"]
    dept(data, "IT")["contact"] = dept(data, "IT")["head"]
    smaller = write(tmp_path / "smaller.yaml", data)
    before = dump(db_path)
    dry = cli.ok("org", "apply", str(smaller), "--dry-run").stdout
    expected = (
        f"open work left: request #{kept} 重置密码 (owner feng.kai, IT); "
        f"hand it on: icrm request assign {kept} --owner PERSON"
    )
    assert "would be deactivated: person feng.kai" in dry
    assert expected in dry.splitlines()
    assert f"#{done} " not in dry  # resolved work is not left behind
    assert dump(db_path) == before
    applied = cli.ok("org", "apply", str(smaller)).stdout
    assert "deactivated: person feng.kai" in applied and expected in applied.splitlines()
    people = {p["id"]: p for p in json.loads(cli.ok("org", "show", "--format", "json").stdout)["people"]}
    assert people["feng.kai"]["active"] is False  # deactivated, never deleted


def test_dry_run_writes_nothing(cli: Cli, org_file: Path, db_path: Path) -> None:
    out = cli.ok("org", "apply", str(org_file), "--dry-run").stdout
    assert "would be added: department SALES" in out
    assert "dry run" in out
    assert not db_path.exists()  # not even an empty database
    cli.ok("org", "apply", str(org_file))
    data = example()
    dept(data, "HR")["name"] = "人力资源中心"
    before = dump(db_path)
    out = cli.ok("org", "apply", str(write(org_file, data)), "--dry-run").stdout
    assert "would be updated: department HR" in out
    assert dump(db_path) == before


def test_show_tree_and_people(cli: Cli, org: Path) -> None:
    table = cli.ok("org", "show").stdout
    assert "示例科技有限公司" in table and "Asia/Shanghai" in table
    lines = table.splitlines()
    gm = next(i for i, line in enumerate(lines) if "总经办" in line)
    biz = next(i for i, line in enumerate(lines) if "营销中心" in line)
    sales = next(i for i, line in enumerate(lines) if "销售部" in line)
    assert gm < biz < sales
    assert "报价支持" in table and "冯凯" in table
    shown = json.loads(cli.ok("org", "show", "--format", "json").stdout)
    assert set(shown) == {"organization", "timezone", "language", "notify", "departments", "people"}
    assert len(shown["departments"]) >= 8 and len(shown["people"]) >= 20
    sales_row = next(d for d in shown["departments"] if d["code"] == "SALES")
    assert sales_row["head"] == "zhang.wei" and sales_row["contact"] == "li.na"
    assert sales_row["parent"] == "BIZ" and sales_row["channel"] == "email"
    gm_row = next(d for d in shown["departments"] if d["code"] == "QA")
    assert gm_row["contact"] == "zheng.xin"  # contact defaults to head


def test_show_on_a_missing_database(cli: Cli, db_path: Path) -> None:
    assert "create one with 'icrm org apply FILE'" in cli.fails("org", "show").stderr
    assert not db_path.exists()


def test_apply_org_unit_dry_run_and_session_left_usable(db_path: Path, org_file: Path) -> None:
    from sqlmodel import select

    from icrm_cli.domain.org.apply import apply_org, get_department
    from icrm_cli.domain.org.orgfile import read_org_file
    from icrm_cli.storage.engine import open_database
    from icrm_cli.storage.models import Department

    spec = read_org_file(org_file)
    db = open_database(str(db_path), create=True)
    try:
        with db.session(write=True) as sess:
            changes = apply_org(sess, spec, actor="wang.qiang", dry_run=True)
            assert "department SALES" in changes.added
            assert list(sess.exec(select(Department))) == []
        with db.session(write=True) as sess:
            assert sess.autoflush
            changes = apply_org(sess, spec, actor="wang.qiang")
            assert sess.autoflush  # restored: later queries in the same transaction see new rows
            assert get_department(sess, "sales").name == "销售部"
            assert not apply_org(sess, spec, actor="wang.qiang").changed
    finally:
        db.close()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: dept(d, "HR").update(colour="red"), "(HR).colour: unknown key"),
        (lambda d: dept(d, "HR").update(code="1HR"), "'1HR' is not accepted: use 1-32 ASCII letters"),
        (lambda d: dept(d, "HR").pop("head"), "(HR).head: is required"),
        (lambda d: d.update(feedback={"min_group": "three"}), "'three' is not accepted: use a whole number"),
    ],
)
def test_problems_are_written_for_a_person(
    cli: Cli, org: Path, tmp_path: Path, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = example()
    mutate(data)
    result = cli.fails("org", "apply", str(write(tmp_path / "bad.yaml", data)))
    assert expected in result.stderr
    for leak in ("Value error", "Extra inputs", "String should match", "Input should be", "Field required"):
        assert leak not in result.stderr
