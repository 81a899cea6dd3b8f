"""Driver errors as one line for the user (shared by the SQLAlchemy engine and the light SQLite reader).

Never imports a driver: a PostgreSQL error is recognised by its class's module.
``target`` is always the shown form of the target (no password).
"""

from __future__ import annotations

from icrm_cli.errors import DatabaseError, InvalidValueError
from icrm_cli.storage.targets import database_url, is_postgres, server_of

BUSY_TIMEOUT_MS = 30_000
OUT_OF_RANGE = "a number or date is out of range"
DRIVER_HINT = 'PostgreSQL needs the driver: pip install "icrm[postgres]"'

_MESSAGES = {
    "file is not a database": "{target!r} is not a SQLite database (wrong file?)",
    "attempt to write a readonly database": "cannot write to {target!r}: the database is read-only",
    "unable to open database file": "cannot open database {target!r}",
    "database is locked": (
        "database {target!r} stayed locked by another writer for "
        f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
    ),
}

# Connection failures (psycopg gives no SQLSTATE for them): what the message says -> why, for the user.
_CONNECT_REASONS = (
    ("does not exist", None),  # database "x" / role "x" does not exist: the server's own words
    ("password authentication failed", "login refused (wrong password?)"),
    ("no password supplied", "login refused (the server wants a password)"),
    ("no pg_hba.conf entry", "login refused by the server's pg_hba.conf"),
    ("connection refused", "server unreachable (connection refused)"),
    ("timeout expired", "server unreachable (timed out)"),
    ("failed to resolve host", "host name not found"),
    ("could not translate host name", "host name not found"),
    ("name or service not known", "host name not found"),
    ("no such file or directory", "server unreachable (no local socket)"),
)


def _postgres(original: BaseException) -> bool:
    return type(original).__module__.split(".")[0] in ("psycopg", "psycopg2")


def _server_reason(text: str) -> str | None:
    lowered = text.lower()
    for known, reason in _CONNECT_REASONS:
        if known in lowered:
            if reason is None:  # keep the server's sentence: 'database "x" does not exist'
                fatal = text.rpartition("FATAL:")[2].strip()
                return fatal.splitlines()[0] if fatal else "does not exist"
            return reason
    return None


def connection_error(original: BaseException, target: str) -> DatabaseError | None:
    """The one line for a server that cannot be reached or refuses the login, else None."""
    text = str(original).strip()
    if not text.startswith(("connection failed", "failed to resolve host", "connection to server")):
        return None
    url = database_url(target)
    host, name = server_of(url)
    reason = _server_reason(text) or text.splitlines()[0]
    return DatabaseError(f"cannot connect to PostgreSQL database {name!r} on {host}: {reason}")


def driver_error(original: BaseException, target: str | None = None) -> DatabaseError:
    """The driver's exception (e.g. ``sqlite3.OperationalError``) as a :class:`DatabaseError`."""
    text = str(original).strip()
    message = text.splitlines()[0] if text else type(original).__name__
    if _postgres(original):
        return _postgres_error(original, message, target)
    for known, template in _MESSAGES.items():
        if target is not None and message.startswith(known):
            return DatabaseError(template.format(target=target))
    return DatabaseError(f"database error: {message}")


def _postgres_error(original: BaseException, message: str, target: str | None) -> DatabaseError:
    if target is not None and is_postgres(database_url(target)):
        refused = connection_error(original, target)
        if refused is not None:
            return refused
    state = getattr(original, "sqlstate", None)
    if state == "55P03":  # lock_not_available: lock_timeout ran out
        return DatabaseError(
            f"database {target!r} stayed locked by another writer for "
            f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
        )
    if state in ("22003", "22008"):  # numeric_value_out_of_range, datetime_field_overflow
        return DatabaseError(OUT_OF_RANGE)
    if state == "42501":  # insufficient_privilege
        return DatabaseError(f"permission denied by the database server: {message}")
    if message.startswith("ERROR:"):
        message = message[len("ERROR:") :].strip()
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
