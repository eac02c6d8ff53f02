"""troth tokens: personal access tokens for the HTTP API and the CardDAV address book."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from troth.cli.app import app, console, one_line_errors, owner, print_json

tokens_app = typer.Typer(
    name="tokens",
    help="Personal access tokens for the HTTP API (/api/v1/) and CardDAV.",
    invoke_without_command=True,
)
app.add_typer(tokens_app, name="tokens", rich_help_panel="Setup")


@tokens_app.callback()
@one_line_errors
def tokens(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List your live tokens: name, what they may do, when each was last used."""
    if ctx.invoked_subcommand is not None:
        return
    from troth.tokens.queries import as_row
    from troth.tokens.queries import tokens as live

    rows = [as_row(t) for t in live(owner())]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No tokens yet: troth tokens add NAME [--read-only]")
        return
    table = Table(show_edge=False, pad_edge=False)
    for col in ("#", "name", "token", "may", "made", "last used"):
        table.add_column(col)
    for row in rows:
        table.add_row(
            str(row["id"]),
            escape(str(row["name"])),
            f"{row['prefix']}…",
            "read" if row["read_only"] else "read, write",
            str(row["created_at"])[:10],
            str(row["last_used_at"] or "never")[:16].replace("T", " "),
        )
    console.print(table)


@tokens_app.command("add")
@one_line_errors
def add(
    name: str = typer.Argument(..., help="What will use it: 'phone', 'backup script'."),
    read_only: bool = typer.Option(False, "--read-only", help="It may read, never write."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (with the token)."),
) -> None:
    """Make a token. It is shown this once: copy it now."""
    from troth.tokens.actions import do_create_token
    from troth.tokens.queries import as_row

    token, raw = do_create_token(owner(), name, read_only=read_only)
    if as_json:
        print_json({**as_row(token), "token": raw})
        return
    console.print(
        f"Token {escape(token.name)!s} ({'read-only' if read_only else 'read and write'}):"
    )
    # Printed bare, on its own line, so it can be copied or piped whole.
    typer.echo(raw)
    console.print("[dim]Shown this once; troth keeps only its digest.[/dim]")


@tokens_app.command("revoke")
@one_line_errors
def revoke(
    ref: str = typer.Argument(..., help="The token's number or name."),
) -> None:
    """Revoke a token: anything using it is refused from now on."""
    from troth.tokens.actions import do_revoke_token

    token = do_revoke_token(owner(), ref)
    console.print(f"Revoked token {escape(token.name)} ({token.prefix}…).")
