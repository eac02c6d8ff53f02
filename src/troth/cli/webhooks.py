"""troth webhooks: signed HTTP calls to another program when something happens."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from troth.cli.app import app, console, one_line_errors, owner, print_json
from troth.errors import TrothError

webhooks_app = typer.Typer(
    name="webhooks",
    help="Signed HTTP calls to other programs when something happens in troth.",
    invoke_without_command=True,
)
app.add_typer(webhooks_app, name="webhooks", rich_help_panel="Setup")


@webhooks_app.callback()
@one_line_errors
def webhooks(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List your webhooks: address, events, and how the last delivery went."""
    if ctx.invoked_subcommand is not None:
        return
    from troth.webhooks.queries import as_row, subscriptions

    rows = [as_row(s) for s in subscriptions(owner())]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No webhooks yet: troth webhooks add URL [--event person.created ...]")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("#", "address", "events", "last delivery"):
        table.add_column(col, overflow="fold")
    for row in rows:
        last = row["last_delivery"]
        state = "none yet"
        if last:
            state = f"{last['status']} ({last['event']}, {last['attempts']} attempt(s))"
            if last["error"]:
                state += f": {escape(last['error'])}"
        if not row["active"]:
            state = f"[red]off: {escape(row['disabled_reason'] or 'switched off')}[/red]"
        table.add_row(str(row["id"]), escape(row["url"]), ", ".join(row["events"]), state)
    console.print(table)


@webhooks_app.command("add")
@one_line_errors
def add(
    url: str = typer.Argument(..., help="Where to POST (http or https)."),
    event: list[str] = typer.Option(
        [],
        "--event",
        "-e",
        help="An event to send (repeat); all when left out. See `troth webhooks kinds`.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (with the secret)."),
) -> None:
    """Add a webhook. Its signing secret is shown this once: give it to the receiver."""
    from troth.webhooks.actions import do_add_subscription
    from troth.webhooks.queries import as_row

    sub, secret = do_add_subscription(owner(), url, event)
    if as_json:
        print_json({**as_row(sub), "secret": secret})
        return
    console.print(f"Webhook #{sub.id} to {escape(sub.url)}; its signing secret (shown once):")
    typer.echo(secret)
    console.print("[dim]Check each call's Troth-Signature header with it (README: Webhooks).[/dim]")


@webhooks_app.command("kinds")
@one_line_errors
def kinds(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The events a webhook can ask for."""
    from troth.events import KINDS

    if as_json:
        print_json([{"event": k, "means": v} for k, v in KINDS.items()])
        return
    for kind, means in KINDS.items():
        console.print(f"{kind:<20} {means}")


@webhooks_app.command("remove")
@one_line_errors
def remove(webhook_id: int = typer.Argument(..., help="The webhook's number.")) -> None:
    """Remove a webhook (what it was not sent yet is dropped)."""
    from troth.webhooks.actions import do_remove_subscription
    from troth.webhooks.queries import subscription

    me = owner()
    sub = subscription(me, webhook_id)
    do_remove_subscription(me, sub)
    console.print(f"Removed webhook #{webhook_id} ({escape(sub.url)}).")


@webhooks_app.command("enable")
@one_line_errors
def enable(webhook_id: int = typer.Argument(..., help="The webhook's number.")) -> None:
    """Switch a webhook back on after troth switched it off for failing."""
    from troth.webhooks.actions import do_enable
    from troth.webhooks.queries import subscription

    me = owner()
    do_enable(me, subscription(me, webhook_id))
    console.print(f"Webhook #{webhook_id} is on again.")


@webhooks_app.command("ping")
@one_line_errors
def ping(webhook_id: int = typer.Argument(..., help="The webhook's number.")) -> None:
    """Send a test event now, and say what the receiver answered."""
    from troth.webhooks.actions import do_deliver_due, do_ping
    from troth.webhooks.models import Delivery
    from troth.webhooks.queries import delivery_row, subscription

    me = owner()
    delivery = do_ping(me, subscription(me, webhook_id))
    do_deliver_due()
    row = delivery_row(Delivery.objects.select_related("event").get(pk=delivery.pk))
    if row["status"] == "delivered":
        console.print(f"Delivered: the receiver answered {row['response_status']}.")
        return
    from troth.errors import TrothError

    raise TrothError(
        f"not delivered: {row['error'] or row['response_status']}; a test is sent once"
    )


@webhooks_app.command("deliveries")
@one_line_errors
def deliveries(
    webhook_id: int | None = typer.Argument(None, help="Only this webhook's."),
    limit: int = typer.Option(20, "--limit", help="How many, newest first (1-1000)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The delivery log: each event sent, its attempts and the last answer."""
    if not 1 <= limit <= 1000:  # (it was quietly taken as 1 or 1000)
        raise TrothError(f"--limit must be 1 to 1000, not {limit}")
    from troth.webhooks.queries import deliveries as log
    from troth.webhooks.queries import delivery_row, subscription

    me = owner()
    if webhook_id is not None:
        subscription(me, webhook_id)  # says "no webhook #N" for another's or none
    rows = [delivery_row(d) for d in log(me, webhook_id, limit=limit)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Nothing sent yet.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("#", "webhook", "event", "status", "tries", "answer"):
        table.add_column(col, overflow="fold")
    for row in rows:
        answer = row["error"] or (
            f"HTTP {row['response_status']}" if row["response_status"] else ""
        )
        table.add_row(
            str(row["id"]),
            str(row["webhook"]),
            row["event"],
            row["status"],
            str(row["attempts"]),
            escape(answer),
        )
    console.print(table)


@webhooks_app.command("send")
@one_line_errors
def send() -> None:
    """Send what is due now (troth serve and troth worker do this by themselves)."""
    from troth.webhooks.actions import do_deliver_due, do_emit_due_promises

    owner()
    do_emit_due_promises()
    counts = do_deliver_due()
    console.print(
        f"{counts['delivered']} delivered, {counts['retrying']} to retry, {counts['failed']} failed."
    )
