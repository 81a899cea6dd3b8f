"""Plans compiled to SQLite text, and the source of a catalog module written from them.

The caller names the modules whose ``SHIPPED`` tuples list the plans to compile
(storage knows no domain module): the domain's plan catalog module writes the file
the light reader is handed; ``tests/test_plans.py`` fails
when that file is out of step with the builders.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Select
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql import operators

from icrm_cli.storage.plans import Compiled, Plan
from icrm_cli.storage.types import UTCDateTime

DIALECT = sqlite.dialect(paramstyle="named")


def _kind(type_: Any) -> str | None:
    """How the SQLite reader converts a result column of ``type_`` (None: not at all)."""
    if type_.dialect_impl(DIALECT).result_processor(DIALECT, None) is None:
        return None
    if isinstance(type_, UTCDateTime):
        return "time"
    if isinstance(type_, JSON):
        return "json"
    if isinstance(type_, Boolean):
        return "bool"
    raise TypeError(f"no SQLite reader conversion for result type {type_!r}")


def _constants(compiled: Any) -> dict[str, Any]:
    """The values bound into the statement, converted as SQLAlchemy would for SQLite."""
    found: dict[str, Any] = {}
    for bind, name in compiled.bind_names.items():
        if bind.required:
            if type(bind.type) is not UTCDateTime and isinstance(bind.type, DateTime):
                raise TypeError(f"time parameter {name!r} must be typed UTCDateTime")
            continue  # given when the plan runs
        process = bind.type.dialect_impl(DIALECT).bind_processor(DIALECT) or (lambda value: value)
        value = bind.effective_value
        found[name] = [process(item) for item in value] if bind.expanding else process(value)
    return found


def _own_names(sql: str, constants: dict[str, Any], prefix: str) -> Compiled:
    """A part's constants renamed ``prefix_name``: parts compiled apart may have picked the same names.

    The names are replaced in the text, so a part may not contain literal text (which could hold
    ``:name`` itself): its values are bound parameters, as SQLAlchemy makes them.
    """
    if "'" in sql or '"' in sql:
        raise ValueError(f"a {prefix!r} part may not contain quoted text: {sql}")
    renamed = {f"{prefix}_{name}": value for name, value in constants.items()}
    for name in constants:
        sql = re.sub(rf"(:|__\[POSTCOMPILE_){re.escape(name)}(?!\w)", rf"\g<1>{prefix}_{name}", sql)
    return Compiled(sql=sql, constants=renamed)


def _check_base(plan: Plan, built: Any) -> None:
    """A select plan's base gets WHERE, ORDER BY and LIMIT appended: it must be a bare SELECT."""
    bare = isinstance(built, Select) and built.whereclause is None
    if bare:  # the same text once GROUP BY, ORDER BY, LIMIT and OFFSET are reset: there were none
        reset = built.group_by(None).order_by(None).limit(None).offset(None)
        bare = str(reset.compile(dialect=DIALECT)) == str(built.compile(dialect=DIALECT))
    if not bare:
        raise ValueError(
            f"{plan.key}: the base of a select plan must be a SELECT without WHERE, "
            "GROUP BY, ORDER BY, LIMIT or OFFSET"
        )


def compile_plan(plan: Plan, part: str = "statement") -> Compiled:
    """The SQLite text of a plan: a whole ``statement``, a select plan's ``base``, a ``where``
    condition or an ``order`` list."""
    built = plan.build()
    if part == "base":
        _check_base(plan, built)
    prefix = plan.builder.rpartition(":")[2]
    if part == "order":
        pieces = [expression.compile(dialect=DIALECT) for expression in built]
        constants = {k: v for piece in pieces for k, v in _constants(piece).items()}
        return _own_names(", ".join(piece.string for piece in pieces), constants, prefix)
    if part == "where":
        compiled = built.self_group(against=operators.and_).compile(dialect=DIALECT)
        return _own_names(compiled.string, _constants(compiled), prefix)
    kinds = tuple(_kind(column.type) for column in built.selected_columns)
    return replace(compile_statement(built), kinds=kinds)


def compile_statement(statement: Any) -> Compiled:
    """The SQLite text of a statement and the values bound into it, in stored form (its result
    columns are not converted: for statements whose rows are read as the driver gives them)."""
    compiled = statement.compile(dialect=DIALECT)
    return Compiled(sql=compiled.string, constants=_constants(compiled))


def shipped(modules: Sequence[str]) -> list[tuple[Plan, str]]:
    """Every plan the ``SHIPPED`` tuples of ``modules`` list, with its part (``statement``, ``where``,
    ``order``), in a stable order."""
    found: dict[str, tuple[Plan, str]] = {}
    for module in modules:
        for plan, part in importlib.import_module(module).SHIPPED:
            found[plan.key] = (plan, part)
    return [found[key] for key in sorted(found)]


def render(modules: Sequence[str], generator: str) -> str:
    """The source of a module holding ``PLANS``: the compiled text of every plan ``modules`` ship."""
    lines = [
        '"""SQLite text of the shipped plans. GENERATED: do not edit.',
        "",
        f"Written by ``python -m {generator}`` from the statement builders;",
        "``tests/test_plans.py`` checks it is current.",
        '"""',
        "",
        "from icrm_cli.storage.plans import Compiled",
        "",
        "PLANS: dict[str, Compiled] = {",
    ]
    for plan, part in shipped(modules):
        compiled = compile_plan(plan, part)
        lines.append(f"    {plan.key!r}: Compiled(")
        lines.append(f"        sql={compiled.sql!r},")
        if compiled.constants:
            lines.append(f"        constants={dict(compiled.constants)!r},")
        if compiled.kinds:
            lines.append(f"        kinds={compiled.kinds!r},")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"
