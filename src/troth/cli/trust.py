"""Commands about trust: trust, balance, reliability, ready."""

from __future__ import annotations

from typing import Any

import typer
from django.db import transaction
from django.utils import timezone
from rich.table import Table

from troth import present
from troth.cli.app import command, console, owner, print_json
from troth.cli.parse import date_option
from troth.errors import TrothError
from troth.intros.queries import intro_conduct
from troth.ledger.queries import balance as balance_rows
from troth.ledger.queries import follow_through
from troth.people.queries import resolve_person
from troth.trust.asking import ready_to_ask
from troth.trust.constants import TIERS, check_tier
from troth.trust.queries import check_as_of, trust_detail, trust_on, trust_today
from troth.trust.ready import ASKS, PHRASE

AS_OF_HELP = "Compute as the network stood on this date (only what was known then)."


def _as_of(value: str | None):
    return check_as_of(date_option(value, "--as-of", past=True))


def _trend(value: float | None) -> str:
    if value is None:
        return ""
    # rounded once, as scores are (present.whole), then "=" for no change: -0.5 printed
    # with :.0f read "-0" (issue 18 item 11)
    n = present.whole(value)
    if n == 0:
        return "="
    return f"[green]+{n}[/green]" if n > 0 else f"[red]{n}[/red]"


@command("trust", rich_help_panel="Trust")
def trust(
    name: str | None = typer.Argument(None, help="One person (name or #id); everyone if omitted."),
    tier: str | None = typer.Option(None, "--tier", help="|".join(TIERS)),
    cooling: bool = typer.Option(
        False,
        "--cooling",
        help="The ties whose score fell a point or more in 90 days, biggest drop first.",
    ),
    limit: int = typer.Option(50, "--limit", help="Rows in the table (0 for all)."),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Trust scores 0-100 with tier, trend and the reasons."""
    if limit < 0:  # (as `troth people`: -3 listed everyone, a newcomer found)
        raise TrothError(f"--limit must be 0 (no limit) or more, got {limit}")
    if tier is not None:
        check_tier(tier)
    me_owner = owner()
    day = _as_of(as_of)
    if name:
        person = resolve_person(me_owner, name)
        detail = trust_detail(me_owner, person, day)
        if as_json:
            print_json(detail)
            return
        console.print(
            f"[bold]{detail['name']}[/bold]: trust {present.whole(detail['score'])}/100, {detail['tier']} "
            f"(30 days: {_trend(detail['trend_30']) or 'n/a'}, 90 days: {_trend(detail['trend_90']) or 'n/a'})"
            f" [dim]as of {detail['as_of']}[/dim]"
        )
        for reason in detail["reasons"]:
            console.print(f"  - {reason}")
        console.print(
            f"Activity {present.whole(detail['activity'])}/100: the chance you are in touch"
            " within 90 days (how troth reads your rhythm, not how much they trust you)"
        )
        for reason in detail["activity_reasons"]:
            console.print(f"  - {reason}")
        return
    with transaction.atomic():
        if day == timezone.localdate():  # the cached scores, as the API reads them
            qs, rows_of = trust_today(me_owner, tier, cooling)
            rows = rows_of(list(qs))
        else:
            rows = trust_on(me_owner, day, tier, cooling)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Nobody here yet." if not (tier or cooling) else "Nobody matches.")
        return
    table = Table(header_style="bold")
    for col in ("id", "name", "score", "tier", "30d", "90d", "activity"):
        table.add_column(
            col,
            justify="right" if col in ("id", "score", "30d", "90d", "activity") else "left",
            no_wrap=True,
        )
    shown = rows[:limit] if limit else rows
    for r in shown:
        table.add_row(
            str(r["id"]),
            r["name"],
            f"{present.whole(r['score'])}",
            r["tier"],
            _trend(r["trend_30"]),
            _trend(r["trend_90"]),
            "" if r["activity"] is None else f"{present.whole(r['activity'])}",
        )
    console.print(table)
    if len(shown) < len(rows):
        narrow = "" if tier else ", --tier to filter"  # (not when one is given)
        console.print(f"[dim]{len(rows) - len(shown)} more; --limit 0 for all{narrow}.[/dim]")


@command("balance", rich_help_panel="Trust")
def balance(
    name: str | None = typer.Argument(None, help="One person; everyone if omitted."),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Give and take: favours given and received, who you owe a turn."""
    me_owner = owner()
    day = _as_of(as_of)
    rows = balance_rows(me_owner, day)
    if name:
        person = resolve_person(me_owner, name)
        rows = [r for r in rows if r["id"] == person.id] or [
            {"id": person.id, "name": person.full_name, "given": 0, "received": 0, "balance": 0}
        ]
    data = {
        "as_of": day.isoformat(),
        "given": sum(r["given"] for r in rows),
        "received": sum(r["received"] for r in rows),
        "people": rows,
    }
    if as_json:
        print_json(data)
        return
    console.print(
        f"You gave {data['given']} favours and received {data['received']} [dim](as of {data['as_of']})[/dim]."
    )
    owe = [r for r in rows if r["balance"] < 0]
    only_took = [r for r in owe if r["given"] == 0]
    if only_took:
        console.print(
            "[yellow]Only taken so far[/yellow]: " + ", ".join(r["name"] for r in only_took[:10])
        )
    table = Table(header_style="bold")
    for col in ("name", "given", "received", ""):
        table.add_column(col)
    for r in rows[:50]:
        note = "your turn to give" if r["balance"] < 0 else ""
        table.add_row(r["name"], str(r["given"]), str(r["received"]), note)
    if rows:
        console.print(table)


@command("reliability", rich_help_panel="Trust")
def reliability(
    name: str | None = typer.Argument(None, help="One person; everyone if omitted."),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Follow-through: promises kept, broken and late, yours first."""
    me_owner = owner()
    day = _as_of(as_of)
    data: dict[str, Any] = follow_through(me_owner, day)
    data["as_of"] = day.isoformat()
    data["introductions"] = intro_conduct(me_owner, day)
    if name:
        person = resolve_person(me_owner, name)
        data["theirs"] = [r for r in data["theirs"] if r["id"] == person.id]
        intros = data["introductions"]
        intros["theirs"] = [r for r in intros["theirs"] if r["id"] == person.id]
    if as_json:
        print_json(data)
        return
    mine = data["mine"]
    rate = f"{mine['rate']:.0%}" if mine["rate"] is not None else "no promises settled yet"
    console.print(
        f"[bold]Your follow-through: {rate}[/bold] — kept {mine['kept']} ({mine['late']} late), "
        f"broken {mine['broken']}, open {mine['open']} ({mine['overdue']} overdue)."
    )
    if data["theirs"]:
        table = Table(title="Promises made to you", header_style="bold", title_justify="left")
        for col in ("name", "kept", "late", "broken", "open", "rate"):
            table.add_column(col)
        for r in data["theirs"][:50]:
            table.add_row(
                r["name"],
                str(r["kept"]),
                str(r["late"]),
                str(r["broken"]),
                str(r["open"]),
                f"{r['rate']:.0%}" if r["rate"] is not None else "",
            )
        console.print(table)
    loops = data["introductions"]
    me_loops = loops["mine"]
    if me_loops["closed"] or me_loops["dropped"]:
        console.print(
            f"[bold]Your introductions:[/bold] closed the loop {me_loops['closed']} times"
            f" (followed up, thanked), let {me_loops['dropped']} drop."
        )
    if loops["theirs"]:
        table = Table(
            title="How contacts handled introductions", header_style="bold", title_justify="left"
        )
        for col in ("name", "answered or followed up", "let drop"):
            table.add_column(col)
        for r in loops["theirs"][:50]:
            table.add_row(r["name"], str(r["closed"]), str(r["dropped"]))
        console.print(table)


@command("ready", rich_help_panel="Trust")
def ready(
    name: str = typer.Argument(..., help="Who you would ask."),
    ask: str = typer.Option(..., "--ask", help="|".join(ASKS)),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Am I ready to ask? READY or NOT YET, with why and what to do first."""
    if ask not in ASKS:
        raise TrothError(f"unknown ask {ask!r}; use one of {', '.join(ASKS)}")
    me_owner = owner()
    day = _as_of(as_of)
    person = resolve_person(me_owner, name)
    verdict = ready_to_ask(me_owner, person, ask, day)
    if as_json:
        print_json(verdict)
        return
    head = "[green]READY[/green]" if verdict["ready"] else "[yellow]NOT YET[/yellow]"
    console.print(
        f"{head} to ask {person.full_name} for {PHRASE[ask]} "
        f"(trust {present.whole(verdict['score'])}, {verdict['tier']})"
    )
    for why in verdict["why"]:
        console.print(f"  - {why}")
    if verdict["first"]:
        console.print("[bold]First:[/bold]")
        for step in verdict["first"]:
            console.print(f"  - {step}")
