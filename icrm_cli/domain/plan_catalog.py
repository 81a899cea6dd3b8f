"""Which domain modules ship plans, and where their compiled SQLite text lives.

``python -m icrm_cli.domain.plan_catalog`` rewrites ``compiled_plans.py`` (next to
this file) from the ``SHIPPED`` tuples of :data:`PLAN_USERS`, through
:mod:`icrm_cli.storage.plan_compiler`. :func:`catalog` hands the compiled text
to the light SQLite reader, which storage cannot import itself.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icrm_cli.storage.plans import Compiled

# Domain modules whose ``SHIPPED`` plans (with their part) go into compiled_plans.py.
PLAN_USERS = (
    "icrm_cli.domain.org.settings",
    "icrm_cli.domain.org.lookups",
    "icrm_cli.domain.requests.query",
    "icrm_cli.domain.report.figures_requests",
    "icrm_cli.domain.report.figures_feedback",
    "icrm_cli.domain.report.figures_meetings",
    "icrm_cli.domain.report.weekly",
)
TARGET = Path(__file__).with_name("compiled_plans.py")


def catalog() -> Mapping[str, Compiled]:
    """The compiled text of every shipped plan, by plan key (imported on first use)."""
    from icrm_cli.domain.compiled_plans import PLANS

    return PLANS


def main() -> None:
    from icrm_cli.storage.plan_compiler import render

    TARGET.write_text(render(PLAN_USERS, "icrm_cli.domain.plan_catalog"), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")


if __name__ == "__main__":
    main()
