"""`icrm request why ID`: how the due time was reached and where the clock stands.

Registered on the ``request`` group by :mod:`icrm_cli.cli.request`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from icrm_cli.cli.common import ShowFormat, ShowFormatOpt, output_options, session


def why(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(help="Request id.", metavar="ID")],
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """Why a request is due when it is: the SLA rule, each stretch that counted or not, time left."""
    from icrm_cli.domain.requests.why import explain, for_reading
    from icrm_cli.output import Section, emit_object, emit_record
    from icrm_cli.output.columns import STRETCH_COLUMNS, WHY_FIELDS

    with session(ctx) as (sess, policy):
        answer = explain(sess, policy, request_id, policy.clock.now())
        shown = for_reading(policy, answer)
    opts = output_options(policy, fmt)
    if opts.fmt == "json":
        emit_object(answer, opts)
        return
    stretches: list[dict[str, Any]] = shown.pop("stretch_rows")
    emit_record(
        shown,
        WHY_FIELDS,
        opts,
        title=f"Why request #{request_id} is due when it is",
        sections=[
            Section(
                "stretches",
                "Stretches (creation to the earlier of due time and now)",
                stretches,
                STRETCH_COLUMNS,
            )
        ],
    )
