"""`icrm whoami`: who icrm takes you for, your roles, and how it knows."""

from __future__ import annotations

import typer

from icrm_cli.cli.common import ShowFormat, ShowFormatOpt, output_options, session, state


def whoami(ctx: typer.Context, fmt: ShowFormatOpt = ShowFormat.table) -> None:
    """Who is acting: person, department, roles, and how the identity was established."""
    from icrm_cli.domain.access.org import load_access_org
    from icrm_cli.output import emit_record
    from icrm_cli.output.shapes import Column

    with session(ctx) as (sess, policy):
        identity = state(ctx).identity
        assert identity is not None
        record = identity.as_dict(load_access_org(sess))
    fields = (
        Column("person"),
        Column("name"),
        Column("department"),
        Column("roles"),
        Column("via"),
        Column("login"),
        Column("by"),
        Column("mode"),
    )
    shown = {**record, "roles": ", ".join(record["roles"])} if fmt is ShowFormat.table else record
    emit_record(shown, fields, output_options(policy, fmt), title="whoami")
