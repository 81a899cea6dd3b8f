"""`icrm notify`: real mail (aiosmtpd) and webhook (http.server) deliveries on localhost, frozen time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml

from tests.conftest import ROOT, Cli, new_request
from tests.notify_servers import SmtpServer, WebhookServer, smtp_server

pytestmark = pytest.mark.open_mode  # not about who may act (see tests/test_access_*.py)

SECRET = "s3cr3t-hook-pass"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    yield from smtp_server()


@pytest.fixture
def hooks() -> Iterator[WebhookServer]:
    server = WebhookServer()
    server.start()
    yield server
    server.stop()


def with_channels(org_file: Path, smtp: SmtpServer, hooks: WebhookServer, **extra: Any) -> Path:
    """The example org with a mail server for everyone, an IT group webhook and a personal one."""
    data = yaml.safe_load(org_file.read_text(encoding="utf-8"))
    data["notify"] = {"email": smtp.url}
    for dept in data["departments"]:
        if dept["code"] == "IT":
            dept["notify"] = [hooks.url("it-group")]
    for person in data["people"]:
        if person["id"] == "han.bo":
            person["notify"] = [hooks.url("han-bo", user="bot:${HOOK_SECRET}")]
    data.update(extra)
    org_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return org_file


@pytest.fixture
def wired(
    cli: Cli, org: Path, smtp: SmtpServer, hooks: WebhookServer, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    cli.ok("org", "apply", str(with_channels(org, smtp, hooks)))
    return org


def notify_json(cli: Cli, *args: str, code: int = 0) -> list[dict[str, Any]]:
    result = cli("notify", "--format", "json", *args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return list(json.loads(result.stdout)) if result.stdout.strip() else []


def test_new_request_reaches_owner_and_group_once(
    cli: Cli, wired: Path, smtp: SmtpServer, hooks: WebhookServer
) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限")  # owner feng.kai
    result = cli.ok("notify")
    assert "feng.kai" in result.stdout and "sent" in result.stdout
    mails = smtp.to("feng.kai@example.com")
    assert len(mails) == 1
    mail = mails[0]
    assert "冯凯" in mail.subject and "1 件事" in mail.subject
    expected = (
        f"#{rid}",
        "开通VPN权限",
        "销售部(SALES)",
        "信息技术部(IT)",
        f"icrm request ack {rid}",
        "待接收",
    )
    assert all(text in mail.body for text in expected)
    assert "Asia/Shanghai" in mail.body and "截止 2026-11-21 09:00" in mail.body
    group = hooks.at("it-group")
    assert len(group) == 1 and f"#{rid}" in group[0].payload["message"]
    assert smtp.to("zhang.wei@example.com") == []  # the person who filed it is not told
    # A second run sends nothing new and prints nothing.
    again = cli.ok("notify")
    assert again.stdout == "" and again.stderr == ""
    assert len(smtp.received) == 1 and len(hooks.received) == 1


def test_digest_one_message_per_recipient_and_channel(
    cli: Cli, wired: Path, smtp: SmtpServer, hooks: WebhookServer, frozen: time_machine.Traveller
) -> None:
    first = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限")
    second = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "重置邮箱密码", "--due", "+6h")
    third = new_request(cli, "--from", "HR", "--to", "IT", "--title", "新员工电脑", actor="tang.ying")
    rows = notify_json(cli)
    mine = [row for row in rows if row["recipient"] == "feng.kai"]
    assert len(mine) == 1 and mine[0]["status"] == "sent"
    kinds = {(n["kind"], n["object"]) for n in mine[0]["notices"]}
    assert {("request_new", f"request:{first}"), ("due_soon", f"request:{second}")} <= kinds
    assert "mailto://" in mine[0]["channel"]
    mail = smtp.to("feng.kai@example.com")[0].body
    # Grouped like the inbox: a request shows once, in its first section (due soon before to acknowledge).
    assert mail.index("待接收") < mail.index("24 小时内到期")
    assert mail.count(f"#{second} ") == 1 and f"#{first} " in mail and f"#{third} " in mail
    assert len(hooks.at("it-group")) == 1
    # The IT group channel: one digest with all three.
    group = hooks.at("it-group")[0].payload["message"]
    assert all(f"#{rid} " in group for rid in (first, second, third))


def test_failed_channel_is_retried_and_named_without_secret(
    cli: Cli, org: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = WebhookServer()  # not started: the group chat is unreachable
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    cli.ok("org", "apply", str(with_channels(org, smtp, down)))
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限")
    result = cli("notify")
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("Error: ")
    assert f"json://127.0.0.1:{down.port}/it-group" in errors[0]
    assert len(smtp.to("feng.kai@example.com")) == 1  # the rest was delivered
    assert SECRET not in result.stdout + result.stderr
    down.start()
    try:
        rows = notify_json(cli)
        assert [(r["recipient"], r["status"]) for r in rows] == [("IT", "sent")]
        assert f"#{rid}" in down.at("it-group")[0].payload["message"]
        assert notify_json(cli) == []
    finally:
        down.stop()
    assert len(smtp.to("feng.kai@example.com")) == 1


def test_secret_stays_hidden_everywhere(
    cli: Cli, org: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = WebhookServer()
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    data = with_channels(org, smtp, down)
    # A literal secret in the file is hidden too (org show), a ${NAME} one is never stored.
    text = data.read_text(encoding="utf-8").replace("${HOOK_SECRET}", "literal-pw-123")
    data.write_text(text, encoding="utf-8")
    cli.ok("org", "apply", str(data))
    for fmt in ("table", "json", "csv"):
        assert "literal-pw-123" not in cli.ok("org", "show", "--format", fmt).stdout
    shown = json.loads(cli.ok("org", "show", "--format", "json").stdout)
    han = next(p for p in shown["people"] if p["id"] == "han.bo")
    assert han["notify"] == [f"json://bot:***@127.0.0.1:{down.port}/***"]
    cli.ok("escalate", "open", "--between", "SALES", "IT", "--reason", "接口人失联")  # not han.bo yet
    cli.ok("escalate", "raise", "1", "--reason", "三天无回应")  # level 2: the heads, han.bo
    dry = cli.ok("notify", "--dry-run")
    assert "han.bo" in dry.stdout and "升级" in dry.stdout
    result = cli("notify")
    assert result.exit_code == 1
    assert "literal-pw-123" not in result.stdout + result.stderr
    assert f"json://bot:****@127.0.0.1:{down.port}/han-bo" in result.stderr


def test_dry_run_records_nothing(cli: Cli, wired: Path, smtp: SmtpServer, hooks: WebhookServer) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限")
    dry = cli.ok("notify", "--dry-run")
    assert "→ feng.kai via mailto://" in dry.stdout and f"icrm request ack {rid}" in dry.stdout
    assert smtp.received == [] and hooks.received == []
    assert [r["status"] for r in notify_json(cli, "--dry-run")] == ["dry_run", "dry_run"]
    assert {r["status"] for r in notify_json(cli)} == {"sent"}


def test_nothing_to_send_prints_nothing(cli: Cli, wired: Path) -> None:
    for fmt in ("table", "json"):
        result = cli.ok("notify", "--format", fmt)
        assert result.stdout == "" and result.stderr == ""


def test_first_run_looks_back_24h_then_over_the_last_run(
    cli: Cli, wired: Path, smtp: SmtpServer, frozen: time_machine.Traveller
) -> None:
    old = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "旧的请求", "--due", "+30d")
    frozen.shift(timedelta(hours=25))
    assert notify_json(cli) == []  # switching notices on does not replay history
    assert old and smtp.received == []
    late = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "新的请求", "--due", "+30d")
    frozen.shift(timedelta(minutes=10))
    rows = notify_json(cli)
    assert {n["object"] for r in rows for n in r["notices"]} == {f"request:{late}"}
    # --since reaches further back; what was sent is not sent again.
    rows = notify_json(cli, "--since", "2026-11-16")
    assert {n["object"] for r in rows for n in r["notices"]} == {f"request:{old}"}


def test_failures_expire_after_seven_days(
    cli: Cli, org: Path, smtp: SmtpServer, frozen: time_machine.Traveller, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = WebhookServer()
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    cli.ok("org", "apply", str(with_channels(org, smtp, down)))
    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限", "--due", "+30d")
    assert cli("notify").exit_code == 1
    frozen.shift(timedelta(days=3))
    assert cli("notify").exit_code == 1  # still retried
    frozen.shift(timedelta(days=5))
    result = cli("notify")
    assert result.exit_code == 1 and "gave up" in result.stderr and "7 days" in result.stderr
    frozen.shift(timedelta(minutes=10))
    again = cli.ok("notify")  # reported once
    assert again.stderr == ""


def test_complaint_meeting_and_resolution(
    cli: Cli, wired: Path, smtp: SmtpServer, frozen: time_machine.Traveller
) -> None:
    cli.ok("feedback", "give", "--from", "SALES", "--to", "IT", "--kind", "complaint", "--note", "打印机总坏")
    cli.ok("meeting", "new", "--title", "IT 周会", "--at", "2026-11-17T10:00", "--dept", "IT", "--dept", "HR")
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限", "--due", "+30d")
    cli.ok("request", "resolve", str(rid), "--note", "已开通", actor="feng.kai")
    cli.ok("notify")
    head = smtp.to("han.bo@example.com")[0].body
    assert "投诉" in head and "打印机总坏" in head and "IT 周会" not in head  # not an attendee
    requester = smtp.to("zhang.wei@example.com")
    assert len(requester) == 1 and f"icrm request close {rid}" in requester[0].body
    assert "待您确认" in requester[0].body
    # feng.kai (IT contact, so an attendee) resolved it himself: not told of the resolution.
    contact = smtp.to("feng.kai@example.com")[0].body
    assert "投诉" in contact and "明天的会议" in contact and "IT 周会，2026-11-17 10:00" in contact
    assert f"icrm request close {rid}" not in contact


def test_english_org(cli: Cli, org: Path, smtp: SmtpServer, hooks: WebhookServer) -> None:
    cli.ok("org", "apply", str(with_channels(org, smtp, hooks, language="en")))
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "VPN access")
    cli.ok("notify")
    mail = smtp.to("feng.kai@example.com")[0]
    assert "things need you" in mail.subject and "To acknowledge (1)" in mail.body
    assert f"icrm request ack {rid}" in mail.body and "due 2026-11-21 09:00" in mail.body


def test_one_run_at_a_time(cli: Cli, wired: Path, db_path: Path, smtp: SmtpServer) -> None:
    from icrm_cli.domain.notify import store
    from icrm_cli.storage.engine import open_database
    from icrm_cli.timeutil import Clock

    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限")
    db = open_database(str(db_path))
    try:
        with db.session(write=True) as session:
            assert store.take_lock(session, "other-run", Clock().now()) is None
        result = cli.fails("notify")
        assert "in progress" in result.stderr and smtp.received == []
        with db.session(write=True) as session:
            store.release_lock(session, "other-run", None)
    finally:
        db.close()
    cli.ok("notify")
    assert len(smtp.to("feng.kai@example.com")) == 1


def test_bad_channel_url_is_rejected_by_org_apply(cli: Cli, org: Path) -> None:
    data = yaml.safe_load(org.read_text(encoding="utf-8"))
    data["notify"] = {"email": "smtp.example.com pw=hunter2"}
    org.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = cli.fails("org", "apply", str(org))
    assert "notify.email" in result.stderr and "hunter2" not in result.stderr


def test_other_commands_do_not_import_apprise(cli: Cli, wired: Path, db_path: Path) -> None:
    new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通VPN权限")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ICRM_DB": str(db_path)}
    probe = (
        "import sys\n"
        "from icrm_cli.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('APPRISE=%s' % ('apprise' in sys.modules))\n"
    )
    for argv in (["inbox"], ["request", "list"], ["org", "show"], ["notify", "--dry-run"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv], env=env, capture_output=True, text=True, check=False
        )
        loaded = "APPRISE=True" in done.stderr
        assert loaded == (argv[0] == "notify"), (argv, done.stderr)


def test_late_commit_is_not_missed(
    cli: Cli, wired: Path, smtp: SmtpServer, frozen: time_machine.Traveller
) -> None:
    cli.ok("notify")  # the previous run, at 09:00
    frozen.shift(timedelta(minutes=-5))  # a transaction that began at 08:55 commits after that run
    late = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "迟到的请求", "--due", "+30d")
    frozen.shift(timedelta(minutes=15))
    rows = notify_json(cli)
    assert {n["object"] for r in rows for n in r["notices"]} == {f"request:{late}"}
    assert len(smtp.to("feng.kai@example.com")) == 1


def test_transfer_and_moved_due_time_notify_again(
    cli: Cli, wired: Path, smtp: SmtpServer, frozen: time_machine.Traveller
) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "数据导出", "--due", "+6h")
    cli.ok("notify")
    assert len(smtp.to("feng.kai@example.com")) == 1
    cli.ok("request", "transfer", str(rid), "--to", "DEV", "--reason", "归开发", actor="feng.kai")
    frozen.shift(timedelta(minutes=10))
    rows = notify_json(cli)
    assert {(r["recipient"], n["kind"]) for r in rows for n in r["notices"]} >= {
        ("wu.tao", "transferred_in"),
        ("wu.tao", "due_soon"),
    }
    assert "feng.kai" not in {r["recipient"] for r in rows}  # he transferred it
    frozen.shift(timedelta(minutes=10))
    cli.ok("request", "due", str(rid), "--due", "+8h", "--reason", "客户同意延后")
    frozen.shift(timedelta(minutes=10))
    rows = notify_json(cli)
    assert [(r["recipient"], [n["kind"] for n in r["notices"]]) for r in rows] == [("wu.tao", ["due_soon"])]
    assert notify_json(cli) == []
