"""Needs meet helpers: who could meet a need (troth help), and needs you could meet."""

from __future__ import annotations

import typer
from django.db import transaction
from rich.markup import escape
from rich.table import Table

from troth import present
from troth.cli.app import command, console, owner, parse_id, print_json
from troth.errors import TrothError
from troth.helping import who_can_help
from troth.ledger.queries import access_need
from troth.lib.text import is_number, whole
from troth.people.models import Person

_TIER_NOTE = {
    "stranger": "stranger: no two-way contact yet, so passing the need to them is a handoff;"
    " build the tie first, or ask someone who knows them",
    "dormant": "dormant tie: reconnect before you ask",
}


@command("help", rich_help_panel="Give first")
def help_cmd(
    ctx: typer.Context,
    ident: str | None = typer.Argument(
        None, help="Need id (12 or #12), as troth needs prints it; a command name shows its help."
    ),
    limit: int = typer.Option(5, "--limit", help="How many people to show (0: everyone)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Who in your network could meet a need, and why; and what you could give yourself."""
    # "troth help" and "troth help agenda" mean what they mean everywhere else.
    parent = ctx.parent
    if ident is None or not is_number(ident.lstrip("#")):
        group = parent.command if parent is not None else None
        sub = group.get_command(parent, ident) if group and ident else None  # type: ignore[attr-defined]
        if ident is not None and sub is None:
            raise TrothError(
                f"help: {ident!r} is neither a need id nor a command; see troth --help"
            )
        if sub is not None and parent is not None:
            sub_ctx = sub.make_context(ident, [], parent=parent, resilient_parsing=True)
            typer.echo(sub.get_help(sub_ctx))
        elif parent is not None:
            typer.echo(parent.get_help())
        return
    if limit < 0:
        raise TrothError("--limit must be 0 (everyone) or more")
    limit = limit or 10_000
    me_owner = owner()
    with transaction.atomic():
        need = access_need(me_owner, parse_id(ident, "need"))
        result = who_can_help(me_owner, need, k=limit)
    row = present.help_row(result)
    if as_json:
        print_json(row)
        return
    n = row["need"]
    whose = "Your need" if n["mine"] else f"{n['person']['name']} needs"
    tags = f"; tags {', '.join(n['tags'])}" if n["tags"] else ""
    status = "" if n["status"] == "open" else escape(f" [{n['status']}]")
    console.print(
        f"[bold]Need #{n['id']}[/bold]{status}: {escape(whose)} “{escape(n['what'])}”"
        f" (until {n['expires_on']}{escape(tags)})"
    )
    if not result.helpers:
        console.print(
            "Nobody in your network matches this need's words yet. Tags and notes help troth"
            ' find people: troth tag NAME WORD, troth note NAME "..."'
        )
    else:
        console.print("[bold]Who could help[/bold] (best fit first; closer ties break ties)")
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column("id", style="cyan", no_wrap=True)
        table.add_column("who", no_wrap=True)
        table.add_column("why")
        for h in result.helpers:
            tie = _TIER_NOTE.get(h.tier) or f"{h.tier} tie" + (
                f", trust {whole(h.trust)}" if h.trust is not None else ""
            )
            style = "yellow" if h.tier in _TIER_NOTE else "dim"
            table.add_row(
                f"#{h.person_id}",
                escape(h.name),
                f"{escape('; '.join(h.reasons))}\n[{style}]{escape(tie)}[/{style}]",
            )
        console.print(table)
    if result.me is not None:
        console.print(
            f"[bold]You could help yourself[/bold]: {escape('; '.join(result.me.reasons))}"
        )
    if not n["mine"] and n["status"] == "open":
        console.print(
            f'[dim]Answered it? troth gave NAME KIND "..." --need {n["id"]} (closes it).'
            " Asking someone to help? Ask them first, and only pass on a need with"
            " its owner's blessing.[/dim]"
        )


def show_i_can_help(
    me_owner, person: Person | None, as_json: bool, shown: int | None = None
) -> None:
    """`shown`: at most this many (None: all), best fit first."""
    ranked = present.i_can_help_ranked(me_owner, person)
    rows = present.can_help_rows(me_owner, ranked[:shown] if shown is not None else ranked)
    more = len(ranked) - len(rows)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print(
            "No open need of a contact matches what troth knows about you yet. Your favours"
            ' given, title and tags are what it matches: troth gave NAME KIND "...".'
        )
        return
    table = Table(header_style="bold")
    for col in ("id", "whose", "what", "until", "why you"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]),
            escape(r["person"]["name"]),
            escape(r["what"]),
            r["expires_on"],
            escape("; ".join(r["why"][:2])),
        )
    console.print(table)
    if more > 0:
        console.print(f"[dim]{more} more match; --limit N (0 for all).[/dim]")
    console.print("[dim]Who else could help: troth help ID[/dim]")
