"""`icrm meeting`: cross-department meeting series (例会), agendas, minutes, reminders, invites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icrm_cli.cli import complete
from icrm_cli.cli.common import (
    DocFormat,
    DocFormatOpt,
    ExcelOpt,
    ListFormat,
    ListFormatOpt,
    OutputOpt,
    ShowFormat,
    ShowFormatOpt,
    command_group,
    output_options,
    session,
    state,
)
from icrm_cli.cli.request_list import DeptOpt
from icrm_cli.wording import counted

app = command_group(
    help="Cross-department meetings (例会): agenda, minutes, action items, reminders, invites."
)

IdArg = Annotated[int, typer.Argument(help="Meeting id.", metavar="ID")]


@app.command("new")
def new(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="What the meeting is about.")],
    at: Annotated[
        str,
        typer.Option(
            "--at", metavar="WHEN", help="When it starts (org time zone unless an offset is given)."
        ),
    ],
    duration: Annotated[
        str, typer.Option("--duration", metavar="DURATION", help="How long, e.g. 60m, 2h (at most 24h).")
    ] = "60m",
    series: Annotated[
        str | None,
        typer.Option(
            "--series", metavar="NAME", help="Recurring series (例会) it belongs to; carries items over."
        ),
    ] = None,
    dept: Annotated[
        list[str] | None,
        DeptOpt("--dept", "Department taking part (repeatable) [default: the attendees']."),
    ] = None,
    attendee: Annotated[
        list[str] | None,
        typer.Option(
            "--attendee",
            metavar="PERSON",
            help="Person invited (repeatable) [default: the departments' contacts].",
        ),
    ] = None,
    location: Annotated[
        str | None, typer.Option("--location", metavar="TEXT", help="Room or video link.")
    ] = None,
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """Schedule a meeting; the --as person is the organiser (customer of its action items)."""
    from icrm_cli.domain.meetings import schedule as meetings
    from icrm_cli.domain.meetings.query import meeting_detail
    from icrm_cli.output import emit_message, emit_object
    from icrm_cli.timeutil import parse_duration

    with session(ctx, write=True) as (sess, policy):
        clock = policy.clock
        meeting = meetings.create(
            sess,
            policy,
            actor=state(ctx).who,
            title=title,
            starts_at=clock.parse(at, edge="start", what="--at"),
            duration=parse_duration(duration, what="--duration"),
            series=series,
            departments=dept or [],
            attendees=attendee or [],
            location=location,
        )
        assert meeting.id is not None
        created = meeting_detail(sess, meeting.id, clock.now())
    opts = output_options(policy, fmt)
    if opts.fmt == "json":
        emit_object(created, opts)
    else:
        emit_message(
            f"Created meeting #{created['id']} {created['title']} at {clock.short(created['starts_at'])} "
            f"({', '.join(created['departments'])}; {counted(len(created['attendees']), 'attendee')})"
        )


@app.command("edit")
def edit(
    ctx: typer.Context,
    meeting_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="A new title.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", metavar="WHEN", help="A new start (the length is kept).")
    ] = None,
    duration: Annotated[
        str | None, typer.Option("--duration", metavar="DURATION", help="A new length, e.g. 90m.")
    ] = None,
    location: Annotated[
        str | None, typer.Option("--location", metavar="TEXT", help="A new room or link.")
    ] = None,
    add_dept: Annotated[
        list[str] | None, DeptOpt("--add-dept", "Department to add (repeatable); its contact attends.")
    ] = None,
    remove_dept: Annotated[
        list[str] | None, DeptOpt("--remove-dept", "Department to remove (repeatable), with its people.")
    ] = None,
) -> None:
    """Rename, move or relocate a meeting, or change its departments; `meeting ics` then updates it."""
    if not any(v is not None for v in (title, at, duration, location)) and not add_dept and not remove_dept:
        raise typer.BadParameter(
            "give at least one of --title, --at, --duration, --location, --add-dept, --remove-dept",
            ctx,
            param_hint="'edit'",
        )
    from icrm_cli.domain.meetings.edit import edit as edit_meeting
    from icrm_cli.output import emit_message
    from icrm_cli.timeutil import parse_duration

    with session(ctx, write=True) as (sess, policy):
        clock = policy.clock
        result = edit_meeting(
            sess,
            policy,
            meeting_id,
            actor=state(ctx).who,
            title=title,
            starts_at=clock.parse(at, edge="start", what="--at") if at is not None else None,
            duration=parse_duration(duration, what="--duration") if duration is not None else None,
            location=location,
            add_departments=add_dept or [],
            remove_departments=remove_dept or [],
        )
        names = ", ".join(dict.fromkeys(name for name, _old, _new in result.changes))
        starts = clock.short(result.meeting.starts_at)
    done = f"Meeting #{meeting_id}: edited {names} (starts {starts})."
    emit_message(done if result.changes else "no change")


@app.command("list")
def list_(
    ctx: typer.Context,
    upcoming: Annotated[
        bool, typer.Option("--upcoming", help="Only scheduled meetings not started yet, soonest first.")
    ] = False,
    series: Annotated[str | None, typer.Option("--series", metavar="NAME", help="Only this series.")] = None,
    fmt: ListFormatOpt = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """List meetings, newest first, with their action item counts."""
    from icrm_cli.domain.meetings.query import list_meetings
    from icrm_cli.output import emit_rows
    from icrm_cli.output.meeting_docs import MEETING_COLUMNS

    with session(ctx) as (sess, policy):
        rows = list_meetings(sess, policy.clock.now(), upcoming=upcoming, series=series)
    emit_rows(rows, MEETING_COLUMNS, output_options(policy, fmt, output, excel), empty="No meetings.")


@app.command("show")
def show(
    ctx: typer.Context, meeting_id: IdArg, fmt: DocFormatOpt = DocFormat.table, output: OutputOpt = None
) -> None:
    """One meeting; --format markdown prints the minutes (会议纪要) for stakeholders."""
    from icrm_cli.domain.meetings.agenda import build_agenda
    from icrm_cli.domain.meetings.query import display_names, meeting_history
    from icrm_cli.output import Section, emit_object, emit_record, emit_text
    from icrm_cli.output.columns import EVENT_COLUMNS
    from icrm_cli.output.meeting_docs import (
        ATTENDANCE_COLUMNS,
        ITEM_COLUMNS,
        MEETING_FIELDS,
        minutes_markdown,
    )

    with session(ctx) as (sess, policy):
        agenda = build_agenda(sess, meeting_id, policy.clock.now())
        history = meeting_history(sess, meeting_id)
        names = display_names(sess)
    opts = output_options(policy, fmt, output)
    meeting = agenda["meeting"]
    if opts.fmt == "json":
        emit_object({**meeting, "events": history}, opts)
    elif opts.fmt == "markdown":
        emit_text(minutes_markdown(agenda, names, policy.clock), opts)
    else:
        sections = [
            Section("attendance", "Attendees", meeting["attendance"], ATTENDANCE_COLUMNS),
            Section("actions", "Action items", meeting["actions"], ITEM_COLUMNS),
            Section("carried_over", "Carried over", agenda["carried_over"], ITEM_COLUMNS),
            Section("events", "History", history, EVENT_COLUMNS),
        ]
        title = f"Meeting #{meeting_id}: {meeting['title']}"
        emit_record(meeting, MEETING_FIELDS, opts, title=title, sections=sections)


@app.command("agenda")
def agenda(
    ctx: typer.Context, meeting_id: IdArg, fmt: DocFormatOpt = DocFormat.table, output: OutputOpt = None
) -> None:
    """Carried-over action items of the series, then overdue requests between the departments."""
    from icrm_cli.domain.meetings.agenda import build_agenda
    from icrm_cli.domain.meetings.query import display_names
    from icrm_cli.output import Section, emit_object, emit_record, emit_text
    from icrm_cli.output.meeting_docs import AGENDA_SECTIONS, MEETING_FIELDS, agenda_markdown

    with session(ctx) as (sess, policy):
        data = build_agenda(sess, meeting_id, policy.clock.now())
        names = display_names(sess)
    opts = output_options(policy, fmt, output)
    if opts.fmt == "json":
        emit_object(data, opts)
    elif opts.fmt == "markdown":
        emit_text(agenda_markdown(data, names, policy.clock), opts)
    else:
        sections = [
            Section(key, title, data[key], columns) for key, title, columns in AGENDA_SECTIONS if key in data
        ]
        title = f"Agenda of meeting #{meeting_id}: {data['meeting']['title']}"
        emit_record(data["meeting"], MEETING_FIELDS, opts, title=title, sections=sections)


@app.command("action")
def action(
    ctx: typer.Context,
    meeting_id: IdArg,
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="What has to be done.")],
    owner: Annotated[
        str,
        typer.Option(
            "--owner",
            metavar="PERSON",
            help="Who does it; their department is the supplier.",
            autocompletion=complete.person_ids,
        ),
    ],
    due: Annotated[str, typer.Option("--due", metavar="WHEN", help="By when.")],
    description: Annotated[str | None, typer.Option("--description", metavar="TEXT", help="Details.")] = None,
    fmt: ShowFormatOpt = ShowFormat.table,
) -> None:
    """Record an action item: a request from the organiser's department to the owner's."""
    from icrm_cli.domain.meetings.schedule import add_action
    from icrm_cli.domain.requests.query import request_dict
    from icrm_cli.output import emit_message, emit_object

    with session(ctx, write=True) as (sess, policy):
        clock = policy.clock
        request = add_action(
            sess,
            policy,
            meeting_id,
            actor=state(ctx).who,
            title=title,
            owner=owner,
            due=clock.parse(due, edge="end", what="--due"),
            description=description,
        )
        created = request_dict(request, clock.now())
    opts = output_options(policy, fmt)
    if opts.fmt == "json":
        emit_object(created, opts)
    else:
        emit_message(
            f"Created request #{created['id']} {created['from_dept']} → {created['to_dept']} "
            f"(owner {created['owner']}, due {clock.short(created['due_at'])}) for meeting #{meeting_id}"
        )


@app.command("minutes")
def minutes(
    ctx: typer.Context,
    meeting_id: IdArg,
    notes: Annotated[
        str | None, typer.Option("--notes", metavar="TEXT", help="The notes (Markdown allowed).")
    ] = None,
    notes_file: Annotated[
        Path | None,
        typer.Option(
            "--notes-file",
            metavar="FILE",
            help="Read the notes from a text (Markdown) file: UTF-8 or GB18030/GBK.",
        ),
    ] = None,
    decision: Annotated[
        list[str] | None,
        typer.Option("--decision", metavar="TEXT", help="A decision (repeatable; replaces earlier ones)."),
    ] = None,
) -> None:
    """Record or amend the minutes: notes and decisions (the history keeps every version)."""
    from icrm_cli.domain.meetings.schedule import record_minutes
    from icrm_cli.inputs import notes_text
    from icrm_cli.output import emit_message

    text = notes_text(notes, notes_file)
    with session(ctx, write=True) as (sess, policy):
        meeting = record_minutes(
            sess, policy, meeting_id, actor=state(ctx).who, notes=text, decisions=decision
        )
        count = len(meeting.decisions or [])
    plural = "" if count == 1 else "s"
    emit_message(f"Minutes of meeting #{meeting_id} recorded ({count} decision{plural}).")


@app.command("attend")
def attend(
    ctx: typer.Context,
    meeting_id: IdArg,
    people: Annotated[list[str], typer.Argument(help="Person ids.", metavar="PERSON")],
    absent: Annotated[bool, typer.Option("--absent", help="Record them as absent instead.")] = False,
) -> None:
    """Record who was present (or --absent); people not invited are added."""
    from icrm_cli.domain.meetings.schedule import set_attendance
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        set_attendance(sess, policy, meeting_id, people, present=not absent, actor=state(ctx).who)
    what = "absent" if absent else "present"
    emit_message(f"Meeting #{meeting_id}: {', '.join(people)} recorded as {what}.")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    meeting_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why (recorded in the history).")],
) -> None:
    """Cancel a scheduled meeting."""
    from icrm_cli.domain.meetings.schedule import cancel as cancel_meeting
    from icrm_cli.output import emit_message

    with session(ctx, write=True) as (sess, policy):
        cancel_meeting(sess, policy, meeting_id, reason=reason, actor=state(ctx).who)
    emit_message(f"Meeting #{meeting_id} is now cancelled.")


@app.command("remind")
def remind(
    ctx: typer.Context,
    within: Annotated[
        str,
        typer.Option(
            "--within",
            metavar="DURATION",
            help="Meetings starting within this time from now.",
        ),
    ] = "24h",
    fmt: ListFormatOpt = ListFormat.table,
    output: OutputOpt = None,
    excel: ExcelOpt = False,
) -> None:
    """Who to remind of meetings starting soon; nothing at all when there are none (for cron)."""
    from icrm_cli.domain.meetings.query import reminder_rows, reminders
    from icrm_cli.output import emit_rows
    from icrm_cli.output.meeting_docs import REMIND_COLUMNS
    from icrm_cli.timeutil import parse_duration

    window = parse_duration(within, what="--within")
    with session(ctx) as (sess, policy):
        found = reminders(sess, policy.clock.now(), window)
    opts = output_options(policy, fmt, output, excel)
    if opts.fmt == "json":
        emit_rows(found, REMIND_COLUMNS, opts)
    elif found:
        emit_rows(reminder_rows(found), REMIND_COLUMNS, opts, title="Meeting reminders")


@app.command("ics")
def ics(ctx: typer.Context, meeting_id: IdArg, output: OutputOpt = None) -> None:
    """The calendar invitation (RFC 5545 .ics) with the agenda as description."""
    from icrm_cli.domain.meetings.ics import left_out, meeting_ics
    from icrm_cli.output import emit_note
    from icrm_cli.output.meeting_docs import emit_ics

    with session(ctx) as (sess, policy):
        data = meeting_ics(sess, meeting_id, policy.clock)
        missing = left_out(sess, meeting_id)
    emit_ics(data, output_options(policy, "table", output))
    if missing:
        emit_note(f"left out of the invitation (no email): {', '.join(missing)}")
