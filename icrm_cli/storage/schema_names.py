"""The names of the shipped migrations and the "written by a newer icrm" check, without SQLAlchemy.

Shared by the migration runner (``storage/migrations``) and the light SQLite
reader, which must tell whether a database is current without importing the
migrations (or SQLAlchemy).
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Iterable
from pathlib import Path

from icrm_cli.errors import SchemaTooNewError

RECORD_TABLE = "icrm_migrations"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MODULE = re.compile(r"^m(\d{4})_\w+$")


def shipped_modules() -> list[str]:
    """The migration modules (``m0001_initial``, ...) shipped with this version, oldest first."""
    found = (info.name for info in pkgutil.iter_modules([str(MIGRATIONS_DIR)]))
    return sorted(name for name in found if _MODULE.match(name))


def shipped_names() -> list[str]:
    """The names of the shipped migrations (``0001_initial``, ...), oldest first, without importing them."""
    return [module_name[1:] for module_name in shipped_modules()]


def check_not_newer(done: Iterable[str], shipped: Iterable[str]) -> None:
    """Refuse a database with a migration this version does not know: a newer icrm wrote it."""
    unknown = sorted(set(done) - set(shipped))
    if unknown:
        raise SchemaTooNewError(
            f"this database was written by a newer icrm (schema {unknown[-1]}); "
            "upgrade icrm instead of opening it with this version"
        )
