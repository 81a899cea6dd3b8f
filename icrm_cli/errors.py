"""One exception hierarchy for icrm; each class carries its exit code.

The command line maps these to an ``Error:`` line on stderr and the exit code in
exactly one place (:mod:`icrm_cli.cli.app`). Nothing here imports Typer or Rich.
"""

from __future__ import annotations

from collections.abc import Sequence


class IcrmError(Exception):
    """Base of every error a user can cause. Exit code 1 unless a subclass says otherwise."""

    exit_code = 1

    def lines(self) -> list[str]:
        """The message: its first line is the ``Error:`` line, any further ones details under it."""
        return [str(self)]


class NotFoundError(IcrmError):
    """An unknown department, person or id."""


class InvalidValueError(IcrmError):
    """A value the domain rejects (empty title, bad time, bad duration...)."""


class TransitionError(IcrmError):
    """A lifecycle step that the current status does not allow."""


class ConflictError(IcrmError):
    """The request clashes with existing data (duplicate, already open...)."""


class OrgFileError(IcrmError):
    """An org file that fails validation; carries one line per problem."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))

    def lines(self) -> list[str]:
        """One line for one problem; else how many, then each problem on a line of its own."""
        if len(self.problems) == 1:
            return [f"{self.source}: {self.problems[0]}"]
        return [f"{self.source}: {len(self.problems)} problems; nothing was applied", *self.problems]


class ImportFileError(IcrmError):
    """A CSV import that fails validation; carries one line per bad row."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))

    def lines(self) -> list[str]:
        """One line for one problem; else how many, then the first 50 on lines of their own."""
        if not self.problems:
            return [f"{self.source}: nothing imported"]
        if len(self.problems) == 1:
            return [f"{self.source}: {self.problems[0]}; nothing imported"]
        shown = [f"{self.source}: {len(self.problems)} problems; nothing imported", *self.problems[:50]]
        if len(self.problems) > 50:
            shown.append(f"... and {len(self.problems) - 50} more")
        return shown


class DatabaseError(IcrmError):
    """The database cannot be opened, read or written."""


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer icrm; we refuse to touch it."""


class OutputError(IcrmError):
    """The output file cannot be written."""


class PermissionDeniedError(IcrmError):
    """Someone who may not do this tried it: ``permission denied: <who> cannot <action>; <who may>``."""

    def __init__(self, who: str, action: str, who_may: str) -> None:
        self.who = who
        self.action = action
        self.who_may = who_may
        super().__init__(f"permission denied: {who} cannot {action}; {who_may}")
