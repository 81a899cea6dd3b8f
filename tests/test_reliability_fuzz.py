"""Bad input never corrupts or crashes: every command, fuzzed with generated arguments.

The command tree is walked at import time (``tests.conftest.command_tree``), so a
command added later is fuzzed without touching this file. For each command
Hypothesis builds argument lists from the declared parameters: valid and
invalid choices, ids at the edges of 64-bit integers, malformed times and
durations, random unicode (CJK, control characters, right-to-left marks,
undecodable bytes), very long strings and SQL metacharacters. Each run must
exit 0, 1 or 2 without a traceback; a failure prints an ``Error:`` line and
leaves the database exactly as it was (compared as an SQL dump).

``ICRM_FUZZ_EXAMPLES`` raises the number of examples per command for a longer
local run (default 25, which keeps this file well under a minute).
"""

from __future__ import annotations

import enum
import os
import shutil
import sqlite3
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from icrm_cli.cli.app import app
from tests.conftest import EXAMPLE_ORG, FROZEN_AT, Cli, command_tree

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

EXAMPLES = int(os.environ.get("ICRM_FUZZ_EXAMPLES", "25"))


# The leaf commands (groups are walked, not fuzzed).
COMMANDS = {
    path: command
    for path, command in sorted(command_tree().items())
    if path and not hasattr(command, "list_commands")
}

# ---------------------------------------------------------------- values
SQL = ["'", "''", '"', "'; DROP TABLE request; --", "1 OR 1=1", "%", "_", "\\", "NULL", "*/ /*", "`"]
TIMES = [
    "today",
    "tomorrow",
    "2026-11-30",
    "2026-11-30T14:00",
    "2026-11-30T14:00+08:00",
    "+3d",
    "+4h",
    "+90m",
    "+2w",
    "2026-02-30",
    "2026-13-01",
    "2026-11-30T25:00",
    "0000-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01",
    "+0d",
    "-3d",
    "+999999999999d",
    "+1e9h",
    "+3x",
    "3d",
    "昨天",
    "2026/11/30",
    "30.11.2026",
    "1e309",
    "nan",
    "inf",
    "--",
    "-",
]
DURATIONS = ["4h", "90m", "1d", "2w", "0h", "-1h", "99999999999w", "h", "4", "4 h", "4H", "一天", "1.5h"]
NUMBERS = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    "5",
    "6",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1e3",
    "0x10",
    "٣",
    "３",
    "1_000",
    " 1",
    "",
    "NaN",
]
WORDS = ["SALES", "IT", "sales", "GM", "zhang.wei", "li.na", "feng.kai", "不存在", "ghost", "W47", "2026-W47"]
UNSAFE = ["\x00"]  # impossible in a real argv; everything else below is possible


def _no_nul(text: str) -> bool:
    return not any(ch in text for ch in UNSAFE)


free_text = st.one_of(
    st.text(max_size=40).filter(_no_nul),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=30),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Zs", "Zl", "Zp", "Cf"]), max_size=6).filter(
        _no_nul
    ),
    st.sampled_from(SQL + TIMES + DURATIONS + NUMBERS + WORDS),
    st.sampled_from(
        ["\udcff\udcfe", "名\udce4", "\u202e反转", "👍🏽", "a\r\nb", "\t", " "]
    ),  # undecodable argv
    st.integers(1, 3).map(lambda n: "长" * (10**n * 7)),  # 70 .. 7000 characters
    st.just("x" * 100_000),
)


def _value_strategy(name: str, kind: Any, paths: dict[str, list[str]]) -> st.SearchStrategy[str]:
    lowered = name.lower()
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.one_of(st.sampled_from([str(m.value) for m in kind]), free_text)
    if kind is Path:
        pool = paths["output"] if lowered in ("output", "file") and "output" in paths else paths["input"]
        return st.one_of(st.sampled_from(pool), st.sampled_from(pool), free_text.map(lambda s: s[:200]))
    if kind is int or any(word in lowered for word in ("id", "limit", "score", "requests", "seed")):
        return st.one_of(st.sampled_from(NUMBERS), st.integers(-(2**70), 2**70).map(str), free_text)
    if any(word in lowered for word in ("due", "at", "since", "until", "when", "week")):
        return st.one_of(st.sampled_from(TIMES), free_text)
    if any(word in lowered for word in ("within", "duration")):
        return st.one_of(st.sampled_from(DURATIONS), free_text)
    if any(word in lowered for word in ("dept", "from", "to", "owner", "attendee", "people", "person")):
        return st.one_of(st.sampled_from(WORDS), free_text)
    return free_text


def _kind(param: Any) -> tuple[Any, bool]:
    """The declared Python type of a parameter and whether it takes a list."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", str)
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0], True
    if typing.get_origin(annotation) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = inner[0] if inner else str
    return annotation, bool(getattr(param, "multiple", False)) or getattr(param, "nargs", 1) == -1


@st.composite
def arguments(draw: st.DrawFn, path: tuple[str, ...], paths: dict[str, list[str]]) -> list[str]:
    command = COMMANDS[path]
    argv: list[str] = []
    if draw(st.integers(0, 9)) == 0:
        argv += ["--as", draw(st.one_of(st.sampled_from(WORDS), free_text.map(lambda s: s[:300])))]
    argv += list(path)
    positionals: list[str] = []
    for param in command.params:
        if param.name in ("help",) or getattr(param, "hidden", False):
            continue
        kind, many = _kind(param)
        is_option = bool(getattr(param, "opts", None)) and param.opts[0].startswith("-")
        include = param.required or draw(st.integers(0, 2)) > 0
        if param.required and draw(st.integers(0, 19)) == 0:
            include = False  # a missing required parameter: Click's usage error
        if not include:
            continue
        if getattr(param, "is_flag", False):
            argv.append(param.opts[0])
            continue
        values = _special(path, param.name, draw) or [
            draw(_value_strategy(param.name, kind, paths))
            for _ in range(draw(st.integers(1, 3)) if many else 1)
        ]
        for value in values:
            if is_option:
                argv += [draw(st.sampled_from(param.opts)), value]
            else:
                positionals.append(value)
    return argv + positionals


def _special(path: tuple[str, ...], name: str, draw: st.DrawFn) -> list[str] | None:
    """Constrained values where generated ones would be pointless or harmful."""
    if path == ("demo",) and name == "requests":
        return [draw(st.sampled_from(["1", "3", "0", "-1", "abc", "5000001", "9" * 30]))]
    return None


# ---------------------------------------------------------------- database state
def dump(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return "\n".join(conn.iterdump())


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example org and a little of everything (ids 1..3 exist), built once and copied per test."""
    folder = tmp_path_factory.mktemp("template")
    db = folder / "icrm.db"
    org = folder / "org.yaml"  # mode: open; tests/test_access_*.py are about who may act
    org.write_text(EXAMPLE_ORG.read_text(encoding="utf-8").replace("mode: enforced", "mode: open"), "utf-8")
    with pytest.MonkeyPatch.context() as patch, time_machine.travel(FROZEN_AT, tick=False):
        patch.setenv("ICRM_DB", str(db))
        patch.setenv("ICRM_USER", "zhang.wei")
        cli = Cli(CliRunner())
        cli.ok("org", "apply", str(org))
        _seed_rows(cli)
    yield db


def _seed_rows(cli: Cli) -> None:
    cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "电脑无法开机")
    cli.ok("request", "new", "--from", "MKT", "--to", "FIN", "--title", "报销审批", "--priority", "high")
    cli.ok("request", "ack", "2")
    cli.ok("request", "new", "--from", "CS", "--to", "HR", "--title", "招聘需求")
    cli.ok("request", "resolve", "3", "--note", "已完成")
    for optional in (
        [
            "meeting",
            "new",
            "--title",
            "周例会",
            "--at",
            "2026-11-17T10:00",
            "--dept",
            "SALES",
            "--dept",
            "IT",
        ],
        ["feedback", "give", "--from", "SALES", "--to", "IT", "--score", "4", "--note", "响应及时"],
        [
            "feedback",
            "give",
            "--from",
            "SALES",
            "--to",
            "IT",
            "--score",
            "1",
            "--kind",
            "complaint",
            "--behavior",
            "回复慢",
            "--impact",
            "影响交付",
            "--expectation",
            "当天回复",
        ],
    ):
        cli(*optional)  # commands still being built may not exist yet


def _files(tmp: Path) -> dict[str, list[str]]:
    """The files and paths that path parameters are given (besides generated names)."""
    files = tmp / "输入"
    files.mkdir()
    (files / "坏.yaml").write_text("departments: [\n  - code: : :\n", encoding="utf-8")
    (files / "空.csv").write_text("", encoding="utf-8")
    (files / "好.csv").write_text("from,to,title\nSALES,IT,导入的联络单\n", encoding="utf-8")
    (files / "坏.csv").write_text('from,to,title\nSALES,NOPE,标题\n"未闭合,引号\n', encoding="utf-8")
    (files / "二进制.bin").write_bytes(bytes(range(256)) * 4)
    (files / "笔记.md").write_text("# 会议纪要\n决定：下周上线\n", encoding="utf-8")
    (tmp / "out").mkdir()
    return {
        "input": [
            str(files / name) for name in ("坏.yaml", "空.csv", "好.csv", "坏.csv", "二进制.bin", "笔记.md")
        ]
        + [str(files / "不存在.csv"), str(files), str(files / "没有目录" / "x.csv")],
        "output": [
            str(tmp / "out" / "结果.txt"),
            str(tmp / "out"),
            str(tmp / "没有目录" / "x.csv"),
            str(tmp / "out" / "备份.db"),
        ],
    }


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_survives_generated_arguments(
    path: tuple[str, ...],
    template: Path,
    frozen: object,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # generated relative file names land here
    shutil.copy(template, db_path)
    paths = _files(tmp_path)
    runner = CliRunner()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(argv=arguments(path, paths))
    def run(argv: list[str]) -> None:
        before = dump(db_path)
        result = runner.invoke(app, argv, catch_exceptions=True)
        shown = (
            f"argv={argv!r}\nexit={result.exit_code}\n"
            f"stdout={result.stdout[-1500:]}\nstderr={result.stderr[-1500:]}"
        )
        assert result.exit_code in (0, 1, 2), shown
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            shown + f"\nexception={result.exception!r}"
        )
        assert "Traceback" not in result.stdout + result.stderr, shown
        assert "Error: unexpected " not in result.stderr, shown  # the catch-all for unforeseen errors
        if result.exit_code != 0:
            assert any(line.startswith("Error:") for line in result.stderr.splitlines()), shown
            assert dump(db_path) == before, "a failed command changed the database\n" + shown

    run()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
