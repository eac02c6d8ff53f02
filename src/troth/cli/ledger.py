"""Commands for what happens between people: log, favours, promises, needs."""

from __future__ import annotations

import shlex

import typer
from django.db import transaction
from django.utils import timezone
from rich.table import Table

from troth import present
from troth.cli.app import command, console, created, owner, parse_id, print_json
from troth.cli.parse import date_option, span_option, when_option
from troth.errors import TrothError
from troth.interactions.actions import CHANNELS, do_log_interaction
from troth.ledger import actions
from troth.ledger.models import FAVOR_KINDS, Commitment, Need
from troth.ledger.queries import access_need, access_promise, open_needs, promises
from troth.owners import me_person
from troth.people.queries import resolve_person


@command("log", rich_help_panel="What happened")
def log(
    name: str = typer.Argument(..., help="Who (name or #id)."),
    channel: str = typer.Argument(..., help="|".join(CHANNELS)),
    notes: str = typer.Argument("", help="What happened, in a few words."),
    when: str | None = typer.Option(
        None, "--when", help="When (default now): 2026-11-20, yesterday, friday."
    ),
    minutes: int | None = typer.Option(None, "--minutes", help="How long it lasted."),
    they_started: bool = typer.Option(False, "--they-started", help="They reached out first."),
) -> None:
    """Record an interaction with someone."""
    me_owner = owner()
    with transaction.atomic():
        person = resolve_person(me_owner, name)
        i = do_log_interaction(
            me_owner,
            person,
            channel.lower(),
            when=when_option(when),
            minutes=minutes,
            they_started=they_started,
            summary=notes,
        )
    created(
        "interaction",
        i.id,
        f"{i.channel} with {person.full_name} on {timezone.localtime(i.occurred_at):%Y-%m-%d}",
    )


def _favor(name: str, kind: str, what: str, when: str | None, need: int | None, gave: bool) -> None:
    if not what.strip():
        # the service's "what must not be empty: say what it is" named no argument
        # anyone typed: show the command again with the words it lacks
        verb = "gave" if gave else "got"
        raise TrothError(
            f"say what the favour was, after its kind: troth {verb} {shlex.quote(name)}"
            f' {shlex.quote(kind)} "WHAT", e.g. "an intro to a hiring manager"'
        )
    me_owner = owner()
    with transaction.atomic():
        person = resolve_person(me_owner, name)
        me = me_person(me_owner)
        giver, receiver = (me, person) if gave else (person, me)
        f = actions.do_record_favor(
            me_owner,
            giver,
            receiver,
            kind.lower(),
            what,
            on=date_option(when, "--when", past=True),
            need=access_need(me_owner, need) if need is not None else None,
        )
    verb = f"you gave {person.full_name}" if gave else f"{person.full_name} gave you"
    created("favour", f.id, f"{verb} {f.kind}: {f.what}")


@command("gave", rich_help_panel="What happened")
def gave(
    name: str = typer.Argument(..., help="Who you helped."),
    kind: str = typer.Argument(..., help="|".join(FAVOR_KINDS)),
    what: str = typer.Argument("", help="What you did."),
    when: str | None = typer.Option(None, "--when", help="When (default today)."),
    need: int | None = typer.Option(None, "--need", help="The need this answered (closes it)."),
) -> None:
    """Record a favour you gave."""
    _favor(name, kind, what, when, need, gave=True)


@command("got", rich_help_panel="What happened")
def got(
    name: str = typer.Argument(..., help="Who helped you."),
    kind: str = typer.Argument(..., help="|".join(FAVOR_KINDS)),
    what: str = typer.Argument("", help="What they did."),
    when: str | None = typer.Option(None, "--when", help="When (default today)."),
    need: int | None = typer.Option(None, "--need", help="Your need this answered (closes it)."),
) -> None:
    """Record a favour you received."""
    _favor(name, kind, what, when, need, gave=False)


@command("promise", rich_help_panel="Promises")
def promise(
    what: str = typer.Argument(..., help="What was promised."),
    to: str | None = typer.Option(None, "--to", help="You promised this person."),
    from_: str | None = typer.Option(None, "--from", help="This person promised you."),
    due: str | None = typer.Option(
        None, "--due", help="Due date: friday, 2026-12-01, 'in 2 weeks'."
    ),
    made: str | None = typer.Option(
        None, "--made", help="When it was promised, if not today: '3 days ago', 2026-11-20."
    ),
) -> None:
    """Record a promise: yours (--to NAME) or someone's to you (--from NAME)."""
    # neither and both were one message, whose "not both" puzzled someone who gave neither
    if not to and not from_:
        raise TrothError("say who: --to NAME (your promise) or --from NAME (theirs)")
    if to and from_:
        raise TrothError("say who: --to NAME (your promise) or --from NAME (theirs), not both")
    made_on = date_option(made, "--made", past=True)
    if made_on is not None and made_on > timezone.localdate():
        raise TrothError(f"--made {made_on} is in the future; record a promise once it is made")
    me_owner = owner()
    with transaction.atomic():
        me = me_person(me_owner)
        other = resolve_person(me_owner, to or from_ or "")
        debtor, creditor = (me, other) if to else (other, me)
        c = actions.do_make_promise(
            me_owner, debtor, creditor, what, due=date_option(due, "--due"), made_on=made_on
        )
    due_text = f", due {c.due_on}" if c.due_on else ""
    if made_on is not None:
        due_text += f", made {c.made_on}"
    who = f"you to {other.full_name}" if to else f"{other.full_name} to you"
    created("promise", c.id, f"{c.what} ({who}{due_text})")


def _promises_table(rows: list[dict]) -> Table:
    table = Table(header_style="bold")
    for col in ("id", "who", "what", "due", "status"):
        table.add_column(col)
    for r in rows:
        who = f"you → {r['to']['name']}" if r["mine"] else f"{r['from']['name']} → you"
        status = "[red]overdue[/red]" if r["overdue"] else r["status"]
        table.add_row(str(r["id"]), who, r["what"], r["due"] or "", status)
    return table


@command("promises", rich_help_panel="Promises")
def list_promises(
    mine: bool | None = typer.Option(None, "--mine/--theirs", help="Only yours, or only theirs."),
    all_: bool = typer.Option(False, "--all", help="Include kept, broken and released."),
    person: str | None = typer.Option(None, "--person", help="Only with this person."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List promises, open ones first by due date."""
    me_owner = owner()
    who = resolve_person(me_owner, person) if person else None
    today = timezone.localdate()
    rows = [
        present.promise_row(c, today)
        for c in promises(me_owner, mine=mine, status=None if all_ else Commitment.OPEN, person=who)
    ]
    if as_json:
        print_json(rows)
    elif rows:
        console.print(_promises_table(rows))
    else:
        console.print(
            'No promises here. Record one with: troth promise "..." --to NAME --due friday'
        )


def _close_promise(ident: str, status: str, verb: str) -> None:
    pid = parse_id(ident, "promise")
    me_owner = owner()
    with transaction.atomic():
        c = actions.do_set_promise_status(me_owner, access_promise(me_owner, pid), status)
    console.print(f"Promise #{c.id} {verb}: {c.what}")


@command("kept", rich_help_panel="Promises")
def kept(ident: str = typer.Argument(..., help="Promise id (12 or #12).")) -> None:
    """Mark a promise as kept."""
    _close_promise(ident, Commitment.KEPT, "kept")


@command("broke", rich_help_panel="Promises")
def broke(ident: str = typer.Argument(..., help="Promise id (12 or #12).")) -> None:
    """Mark a promise as broken."""
    _close_promise(ident, Commitment.BROKEN, "broken")


@command("release", rich_help_panel="Promises")
def release(ident: str = typer.Argument(..., help="Promise id (12 or #12).")) -> None:
    """Let someone off a promise gracefully (or withdraw your own by agreement)."""
    _close_promise(ident, Commitment.RELEASED, "released")


@command("need", rich_help_panel="Needs")
def need(
    name: str = typer.Argument(..., help="Whose need: a name, or 'me'."),
    what: str = typer.Argument(..., help='What they need, e.g. "a CPA who knows startups".'),
    for_: str = typer.Option("60d", "--for", help="How long it matters (default 60d)."),
    tag: list[str] = typer.Option([], "--tag", help="Tag (repeatable), helps matching later."),
) -> None:
    """Record a current need of a contact (or your own, with 'me')."""
    me_owner = owner()
    with transaction.atomic():
        person = resolve_person(me_owner, name, allow_me=True)
        n = actions.do_add_need(me_owner, person, what, days=span_option(for_, "--for"), tags=tag)
    whose = "your" if person.is_me else f"{person.full_name}'s"
    created("need", n.id, f"{whose} need: {n.what} (until {n.expires_on})")


@command("needs", rich_help_panel="Needs")
def list_needs(
    mine: bool | None = typer.Option(
        None, "--mine/--theirs", help="Only yours, or only contacts'."
    ),
    person: str | None = typer.Option(None, "--person", help="Only this person's."),
    i_can_help: bool = typer.Option(
        False, "--i-can-help", help="Contacts' needs you could meet yourself, best fit first."
    ),
    limit: int | None = typer.Option(
        None, "--limit", help="At most this many; 0 for all (table default: 100)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List open needs, soonest horizon first."""
    if limit is not None and limit < 0:
        raise TrothError(f"--limit must be 0 (no limit) or more, got {limit}")
    me_owner = owner()
    today = timezone.localdate()
    who = resolve_person(me_owner, person, allow_me=True) if person else None
    # As `troth people`: the table stops at 100 rows unless told (4,500 open needs at
    # 30,000 people were three seconds and a megabyte of table); JSON gets all.
    shown = (limit or None) if limit is not None else (None if as_json else 100)
    if shown is not None:
        shown = min(shown, 10**9)  # (more than any database holds is all of them)
    if i_can_help:
        if mine:
            raise TrothError("--i-can-help lists contacts' needs; leave out --mine")
        from troth.cli.helping import show_i_can_help

        show_i_can_help(me_owner, who, as_json, shown)
        return
    qs = open_needs(me_owner, today, who)
    if mine is not None:
        qs = qs.filter(person__is_me=mine)
    rows = [present.need_row(n, today) for n in (qs[: shown + 1] if shown else qs)]
    more = qs.count() - shown if shown is not None and len(rows) > shown else 0
    rows = rows[:shown]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(
            "No open needs. Ask a contact: what two things do you need in the next 30-60 days?"
        )
        return
    table = Table(header_style="bold")
    for col in ("id", "whose", "what", "until", "tags"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]), r["person"]["name"], r["what"], r["expires_on"], ", ".join(r["tags"])
        )
    console.print(table)
    if more:
        console.print(f"[dim]{more} more; --limit N (0 for all) or --person to narrow.[/dim]")


@command("met", rich_help_panel="Needs")
def met(
    ident: str = typer.Argument(..., help="Need id (12 or #12)."),
    by: str | None = typer.Option(None, "--by", help="Who met it (a name, or 'me')."),
) -> None:
    """Close a need as met."""
    me_owner = owner()
    with transaction.atomic():
        n = access_need(me_owner, parse_id(ident, "need"))
        helper = resolve_person(me_owner, by, allow_me=True) if by else None
        actions.do_close_need(me_owner, n, Need.MET, met_by=helper)
    by_text = f" by {'you' if helper and helper.is_me else helper.full_name}" if helper else ""
    console.print(f"Need #{n.id} met{by_text}: {n.what}")
