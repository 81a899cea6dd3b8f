"""Values in the form SQLAlchemy's column types store them on SQLite, without SQLAlchemy.

Shared by the bulk inserts (which hand stored text straight to the driver) and
the light SQLite reader (parameters in, results out); ``tests/test_plans.py``
checks them against SQLAlchemy's own processors.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from json.encoder import encode_basestring as json_text
from typing import Any

from icrm_cli.timeutil import to_utc

_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def stored_time(moment: datetime) -> str:
    """A ``UTCDateTime`` as stored on SQLite: ``'2026-11-16 01:30:00.000000'`` (UTC, whole seconds)."""
    return to_utc(moment).replace(tzinfo=None).isoformat(" ") + ".000000"


def read_time(text: str | None) -> datetime | None:
    """A stored ``UTCDateTime`` back as an aware datetime (UTC)."""
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def stored_json(value: Any) -> str | None:
    """A ``JSON`` value as stored (``json.dumps`` text, non-ASCII kept); flat dicts of text, the
    usual event detail, are written without the general encoder's per-call overhead."""
    if value is None:
        return None
    try:
        return "{" + ", ".join([f"{json_text(key)}: {json_text(item)}" for key, item in value.items()]) + "}"
    except (AttributeError, TypeError):  # not a dict, or a value that is not text
        return _encode_json(value)
