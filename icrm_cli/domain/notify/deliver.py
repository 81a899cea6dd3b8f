"""Delivery through Apprise (mail, WeCom, DingTalk, Feishu, Slack, JSON webhooks, ...).

The only module that imports Apprise, and only when a run sends or shows a
channel: other commands never load it. A channel is named in output by Apprise's
privacy form of its URL (secrets shown as ``****``), without the query string.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from icrm_cli.domain.notify.channels import Channel, ChannelError


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str | None = None


def _plugin(url: str) -> Any:
    import apprise

    quiet = logging.getLogger("apprise")
    if not quiet.handlers:  # Apprise's own log lines may name a URL: never print them
        quiet.addHandler(logging.NullHandler())
    return apprise.Apprise.instantiate(url)


def label(channel: Channel) -> str:
    """The channel for people to read: Apprise's privacy form, else our own mask (never a secret)."""
    try:
        plugin = _plugin(channel.url())
    except ChannelError:
        plugin = None
    if not plugin:
        return channel.masked
    return str(plugin.url(privacy=True)).split("?", 1)[0]


def send(channel: Channel, title: str, body: str) -> Outcome:
    """Deliver one digest; failures are reported, never raised (the run goes on)."""
    import apprise

    try:
        url = channel.url()
    except ChannelError as exc:
        return Outcome(False, str(exc))
    plugin = _plugin(url)
    if not plugin:
        return Outcome(False, "not a notification URL Apprise knows")
    try:
        ok = bool(plugin.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT))
    except Exception as exc:  # a plugin bug must not stop the other deliveries
        return Outcome(False, f"{type(exc).__name__} while sending")
    return Outcome(True) if ok else Outcome(False, "not delivered")
