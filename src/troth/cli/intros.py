"""Introductions, double opt-in, for both roles."""

from __future__ import annotations

from typing import Any

import typer
from django.db import transaction
from django.utils import timezone
from rich.table import Table

from troth import present
from troth.cli.app import command, console, owner, parse_id, print_json
from troth.cli.parse import date_option
from troth.errors import TrothError
from troth.intros import actions, flow
from troth.intros.actions import OFFER_DUE_DAYS
from troth.intros.models import Introduction
from troth.intros.queries import access_intro, days_since, intros, waiting
from troth.people.queries import resolve_person

USAGE = (
    'troth intro propose A B "why" | troth intro ask C --to B "why"'
    ' | troth intro offered C --to B "why" | troth intro ID | troth intro ID STEP ["note"]'
)


def intro_row(i: Introduction) -> dict[str, Any]:
    return present.intro_full_row(i)  # one presenter for the CLI and the API


def _title(i: Introduction) -> str:
    if i.role == flow.CONNECTOR:
        return f"#{i.id} you introduce {i.person_a.full_name} to {i.person_b.full_name}"
    return f"#{i.id} {i.introducer.full_name} introduces you to {i.person_b.full_name}"


@command("intro", rich_help_panel="Introductions")
def intro(
    words: list[str] = typer.Argument(..., help=USAGE, show_default=False),
    to: str | None = typer.Option(None, "--to", help="ask, offered: who you want to meet."),
    blurb: str = typer.Option(
        "", "--blurb", help="ask, offered: a short note about you that they can forward as is."
    ),
    due: str | None = typer.Option(
        None,
        "--due",
        help=f"offered: by when they said they would do it (default: in {OFFER_DUE_DAYS} days).",
    ),
    a_asked: bool = typer.Option(False, "--a-asked", help="propose: A asked for this."),
    anyway: str | None = typer.Option(
        None,
        "--anyway",
        help="Go past the handoff guard or 'not ready to ask', saying why (it is kept).",
    ),
    outcome_kind: str = typer.Option(
        "", "--outcome", help=f"With the outcome step: {'|'.join(flow.OUTCOMES)}."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Introduce two people (propose), ask for an introduction (ask), or move one on.

    `offered` records C's own offer to introduce you (C's promise): thank C at once
    with a note to forward, one nudge after --due, then a graceful release.

    Steps: asked, asked-a, agreed, accepted, declined, no-answer, introduced,
    followed-up, met, not-met, outcome (--outcome
    lead|interview|offer|hire|client|friendship|nothing), thanked, released, withdrawn;
    only legal ones are taken.
    """
    if anyway is not None and not anyway.strip():
        raise TrothError('--anyway needs a reason, e.g. --anyway "she is my cousin"')
    anyway = anyway or ""
    me_owner = owner()
    head, rest = words[0].lower(), words[1:]
    if due is not None and head != "offered":
        raise TrothError(f'--due goes with troth intro offered, not "{words[0]}"')
    with transaction.atomic():
        if head == "propose":
            if len(rest) != 3:
                raise TrothError('usage: troth intro propose A B "why these two should meet"')
            a = resolve_person(me_owner, rest[0])
            b = resolve_person(me_owner, rest[1])
            i = actions.do_propose(me_owner, a, b, rest[2], a_asked=a_asked, anyway=anyway)
        elif head == "ask":
            if to is None or len(rest) != 2:
                raise TrothError('usage: troth intro ask C --to B "why you want to meet B"')
            c = resolve_person(me_owner, rest[0])
            b = resolve_person(me_owner, to)
            i = actions.do_ask(me_owner, c, b, rest[1], blurb=blurb, anyway=anyway)
        elif head == "offered":
            if to is None or len(rest) != 2:
                raise TrothError(
                    'usage: troth intro offered C --to B "why you would like to meet B"'
                    " [--due DATE]"
                )
            c = resolve_person(me_owner, rest[0])
            b = resolve_person(me_owner, to)
            i = actions.do_offered(
                me_owner, c, b, rest[1], due=date_option(due, "--due"), blurb=blurb
            )
        else:
            i = access_intro(me_owner, parse_id(head, "introduction"))
            if rest:
                if len(rest) > 2:
                    raise TrothError(f'usage: troth intro {i.id} STEP ["note"]')
                note = rest[1] if len(rest) == 2 else ""
                i = actions.do_step(me_owner, i, rest[0], note, outcome=outcome_kind)
    if as_json:
        row = present.intro_story_row(i)
        print_json(row)
        return
    _story(i)


def _story(i: Introduction) -> None:
    console.print(f"[bold]{_title(i)}[/bold]: {flow.word(i.state)}")
    console.print(f"  why: {i.why}")
    if i.blurb:
        console.print(f"  blurb: {i.blurb}")
    if i.anyway:
        console.print(f"  gone ahead anyway because: {i.anyway}")
    if i.offered and i.due_on:
        console.print(f"  offered by {i.introducer.full_name}, due {i.due_on}")
    for s in i.steps.all():
        when = timezone.localtime(s.at)
        if s.from_state == s.state:  # the one nudge, kept in the story
            console.print(f"  {when:%Y-%m-%d %H:%M}  nudged (once)")
            continue
        note = f": {s.note}" if s.note and s.note != s.state else ""
        console.print(f"  {when:%Y-%m-%d %H:%M}  {flow.word(s.state)}{note}")
    if i.outcome:
        console.print(f"  outcome: {i.outcome}")
    w = waiting(i)
    if w is not None:
        who = "you" if w.on_me else "them"
        console.print(f"Next ({who}): {w.step}")
        if w.on_me:
            console.print(f"[dim]The message for it: troth draft i{i.id}[/dim]")
    legal = flow.words(flow.next_states(i.role, i.state, i.a_asked))
    if legal:
        console.print(f"[dim]Steps from here: troth intro {i.id} {'|'.join(legal)}[/dim]")


@command("intros", rich_help_panel="Introductions")
def intros_cmd(
    waiting_on_me: bool = typer.Option(
        False, "--waiting-on-me", help="Only those where the next step is yours."
    ),
    stalled: bool = typer.Option(
        False, "--stalled", help="Only those with no answer for days (crickets)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Your introductions, both roles, newest movement first."""
    me_owner = owner()
    rows = intros(me_owner, waiting_on_me=waiting_on_me, stalled=stalled)
    if as_json:
        print_json([intro_row(i) for i in rows])
        return
    if not rows:
        console.print("No introductions here.")
        return
    table = Table()
    for col in ("id", "introduction", "state", "days", "next"):
        table.add_column(col)
    for i in rows:
        w = waiting(i)
        nxt = "" if w is None else ("you: " if w.on_me else "") + w.step
        title = _title(i).split(" ", 1)[1]
        table.add_row(
            str(i.id), title, flow.word(i.state), str(days_since(i, timezone.localdate())), nxt
        )
    console.print(table)
