"""Reminders where the user already looks: a calendar file and an e-mailed digest."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from django.db import transaction
from rich.markup import escape

from troth.cli.agenda import item_row
from troth.cli.app import app, command, console, one_line_errors, owner, plural, print_json
from troth.errors import TrothError
from troth.lib.files import write_bytes_atomically

calendar_app = typer.Typer(
    name="calendar",
    help="Your agenda in Google Calendar, Apple Calendar or Thunderbird.",
    no_args_is_help=True,
)
app.add_typer(calendar_app, name="calendar", rich_help_panel="Follow through")


@calendar_app.command("export")
@one_line_errors
def export(
    file: Path = typer.Argument(
        ...,
        help="The .ics file to write (replaced if it exists); - for standard output.",
        show_default=False,
    ),
    days: int = typer.Option(14, "--days", help="Include things due up to this many days ahead."),
    todos: bool = typer.Option(
        False,
        "--todos",
        help="Write to-dos with a due date instead of events (Apple, Thunderbird;"
        " Google Calendar ignores to-dos).",
    ),
) -> None:
    """Write the agenda's dated items (promises, thanks, needs, check-ins, nudges) as an .ics file.

    Import it into Google Calendar, Apple Calendar or Thunderbird. Each item keeps its
    UID, so importing a newer export updates the same events instead of adding copies.
    """
    from icalendar import Calendar

    from troth.agenda.calendar import agenda_calendar

    if not 0 <= days <= 366:
        raise TrothError(f"--days must be between 0 and 366, got {days}")
    me_owner = owner()
    with transaction.atomic():
        data = agenda_calendar(me_owner, days=days, todos=todos)
    if str(file) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    written = write_bytes_atomically(file, data)
    count = len(Calendar.from_ical(data).walk("VTODO" if todos else "VEVENT"))
    what = plural(count, "to-do") if todos else plural(count, "event")
    span = "today" if days == 0 else f"today and the next {plural(days, 'day')}"
    console.print(f"Wrote {what} ({span}) to {escape(str(written))}")
    if count:
        apps = (
            "Apple Calendar or Thunderbird"
            if todos
            else "Google Calendar, Apple Calendar or Thunderbird"
        )
        console.print(
            f"[dim]Import it into {apps}; importing a newer export updates the same entries.[/dim]"
        )


@command("digest", rich_help_panel="Follow through")
def digest(
    send: bool = typer.Option(False, "--send", help="E-mail it (TROTH_SMTP_* settings)."),
    to: str | None = typer.Option(
        None, "--to", help="Send to this address (default TROTH_DIGEST_TO, else your account's)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Today's agenda as an e-mail: print it, or --send it over SMTP."""
    from troth.agenda.digest import build_digest, do_send_digest, smtp_config

    me_owner = owner()
    sent = None
    if send:
        sent = do_send_digest(me_owner, to=to)
        built = sent.digest
    else:
        with transaction.atomic():
            built = build_digest(me_owner, to=to)
    if as_json:
        print_json(
            {
                "subject": built.subject,
                "to": built.to,
                "body": built.body,
                "items": [item_row(i) for i in built.items],
            }
        )
        return
    if sent is not None:
        console.print(
            f"Sent “{sent.log.subject}” to {sent.log.recipient} via {sent.server}", markup=False
        )
        return
    sender = smtp_config().sender
    if sender:
        typer.echo(f"From: {sender}")
    typer.echo(f"To: {built.to or '(nobody yet: use --to ADDRESS or set TROTH_DIGEST_TO)'}")
    typer.echo(f"Subject: {built.subject}")
    typer.echo("")
    typer.echo(built.body, nl=False)
