"""troth merge and unmerge: one person seen through several sources."""

from __future__ import annotations

import typer
from django.db import transaction
from rich.table import Table

from troth.cli.app import command, console, fail, owner, plural, print_json
from troth.errors import TrothError
from troth.identity import actions, queries
from troth.lib.text import is_number
from troth.people.queries import resolve_person


def _confirm(question: str, yes: bool) -> bool:
    """Whether to go on: --yes, or a yes at the terminal."""
    if yes:
        return True
    try:
        confirmed = typer.confirm(question, default=False)
    except typer.Abort:  # no terminal to ask on, or no answer
        # exit 2, as `troth delete` does: the command was missing --yes, a usage mistake
        raise fail("nothing merged: confirm with --yes when not at a terminal") from None
    if not confirmed:  # a clear "no" is an answer, not an error (as `troth delete`)
        console.print("Nothing merged.")
    return confirmed


@command("merge", rich_help_panel="People")
def merge(
    keep: str | None = typer.Argument(None, help="The person to keep (name or #id)."),
    other: str | None = typer.Argument(None, help="The person merged into them."),
    suggestions: bool = typer.Option(
        False, "--suggestions", help="List people who may be the same, with why."
    ),
    reject: bool = typer.Option(
        False, "--reject", help="Record that the two are different people."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    limit: int = typer.Option(
        50, "--limit", help="Suggestions shown in the table (0: all; --json shows all)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (with --suggestions)."),
) -> None:
    """Merge two records of one person: KEEP stays, OTHER is folded into it (troth unmerge
    undoes it)."""
    if limit < 0:  # (it showed them all, as 0 does)
        raise fail(f"--limit must be 0 (all) or more, not {limit}")
    me_owner = owner()
    if suggestions:
        if keep or other or reject:
            raise fail("--suggestions takes no names")
        rows = queries.suggestion_rows(me_owner)
        if as_json:
            print_json(rows)
            return
        if not rows:
            console.print("No merge suggestions.")
            return
        table = Table(header_style="bold")
        for col in ("a", "b", "confidence", "why"):
            table.add_column(col, justify="right" if col == "confidence" else "left")
        shown = rows[:limit] if limit > 0 else rows
        for r in shown:
            table.add_row(
                f"{r['a']['name']} (#{r['a']['id']})",
                f"{r['b']['name']} (#{r['b']['id']})",
                f"{r['confidence']:.2f}",
                "; ".join(r["reasons"]),
            )
        console.print(table)
        if len(shown) < len(rows):
            console.print(f"... and {len(rows) - len(shown)} more (--limit 0 shows all).")
        console.print("Merge with: troth merge '#A' '#B'  (or --reject '#A' '#B')")
        return
    if as_json:
        # a merge prints its question and its result as text: --json only listed them
        # after a question on stdout (the attacker's review)
        raise fail("--json goes with --suggestions; a merge prints what it did")
    if not keep or not other:
        raise fail("name two people: troth merge KEEP OTHER (or --suggestions)")
    a = resolve_person(me_owner, keep)
    b = resolve_person(me_owner, other)
    if a.id == b.id:
        raise TrothError(f"{a.full_name} (#{a.id}) is one person already")
    if reject:
        with transaction.atomic():
            actions.do_reject(me_owner, a, b)
        console.print(
            f"Noted: {a.full_name} (#{a.id}) and {b.full_name} (#{b.id}) are different people."
        )
        return
    rejected = queries.rejected(me_owner, a, b)
    question = f"Merge {b.full_name} (#{b.id}) into {a.full_name} (#{a.id})?"
    if rejected:
        question = question[:-1] + " You had marked them as different people."
    if not _confirm(question, yes):
        return
    with transaction.atomic():
        record = actions.do_accept(me_owner, a, b)
    moved = len(record.snapshot["moved"])
    console.print(
        f"Merged {b.full_name} (#{b.id}) into {a.full_name} (#{a.id}): "
        f"{plural(moved, 'record')} moved. Merge #{record.id}; "
        f"troth unmerge {record.id} undoes it."
        + (" (They were marked as different people; that mark is gone.)" if rejected else "")
    )


@command("merges", rich_help_panel="People")
def merges(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Merges so far, newest first (automatic ones from imports too)."""
    rows = queries.merge_rows(owner())
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No merges yet.")
        return
    table = Table(header_style="bold")
    for col in ("id", "kept", "merged", "when", "why"):
        table.add_column(col, justify="right" if col == "id" else "left")
    for r in rows:
        when = r["created_at"][:16].replace("T", " ")
        if r["undone_at"]:
            when += " (undone)"
        table.add_row(
            str(r["id"]),
            f"{r['kept']['name']} (#{r['kept']['id']})",
            f"{r['merged']['name']} (#{r['merged']['id']})",
            when,
            r["reason"],
        )
    console.print(table)


@command("unmerge", rich_help_panel="People")
def unmerge(
    target: str = typer.Argument(
        ..., help="A merge id (troth merges), or a name: the latest merge into them."
    ),
) -> None:
    """Undo a merge: both people again, each with their own history."""
    me_owner = owner()
    text = target.strip()
    if is_number(text):
        record = queries.access_merge(me_owner, int(text))
    else:
        record = queries.latest_merge_into(me_owner, resolve_person(me_owner, text))
    with transaction.atomic():
        restored = actions.do_unmerge(me_owner, record)
    console.print(
        f"Unmerged merge #{record.id}: {restored.full_name} (#{restored.id}) is back beside "
        f"{record.kept.full_name} (#{record.kept_id}). They are now marked as different "
        "people, so troth will not suggest merging them again (troth merge still can)."
    )
