"""troth export json|vcard|csv and troth backup: your data out, whole or in the shapes
other tools read. `troth import json FILE` (in troth.cli.imports) restores an export."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from django.db import transaction
from rich.markup import escape

from troth.cli.app import app, console, fail, owner, plural
from troth.errors import TrothError

export_app = typer.Typer(
    name="export",
    help="Your data out: everything as JSON (troth import json restores it), vCard or CSV.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export", rich_help_panel="Setup")


def _one_line_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*a: Any, **kw: Any) -> Any:
        try:
            return fn(*a, **kw)
        except TrothError as exc:
            raise fail(str(exc), exc.exit_code) from None

    return wrapper


def _summary(counts: dict[str, int]) -> str:
    people = counts.get("people.person", 0)
    interactions = counts.get("interactions.interaction", 0)
    total = sum(counts.values())
    return (
        f"{plural(people, 'person', 'people')}, {plural(interactions, 'interaction')};"
        f" {plural(total, 'record')} in {plural(len(counts), 'table')}"
    )


@export_app.command("json")
@_one_line_errors
def export_json(
    file: Path = typer.Argument(
        ...,
        help="The file to write (replaced if it exists); - for standard output.",
        show_default=False,
    ),
) -> None:
    """Everything you have, as one JSON file that troth import json restores exactly.

    People, contact details, jobs, notes, tags, interactions, favours, promises, needs,
    introductions, agenda marks: every row with its id. Trust scores are left out:
    they are recomputed from the rest on first use.
    """
    from troth.backup.export import write_export
    from troth.backup.files import atomic_text

    me_owner = owner()
    if str(file) == "-":
        with transaction.atomic():
            write_export(me_owner, sys.stdout)
        sys.stdout.flush()
        return
    with atomic_text(file) as fh, transaction.atomic():
        counts = write_export(me_owner, fh)
    console.print(f"Exported {_summary(counts)} to {escape(str(file))}")
    console.print("[dim]Restore it into an empty database with: troth import json FILE[/dim]")
