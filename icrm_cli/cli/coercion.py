"""Typer's coercion of plain option and argument values, without pydantic.

Typer (0.2x) passes every given value through a pydantic ``TypeAdapter``;
importing pydantic and building the adapters costs more than most commands'
queries. :func:`install` replaces Typer's ``build_runtime_param`` by one that
coerces the plain types itself, with exactly the results Typer's adapters give:
``str``, ``int``, ``float``, ``bool``, ``pathlib.Path``, Enum and Literal choices,
and ``list[X]`` / ``tuple[X, Y]`` of those (``X | None`` arrives here as ``X``:
Typer strips the ``None`` and handles a missing value itself).

Only values that are trivially valid are taken here ("42" for an int, "yes"
for a bool, a known choice). Anything else, a value that is wrong as much as
one that is merely unusual ("+4", "1e3", a path that does not exist), and
every other type or option setting (a parser, files, datetimes, ...) goes
Typer's usual way, so its result and its error message (exit 2) stay Typer's.
The usual way is built only for a value that needs it. Should Typer's
internals look different from what this was written for, nothing is replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer import _coercion, core
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
    from typer._typing import is_literal_type, literal_values

    _TYPER_INTERNALS = True
except ImportError:  # pragma: no cover - another Typer
    _TYPER_INTERNALS = False

# (value, param, ctx) -> the coerced value, or DEFER: "not trivially valid, go Typer's usual way".
Coerce = Callable[[Any, Any, Any], Any]
DEFER: Any = object()

# What pydantic's lax bool accepts from text (case-insensitive), after Typer strips it.
_BOOLS = {
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("0", "off", "f", "false", "n", "no"), False),
}
_MAX_DIGITS = 18  # longer numbers go the usual way (no digit limits, no float overflow here)
_EXACT_FLOAT_INT = 2**53


def _plain_int(text: str) -> bool:
    """``-?[0-9]+``, short: what ``int()`` and pydantic read the same way."""
    digits = text[1:] if text.startswith("-") else text
    return 0 < len(digits) <= _MAX_DIGITS and digits.isascii() and digits.isdigit()


def _plain_decimal(text: str) -> bool:
    """``-?[0-9]+(\\.[0-9]+)?``, short: what ``float()`` and pydantic read the same way."""
    whole, dot, fraction = text.partition(".")
    if dot and not (fraction.isascii() and fraction.isdigit()):
        return False
    return len(text) <= _MAX_DIGITS + 2 and _plain_int(whole)


def _in_range(number: float, info: Any) -> bool:
    """Within ``min``/``max``: then Typer's bounds (checked or clamped) leave it as it is."""
    low, high = info.min, info.max
    return (low is None or number >= low) and (high is None or number <= high)


def _int(info: Any) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is int:
            number = value
        elif type(value) is str and _plain_int(value):
            number = int(value)
        else:
            return DEFER
        return number if _in_range(number, info) else DEFER

    return coerce


def _float(info: Any) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is float:
            number = value
        elif (type(value) is int and abs(value) <= _EXACT_FLOAT_INT) or (
            type(value) is str and _plain_decimal(value)
        ):
            number = float(value)
        else:
            return DEFER
        return number if _in_range(number, info) else DEFER

    return coerce


def _bool(value: Any, param: Any, ctx: Any) -> Any:
    if type(value) is bool:
        return value
    if type(value) is not str:
        return DEFER
    text = value.strip()  # as Typer's _parse_cli_bool does; blank is False
    if not text:
        return False
    return _BOOLS.get(text.lower(), DEFER) if text.isascii() else DEFER


def _str(value: Any, param: Any, ctx: Any) -> Any:
    return value if type(value) is str else DEFER


def _choice(choices: tuple[Any, ...], info: Any) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return DEFER

    return coerce


def _path(info: Any) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is str:
            path = Path(value)  # what pydantic makes of text for a Path
        elif isinstance(value, Path):
            path = value
        else:
            return DEFER
        try:  # Typer's own checks (exists, dir_okay, ...); a failing one is reported the usual way
            return coerce_cli_path(path, info, path_type=Path, param=param, ctx=ctx)
        except Exception:
            return DEFER

    return coerce


def _leaf(annotation: Any, info: Any) -> Coerce | None:
    """The plain coercion of one value, in the order of Typer's ``build_leaf_adapter``; None: usual way."""
    if info.parser is not None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(tuple(annotation), info)
    if is_literal_type(annotation):
        return _choice(tuple(literal_values(annotation)), info)
    if annotation is datetime:
        return None
    if annotation is int:  # bounds that are not ints: Typer's adapter refuses them; let it
        return _int(info) if all(type(b) is int for b in (info.min, info.max) if b is not None) else None
    if annotation is float:
        return _float(info)
    if annotation is bool:
        return _bool
    if annotation is str:
        return _str
    if annotation is Path and info.path_type is None and routes_to_path(annotation, info):
        return _path(info)
    return None


def _list(item: Coerce) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        items = value if isinstance(value, list | tuple) else [value]
        coerced = [item(one, param, ctx) for one in items]
        return DEFER if any(one is DEFER for one in coerced) else coerced

    return coerce


def _tuple(items: list[Coerce]) -> Coerce:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, list | tuple) or len(value) != len(items):
            return DEFER
        coerced = tuple(item(one, param, ctx) for item, one in zip(items, value, strict=True))
        return DEFER if any(one is DEFER for one in coerced) else coerced

    return coerce


def plan(annotation: Any, info: Any) -> Coerce | None:
    """How to coerce a value of ``annotation`` without pydantic; None when only the usual way can."""
    origin = get_origin(annotation)
    if origin is list:
        args = get_args(annotation)
        item = _leaf(args[0], info) if len(args) == 1 else None
        return None if item is None else _list(item)
    if origin is tuple:
        leaves = [_leaf(arg, info) for arg in get_args(annotation)]
        if not leaves or any(leaf is None for leaf in leaves):
            return None
        return _tuple([leaf for leaf in leaves if leaf is not None])
    return _leaf(annotation, info)


def _never(value: Any, param: Any, ctx: Any) -> Any:
    return DEFER


def _looks_as_expected() -> bool:
    """Typer's internals are the ones this module was written for (0.29)."""
    if not _TYPER_INTERNALS:
        return False
    usual = getattr(_coercion, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    descriptor = getattr(_coercion, "TypeDescriptor", None)
    if not callable(usual) or getattr(core, "build_runtime_param", None) is not usual:
        return False  # another Typer, or replaced already
    if not (is_dataclass(base) and is_dataclass(descriptor)):
        return False
    if not callable(getattr(base, "coerce", None)) or not hasattr(base, "_coerce_value"):
        return False
    return {f.name for f in fields(base)} == {"parameter_info", "annotation"} and {
        "annotation",
        "parameter_info",
        "file_annotation",
    } <= {f.name for f in fields(descriptor)}


def install() -> bool:
    """Replace Typer's ``build_runtime_param`` (see the module text); False if left as it was."""
    if not _looks_as_expected():
        return False
    usual = _coercion.build_runtime_param

    @dataclass(frozen=True)
    class LazyRuntimeParam(_coercion.RuntimeParam):
        descriptor: Any
        plain: Coerce

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            coerced = self.plain(value, param, ctx)
            if coerced is DEFER:
                return usual(self.descriptor)._coerce_value(value, param, ctx)
            return coerced

    def build(descriptor: Any) -> Any:
        plain = None
        if descriptor.file_annotation is None:
            plain = plan(descriptor.annotation, descriptor.parameter_info)
        return LazyRuntimeParam(
            annotation=descriptor.annotation,
            parameter_info=descriptor.parameter_info,
            descriptor=descriptor,
            plain=plain or _never,
        )

    setattr(core, "build_runtime_param", build)  # noqa: B010 (a name Typer does not export)
    return True
