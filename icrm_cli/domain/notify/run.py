"""One ``icrm notify`` run: take the lock, read, send without a write lock, record, release.

1. a short write transaction takes the run lock (one run at a time);
2. a read transaction collects the notices of the window, drops the keys already
   sent, adds the failures to retry and picks those to expire;
3. the digests are sent with no transaction open (delivery is at least once);
4. a short write transaction records every attempt and releases the lock.

``dry_run`` does only step 2 and records nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from icrm_cli.domain.notify import deliver, store
from icrm_cli.domain.notify.channels import Channel, ChannelBook
from icrm_cli.domain.notify.collect import Item, Recipient, collect, recipients_by_key
from icrm_cli.domain.notify.messages import digest, language
from icrm_cli.domain.org.settings import build_policy, load_settings
from icrm_cli.errors import ConflictError, IcrmError

if TYPE_CHECKING:
    from icrm_cli.storage.engine import Database


@dataclass
class Digest:
    """One message to one channel of one recipient, and what became of it."""

    recipient: Recipient
    channel: Channel
    items: dict[tuple[str, str, str], Item] = field(default_factory=dict)
    label: str = ""
    title: str = ""
    body: str = ""
    status: str = "pending"
    error: str | None = None

    def key(self, item: Item) -> store.Key:
        return (item.kind, item.object, self.recipient.key, item.step, self.channel.fingerprint)

    def row(self) -> dict[str, Any]:
        notices = [{"kind": k, "object": o, "step": s} for k, o, s in self.items]
        return {
            "recipient": self.recipient.ident,
            "channel": self.label,
            "notices": notices,
            "status": self.status,
            "title": self.title,
            "body": self.body,
        }


@dataclass
class RunResult:
    digests: list[Digest]
    expired: list[Digest]

    def failure_lines(self) -> list[str]:
        lines = [
            f"notify: {len(d.items)} notices to {d.recipient.ident} via {d.label} failed "
            f"({d.error}); they are tried again on the next run"
            for d in self.digests
            if d.status == "failed"
        ]
        lines += [
            f"notify: gave up on {len(d.items)} notices to {d.recipient.ident} via {d.label} "
            f"({d.error or f'failing for {store.RETRY_FOR.days} days'})"
            for d in self.expired
        ]
        return lines


class DeliveryError(IcrmError):
    """Some deliveries failed or expired: one ``Error:`` line per channel."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.problems = list(lines)
        super().__init__("; ".join(self.problems))

    def lines(self) -> list[str]:
        return self.problems


def _plan(
    db: Database, now: datetime, since: datetime | None
) -> tuple[list[Digest], list[Digest], list[int]]:
    """The digests to send and to report as expired, and the ids of the records to expire."""
    with db.session() as session:
        settings = load_settings(session)
        policy = build_policy(settings)
        book = ChannelBook.from_settings(settings)
        start = store.window_start(session, now, since)
        notices = collect(session, book, policy.clock, since=start, now=now)
        seen = store.known(session, (n.item.object for n in notices))
        digests: dict[tuple[str, str], Digest] = {}

        def add(recipient: Recipient, channel: Channel, item: Item) -> None:
            found = digests.setdefault(
                (recipient.key, channel.fingerprint), Digest(recipient=recipient, channel=channel)
            )
            found.items.setdefault((item.kind, item.object, item.step), item)

        for notice in notices:
            for channel in notice.recipient.channels:
                key = (notice.item.kind, notice.item.object, notice.recipient.key, notice.item.step)
                if seen.get((*key, channel.fingerprint)) in ("sent", "expired"):
                    continue
                add(notice.recipient, channel, notice.item)
        expired: dict[tuple[str, str], Digest] = {}
        expire_ids: list[int] = []
        people = recipients_by_key(session, book)
        for record in store.failed(session):
            item = Item.from_record(record.kind, record.object, record.step, record.payload)
            recipient = people.get(record.recipient)
            still = [c for c in (recipient.channels if recipient else ()) if c.fingerprint == record.channel]
            fresh = record.first_tried_at > now - store.RETRY_FOR
            if recipient is not None and still and fresh:
                add(recipient, still[0], item)  # a fresh notice with the same key wins
                continue
            assert record.id is not None
            expire_ids.append(record.id)
            gone = recipient or Recipient("person", record.recipient.partition(":")[2], "", ())
            report = expired.setdefault(
                (record.recipient, record.channel),
                Digest(
                    recipient=gone, channel=still[0] if still else Channel(""), label=record.channel_label
                ),
            )
            report.items[(item.kind, item.object, item.step)] = item
            report.status = "expired"
            if recipient is None or not still:
                report.error = "the recipient or channel is no longer in the org file"
    lang = language(settings)
    for found in digests.values():
        found.label = deliver.label(found.channel)
        found.title, found.body = digest(
            found.recipient, list(found.items.values()), lang, policy.clock, policy.timezone
        )
    return list(digests.values()), list(expired.values()), expire_ids


def run(db: Database, *, now: datetime, since: datetime | None = None, dry_run: bool = False) -> RunResult:
    """One run (see the module's docstring)."""
    if dry_run:
        digests, expired, _ = _plan(db, now, since)
        for found in digests:
            found.status = "dry_run"
        return RunResult(digests, expired)
    token = uuid.uuid4().hex
    with db.session(write=True) as session:
        holder_since = store.take_lock(session, token, now)
    if holder_since is not None:
        raise ConflictError(
            f"another icrm notify run is in progress (since {holder_since.isoformat()}); "
            "nothing was sent, try again later"
        )
    finished = False
    try:
        digests, expired, expire_ids = _plan(db, now, since)
        attempts: list[store.Attempt] = []
        for found in digests:
            outcome = deliver.send(found.channel, found.title, found.body)
            found.status, found.error = ("sent", None) if outcome.ok else ("failed", outcome.error)
            attempts += [
                store.Attempt(found.key(item), found.label, outcome.ok, item.payload(), outcome.error)
                for item in found.items.values()
            ]
        with db.session(write=True) as session:
            store.record(session, attempts, now)
            store.expire_ids(session, expire_ids, now)
            store.release_lock(session, token, now)
        finished = True
        return RunResult(digests, expired)
    finally:
        if not finished:
            with db.session(write=True) as session:
                store.release_lock(session, token, None)
