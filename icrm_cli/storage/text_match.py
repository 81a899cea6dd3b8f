"""Substring search that matches the same rows on SQLite and PostgreSQL.

``contains_folded(column, pattern, escape)`` is ``column LIKE pattern ESCAPE escape``
with ASCII letters compared in any case, and nothing else folded:

- SQLite's ``LIKE`` already folds ASCII letters only (its documented default);
- PostgreSQL's ``LIKE`` is case-sensitive and ``ILIKE``/``lower()`` fold every
  letter the locale knows, so the column is folded with ``translate`` from
  ``A-Z`` to ``a-z`` and the pattern is given in lower case (see :func:`like_pattern`).

The pattern and the escape character are bound parameters: the light SQLite
reader can put the condition together from precompiled text.
"""

from __future__ import annotations

import string
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType

from icrm_cli.storage.like import SEARCH_ESCAPE, like_pattern

__all__ = ["SEARCH_ESCAPE", "contains_folded", "like_pattern"]


class contains_folded(FunctionElement[Any]):
    """``column LIKE pattern ESCAPE escape``, ASCII case folded on every database."""

    name = "contains_folded"
    type = NullType()  # a condition as it stands: no ``= 1`` where a dialect has no boolean type
    inherit_cache = True


@compiles(contains_folded)
def _like(element: contains_folded, compiler: Any, **kw: Any) -> str:
    column, pattern, escape = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({column} LIKE {pattern} ESCAPE {escape})"


@compiles(contains_folded, "postgresql")
def _translated_like(element: contains_folded, compiler: Any, **kw: Any) -> str:
    column, pattern, escape = (compiler.process(clause, **kw) for clause in element.clauses)
    upper, lower = string.ascii_uppercase, string.ascii_lowercase
    return f"(translate({column}, '{upper}', '{lower}') LIKE {pattern} ESCAPE {escape})"
