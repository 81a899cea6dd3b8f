"""Driver errors as one line for the user (shared by the SQLAlchemy engine and the light SQLite reader)."""

from __future__ import annotations

from icrm_cli.errors import DatabaseError, InvalidValueError

BUSY_TIMEOUT_MS = 30_000
OUT_OF_RANGE = "a number or date is out of range"

_MESSAGES = {
    "file is not a database": "{target!r} is not a SQLite database (wrong file?)",
    "attempt to write a readonly database": "cannot write to {target!r}: the database is read-only",
    "unable to open database file": "cannot open database {target!r}",
    "database is locked": (
        "database {target!r} stayed locked by another writer for "
        f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
    ),
}


def driver_error(original: BaseException, target: str | None = None) -> DatabaseError:
    """The driver's exception (e.g. ``sqlite3.OperationalError``) as a :class:`DatabaseError`."""
    text = str(original).strip()
    message = text.splitlines()[0] if text else type(original).__name__
    for known, template in _MESSAGES.items():
        if target is not None and message.startswith(known):
            return DatabaseError(template.format(target=target))
    return DatabaseError(f"database error: {message}")


def value_error(exc: BaseException) -> InvalidValueError | None:
    """The user's mistake behind a driver's or converter's exception, or None for anything else."""
    if isinstance(exc, UnicodeEncodeError):
        # Text the driver cannot store: undecodable bytes in the command line (a non-UTF-8
        # terminal) arrive as lone surrogates. A usage problem, not a crash.
        return InvalidValueError(
            "a value is not valid text (undecodable bytes; is the terminal set to UTF-8?)"
        )
    if isinstance(exc, OverflowError):
        # An id beyond SQLite's 64-bit integers, or a date beyond year 1..9999.
        return InvalidValueError(OUT_OF_RANGE)
    return None
