"""`request import`: every row checked first, then all rows or none; dry runs; line numbers."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

GOOD = (
    "from,to,title,description,owner,priority,due\r\n"
    "SALES,IT,开通VPN账号,新同事入职,,high,\r\n"
    "HR,FIN,核对十一月工资,,gao.yan,,2026-11-30\r\n"
    'MKT,DEV,"官网改版, 第二期","多行\n说明",,low,+2w\r\n'
)


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def write(tmp_path: Path, text: str, name: str = "requests.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def listed(cli: Cli) -> list[dict[str, object]]:
    return list(json.loads(cli.ok("request", "list", "--format", "json").stdout))


def test_import_all_rows(cli: Cli, org: object, tmp_path: Path) -> None:
    existing = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "已有的单子")
    out = cli.ok("request", "import", str(write(tmp_path, GOOD)), actor="li.na").stdout
    assert "imported 3 requests" in out
    assert f"#{existing + 1}" in out and f"#{existing + 3}" in out
    rows = {row["title"]: row for row in listed(cli)}
    vpn = rows["开通VPN账号"]
    assert (vpn["owner"], vpn["priority"], vpn["requester"]) == ("feng.kai", "high", "li.na")
    assert vpn["due_at"] == "2026-11-19T09:00:00+08:00"  # high: 3 days
    assert vpn["description"] == "新同事入职"
    pay = rows["核对十一月工资"]
    assert (pay["owner"], pay["priority"], pay["due_at"]) == (
        "gao.yan",
        "normal",
        "2026-11-30T23:59:59+08:00",
    )
    web = rows["官网改版, 第二期"]
    assert web["description"] == "多行\n说明" and web["due_at"] == "2026-11-30T09:00:00+08:00"
    shown = json.loads(cli.ok("request", "show", str(web["id"]), "--format", "json").stdout)
    assert [(e["kind"], e["actor"]) for e in shown["events"]] == [("created", "li.na")]


def test_import_bom_and_aliases(cli: Cli, org: object, tmp_path: Path) -> None:
    text = "\ufefffrom_dept,to_dept,Title\nCS,WH,补发货物\n\n"
    out = cli.ok("request", "import", str(write(tmp_path, text))).stdout
    assert "imported 1 request (#" in out
    assert listed(cli)[0]["title"] == "补发货物"


def test_dry_run_writes_nothing(cli: Cli, org: object, tmp_path: Path, db_path: Path) -> None:
    before = dump(db_path)
    out = cli.ok("request", "import", str(write(tmp_path, GOOD)), "--dry-run").stdout
    assert "3 requests would be imported" in out
    assert dump(db_path) == before


BAD = (
    "from,to,title,owner,priority,due\n"
    "SALES,IT,好的一行,,,\n"  # line 2: fine
    "NOPE,IT,未知部门,,,\n"  # line 3
    "SALES,IT,,,,\n"  # line 4: empty title
    "SALES,IT,未知负责人,ghost,,\n"  # line 5
    "SALES,IT,坏优先级,,critical,\n"  # line 6
    "SALES,IT,坏时间,,,下周一\n"  # line 7
    "SALES,IT,过去的时间也可以,,,2020-01-01\n"  # line 8: fine (historical data)
    "SALES,IT,多一格,,,,extra\n"  # line 9
)


@pytest.mark.parametrize("dry_run", [False, True])
def test_bad_rows_reported_with_line_numbers(
    cli: Cli, org: object, tmp_path: Path, db_path: Path, dry_run: bool
) -> None:
    before = dump(db_path)
    args = ["request", "import", str(write(tmp_path, BAD))] + (["--dry-run"] if dry_run else [])
    result = cli.fails(*args)
    err = result.stderr
    for line, word in [
        (3, "NOPE"),
        (4, "title"),
        (5, "ghost"),
        (6, "critical"),
        (7, "下周一"),
        (9, "more cells"),
    ]:
        assert any(f"line {line}:" in row and word in row for row in err.splitlines()), (line, err)
    assert "line 2:" not in err and "line 8:" not in err
    assert "nothing imported" in err
    rows = err.splitlines()
    assert rows[0].startswith("Error:") and all(row.startswith("  ") for row in rows[1:])
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("", "empty"),
        ("from,to\nSALES,IT\n", "title"),
        ("from,to,title,colour\nSALES,IT,x,red\n", "colour"),
        ("from,to,title,title\nSALES,IT,x,y\n", "twice"),
        ("from,to,title\n", "no requests"),
    ],
)
def test_bad_files(cli: Cli, org: object, tmp_path: Path, db_path: Path, text: str, word: str) -> None:
    before = dump(db_path)
    result = cli.fails("request", "import", str(write(tmp_path, text)))
    assert word in result.stderr
    assert dump(db_path) == before


def test_gbk_from_chinese_excel_is_read(cli: Cli, org: object, tmp_path: Path) -> None:
    gbk = write(tmp_path, "from,to,title,description\nSALES,IT,开通账号,请尽快\n", encoding="gbk")
    assert "imported 1 request" in cli.ok("request", "import", str(gbk)).stdout
    row = json.loads(cli.ok("request", "list", "--format", "json").stdout)[0]
    assert (row["title"], row["description"]) == ("开通账号", "请尽快")


def test_undecodable_and_missing(cli: Cli, org: object, tmp_path: Path, db_path: Path) -> None:
    before = dump(db_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"from,to,title\nSALES,IT,\xff\xff\xff\n")
    assert "not text in an encoding icrm reads" in cli.fails("request", "import", str(bad)).stderr
    assert "no such file" in cli.fails("request", "import", str(tmp_path / "missing.csv")).stderr
    assert dump(db_path) == before


def test_import_into_retired_department_fails(cli: Cli, org: Path, tmp_path: Path) -> None:
    # Nothing references WH yet, so drop it and its people: it is removed, not just deactivated.
    text = org.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if "department: WH" not in line]
    start = kept.index("  - code: WH")
    end = next(i for i in range(start + 1, len(kept)) if not kept[i].startswith("    "))
    del kept[start:end]
    (tmp_path / "v2.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    cli.ok("org", "apply", str(tmp_path / "v2.yaml"))
    result = cli.fails("request", "import", str(write(tmp_path, "from,to,title\nCS,WH,补发\n")))
    assert "line 2" in result.stderr and "WH" in result.stderr


def test_line_numbers_count_multiline_cells(cli: Cli, org: object, tmp_path: Path) -> None:
    text = 'from,to,title,description\nNOPE,IT,坏行,"跨\n两行"\n\nSALES,IT,"",好\n'
    err = cli.fails("request", "import", str(write(tmp_path, text))).stderr
    assert "line 2: unknown department 'NOPE'" in err  # the line the row starts on
    assert "line 5:" in err and "title" in err  # blank line 4 skipped, still counted


def test_department_codes_case_insensitive_like_the_cli(cli: Cli, org: object, tmp_path: Path) -> None:
    cli.ok("request", "import", str(write(tmp_path, "from,to,title\nsales,It,小写代码\n")))
    row = listed(cli)[0]
    assert (row["from_dept"], row["to_dept"], row["owner"]) == ("SALES", "IT", "feng.kai")


def test_imported_rows_are_stored_like_new_ones(
    cli: Cli, org: object, tmp_path: Path, db_path: Path, frozen: Any
) -> None:
    """Bulk-inserted rows: the same stored time text and event detail as `request new`."""
    made = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "手工录入", "--due", "2026-11-17")
    text = "from,to,title,due\r\nSALES,IT,批量导入,2026-11-17\r\n"
    cli.ok("request", "import", str(write(tmp_path, text)), actor="li.na")
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT created_at, due_at FROM request ORDER BY id").fetchall()
        events = conn.execute(
            "SELECT entity_id, at, actor, kind, json_extract(detail, '$.to_dept') FROM event"
            " WHERE kind = 'created' ORDER BY entity_id"
        ).fetchall()
    assert stored[0] == stored[1]
    assert events[1][1:] == (stored[1][0], "li.na", "created", "IT")
    frozen.shift(timedelta(days=3))
    overdue = json.loads(cli.ok("request", "list", "--overdue", "--format", "json").stdout)
    assert [row["id"] for row in overdue] == [made, made + 1]
