"""Message drafts: one person, one message, editable."""

from __future__ import annotations

import typer
from django.db import transaction
from rich.table import Table

from troth.agenda import drafts
from troth.agenda.plan import Candidate, parse_item_id
from troth.agenda.queries import access_item, agenda
from troth.cli.app import command, console, owner, print_json
from troth.errors import TrothError
from troth.intros.models import Introduction
from troth.intros.queries import access_intro
from troth.people.models import Person
from troth.people.queries import resolve_person


def _is_item_id(text: str) -> bool:
    try:
        parse_item_id(text)
    except ValueError:
        return False
    return True


def _top_item(me_owner, person: Person) -> Candidate | None:
    """The person's most pressing agenda item today, if any has a draft (an
    introduction's when its step calls for a message to this person)."""
    for item in agenda(me_owner).items:
        c = item.candidate
        if c.person_id != person.id:
            continue
        if c.kind in drafts.FOR_AGENDA:
            return c
        if c.kind == "intro" and drafts.is_intro_draft_for(access_intro(me_owner, c.ref), person):
            return c
    return None


def _intro_target(me_owner, target: str, chosen: str | None) -> Introduction | None:
    """The introduction an id like i12 names (on today's agenda or not), else None."""
    if not _is_item_id(target) or parse_item_id(target)[0] != "intro":
        return None
    if chosen is not None and chosen not in drafts.INTRO_KINDS:
        raise TrothError(
            f"--kind: {target} is an introduction; its drafts are {', '.join(drafts.INTRO_KINDS)}"
        )
    return access_intro(me_owner, parse_item_id(target)[1])


def _list_templates(as_json: bool) -> None:
    rows = drafts.templates()
    where = drafts.user_dir()
    if as_json:
        print_json(
            {
                "directory": str(where),
                "templates": [
                    {"name": t.name, "path": str(t.path), "overridden": t.overridden} for t in rows
                ],
            }
        )
        return
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("template", style="cyan", no_wrap=True)
    table.add_column("in use")
    for t in rows:
        table.add_row(t.name, f"{t.path}{'  (yours)' if t.overridden else ''}")
    console.print(table)
    typer.echo(f"To change one, copy it to {where}/ under the same name and edit it there.")


@command("draft", rich_help_panel="Follow through")
def draft(
    target: str | None = typer.Argument(
        None,
        help="An agenda id (p12, t5, i12, n3, c7, r7, u4, x4) or a person (name or #id);"
        " i12 is introduction 12, on today's agenda or not.",
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help=f"What the message is for: {'|'.join(drafts.KINDS)}. "
        "Default: the agenda item's, the introduction's step's, or the person's most pressing one.",
    ),
    templates: bool = typer.Option(
        False, "--templates", help="List the templates and where to override them."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A short personal message to one person, built from what troth knows. Nothing is sent."""
    if templates:
        _list_templates(as_json)
        return
    if not target:
        raise TrothError("name an agenda id (like t5) or a person (troth draft Dana --kind thanks)")
    chosen = drafts.check_kind(kind) if kind is not None else None
    me_owner = owner()
    with transaction.atomic():
        item: Candidate | None = None
        intro = _intro_target(me_owner, target, chosen)
        if intro is not None:
            result = drafts.render_intro_draft(me_owner, intro, chosen)
        else:
            if _is_item_id(target):
                item = access_item(me_owner, target)
                person = Person.objects.get(owner=me_owner, id=item.person_id)
            else:
                person = resolve_person(me_owner, target)
                if chosen is None:
                    item = _top_item(me_owner, person)
            if chosen is None and item is not None and item.kind == "intro":
                result = drafts.render_intro_draft(me_owner, access_intro(me_owner, item.ref))
            else:
                if chosen is None:
                    chosen = drafts.kind_for_item(item) if item is not None else "checkin"
                result = drafts.render_draft(me_owner, person, chosen, item)
    person = result.person
    if as_json:
        from troth.present import draft_row

        row = draft_row(result)
        print_json(row)
        return
    # The message alone on stdout (pipe it to a clipboard); the note on stderr.
    if result.subject:
        typer.echo(f"Subject: {result.subject}\n")
    typer.echo(result.body)
    about = f" ({result.item})" if result.item else ""
    if result.intro is not None:
        about = f" (introduction #{result.intro})"
    names = " and ".join(p.full_name for p in result.to) or person.full_name
    typer.echo(
        f"\n[{result.kind} draft for {names}{about}; edit it before sending."
        f" Template: {result.template}]",
        err=True,
    )
    if not drafts.my_name(me_owner):
        typer.echo('[unsigned: set your name once with troth edit me --name "..."]', err=True)
