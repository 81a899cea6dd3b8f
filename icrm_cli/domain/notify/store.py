"""The notice records: keys already sent, failures to retry, expiry, and the one-run lock.

A notice's key is (kind, object, recipient, step); each channel of the recipient
has its own record, written when the delivery was tried: ``sent`` is never sent
again, ``failed`` is retried by later runs for :data:`RETRY_FOR`, then marked
``expired`` (and reported once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from icrm_cli.storage.models.escalation import table_of
from icrm_cli.storage.models.notice import Notice, NotifyState

RETRY_FOR = timedelta(days=7)
LOCK_STALE = timedelta(minutes=30)  # a run that died keeps the lock no longer than this
LOOK_BACK = timedelta(hours=24)  # the first run's window
OVERLAP = timedelta(hours=1)  # later runs look back this far over the previous one

Key = tuple[str, str, str, str, str]  # kind, object, recipient, step, channel


@dataclass(frozen=True)
class Attempt:
    """One delivery tried for one notice on one channel."""

    key: Key
    channel_label: str
    ok: bool
    payload: dict[str, Any] | None
    error: str | None = None


def take_lock(session: Session, token: str, now: datetime) -> datetime | None:
    """Take the run lock; returns None when taken, else since when another run holds it.

    Runs in a write transaction, so writers queue: the first run creates the state row.
    """
    if session.get(NotifyState, 1) is None:
        session.add(NotifyState(id=1, holder=token, taken_at=now))
        session.flush()
        return None
    state = table_of(NotifyState)
    taken = session.execute(
        update(state)
        .where(state.c.id == 1)
        .where(state.c.holder.is_(None) | (state.c.taken_at < now - LOCK_STALE))
        .values(holder=token, taken_at=now)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return None
    row = session.get(NotifyState, 1)
    return row.taken_at if row is not None and row.taken_at is not None else now


def release_lock(session: Session, token: str, finished_run_at: datetime | None) -> None:
    """Give the lock back; a completed run also records when it started (the next window's edge)."""
    state = table_of(NotifyState)
    values: dict[str, Any] = {"holder": None, "taken_at": None}
    if finished_run_at is not None:
        values["last_run_at"] = finished_run_at
    session.execute(update(state).where(state.c.id == 1, state.c.holder == token).values(**values))


def window_start(session: Session, now: datetime, since: datetime | None) -> datetime:
    """``--since``, else over the previous run by :data:`OVERLAP`, else :data:`LOOK_BACK` for the first."""
    if since is not None:
        return since
    row = session.get(NotifyState, 1)
    if row is None or row.last_run_at is None:
        return now - LOOK_BACK
    return min(row.last_run_at - OVERLAP, now)


def known(session: Session, objects: Iterable[str]) -> dict[Key, str]:
    """Status of every record about these objects (``request:12``, ...), by key."""
    found: dict[Key, str] = {}
    wanted = sorted(set(objects))
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        for row in session.exec(select(Notice).where(col(Notice.object).in_(part))):
            found[(row.kind, row.object, row.recipient, row.step, row.channel)] = row.status
    return found


def failed(session: Session) -> list[Notice]:
    """Failed deliveries, oldest first (to retry, or to expire)."""
    query = select(Notice).where(col(Notice.status) == "failed").order_by(col(Notice.id))
    return list(session.exec(query))


def expire_ids(session: Session, ids: Iterable[int], now: datetime) -> None:
    """Mark failures too old to retry as expired (they were reported once, now)."""
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        for row in session.exec(
            select(Notice).where(col(Notice.id).in_(part), col(Notice.status) == "failed")
        ):
            row.status = "expired"
            row.last_tried_at = now
            session.add(row)


def record(session: Session, attempts: Iterable[Attempt], now: datetime) -> None:
    """Write what a run tried: new rows, or the retried failures updated."""
    batch = list(attempts)
    objects = {attempt.key[1] for attempt in batch}
    existing: dict[Key, Notice] = {}
    for start in range(0, len(sorted(objects)), 500):
        part = sorted(objects)[start : start + 500]
        for stored in session.exec(select(Notice).where(col(Notice.object).in_(part))):
            existing[(stored.kind, stored.object, stored.recipient, stored.step, stored.channel)] = stored
    for attempt in batch:
        found = existing.get(attempt.key)
        if found is None:
            kind, obj, recipient, step, channel = attempt.key
            found = Notice(
                kind=kind,
                object=obj,
                recipient=recipient,
                step=step,
                channel=channel,
                channel_label=attempt.channel_label,
                status="failed",
                payload=attempt.payload,
                attempts=0,
                first_tried_at=now,
                last_tried_at=now,
            )
            existing[attempt.key] = found
        elif found.status != "failed":
            continue  # another run got there first
        row = found
        row.attempts += 1
        row.last_tried_at = now
        row.channel_label = attempt.channel_label
        if attempt.ok:
            row.status, row.sent_at, row.error, row.payload = "sent", now, None, None
        else:
            row.status, row.error = "failed", attempt.error
        session.add(row)
