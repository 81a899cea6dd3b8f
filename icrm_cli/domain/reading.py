"""A read transaction for the domain's plans: the storage reader, given the shipped plans' text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from icrm_cli.domain.plan_catalog import catalog
from icrm_cli.storage.plans import Reader
from icrm_cli.storage.readers import open_reader as open_storage_reader


@contextmanager
def open_reader(target: str) -> Iterator[Reader]:
    """One read transaction on ``target`` (see :func:`icrm_cli.storage.readers.open_reader`)."""
    with open_storage_reader(target, catalog) as reader:
        yield reader
