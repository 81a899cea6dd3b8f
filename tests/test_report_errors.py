"""Bad input to `report`: one Error: line, exit 1, nothing written; ISO week parsing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from icrm_cli.domain.report.weeks import iso_week, last_complete_week, parse_week
from icrm_cli.errors import InvalidValueError
from icrm_cli.timeutil import Clock, zone_from_name
from tests.conftest import Cli

CLOCK = Clock(zone_from_name("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("weekly", "--week", "2027-W54"), "2027 has no ISO week 54"),
        (("weekly", "--week", "2026-W54"), "2026 has no ISO week 54 (it has 53 weeks)"),
        (("weekly", "--week", "2027-W53"), "2027 has no ISO week 53"),
        (("weekly", "--week", "2026-W00"), "no ISO week 0"),
        (("weekly", "--week", "banana"), "expected an ISO week like 2026-W47"),
        (("weekly", "--week", "2026-11-16"), "expected an ISO week"),
        (
            ("weekly", "--week", "2026-W47"),
            "that week has not ended yet; the latest complete week is 2026-W46",
        ),
        (("weekly", "--week", "2030-W01"), "that week has not ended yet"),
        (("weekly", "--dept", "NOPE"), "unknown department 'NOPE'"),
        (
            ("export", "requests", "--since", "2026-11-20", "--until", "2026-11-10"),
            "--since is after --until",
        ),
        (("export", "users"), "unknown export table 'users'"),
        (("export", "requests", "--since", "yesterday-ish"), "invalid --since"),
    ],
)
def test_bad_input(cli: Cli, org: object, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    target = tmp_path / "out.txt"
    result = cli.fails("report", *args, "-o", str(target))
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert message in lines[0]
    assert result.stdout == ""
    assert not target.exists()


def test_usage_errors_exit_2(cli: Cli, org: object) -> None:
    cli.fails("report", "weekly", "--format", "pdf", code=2)
    cli.fails("report", "export", "requests", "--format", "xml", code=2)


def test_iso_weeks() -> None:
    week = iso_week("2026-W53", CLOCK)
    assert week.monday == date(2026, 12, 28)
    assert week.sunday == date(2027, 1, 3)
    assert iso_week("2027w1", CLOCK).label == "2027-W01"
    assert iso_week("2020-W53", CLOCK).label == "2020-W53"
    # 2027-01-01 is a Friday in ISO week 2026-W53.
    assert date(2027, 1, 1).strftime("%G-W%V") == "2026-W53"
    assert week.start.isoformat() == "2026-12-27T16:00:00+00:00"
    assert week.end.isoformat() == "2027-01-03T16:00:00+00:00"
    assert week.shift(1, CLOCK).label == "2027-W01"
    assert week.shift(-52, CLOCK).label == "2026-W01"  # 2026 has 53 weeks
    with pytest.raises(InvalidValueError):
        parse_week("2025-W53x", CLOCK)


def test_a_week_counts_as_ended_from_the_next_monday(cli: Cli, org: object, frozen: object) -> None:
    from datetime import datetime

    from tests.conftest import SHANGHAI

    frozen.move_to(datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    cli.fails("report", "weekly", "--week", "2026-W47")
    frozen.move_to(datetime(2026, 11, 23, 0, 0, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    assert '"week": "2026-W47"' in cli.ok("report", "weekly", "--week", "2026-W47", "--format", "json").stdout


def test_default_week_is_the_last_complete_one(frozen: object) -> None:
    # The fixture clock: Monday 2026-11-16 09:00 Shanghai (W47 has just begun).
    assert last_complete_week(CLOCK).label == "2026-W46"


def test_default_week_at_the_turn_of_the_year(cli: Cli, org: object, frozen: object) -> None:
    from datetime import datetime

    from tests.conftest import SHANGHAI

    frozen.move_to(datetime(2027, 1, 4, 0, 0, 30, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    assert last_complete_week(CLOCK).label == "2026-W53"
    frozen.move_to(datetime(2027, 1, 3, 23, 59, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    assert last_complete_week(CLOCK).label == "2026-W52"
    assert '"week": "2026-W52"' in cli.ok("report", "weekly", "--format", "json").stdout
