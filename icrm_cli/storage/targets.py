"""What a ``--db`` target names: a file path or a URL, and the SQLite file behind it (no SQLAlchemy).

Also how a target is shown to the user: a password in a URL never appears in
any output, log line or error (``postgresql://app:***@db/icrm``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# scheme://user:password@rest -> the password part; the password may hold any character but '@'
# before the last '@' of the authority.
_PASSWORD = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):(?P<secret>[^/]*)@")


def is_url(target: str) -> bool:
    return "://" in target


def scheme_of(url: str) -> str:
    return url.partition("://")[0].lower()


def is_postgres(url: str) -> bool:
    return scheme_of(url).split("+")[0] in ("postgresql", "postgres")


def database_url(target: str) -> str:
    """The SQLAlchemy URL for a target: a file path, or a URL (``postgresql://`` means psycopg 3)."""
    if is_url(target):
        scheme, _, rest = target.partition("://")
        if scheme.lower() in _POSTGRES_SCHEMES:
            return f"postgresql+psycopg://{rest}"
        return target
    return f"sqlite:///{Path(target).expanduser()}"


def shown(target: str) -> str:
    """The target as it may be printed: the password of a URL replaced by ``***``."""
    if not is_url(target):
        return target
    return _PASSWORD.sub(lambda m: f"{m['head']}:***@", target, count=1)


def server_of(url: str) -> tuple[str, str]:
    """``(host[:port], database)`` of a server URL, for error messages (no password)."""
    rest = url.partition("://")[2]
    rest = rest.split("?", 1)[0]
    authority, _, path = rest.partition("/")
    host = authority.rpartition("@")[2] or "localhost"
    return host, unquote(path) or "(default)"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other backends and memory databases."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)
