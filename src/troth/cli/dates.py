"""troth date / troth dates: birthdays, anniversaries and other dates people keep."""

from __future__ import annotations

import typer
from django.db import transaction
from django.utils import timezone
from rich.markup import escape
from rich.table import Table

from troth.cli.app import command, console, owner, plural, print_json
from troth.cli.parse import span_option
from troth.errors import TrothError


@command("date", rich_help_panel="People")
def date(
    name: str = typer.Argument(..., help="Who (name or #id)."),
    kind: str = typer.Argument(
        ..., help="birthday, anniversary, or a word for another date ('name day')."
    ),
    when: str | None = typer.Argument(
        None, help="MM-DD (03-14), or YYYY-MM-DD; the year is optional."
    ),
    year: int | None = typer.Option(None, "--year", help="The year, when you know it."),
    label: str = typer.Option("", "--label", help="What an 'other' date is."),
    forget: bool = typer.Option(False, "--forget", help="Remove this date."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Keep someone's birthday or another date (troth dates lists what comes up)."""
    from troth.people import dates
    from troth.people.queries import resolve_person

    me_owner = owner()
    if forget and (when or year is not None):
        raise TrothError("--forget takes no date")
    if not forget and not when:
        raise TrothError(f"which day? e.g. troth date {name!r} {kind} 03-14 (or --forget)")
    with transaction.atomic():
        person = resolve_person(me_owner, name)
        if forget:
            row = dates.do_forget_date(me_owner, person, kind, label)
            created = False
        else:
            assert when is not None
            row, created = dates.do_set_date(me_owner, person, kind, when, year=year, label=label)
    if as_json:
        print_json({"person": {"id": person.id, "name": person.full_name}, **dates.date_row(row)})
    elif forget:
        console.print(f"Forgot {escape(person.full_name)}'s {escape(dates.describe(row))}")
    else:
        verb = "Added" if created else "Changed"
        console.print(f"{verb} {escape(person.full_name)}'s {escape(dates.describe(row))}")


@command("dates", rich_help_panel="People")
def dates_(
    days: int = typer.Option(30, "--days", help="How far ahead to look (days)."),
    remind: str | None = typer.Option(
        None,
        "--remind",
        help="Remind you on the agenda this long before each date (3d, 1w, 0d for the day"
        " itself), or 'off' (the default).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Birthdays and other dates coming up; --remind puts them on the agenda."""
    from troth.people import dates

    if not 0 <= days <= 366:
        raise TrothError(f"--days: look 0 to 366 days ahead, not {days}")
    me_owner = owner()
    if remind is not None:
        word = remind.strip().lower()
        ahead = (
            None
            if word == "off"
            else (0 if word in ("0", "0d") else span_option(remind, "--remind"))
        )
        with transaction.atomic():
            dates.do_set_reminders(me_owner, ahead)
    today = timezone.localdate()
    coming = dates.upcoming(me_owner, today, days)
    ahead = dates.reminder_days(me_owner)
    if as_json:
        print_json({"remind_days_before": ahead, "upcoming": [u.as_dict() for u in coming]})
        return
    if coming:
        table = Table(header_style="bold")
        for col in ("when", "who", "what"):
            table.add_column(col)
        for u in coming:
            table.add_row(
                f"{u.on:%a %-d %b}",
                f"{escape(u.person)} [dim]#{u.person_id}[/dim]",
                escape(u.what()),
            )
        console.print(table)
    else:
        console.print(f"No birthdays or other dates in the next {plural(days, 'day')}.")
    if ahead is None:
        console.print(
            "[dim]Agenda reminders are off (troth dates --remind 3d turns them on).[/dim]"
        )
    else:
        lead = "on the day" if ahead == 0 else f"{plural(ahead, 'day')} before"
        console.print(f"[dim]The agenda reminds you {lead} (troth dates --remind off).[/dim]")
