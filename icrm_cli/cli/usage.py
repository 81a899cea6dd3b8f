"""How help names a command's arguments: by a person's word (``ID``, ``FILE``), never a Python type.

Typer 0.2x writes an argument as ``{ID}`` in the usage line and ``ID <int>`` in the
Arguments section (the newer releases). :class:`PlainHelpCommand` writes both from the
parameters' public attributes, through Click's documented ``collect_usage_pieces`` and
``format_options``, so every Typer release renders the same:

- the usage line: a required argument is ``ID``, an optional one ``[ID]``, one that
  takes several values ``PERSON...``;
- the Arguments section: the same name, then the help with its notes
  (``[required]``, ``[default: ...]``) as Typer writes them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import typer.models
from typer.core import TyperCommand

SEVERAL = "..."  # after the name of an argument that takes several values


def argument_name(param: Any) -> str:
    """``ID``, ``FILE``, ``PERSON...``: the argument's metavar (else its name in capitals)."""
    name = str(param.metavar or (param.name or "").upper()).removesuffix(SEVERAL)
    return name + SEVERAL if param.nargs != 1 else name


def usage_piece(param: Any) -> str:
    """The argument in the usage line: ``ID``, ``[ID]`` when it may be left out."""
    name = argument_name(param)
    return name if param.required else f"[{name}]"


def declared_help(callback: Callable[..., Any] | None) -> dict[str, str]:
    """The help each argument was declared with (``typer.Argument(help=...)``), by parameter name.

    Typer 0.21 with Click 8.5 drops it from the argument (Click's ``Argument`` took a ``help``
    of its own in 8.5, which Typer 0.21 does not pass on); the declaration still has it.
    """
    if callback is None:
        return {}
    try:
        signature = inspect.signature(callback, eval_str=True)
    except (NameError, AttributeError, SyntaxError, TypeError, ValueError):
        return {}
    found: dict[str, str] = {}
    for name, parameter in signature.parameters.items():
        for info in (parameter.default, *getattr(parameter.annotation, "__metadata__", ())):
            if isinstance(info, typer.models.ArgumentInfo) and info.help:
                found[name] = info.help
    return found


class PlainHelpCommand(TyperCommand):
    """A command whose usage line and Arguments section name each argument for a person."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(usage_piece(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        declared: dict[str, str] | None = None
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "option":
                options.append(record)
            elif param.param_type_name == "argument":
                text = record[1]
                if not getattr(param, "help", None):  # lost on the way (see declared_help)
                    declared = declared_help(self.callback) if declared is None else declared
                    lost = declared.get(param.name or "", "")
                    text = f"{lost}  {text}".strip()
                arguments.append((argument_name(param), text))
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
