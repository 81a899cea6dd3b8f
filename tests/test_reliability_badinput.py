"""Bad databases, bad org files, times at the edge of the calendar, file permissions.

Each bad case must end in a clean error: exit 1, exactly one ``Error:`` line on
stderr, no traceback, and nothing written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_ORG, Cli

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def one_error(cli: Cli, *argv: str) -> str:
    result = cli(*argv)
    assert result.exit_code == 1, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert "unexpected" not in errors[0], errors[0]
    return errors[0]


def dump(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return "\n".join(conn.iterdump())


# ---------------------------------------------------------------- database targets
def test_missing_directory(cli: Cli, tmp_path: Path, org_file: Path) -> None:
    message = one_error(cli, "--db", str(tmp_path / "没有" / "icrm.db"), "org", "apply", str(org_file))
    assert "does not exist" in message
    assert not (tmp_path / "没有").exists()


def test_a_mistyped_database_is_an_error_and_creates_nothing(cli: Cli, org: object, tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    for argv in (["report", "weekly"], ["request", "list"], ["request", "show", "1"], ["db", "check"]):
        message = one_error(cli, "--db", str(typo), *argv)
        assert f"no icrm database at '{typo}'" in message
    assert not typo.exists()


def test_a_database_without_an_org_says_to_apply_one(cli: Cli, tmp_path: Path, org_file: Path) -> None:
    target = tmp_path / "bare.db"
    cli.ok("--db", str(target), "org", "apply", str(org_file), "--dry-run")
    assert not target.exists()
    from icrm_cli.storage.engine import open_database

    open_database(str(target), create=True).close()  # a schema, no org (an interrupted first run)
    new = ["request", "new", "--from", "SALES", "--to", "IT", "--title", "x"]
    for argv in (["report", "weekly"], ["request", "list"], new):
        assert "run 'icrm org apply FILE'" in one_error(cli, "--db", str(target), *argv)


def test_directory_as_db(cli: Cli, tmp_path: Path) -> None:
    assert "is a directory" in one_error(cli, "--db", str(tmp_path), "org", "show")


@pytest.mark.parametrize(
    "content",
    [b"hello, not a database\n" * 10, bytes(range(256)) * 64, b"SQLite format 3\x00" + b"\xff" * 4080],
)
def test_not_a_sqlite_file(cli: Cli, tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "文档.db"
    target.write_bytes(content)
    message = one_error(cli, "--db", str(target), "request", "list")
    assert "database" in message
    assert target.read_bytes() == content  # left exactly as it was


@pytest.mark.skipif(ROOT_USER, reason="root reads any file")
def test_unreadable_db(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "icrm.db"
    cli.ok("--db", str(target), "db", "check")
    target.chmod(0)
    try:
        assert "permission denied" in one_error(cli, "--db", str(target), "request", "list")
    finally:
        target.chmod(0o600)


@pytest.fixture
def read_only_db(cli: Cli, org: Path, db_path: Path) -> Iterator[Path]:
    """The example database, made read-only (for root: immutable via chattr, where available)."""
    cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "只读库里的联络单")
    db_path.chmod(0o444)
    immutable = False
    if ROOT_USER:
        immutable = (
            shutil.which("chattr") is not None
            and subprocess.run(["chattr", "+i", str(db_path)], capture_output=True, check=False).returncode
            == 0
        )
        if not immutable:
            db_path.chmod(0o600)
            pytest.skip("running as root without chattr: cannot make a file read-only")
    try:
        yield db_path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db_path)], check=False)
        db_path.chmod(0o600)


def test_read_only_db_reads_work_and_writes_fail_cleanly(
    cli: Cli, read_only_db: Path, db_path: Path
) -> None:  # a file's mode: SQLite only
    before = dump(read_only_db)
    assert "只读库里的联络单" in cli.ok("request", "list").stdout
    assert "read-only" in one_error(
        cli, "request", "new", "--from", "SALES", "--to", "IT", "--title", "写不进去"
    )
    assert "read-only" in one_error(cli, "request", "ack", "1")
    assert dump(read_only_db) == before


def test_newer_schema_is_refused(cli: Cli, org: Path, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO icrm_migrations (name, applied_at) VALUES ('9999_from_the_future', '2030-01-01')"
        )
    before = dump(db_path)
    for argv in (
        ["request", "list"],
        ["org", "show"],
        ["db", "check"],
        ["request", "new", "--from", "SALES", "--to", "IT", "--title", "新版本"],
    ):
        message = one_error(cli, *argv)
        assert "newer icrm" in message and "9999_from_the_future" in message
    assert dump(db_path) == before


# ---------------------------------------------------------------- org files
def test_org_file_with_invalid_yaml(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    bad = tmp_path / "组织.yaml"
    bad.write_text("organization: 示例\ndepartments: [\n  - code: : :\n", encoding="utf-8")
    assert "YAML" in one_error(cli, "org", "apply", str(bad))


def test_org_file_of_5_mb(cli: Cli, tmp_path: Path) -> None:
    big = tmp_path / "大.yaml"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("organization: 大公司\ndepartments:\n")
        n = 0
        while handle.tell() < 5 * 1024 * 1024:
            handle.write(f"  - code: D{n}\n    name: 第{n}部门（用来把文件撑大的很长的名字）\n")
            n += 1
    one_error(cli, "org", "apply", str(big))


def test_org_file_nested_too_deeply(cli: Cli, tmp_path: Path) -> None:
    deep = tmp_path / "深.yaml"
    deep.write_text("organization: " + "[" * 50_000 + "\n", encoding="utf-8")
    one_error(cli, "org", "apply", str(deep))


# ---------------------------------------------------------------- times at the calendar's edges
EDGE_TIMES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "+99999999999d"]


EDGE_TIME_COMMANDS = [
    ["request", "new", "--from", "SALES", "--to", "IT", "--title", "截止时间", "--due"],
    ["request", "due", "1", "--reason", "改期", "--due"],
    ["request", "list", "--since"],
    ["request", "list", "--until"],
    ["meeting", "new", "--title", "例会", "--at"],
    ["feedback", "list", "--since"],
    ["feedback", "summary", "--until"],
    ["report", "export", "requests", "--since"],
]


def _edge_time_exit(value: str, option: str) -> int:
    """Times from 1970 to 9000 are accepted: every edge of the calendar is a domain error."""
    return 1


@pytest.mark.parametrize("value", EDGE_TIMES)
@pytest.mark.parametrize("argv", EDGE_TIME_COMMANDS, ids=lambda argv: " ".join(argv[:2]) + " " + argv[-1])
def test_times_beyond_the_calendar_are_clean_errors(
    cli: Cli, org: Path, db_path: Path, argv: list[str], value: str
) -> None:
    cli.ok("request", "new", "--from", "SALES", "--to", "IT", "--title", "边界时间")
    before = dump(db_path)
    result = cli(*argv, value)
    expected = _edge_time_exit(value, argv[-1])
    assert result.exit_code == expected, (result.exit_code, result.stdout, result.stderr)
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    if expected:
        assert result.stderr.startswith("Error: ")
        assert dump(db_path) == before


# ---------------------------------------------------------------- file permissions
def test_new_database_is_private(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "新.db"
    old = os.umask(0o022)
    try:
        cli.ok("--db", str(target), "org", "apply", str(EXAMPLE_ORG))
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_new_database_is_private_under_umask_000(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "开放.db"
    old = os.umask(0)
    try:
        cli.ok("--db", str(target), "org", "apply", str(EXAMPLE_ORG))
        cli.ok("--db", str(target), "request", "new", "--from", "SALES", "--to", "IT", "--title", "x")
    finally:
        os.umask(old)
    for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, path


def test_a_dangling_symlink_is_refused(cli: Cli, tmp_path: Path) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "elsewhere.db")
    message = one_error(cli, "--db", str(link), "org", "apply", str(EXAMPLE_ORG))
    assert "symbolic link to a missing file" in message
    assert not (tmp_path / "elsewhere.db").exists()


def test_a_foreign_sqlite_file_is_refused_and_left_untouched(cli: Cli, tmp_path: Path) -> None:
    foreign = tmp_path / "browser-history.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.close()
    before = foreign.read_bytes()
    for argv in (["request", "list"], ["org", "apply", str(EXAMPLE_ORG)], ["db", "check"]):
        message = one_error(cli, "--db", str(foreign), *argv)
        assert "is not an icrm database (it holds other tables: moz_places)" in message
    assert foreign.read_bytes() == before
    assert not Path(f"{foreign}-wal").exists()


def test_an_empty_file_icrm_did_not_create_is_refused(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "空.db"
    empty.touch()
    message = one_error(cli, "--db", str(empty), "org", "apply", str(EXAMPLE_ORG))
    assert "an empty file that icrm did not create" in message
    assert empty.stat().st_size == 0


def test_existing_file_keeps_its_mode(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "共享.db"
    cli.ok("--db", str(target), "org", "apply", str(EXAMPLE_ORG))
    target.chmod(0o664)  # a team chose to share it through a group
    cli.ok("--db", str(target), "request", "list")
    assert target.stat().st_mode & 0o777 == 0o664


def test_new_database_via_a_real_process_is_private(tmp_path: Path) -> None:
    target = tmp_path / "进程.db"
    env = {**os.environ, "ICRM_DB": str(target)}
    done = subprocess.run(
        [sys.executable, "-m", "icrm_cli", "org", "apply", str(EXAMPLE_ORG)],
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        (("request", "import"), None, "no such file; nothing imported"),
        (("request", "import"), b"", "; nothing imported"),
        (("request", "import"), b"from,to,title\nSALES,NOPE,x\n", "NOPE"),
        (("feedback", "survey", "import"), b"\xff\xfe\x00bad", "; nothing imported"),
    ],
)
def test_a_file_with_one_problem_is_one_error_line(
    cli: Cli, org: Path, tmp_path: Path, command: tuple[str, ...], content: bytes | None, message: str
) -> None:
    source = tmp_path / "导入.csv"
    if content is not None:
        source.write_bytes(content)
    lines = cli.fails(*command, str(source)).stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines


def test_an_empty_db_target_is_an_error_not_the_default(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # where the default database would go
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for args in (("--db", "", "request", "list"), ("--db", "  ", "db", "path")):
        assert "--db is empty" in cli.fails(*args).stderr
    monkeypatch.setenv("ICRM_DB", "")  # e.g. a crontab line whose variable is unset
    assert "ICRM_DB is set but empty" in cli.fails("request", "list").stderr
    assert list(tmp_path.rglob("*.db")) == []
