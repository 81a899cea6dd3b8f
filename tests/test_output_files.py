"""Files icrm writes: never the database, owner-only, replaced whole or not at all (issue 18, 10 and 12)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Cli, new_request


@pytest.fixture
def filed(cli: Cli, org: object) -> int:
    return new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN账号")


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_database_in_use_is_never_an_output(cli: Cli, filed: int, db_path: Path, suffix: str) -> None:
    before = db_path.read_bytes()
    target = Path(str(db_path) + suffix)
    result = cli.fails("report", "weekly", "--format", "html", "-o", str(target))
    assert "it is the database in use" in result.stderr
    assert db_path.read_bytes() == before
    assert cli.ok("request", "list", "--format", "json").stdout.startswith("[")


def test_outputs_are_owner_only_whatever_the_umask(cli: Cli, filed: int, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        for argv in (
            ["report", "weekly", "--format", "markdown"],
            ["report", "export", "requests"],
            ["request", "list", "--format", "csv"],
        ):
            out = tmp_path / f"{argv[1]}.out"
            cli.ok(*argv, "-o", str(out))
            assert stat.S_IMODE(out.stat().st_mode) == 0o600, argv
    finally:
        os.umask(old)


def test_a_failed_export_leaves_the_old_file_intact(cli: Cli, filed: int, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    out.write_text("yesterday's export\n", encoding="utf-8")
    cli.fails("report", "export", "requests", "--since", "not-a-time", "-o", str(out))
    assert out.read_text(encoding="utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("device", ["/dev/full", "/dev/null"])
def test_a_device_is_refused_in_one_line(cli: Cli, filed: int, device: str) -> None:
    result = cli.fails("report", "export", "requests", "-o", device)
    assert result.stderr.strip() == (
        f"Error: cannot write '{device}': it is not a regular file (a device, pipe or socket); "
        "give a file path or '-'"
    )


def test_a_fifo_is_refused_without_blocking(cli: Cli, filed: int, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "not a regular file" in cli.fails("report", "export", "requests", "-o", str(fifo)).stderr


def test_a_full_disk_is_one_clean_error(cli: Cli, filed: int, tmp_path: Path) -> None:
    from icrm_cli.output.sink import open_sink

    out = tmp_path / "x.txt"
    with pytest.raises(Exception) as caught, open_sink(out) as stream:
        stream.write("part")
        raise OSError(28, "No space left on device")
    assert "cannot write" in str(caught.value) and "No space left on device" in str(caught.value)
    assert not out.exists()
