"""Counted nouns for messages people read: "1 request", "2 requests"."""

from __future__ import annotations

_PLURALS = {"entry": "entries", "reply": "replies"}


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural unless the number is one (``counted(1, "row")`` is ``1 row``)."""
    if number == 1:
        return f"1 {noun}"
    head, _, last = noun.rpartition(" ")
    plural = _PLURALS.get(last, last + "s")
    return f"{number} {head + ' ' if head else ''}{plural}"
