"""What a ``--db`` target names: a file path or a URL, and the SQLite file behind it (no SQLAlchemy)."""

from __future__ import annotations

from pathlib import Path


def is_url(target: str) -> bool:
    return "://" in target


def database_url(target: str) -> str:
    """The SQLAlchemy URL for a target that is either a file path or a URL."""
    if is_url(target):
        return target
    return f"sqlite:///{Path(target).expanduser()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other backends and memory databases."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    rest = rest.split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)
