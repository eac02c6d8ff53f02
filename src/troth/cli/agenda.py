"""The daily agenda: what is worth doing today, and handling it."""

from __future__ import annotations

from typing import Any

import typer
from django.db import transaction
from rich.table import Table

from troth.agenda.plan import DEFAULT_LIMIT, LABEL, Item
from troth.agenda.queries import access_item, agenda
from troth.cli.app import command, console, owner, plural, print_json
from troth.cli.parse import date_option, span_option
from troth.errors import TrothError
from troth.interactions.models import Interaction
from troth.people.queries import resolve_person

# The write services (troth.agenda.actions) are imported by the commands that write:
# listing the agenda does not need them or what they import.
CHANNELS = [c for c, _label in Interaction.CHANNELS]


def item_row(item: Item) -> dict:
    """Kept for callers of the CLI's name; the row is troth.present's (one presenter)."""
    from troth.present import agenda_item_row

    return agenda_item_row(item)


@command("agenda", rich_help_panel="Follow through")
def agenda_cmd(
    days: int = typer.Option(7, "--days", help="Look this many days ahead for things due."),
    limit: int | None = typer.Option(
        None,
        "--limit",
        help=f"How many to show ({DEFAULT_LIMIT} unless given); 0 for all, as --all.",
        show_default=False,
    ),
    show_all: bool = typer.Option(
        False, "--all", help="Show everything worth doing (--limit 0 does the same)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Today's few things worth doing, most important first, each with why."""
    for name, value in (("--days", days), ("--limit", limit)):
        if value is not None and value < 0:
            # (naming the one given: "--days and --limit" for a --limit of -1 puzzled)
            raise TrothError(f"{name} must be zero or more, not {value}")
    if show_all and limit:
        # --all is --limit 0: a number beside it would be ignored (a newcomer's review)
        raise TrothError(f"--all shows everything: give --all or --limit {limit}, not both")
    if limit is None:
        limit = DEFAULT_LIMIT
    if days > 366:  # as the API and the calendar feed (a day past 9999 was a traceback)
        raise TrothError(f"--days: look 0 to 366 days ahead, not {days}")
    me_owner = owner()
    # Only the shown items' needs are matched to helpers (the order is the same either
    # way): matching every open need cost most of the command (issue 18 item 6).
    hints_for = None if show_all or limit == 0 else limit
    with transaction.atomic():
        result = agenda(me_owner, window=days, hints_for=hints_for, upto=hints_for)
    shown = result.items if show_all or limit == 0 else result.items[:limit]
    more = result.total - len(shown)
    if as_json:
        print_json(
            {
                "date": result.today.isoformat(),
                "items": [item_row(i) for i in shown],
                "more": more,
            }
        )
        return
    day = f"{result.today:%A} {result.today.day} {result.today:%B %Y}"
    _failing_sources(me_owner)
    if not shown:
        from troth.people.queries import people_for

        if not people_for(me_owner).exists():
            # a first run's empty agenda: say how to begin, not "a good day to give
            # first" to someone troth knows nobody for (a newcomer's review)
            console.print(
                f"{day}: troth knows nobody yet. Add someone (troth add NAME), import an"
                " address book or a mailbox (troth import FILE), or try it on a made-up"
                " network (troth demo)."
            )
            return
        console.print(f"{day}: nothing needs you today. A good day to give first.")
        return
    console.print(f"[bold]{day}[/bold]: {plural(len(shown), 'thing')} worth doing")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("why")
    for item in shown:
        table.add_row(item.id, LABEL[item.candidate.kind], item.candidate.reason)
    console.print(table)
    if more:
        # the command that shows them all, not a few more (issue 18: "91 more: --limit 17")
        console.print(f"{more} more: troth agenda --all shows all {len(shown) + more}")
    console.print(
        "[dim]Handle one: troth done ID · troth snooze ID --until DATE · troth skip ID"
        " · troth draft ID[/dim]"
    )


def _failing_sources(me_owner: Any) -> None:
    """A mail or calendar source that keeps failing, one line each, as on the web's
    Today (issue 14: "says why on Today"): the agenda is where a laptop user looks."""
    from rich.markup import escape

    from troth.sync.queries import failing

    for src in failing(me_owner, at_least=2):
        console.print(
            f"[red]Syncing {escape(src.label)} keeps failing ({src.failures} times in a row):"
            f" {escape(src.last_error)}[/red] (troth sources; troth sync {src.pk})"
        )


@command("done", rich_help_panel="Follow through")
def done(
    item_id: str = typer.Argument(..., help="The agenda id, like p12 or c7."),
    channel: str = typer.Option(
        "message", "--channel", help=f"How you got in touch: {'|'.join(CHANNELS)}."
    ),
    notes: str = typer.Option("", "--notes", help="What you said, in a few words."),
    no_log: bool = typer.Option(False, "--no-log", help="Do not log an interaction."),
) -> None:
    """Mark an agenda item done (a promise kept, a thank-you said, a check-in made)."""
    if no_log and notes.strip():
        raise TrothError("--notes describe the contact that is logged; drop --no-log or --notes")
    from troth.agenda import actions

    me_owner = owner()
    with transaction.atomic():
        item = access_item(me_owner, item_id)
        logged = actions.do_done(me_owner, item, channel=channel, notes=notes, log=not no_log)
    console.print(f"[green]Done[/green] {item.id} ({LABEL[item.kind]}: {item.person})")
    if logged:
        console.print(f"Logged interaction #{logged.id} ({logged.channel}); their rhythm restarts.")
    if item.kind == "need":
        console.print(
            f'Record what you gave with: troth gave "{item.person}" KIND "what"'
            f" --need {item.ref}  (it closes the need)"
        )


@command("snooze", rich_help_panel="Follow through")
def snooze(
    item_id: str = typer.Argument(..., help="The agenda id, like p12 or c7."),
    until: str = typer.Option(
        ..., "--until", help="Bring it back on this day (monday, 2026-12-01)."
    ),
) -> None:
    """Hide an agenda item until a later day."""
    from troth.agenda import actions

    me_owner = owner()
    day = date_option(until, "--until")
    assert day is not None
    with transaction.atomic():
        item = access_item(me_owner, item_id)
        actions.do_snooze(me_owner, item, day)
    console.print(f"Snoozed {item.id} until {day:%A %Y-%m-%d}")


@command("skip", rich_help_panel="Follow through")
def skip(item_id: str = typer.Argument(..., help="The agenda id, like p12 or c7.")) -> None:
    """Drop an agenda item: it does not come back for the same reason."""
    from troth.agenda import actions

    me_owner = owner()
    with transaction.atomic():
        item = access_item(me_owner, item_id)
        actions.do_skip(me_owner, item)
    console.print(f"Skipped {item.id}")


@command("cadence", rich_help_panel="Follow through")
def cadence(
    name: str = typer.Argument(..., help="Who (name or #id)."),
    every: str = typer.Argument(
        ...,
        help="How often to be in touch: 30d, 6w, 3m; 'off' for never; 'default' for the tier's.",
    ),
) -> None:
    """Set how often you want to be in touch with someone."""
    from troth.agenda import actions

    me_owner = owner()
    word = every.strip().lower()
    days: int | None
    if word == "off":
        days = 0
    elif word == "default":
        days = None
    else:
        days = span_option(every, "cadence")
        if days <= 0:
            raise TrothError(f"cadence: {every!r} is not a positive span (try 30d, 6w or 3m)")
    with transaction.atomic():
        person = resolve_person(me_owner, name)
        actions.do_set_cadence(me_owner, person, days)
    if days == 0:
        console.print(f"No check-in reminders for {person.full_name}")
    elif days is None:
        console.print(f"{person.full_name} follows the tier's default rhythm")
    else:
        console.print(f"Check in with {person.full_name} every {plural(days, 'day')}")


@command("rhythms", rich_help_panel="Follow through")
def rhythms(
    tier: str | None = typer.Argument(None, help="A tier: inner, close, active or network."),
    every: str | None = typer.Argument(
        None, help="How often to check in with that tier: 10d, 6w, 3m; 'default' for troth's."
    ),
    reset: bool = typer.Option(False, "--reset", help="Every tier back to troth's rhythm."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The check-in rhythm of each tier (the web app's Settings edits the same)."""
    from troth.agenda import actions
    from troth.agenda.queries import default_tier_cadences, own_tier_cadences, tier_cadences

    me_owner = owner()
    if reset:
        if tier or every:
            raise TrothError("--reset takes no tier")
        with transaction.atomic():
            n = actions.do_reset_tier_cadences(me_owner)
        console.print(f"Back to troth's rhythms ({plural(n, 'tier')} had your own).")
    elif tier is not None:
        if every is None:
            raise TrothError(f"how often for {tier}? e.g. troth rhythms {tier} 30d")
        key = tier.strip().lower()
        days = (
            default_tier_cadences().get(key, 0)
            if every.strip().lower() == "default"
            else span_option(every, "rhythm")
        )
        with transaction.atomic():
            actions.do_set_tier_cadence(me_owner, key, days)
        console.print(f"Check in with your {key} ties every {plural(days, 'day')}.")
    rhythm, defaults, own = (
        tier_cadences(me_owner),
        default_tier_cadences(),
        own_tier_cadences(me_owner),
    )
    if as_json:
        from troth.present import rhythm_rows

        print_json(rhythm_rows(me_owner))
        return
    if tier is None and not reset:
        table = Table(header_style="bold")
        for col in ("tier", "every", "troth's default"):
            table.add_column(col)
        for t, d in rhythm.items():
            mark = " (yours)" if t in own else ""
            table.add_row(t, f"{plural(d, 'day')}{mark}", plural(defaults[t], "day"))
        console.print(table)
