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
from troth.people.models import Person
from troth.people.queries import resolve_person


def _is_item_id(text: str) -> bool:
    try:
        parse_item_id(text)
    except ValueError:
        return False
    return True


def _top_item(me_owner, person: Person) -> Candidate | None:
    """The person's most pressing agenda item today, if any has a draft."""
    for item in agenda(me_owner).items:
        c = item.candidate
        if c.person_id == person.id and c.kind in drafts.FOR_AGENDA:
            return c
    return None


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
        None, help="An agenda id (p12, t5, n3, c7, r7, u4, x4) or a person (name or #id)."
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help=f"What the message is for: {'|'.join(drafts.KINDS)}. "
        "Default: the agenda item's, or the person's most pressing one.",
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
        if _is_item_id(target):
            item = access_item(me_owner, target)
            person = Person.objects.get(owner=me_owner, id=item.person_id)
        else:
            person = resolve_person(me_owner, target)
            if chosen is None:
                item = _top_item(me_owner, person)
        if chosen is None:
            chosen = drafts.kind_for_item(item) if item is not None else "checkin"
        result = drafts.render_draft(me_owner, person, chosen, item)
    if as_json:
        print_json(
            {
                "person": {"id": person.id, "name": person.full_name},
                "kind": result.kind,
                "subject": result.subject,
                "body": result.body,
                "template": str(result.template),
                "item": result.item,
            }
        )
        return
    # The message alone on stdout (pipe it to a clipboard); the note on stderr.
    if result.subject:
        typer.echo(f"Subject: {result.subject}\n")
    typer.echo(result.body)
    about = f" ({result.item})" if result.item else ""
    typer.echo(
        f"\n[{result.kind} draft for {person.full_name}{about}; edit it before sending."
        f" Template: {result.template}]",
        err=True,
    )
