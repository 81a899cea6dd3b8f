"""`icrm org`: load the org file, show the organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icrm_cli.cli.common import (
    ExcelOpt,
    ListFormat,
    ListFormatOpt,
    OutputOpt,
    command_group,
    output_options,
    session,
    state,
)

app = command_group(help="Departments, people, SLA and escalation rules from the org file.")


@app.command("apply")
def apply(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The org file (YAML).", metavar="FILE")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the changes, write nothing.")] = False,
) -> None:
    """Load departments, people, SLA policy and escalation rules from a YAML file."""
    from icrm_cli.domain.org.apply import apply_org
    from icrm_cli.domain.org.orgfile import read_org_file
    from icrm_cli.output import emit_message

    spec = read_org_file(file)  # validated as a whole before the database is touched
    if spec.access is None:
        import sys

        roots = ", ".join(d.head for d in spec.departments if d.parent is None)
        sys.stderr.write(
            f"Warning: {file} has no access section: the heads of the root departments ({roots}) "
            "are the admins and the rules are enforced (see docs/permissions.md)\n"
        )
    opened = session(ctx, write=True, create=not dry_run, scratch=dry_run, needs_org=False)
    with opened as (sess, _policy):
        changes = apply_org(sess, spec, actor=state(ctx).who, dry_run=dry_run)
    prefix = "would be " if dry_run else ""
    if not changes.changed:
        emit_message(f"{file}: no change")
        return
    for row in changes.as_rows():
        emit_message(f"{prefix}{row['change']}: {row['kind']} {row['id']}")
    counts = ", ".join(
        f"{len(items)} {name}"
        for name, items in (
            ("added", changes.added),
            ("updated", changes.updated),
            ("deactivated", changes.deactivated),
            ("removed", changes.removed),
        )
        if items
    )
    emit_message(f"{file}: {counts}" + (" (dry run, nothing written)" if dry_run else ""))
    for request_id, title, owner, supplier in changes.orphaned:
        emit_message(
            f"open work left: request #{request_id} {title} (owner {owner}, {supplier}); "
            f"hand it on: icrm request assign {request_id} --owner PERSON"
        )


@app.command("show")
def show(
    ctx: typer.Context,
    fmt: ListFormatOpt = ListFormat.table,
    people: Annotated[bool, typer.Option("--people", help="List people only (handy with csv).")] = False,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Departments as a tree (head, contact, channel, services) and people."""
    from icrm_cli.domain.org.apply import show_org
    from icrm_cli.output import emit_object, emit_rows
    from icrm_cli.output.columns import DEPARTMENT_COLUMNS, PERSON_COLUMNS

    with session(ctx) as (sess, policy):
        view = show_org(sess)
    opts = output_options(policy, fmt, output, excel)
    if opts.fmt == "json" and not people:
        emit_object(
            {
                "organization": view.organization,
                "timezone": view.timezone,
                "language": view.language,
                "notify": view.notify,
                "departments": view.departments,
                "people": view.people,
            },
            opts,
        )
        return
    if people or opts.fmt == "json":
        emit_rows(view.people, PERSON_COLUMNS, opts, title="People", empty="No people yet.")
        return
    if opts.fmt == "csv":
        emit_rows(view.departments, DEPARTMENT_COLUMNS, opts)
        return
    if not view.departments:
        emit_rows([], DEPARTMENT_COLUMNS, opts, empty="No org yet: run 'icrm org apply FILE'.")
        return
    tree = [
        {**dept, "name": "  " * dept["depth"] + ("└ " if dept["depth"] else "") + dept["name"]}
        for dept in view.departments
    ]
    title = view.organization or "Organisation"
    if view.timezone:
        title += f" ({view.timezone})"
    emit_rows(tree, DEPARTMENT_COLUMNS, opts, title=title)
    emit_rows(view.people, PERSON_COLUMNS, opts, title="People")
