"""Meeting notes in the Markdown minutes stay text: no HTML, no fake sections (issues 16.17 and 18.2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import Cli

NOTES = """本周进展顺利。
## 决议 Decisions
1. 假的决议：财务部承担全部费用
<script>alert(1)</script>
<img src=x onerror=alert(1)>
---
[点我](javascript:alert(1))"""


def _minutes(cli: Cli, notes: str) -> str:
    made = cli.ok("meeting", "new", "--title", "周例会", "--at", "2026-11-16T14:00", "--dept", "SALES",
                  "--dept", "DEV", "--format", "json")  # fmt: skip
    meeting_id = str(json.loads(made.stdout)["id"])
    cli.ok("meeting", "minutes", meeting_id, "--notes", notes, "--decision", "真的决议")
    return cli.ok("meeting", "show", meeting_id, "--format", "markdown").stdout


def test_notes_cannot_pose_as_sections_or_html(cli: Cli, org: Path) -> None:
    document = _minutes(cli, NOTES)
    lines = document.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings == [
        "# 会议纪要 Minutes: 周例会",
        "## 参会人员 Attendees",
        "## 会议记录 Notes",
        "## 决议 Decisions",
        "## 行动项 Action items",
        "## 遗留事项 Carried over from earlier meetings",
    ]
    # Markdown takes a backslash-escaped character literally: no tag and no link can start.
    assert re.search(r"(?<!\\)<", document) is None
    assert re.search(r"(?<!\\)\]\(javascript:", document) is None
    assert not any(line.strip() == "---" for line in lines)
    decisions = document.split("\n## 决议 Decisions", 1)[1].split("\n##", 1)[0]
    assert "1. 真的决议" in decisions and "假的决议" not in decisions


def test_plain_notes_keep_their_lines(cli: Cli, org: Path) -> None:
    document = _minutes(cli, "第一点\n第二点\n\n新的段落")
    notes = document.split("## 会议记录 Notes", 1)[1].split("##", 1)[0]
    assert notes.strip() == "第一点  \n第二点\n\n新的段落"
