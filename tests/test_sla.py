"""SLA arithmetic: due defaults per priority, the pause while waiting, overdue and due-within."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlmodel import Session

from icrm_cli.domain.events import history
from icrm_cli.domain.org.apply import apply_org
from icrm_cli.domain.org.orgfile import read_org_file
from icrm_cli.domain.org.settings import Policy, load_policy
from icrm_cli.domain.requests import lifecycle as requests
from icrm_cli.domain.requests import states as request_states
from icrm_cli.errors import InvalidValueError, TransitionError
from icrm_cli.storage.engine import open_database
from tests.conftest import FROZEN_AT, Cli, new_request

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

T0 = FROZEN_AT.astimezone(UTC)


def show(cli: Cli, rid: int) -> dict[str, Any]:
    return dict(json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout))


def listed(cli: Cli, *args: str) -> list[int]:
    rows = json.loads(cli.ok("request", "list", *args, "--format", "json").stdout)
    return [row["id"] for row in rows]


@pytest.mark.parametrize(
    ("priority", "resolve"),
    [
        ("urgent", timedelta(days=1)),
        ("high", timedelta(days=3)),
        ("normal", timedelta(days=5)),
        ("low", timedelta(days=10)),
    ],
)
def test_due_default_per_priority(cli: Cli, org: object, priority: str, resolve: timedelta) -> None:
    rid = new_request(cli, "--from", "HR", "--to", "IT", "--title", "入职电脑", "--priority", priority)
    shown = show(cli, rid)
    assert datetime.fromisoformat(shown["due_at"]) == T0 + resolve
    assert shown["priority"] == priority


def test_due_default_is_normal(cli: Cli, org: object) -> None:
    rid = new_request(cli, "--from", "HR", "--to", "IT", "--title", "入职电脑")
    assert datetime.fromisoformat(show(cli, rid)["due_at"]) == T0 + timedelta(days=5)


def test_custom_sla_from_org_file(cli: Cli, org_file: Path, frozen: Any) -> None:
    text = org_file.read_text(encoding="utf-8")
    text = text.replace("urgent: {ack: 2h, resolve: 1d}", "urgent: {ack: 30m, resolve: 6h}")
    text = text.replace("low:    {ack: 2d, resolve: 10d}", "low:    {ack: 1w, resolve: 2w}")
    org_file.write_text(text, encoding="utf-8")
    cli.ok("org", "apply", str(org_file))
    urgent = new_request(cli, "--from", "HR", "--to", "IT", "--title", "服务器宕机", "--priority", "urgent")
    low = new_request(cli, "--from", "HR", "--to", "IT", "--title", "更换鼠标", "--priority", "low")
    assert datetime.fromisoformat(show(cli, urgent)["due_at"]) == T0 + timedelta(hours=6)
    assert datetime.fromisoformat(show(cli, low)["due_at"]) == T0 + timedelta(weeks=2)


def test_explicit_due_overrides_sla(cli: Cli, org: object) -> None:
    rid = new_request(cli, "--from", "HR", "--to", "IT", "--title", "年会音响", "--due", "2026-11-20")
    assert show(cli, rid)["due_at"] == "2026-11-20T23:59:59+08:00"


def test_wait_resume_pushes_due_by_waited_time(cli: Cli, org: object, frozen: Any) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通CRM权限", "--priority", "urgent")
    due = datetime.fromisoformat(show(cli, rid)["due_at"])
    cli.ok("request", "ack", str(rid), actor="feng.kai")
    frozen.shift(timedelta(hours=2))
    cli.ok("request", "wait", str(rid), "--reason", "等待部门经理审批", actor="feng.kai")
    frozen.shift(timedelta(hours=30))  # past the original due time, but paused: not overdue
    assert show(cli, rid)["overdue"] is False
    assert rid not in listed(cli, "--overdue")
    cli.ok("request", "resume", str(rid), actor="feng.kai")
    shown = show(cli, rid)
    assert shown["status"] == "in_progress"
    assert datetime.fromisoformat(shown["due_at"]) == due + timedelta(hours=30)
    assert shown["overdue"] is False
    # A second wait adds up.
    cli.ok("request", "wait", str(rid), "--reason", "再次等待", actor="feng.kai")
    frozen.shift(timedelta(minutes=45))
    cli.ok("request", "resume", str(rid), actor="feng.kai")
    assert datetime.fromisoformat(show(cli, rid)["due_at"]) == due + timedelta(hours=30, minutes=45)


# -- unit tests of the domain layer ------------------------------------------------------------


@pytest.fixture
def domain(db_path: Path, org_file: Path) -> Iterator[tuple[Session, Policy]]:
    db = open_database(str(db_path), create=True)
    with db.session(write=True) as sess:
        apply_org(sess, read_org_file(org_file), actor="admin")
        sess.flush()
        yield sess, load_policy(sess)
    db.close()


def test_domain_pause_arithmetic(domain: tuple[Session, Policy]) -> None:
    sess, policy = domain
    req = requests.create(
        sess, policy, actor="li.na", from_dept="SALES", to_dept="IT", title="换显示器", now=T0
    )
    assert req.due_at == T0 + timedelta(days=5)
    assert req.owner == "feng.kai"
    assert req.id is not None
    requests.transition(sess, policy, req.id, "start", actor="feng.kai", now=T0 + timedelta(hours=1))
    requests.transition(
        sess, policy, req.id, "wait", actor="feng.kai", note="等型号", now=T0 + timedelta(hours=2)
    )
    assert not requests.is_overdue(req, T0 + timedelta(days=30))
    requests.transition(sess, policy, req.id, "resume", actor="feng.kai", now=T0 + timedelta(hours=12))
    assert req.paused_seconds == 10 * 3600
    assert req.waiting_since is None
    assert req.due_at == T0 + timedelta(days=5, hours=10)
    assert requests.is_overdue(req, T0 + timedelta(days=5, hours=10, seconds=1))
    assert not requests.is_overdue(req, T0 + timedelta(days=5, hours=10))
    # Leaving waiting by a final step also counts the pause, without moving due_at.
    requests.transition(sess, policy, req.id, "wait", actor="feng.kai", note="等", now=T0 + timedelta(days=1))
    requests.transition(
        sess, policy, req.id, "cancel", actor="li.na", note="不需要了", now=T0 + timedelta(days=1, hours=3)
    )
    assert req.paused_seconds == 13 * 3600
    assert req.due_at == T0 + timedelta(days=5, hours=10)
    assert req.closed_at == T0 + timedelta(days=1, hours=3)
    events = history(sess, "request", req.id)
    assert [e.kind for e in events] == ["created", "started", "waiting", "resumed", "waiting", "cancelled"]
    assert events[3].detail == {"from": "waiting", "to": "in_progress", "paused_seconds": 36000}
    assert [e.actor for e in events] == ["li.na", "feng.kai", "feng.kai", "feng.kai", "feng.kai", "li.na"]


def test_domain_transition_error_names_status(domain: tuple[Session, Policy]) -> None:
    sess, policy = domain
    req = requests.create(sess, policy, actor="li.na", from_dept="SALES", to_dept="IT", title="测试", now=T0)
    assert req.id is not None
    with pytest.raises(TransitionError, match="it is open"):
        requests.transition(sess, policy, req.id, "close", actor="li.na", now=T0)
    with pytest.raises(InvalidValueError):
        requests.transition(sess, policy, req.id, "resolve", actor="li.na", note=" ", now=T0)
    assert req.status == "open"


def test_domain_transition_table_matches_contract() -> None:
    table = {cmd: (set(step.sources), step.target) for cmd, step in requests.TRANSITIONS.items()}
    unresolved = {"open", "acknowledged", "in_progress", "waiting"}
    assert table == {
        "ack": ({"open"}, "acknowledged"),
        "start": ({"open", "acknowledged"}, "in_progress"),
        "wait": ({"acknowledged", "in_progress"}, "waiting"),
        "resume": ({"waiting"}, "in_progress"),
        "resolve": ({"open", "acknowledged", "in_progress"}, "resolved"),
        "close": ({"resolved"}, "closed"),
        "reopen": ({"resolved"}, "in_progress"),
        "reject": (unresolved, "rejected"),
        "cancel": (unresolved, "cancelled"),
        "unachievable": (unresolved, "unachievable"),
        "transfer": ({"open", "acknowledged", "in_progress"}, "open"),
    }
    assert {"closed", "rejected", "cancelled", "unachievable"} == request_states.FINAL


# -- overdue and due-within -------------------------------------------------------------------


@pytest.fixture
def spread(cli: Cli, org: object) -> dict[str, int]:
    """Requests due at known offsets from FROZEN_AT (all created at FROZEN_AT)."""

    def due_in(title: str, when: str) -> int:
        return new_request(cli, "--from", "CS", "--to", "WH", "--title", title, "--due", when)

    return {
        "1h": due_in("补发快递", "+1h"),
        "4h": due_in("查询物流", "+4h"),
        "5h": due_in("盘点库存", "+5h"),
        "2d": due_in("退货入库", "+2d"),
    }


def test_overdue_edges(cli: Cli, spread: dict[str, int], frozen: Any) -> None:
    assert listed(cli, "--overdue") == []
    frozen.shift(timedelta(hours=1))  # exactly at due: not yet overdue
    assert listed(cli, "--overdue") == []
    assert show(cli, spread["1h"])["overdue"] is False
    frozen.shift(timedelta(seconds=1))
    assert listed(cli, "--overdue") == [spread["1h"]]
    assert show(cli, spread["1h"])["overdue"] is True
    frozen.shift(timedelta(hours=3))  # now 4h01s after creation
    assert listed(cli, "--overdue") == [spread["1h"], spread["4h"]]  # most overdue first


def test_waiting_and_resolved_are_not_overdue(cli: Cli, spread: dict[str, int], frozen: Any) -> None:
    cli.ok("request", "ack", str(spread["1h"]), actor="guo.qiang")
    cli.ok("request", "wait", str(spread["1h"]), "--reason", "等客户地址", actor="guo.qiang")
    cli.ok("request", "resolve", str(spread["4h"]), "--note", "已查询", actor="guo.qiang")
    frozen.shift(timedelta(days=1))
    assert listed(cli, "--overdue") == [spread["5h"]]
    assert show(cli, spread["1h"])["overdue"] is False
    assert show(cli, spread["4h"])["overdue"] is False


def test_due_within_edges(cli: Cli, spread: dict[str, int], frozen: Any) -> None:
    assert listed(cli, "--due-within", "4h") == [spread["1h"], spread["4h"]]
    assert listed(cli, "--due-within", "2d") == [spread["1h"], spread["4h"], spread["5h"], spread["2d"]]
    assert listed(cli, "--due-within", "59m") == []
    frozen.shift(timedelta(hours=2))  # the 1h one is now overdue, not "due within"
    assert listed(cli, "--due-within", "3h") == [spread["4h"], spread["5h"]]
    cli.ok("request", "resolve", str(spread["4h"]), "--note", "完成", actor="guo.qiang")
    assert listed(cli, "--due-within", "3h") == [spread["5h"]]


@pytest.mark.parametrize("bad", ["4", "4x", "-4h", "0h", "四小时"])
def test_due_within_bad_duration(cli: Cli, org: object, bad: str) -> None:
    result = cli.fails("request", "list", "--due-within", bad)
    assert "--due-within" in result.stderr


def test_list_filters(cli: Cli, org: object, frozen: Any) -> None:
    a = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "甲")
    frozen.shift(timedelta(days=1))
    b = new_request(cli, "--from", "HR", "--to", "FIN", "--title", "乙", "--owner", "lin.hui")
    cli.ok("request", "ack", str(b), actor="lin.hui")
    assert listed(cli) == [a, b]  # soonest due first
    assert listed(cli, "--sort", "created", "--desc") == [b, a]
    assert listed(cli, "--from", "SALES") == [a]
    assert listed(cli, "--to", "FIN") == [b]
    assert listed(cli, "--owner", "lin.hui") == [b]
    assert listed(cli, "--status", "acknowledged") == [b]
    assert listed(cli, "--status", "open", "--status", "acknowledged") == [a, b]
    assert listed(cli, "--since", "2026-11-17") == [b]
    assert listed(cli, "--until", "2026-11-16") == [a]
    assert listed(cli, "--limit", "1") == [a]
    assert listed(cli, "--limit", "0") == [a, b]  # no limit
    cli.fails("request", "list", "--status", "done", code=2)
    cli.fails("request", "list", "--from", "NOPE")
    cli.fails("request", "list", "--limit", "-1")
    cli.fails("request", "list", "--since", "2026-11-18", "--until", "2026-11-17")


def test_due_change_event_and_clock_frozen(cli: Cli, org: object) -> None:
    with time_machine.travel(FROZEN_AT, tick=False):
        rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "改期")
        cli.ok("request", "due", str(rid), "--due", "2026-12-01T10:00", "--reason", "客户要求延期")
        shown = show(cli, rid)
    assert shown["due_at"] == "2026-12-01T10:00:00+08:00"
    assert shown["events"][-1]["kind"] == "due_changed"
    assert shown["events"][-1]["note"] == "客户要求延期"
