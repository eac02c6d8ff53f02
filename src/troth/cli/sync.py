"""troth sources and troth sync: mail and calendars that keep up by themselves (issue 14)."""

from __future__ import annotations

import re
from typing import Any

import typer
from django.db import transaction
from rich.markup import escape
from rich.table import Table

from troth.cli.app import app, command, console, fail, one_line_errors, owner, plural, print_json
from troth.errors import TrothError

sources_app = typer.Typer(
    name="sources",
    help="Mail (IMAP) and calendars (CalDAV, ICS address) that troth syncs by itself.",
    invoke_without_command=True,
)
app.add_typer(sources_app, name="sources", rich_help_panel="Setup")

KINDS = ("imap", "caldav", "ics")
KIND_NAMES = {"imap": "IMAP mail", "caldav": "CalDAV calendar", "ics": "ICS address"}
PASSWORD_HELP = "The (app) password; asked for when not given (or TROTH_SOURCE_PASSWORD)."


@sources_app.callback()
@one_line_errors
def sources(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the sources: each one's last sync, what it added and its last error."""
    if ctx.invoked_subcommand is not None:
        return
    from troth.sync.queries import as_row
    from troth.sync.queries import sources as list_sources
    from troth.sync.secrets import key_store

    me = owner()
    rows = [as_row(s) for s in list_sources(me)]
    if as_json:
        print_json(rows)
        return
    keys = f"[dim]passwords encrypted with the key in {escape(key_store())}[/dim]"
    if not rows:
        console.print("No sources yet: troth sources add imap|caldav|ics ...")
        console.print(keys, overflow="fold")  # a long path folds
        return
    # Five columns, the kind under the source's name: readable in 80 columns.
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("source", overflow="fold", ratio=3)
    table.add_column("last sync", no_wrap=True)
    table.add_column("added", justify="right", no_wrap=True)
    table.add_column("state", overflow="fold", ratio=2)
    for row in rows:
        last = (row["last_sync_at"] or "never")[:16].replace("T", "\n")  # date, then time
        added = f"{row['last_added']['interactions_added']} / {row['added_total'].get('interactions_added', 0)}"
        state = "syncing" if row["syncing"] else "ok"
        if row["last_error"]:
            state = f"[red]failing ({row['failures']}x): {escape(row['last_error'])}[/red]"
        name = re.sub(r"\bhttps?://", "", row["label"])  # the kind below says what it is
        source = f"{escape(name)}\n[dim]{KIND_NAMES.get(row['kind'], row['kind'])}[/dim]"
        table.add_row(str(row["id"]), source, last, added, state)
    console.print(table)
    console.print("[dim]added: interactions, last sync / all syncs[/dim]")
    console.print(keys, overflow="fold")  # a long path folds


def _secret(given: str | None, prompt: str) -> str:
    if given:
        return given
    return str(typer.prompt(prompt, hide_input=True))


@sources_app.command("add")
@one_line_errors
def add(
    kind: str = typer.Argument(..., help="imap, caldav or ics.", show_default=False),
    address: str = typer.Argument(
        None,
        help="ics: the calendar's secret address (asked for when left out).",
        show_default=False,
    ),
    host: str = typer.Option("", "--host", help="imap: the server, as imap.example.org."),
    port: int | None = typer.Option(None, "--port", help="imap: 993 for tls, 143 otherwise."),
    security: str = typer.Option("tls", "--security", help="imap: tls, starttls or none."),
    url: str = typer.Option("", "--url", help="caldav: the server's address."),
    user: str = typer.Option("", "--user", help="imap, caldav: the login."),
    password: str | None = typer.Option(
        None, "--password", envvar="TROTH_SOURCE_PASSWORD", help=PASSWORD_HELP
    ),
    folder: list[str] = typer.Option(
        [], "--folder", help="imap: a folder to sync (repeat; default: inbox, Sent, All Mail)."
    ),
    me: list[str] = typer.Option([], "--me", help="Your own address (repeat), as troth import."),
    every: int = typer.Option(15, "--every", help="Minutes between two syncs by the worker."),
    label: str = typer.Option(
        "", "--label", help="Your name for it, shown in troth sources (as 'work calendar')."
    ),
    no_check: bool = typer.Option(
        False, "--no-check", help="ics: add it without fetching it once first."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Add a source: troth sources add imap --host H --user U --me ADDRESS."""
    from troth.sync import actions
    from troth.sync.queries import as_row

    kind = kind.lower()
    if kind not in KINDS:
        raise TrothError(f"unknown kind {kind!r}: use imap, caldav or ics")
    me_owner = owner()
    if kind == "imap":
        if not host or not user:
            raise TrothError("troth sources add imap needs --host and --user")
        secret = _secret(password, "IMAP password")
        with transaction.atomic():
            source = actions.do_add_imap(
                me_owner,
                host=host,
                port=port,
                security=security,
                username=user,
                password=secret,
                folders=folder,
                me=me,
                every=every,
                label=label,
            )
    elif kind == "caldav":
        if not url or not user:
            raise TrothError("troth sources add caldav needs --url and --user")
        secret = _secret(password, "CalDAV password")
        with transaction.atomic():
            source = actions.do_add_caldav(
                me_owner,
                url=url,
                username=user,
                password=secret,
                me=me,
                every=every,
                label=label,
            )
    else:
        link = address or _secret(None, "The calendar's secret ICS address")
        # one write, after one fetch (no transaction held open while the network answers)
        source = actions.do_add_ics(
            me_owner, url=link, me=me, every=every, label=label, check=not no_check
        )
    if as_json:
        print_json(as_row(source))
        return
    console.print(
        f"[green]Added source #{source.pk}[/green]: {escape(source.label)}"
        f" (synced every {source.every_minutes} min by troth worker; now: troth sync {source.pk})"
    )


@sources_app.command("remove")
@one_line_errors
def remove(
    source_id: int = typer.Argument(..., metavar="ID", help="The source's number (troth sources)."),
    purge: bool = typer.Option(
        False, "--purge", help="Also undo everything it imported (kept by default)."
    ),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="With --purge: do not ask before removing what was added since."
    ),
) -> None:
    """Remove a source; what it imported stays unless --purge."""
    from troth.sync.actions import do_remove_source
    from troth.sync.queries import purge_losses, source

    me_owner = owner()
    found = source(me_owner, source_id)
    # --purge undoes its imports by force: what you logged since on the people they
    # brought goes too, so it asks first, as `troth import --undo --force` does
    losses = purge_losses(me_owner, found) if purge and not yes else []
    if losses:
        try:
            confirmed = typer.confirm(
                f"Remove source #{source_id}, undo its imports and remove with them"
                f" {'; and '.join(losses)}?",
                default=False,
            )
        except typer.Abort:  # no terminal to ask on, or no answer
            raise fail("nothing removed: confirm with --yes when not at a terminal") from None
        if not confirmed:
            console.print("Nothing removed.")
            return
    undone = do_remove_source(me_owner, found, purge=purge)
    kept = "" if purge else " (what it imported stays: troth imports, troth import --undo RUN)"
    extra = f", {plural(undone, 'import')} undone" if purge else ""
    console.print(f"Removed source #{source_id}: {escape(found.label)}{extra}{kept}")


@sources_app.command("password")
@one_line_errors
def password_(
    source_id: int = typer.Argument(..., metavar="ID", help="The source's number (troth sources)."),
    password: str | None = typer.Option(
        None, "--password", envvar="TROTH_SOURCE_PASSWORD", help=PASSWORD_HELP
    ),
) -> None:
    """Type a source's password (or ICS address) again: changed, or the key was lost."""
    from troth.sync.actions import do_set_secret
    from troth.sync.queries import source

    me_owner = owner()
    found = source(me_owner, source_id)
    what = "The calendar's secret ICS address" if found.kind == "ics" else "Password"
    with transaction.atomic():
        do_set_secret(me_owner, found, _secret(password, what))
    console.print(f"Saved, encrypted. Next: troth sync {source_id}")


@command("sync", rich_help_panel="Setup")
def sync(
    source_id: int | None = typer.Argument(
        None, metavar="[ID]", help="One source (troth sources); all of them when left out."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Sync mail and calendars now (troth sources lists them)."""
    from troth.cli.imports import _Bar
    from troth.sync.actions import do_sync
    from troth.sync.queries import as_row, source, sources

    me_owner = owner()
    chosen = [source(me_owner, source_id)] if source_id is not None else list(sources(me_owner))
    if not chosen:
        raise TrothError("no sources to sync: troth sources add imap|caldav|ics ...")
    results: list[dict[str, Any]] = []
    failed: list[str] = []
    for src in chosen:
        try:
            with _Bar(show=not as_json) as bar:
                run = do_sync(me_owner, src, progress=bar)
        except TrothError as exc:
            failed.append(f"#{src.pk} {src.label}: {exc}")
            results.append({"source": as_row(source(me_owner, src.pk)), "error": str(exc)})
            if not as_json:
                typer.echo(f"troth: error: source #{src.pk}: {exc}", err=True)
            continue
        results.append({"source": as_row(source(me_owner, src.pk)), "counts": run.counts})
        if not as_json:
            console.print(f"#{src.pk} {escape(src.label)}: {_said(src.kind, run.counts)}")
    if as_json:
        print_json(results)
    if failed:
        raise typer.Exit(2)


def _said(kind: str, counts: dict[str, Any]) -> str:
    added = (
        f"{plural(counts.get('people_created', 0), 'new person', 'new people')},"
        f" {plural(counts.get('interactions_added', 0), 'interaction')} added"
    )
    if kind == "imap":
        head = f"{plural(counts.get('messages', 0), 'new message')}"
        if counts.get("rescanned"):
            head += f" (renumbered by the server, read again: {', '.join(counts['rescanned'])})"
        return f"{head}; {added}"
    if kind == "ics" and not counts.get("changed"):
        return "unchanged"
    if kind == "caldav":
        return f"{plural(counts.get('events', 0), 'changed event')}; {added}"
    return added
