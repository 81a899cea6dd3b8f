"""End-to-end: the org file, a request's happy path, Chinese text intact."""

from __future__ import annotations

import json

from tests.conftest import Cli, new_request


def test_request_happy_path(cli: Cli, org: object) -> None:
    rid = new_request(cli, "--from", "SALES", "--to", "IT", "--title", "开通[研发部]VPN账号")
    cli.ok("request", "ack", str(rid), actor="feng.kai")
    cli.ok("request", "start", str(rid), actor="feng.kai")
    cli.ok("request", "resolve", str(rid), "--note", "已开通", actor="feng.kai")
    cli.ok("request", "close", str(rid), actor="zhang.wei")
    shown = json.loads(cli.ok("request", "show", str(rid), "--format", "json").stdout)
    assert shown["status"] == "closed"
    assert shown["title"] == "开通[研发部]VPN账号"
    assert [e["kind"] for e in shown["events"]] == [
        "created",
        "acknowledged",
        "started",
        "resolved",
        "closed",
    ]
    assert [e["actor"] for e in shown["events"]] == [
        "zhang.wei",
        "feng.kai",
        "feng.kai",
        "feng.kai",
        "zhang.wei",
    ]
    table = cli.ok("request", "show", str(rid)).stdout
    assert "开通[研发部]VPN账号" in table
    assert "\x1b[" not in table
