"""Plans run through SQLAlchemy: any database, or a session/connection a caller already holds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, bindparam

from icrm_cli.storage.plans import BATCH, Plan, SelectPlan

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session


def build_statement(plan: Plan | SelectPlan) -> Any:
    """The SQLAlchemy statement of a plan; a select plan's parts put together."""
    if isinstance(plan, Plan):
        return plan.build()
    statement = plan.base.build()
    if plan.where:
        statement = statement.where(*(part.build() for part in plan.where))
    if plan.order is not None:
        statement = statement.order_by(*plan.order.build())
    if plan.limit:
        statement = statement.limit(bindparam("limit", type_=Integer))
    return statement


class SqlAlchemyReader:
    """A :class:`~icrm_cli.storage.plans.Reader` over a SQLAlchemy connection or session."""

    def __init__(self, executor: Connection | Session) -> None:
        self.executor = executor
        bind = executor.get_bind() if hasattr(executor, "get_bind") else executor.engine
        self.dialect: str = bind.dialect.name

    def rows(
        self, plan: Plan | SelectPlan, params: Mapping[str, Any] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        for batch in self.batches(plan, params):
            yield from (tuple(row) for row in batch)

    def batches(
        self, plan: Plan | SelectPlan, params: Mapping[str, Any] | None = None, size: int = BATCH
    ) -> Iterator[Sequence[Sequence[Any]]]:
        statement = build_statement(plan).execution_options(yield_per=size)
        result = self.executor.execute(statement, dict(params or {}))
        yield from result.partitions()

    def split(self, plan: SelectPlan, params: Mapping[str, Any] | None, rows: int) -> None:
        """Never: other databases are read by one process (see :mod:`icrm_cli.storage.split_scan`)."""

    @contextmanager
    def session(self) -> Iterator[Session]:
        from sqlmodel import Session

        if isinstance(self.executor, Session):
            yield self.executor
            return
        with Session(bind=self.executor) as session:
            yield session
