"""Surveys: who is invited, the spreadsheet round trip, and imports that are rejected whole."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHANGHAI, Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

HEADER = "period,customer,customer_name,supplier,supplier_name,requests,score,comment"


def resolve_at(cli: Cli, frozen: Any, frm: str, to: str, when: datetime) -> int:
    frozen.move_to(datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI))
    rid = new_request(cli, "--from", frm, "--to", to, "--title", f"{frm}请{to}协助月度盘点")
    frozen.move_to(when)
    cli.ok("request", "resolve", str(rid), "--note", "已完成")
    return rid


def status(cli: Cli, period: str = "2026-11") -> dict[str, Any]:
    return dict(
        json.loads(cli.ok("feedback", "survey", "status", "--period", period, "--format", "json").stdout)
    )


def ratings(cli: Cli) -> list[dict[str, Any]]:
    return list(json.loads(cli.ok("feedback", "list", "--kind", "rating", "--format", "json").stdout))


@pytest.fixture
def survey(cli: Cli, org: Path, frozen: Any) -> None:
    """Resolved just outside, on both edges, and inside the window 2026-11-01 .. 2026-11-10 (Shanghai)."""
    resolve_at(cli, frozen, "SALES", "DEV", datetime(2026, 10, 31, 23, 59, 59, tzinfo=SHANGHAI))
    resolve_at(cli, frozen, "MKT", "DEV", datetime(2026, 11, 1, 0, 0, 0, tzinfo=SHANGHAI))
    resolve_at(cli, frozen, "CS", "QA", datetime(2026, 11, 10, 23, 59, 59, tzinfo=SHANGHAI))
    resolve_at(cli, frozen, "CS", "QA", datetime(2026, 11, 5, 12, 0, tzinfo=SHANGHAI))
    resolve_at(cli, frozen, "PUR", "IT", datetime(2026, 11, 11, 0, 0, 0, tzinfo=SHANGHAI))
    new_request(cli, "--from", "WH", "--to", "FIN", "--title", "核对运费发票")  # never resolved
    frozen.move_to(datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI))
    result = cli.ok(
        "feedback", "survey", "start", "--period", "2026-11", "--since", "2026-11-01", "--until", "2026-11-10"
    )
    assert "2 department pairs invited" in result.stdout


def test_start_invites_exactly_pairs_resolved_in_window(cli: Cli, survey: None) -> None:
    data = status(cli)
    assert [(p["customer"], p["supplier"], p["requests"]) for p in data["pairs"]] == [
        ("CS", "QA", 2),
        ("MKT", "DEV", 1),
    ]
    assert (data["invited"], data["answered"], data["response_rate"]) == (2, 0, 0.0)
    assert data["since"] == "2026-11-01T00:00:00+08:00"
    assert data["until"] == "2026-11-10T23:59:59+08:00"


def test_period_name_gives_the_window(cli: Cli, survey: None) -> None:
    cli.ok("feedback", "survey", "start", "--period", "2026-Q4")
    pairs = {(p["customer"], p["supplier"]) for p in status(cli, "2026-Q4")["pairs"]}
    assert pairs == {("SALES", "DEV"), ("MKT", "DEV"), ("CS", "QA"), ("PUR", "IT")}
    assert "already exists" in cli.fails("feedback", "survey", "start", "--period", "2026-Q4").stderr
    assert "--since" in cli.fails("feedback", "survey", "start", "--period", "秋季调查").stderr
    assert "nobody to survey" in cli.fails("feedback", "survey", "start", "--period", "2025").stderr
    cli.fails(
        "feedback", "survey", "start", "--period", "x", "--since", "2026-11-10", "--until", "2026-11-01"
    )
    cli.fails("feedback", "survey", "status", "--period", "2025")


def test_export_import_round_trip_with_excel_bom(cli: Cli, survey: None, tmp_path: Path) -> None:
    sheet = tmp_path / "survey.csv"
    cli.ok(
        "feedback", "survey", "export", "--period", "2026-11", "--format", "csv", "--excel", "-o", str(sheet)
    )
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["customer"], r["customer_name"], r["supplier_name"], r["requests"]) for r in rows] == [
        ("CS", "客户服务部", "测试部", "2"),
        ("MKT", "市场部", "软件开发部", "1"),
    ]
    # Fill it in the way a spreadsheet saves "CSV UTF-8": BOM, CRLF, only needed quotes.
    rows[0]["score"], rows[0]["comment"] = "4", "测试报告及时，希望再详细些"
    rows[1]["score"] = "5"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER.split(","), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    result = cli.ok("feedback", "survey", "import", str(sheet))
    assert "recorded 2 ratings" in result.stdout
    got = sorted((r["from_dept"], r["to_dept"], r["score"], r["note"]) for r in ratings(cli))
    assert got == [("CS", "QA", 4, "测试报告及时，希望再详细些"), ("MKT", "DEV", 5, None)]
    data = status(cli)
    assert (data["answered"], data["response_rate"]) == (2, 1.0)
    assert "100.0%" in cli.ok("feedback", "survey", "status", "--period", "2026-11").stdout
    # The same answers again are duplicates: rejected whole.
    assert "already answered" in cli.fails("feedback", "survey", "import", str(sheet)).stderr
    assert len(ratings(cli)) == 2


def test_import_without_bom_and_partial_answers(cli: Cli, survey: None, tmp_path: Path) -> None:
    sheet = tmp_path / "plain.csv"
    sheet.write_text(
        f"{HEADER}\n2026-11,MKT,市场部,DEV,软件开发部,1,3,\n2026-11,CS,客户服务部,QA,测试部,2,,\n",
        encoding="utf-8",
    )
    assert "1 row without a score skipped" in cli.ok("feedback", "survey", "import", str(sheet)).stdout
    data = status(cli)
    assert (data["invited"], data["answered"], data["response_rate"]) == (2, 1, 0.5)


BAD_ROWS = {
    "score 0": ("2026-11,MKT,市场部,DEV,软件开发部,1,0,", "line 3"),
    "score 6": ("2026-11,MKT,市场部,DEV,软件开发部,1,6,", "line 3"),
    "score 3.5": ("2026-11,MKT,市场部,DEV,软件开发部,1,3.5,", "line 3"),
    "score good": ("2026-11,MKT,市场部,DEV,软件开发部,1,good,", "line 3"),
    "unknown pair": ("2026-11,SALES,销售部,DEV,软件开发部,1,4,", "was not invited"),
    "unknown period": ("2026-12,MKT,市场部,DEV,软件开发部,1,4,", "no survey for period"),
    "duplicate": ("2026-11,CS,客户服务部,QA,测试部,2,3,", "duplicate answer"),
    "short row": ("2026-11,MKT,4", "line 3"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_rows_reject_the_whole_file(cli: Cli, survey: None, tmp_path: Path, case: str) -> None:
    row, message = BAD_ROWS[case]
    sheet = tmp_path / "bad.csv"
    sheet.write_text(f"{HEADER}\n2026-11,CS,客户服务部,QA,测试部,2,5,很好\n{row}\n", encoding="utf-8")
    result = cli.fails("feedback", "survey", "import", str(sheet))
    assert message in result.stderr
    assert "line 3" in result.stderr
    assert ratings(cli) == []
    assert status(cli)["answered"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n", "empty"),
        (b"customer,supplier,score\nCS,QA,4\n", "header must be exactly"),
        (b"period,customer\n\xff\xfe\xff", "not text in an encoding icrm reads"),
        (f"{HEADER}\n2026-11,CS,客户服务部,QA,测试部,2,,\n".encode(), "no row has a score"),
    ],
    ids=["empty", "bom-only", "wrong-header", "undecodable", "no-scores"],
)
def test_bad_files(cli: Cli, survey: None, tmp_path: Path, content: bytes, message: str) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(content)
    result = cli.fails("feedback", "survey", "import", str(sheet))
    assert message in result.stderr
    assert "line" in result.stderr or message == "no row has a score"
    assert ratings(cli) == []


def test_missing_file_and_unknown_survey(cli: Cli, survey: None, tmp_path: Path) -> None:
    cli.fails("feedback", "survey", "import", str(tmp_path / "missing.csv"))
    cli.fails("feedback", "survey", "export", "--period", "2030-Q1")


def test_survey_changes_record_events(cli: Cli, survey: None, tmp_path: Path, db_path: Path) -> None:
    import sqlite3

    sheet = tmp_path / "answers.csv"
    sheet.write_text(f"{HEADER}\n2026-11,MKT,市场部,DEV,软件开发部,1,4,\n", encoding="utf-8")
    cli.ok("feedback", "survey", "import", str(sheet), actor="liu.yang")
    with sqlite3.connect(db_path) as conn:
        found = conn.execute(
            "SELECT entity, kind, actor FROM event WHERE entity IN ('survey', 'feedback') ORDER BY id"
        ).fetchall()
    assert found == [
        ("survey", "started", "zhang.wei"),
        ("feedback", "given", "liu.yang"),
        ("survey", "answers_imported", "liu.yang"),
    ]


def test_a_sheet_as_chinese_excel_saves_it(cli: Cli, survey: None, tmp_path: Path) -> None:
    """GBK, a score written 4.0 and a trailing empty column: what WPS/Excel on Chinese Windows save."""
    rows = [
        HEADER + ",",
        "2026-11,CS,客户服务部,QA,测试部,2,4.0,响应及时,",
        "2026-11,MKT,市场部,DEV,软件开发部,1,3,,",
    ]
    sheet = tmp_path / "answers.csv"
    sheet.write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    assert (
        "recorded 2 ratings for survey 2026-11" in cli.ok("feedback", "survey", "import", str(sheet)).stdout
    )
    assert sorted((r["from_dept"], r["score"], r["note"]) for r in ratings(cli)) == [
        ("CS", 4, "响应及时"),
        ("MKT", 3, None),
    ]


@pytest.mark.parametrize("score", ["3.5", "4.01", "四"])
def test_a_score_that_is_not_whole_is_still_refused(
    cli: Cli, survey: None, tmp_path: Path, score: str
) -> None:
    sheet = tmp_path / "answers.csv"
    sheet.write_text(f"{HEADER}\n2026-11,CS,客户服务部,QA,测试部,2,{score},\n", encoding="utf-8")
    assert f"invalid score '{score}'" in cli.fails("feedback", "survey", "import", str(sheet)).stderr


def test_a_value_in_an_extra_column_is_refused(cli: Cli, survey: None, tmp_path: Path) -> None:
    sheet = tmp_path / "answers.csv"
    sheet.write_text(f"{HEADER}\n2026-11,CS,客户服务部,QA,测试部,2,4,好,多余\n", encoding="utf-8")
    assert "9 cells, expected 8" in cli.fails("feedback", "survey", "import", str(sheet)).stderr


def test_an_endless_sheet_stops_at_the_cap(cli: Cli, survey: None) -> None:
    result = cli.fails("feedback", "survey", "import", "/dev/zero")
    assert "the file is larger than" in result.stderr
