"""troth export json|vcard|csv and troth backup: your data out, whole or in the shapes
other tools read. `troth import json FILE` (in troth.cli.imports) restores an export."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from django.db import transaction
from rich.markup import escape

from troth.cli.app import app, command, console, one_line_errors, owner, plural
from troth.errors import TrothError

export_app = typer.Typer(
    name="export",
    help="Your data out: everything as JSON (troth import json restores it), vCard or CSV.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export", rich_help_panel="Setup")


def _summary(counts: dict[str, int]) -> str:
    people = counts.get("people.person", 0)
    interactions = counts.get("interactions.interaction", 0)
    total = sum(counts.values())
    return (
        f"{plural(people, 'person', 'people')}, {plural(interactions, 'interaction')};"
        f" {plural(total, 'record')} in {plural(len(counts), 'table')}"
    )


@export_app.command("json")
@one_line_errors
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
    from troth.lib.files import atomic_text

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


@export_app.command("vcard")
@one_line_errors
def export_vcard(
    file: Path = typer.Argument(
        ...,
        help="The .vcf file to write (replaced if it exists); - for standard output.",
        show_default=False,
    ),
    include_me: bool = typer.Option(False, "--me", help="Include your own card."),
) -> None:
    """Everyone as vCard 4.0, for Apple Contacts, Google Contacts or Thunderbird.

    Names, e-mails, phones, links, company and title, notes, tags (CATEGORIES) and
    photos. Each card keeps its UID, so importing a newer export updates the same cards.
    """
    from troth.backup.vcard_out import vcards
    from troth.lib.files import write_bytes_atomically

    me_owner = owner()
    with transaction.atomic():
        text, n = vcards(me_owner, include_me=include_me)
    data = text.encode("utf-8")
    if str(file) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    written = write_bytes_atomically(file, data)
    console.print(f"Wrote {plural(n, 'card')} to {escape(str(written))}")


@export_app.command("csv")
@one_line_errors
def export_csv(
    directory: Path = typer.Argument(
        ..., help="The directory to write into (created if missing).", show_default=False
    ),
) -> None:
    """One CSV file per kind of record (people, interactions, favours, promises, needs,
    introductions, notes): UTF-8 with a header row, for a spreadsheet."""
    from troth.backup.csv_out import write_csv

    me_owner = owner()
    with transaction.atomic():
        counts = write_csv(me_owner, directory)
    for name, n in counts.items():
        console.print(f"{escape(str(directory / name))}: {plural(n, 'row')}")


def _size(n: int) -> str:
    if n < 1024:
        return plural(n, "byte")
    size = n / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _may_replace(file: Path) -> bool:
    """Ask before a backup replaces a file (perhaps the only good copy); with nobody at
    the keyboard to ask, refuse rather than guess."""
    if not sys.stdin.isatty():
        raise TrothError(f"{file} exists; pass --yes to replace it (or name a new file)")
    return typer.confirm(f"{file} exists. Replace it?", default=False)


@command("backup", rich_help_panel="Setup")
def backup(
    file: Path = typer.Argument(
        ..., help="The copy to write (asks before replacing a file).", show_default=False
    ),
    yes: bool = typer.Option(
        False, "--yes", "--force", "-y", help="Replace FILE if it exists, without asking."
    ),
) -> None:
    """A consistent copy of the SQLite database, safe while troth is running.

    Uses SQLite's online backup, checks the copy (PRAGMA integrity_check) and only
    then puts it in place. Put it back with troth restore FILE. On PostgreSQL, use
    pg_dump.
    """
    from troth import bootstrap
    from troth.backup.sqlite_backup import backup_django

    if file.is_file() and not yes and not _may_replace(file):
        console.print(f"Nothing written: {escape(str(file))} is as it was.")
        return
    bootstrap.setup()
    result = backup_django(file)
    console.print(
        f"Backed up the database to {escape(str(result.path))}"
        f" ({_size(result.size)}, {plural(result.tables, 'table')}; integrity check ok)"
    )


@command("restore", rich_help_panel="Setup")
def restore(
    file: Path = typer.Argument(..., help="A file written by troth backup.", show_default=False),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Restore over a database that holds data (it is kept aside, beside it).",
    ),
    with_accounts: bool = typer.Option(
        False,
        "--with-accounts",
        help="Your own server's backup: keep its passwords, rights, tokens, sessions, feeds,"
        " webhooks and mail settings as they were.",
    ),
) -> None:
    """Put a troth backup file back as your database (SQLite).

    The file must be a troth database this version knows; a database that holds data
    is only replaced with --replace, and the one that was there is always kept aside
    (troth.sqlite3.before-restore-DATE). Refused while troth serve or troth worker
    runs on the database: stop them first. On PostgreSQL, use pg_restore.
    """
    from django.db import connection, connections

    from troth import bootstrap
    from troth.backup.sqlite_restore import restore_file

    bootstrap.configure()
    if connection.vendor != "sqlite":
        raise TrothError(
            f"troth restore puts back SQLite backups; this database is {connection.vendor}:"
            " use pg_restore"
        )
    target = Path(str(connection.settings_dict["NAME"]))
    connections.close_all()  # nothing of ours holds the file while it is replaced
    from troth.lib.inuse import InUse, alone

    target.parent.mkdir(parents=True, exist_ok=True)  # (a new home)

    # a running troth serve or troth worker would go on writing to the database moved
    # aside, and lose what it wrote: refused while one holds the in-use lock
    try:
        with alone(target):
            result = restore_file(
                file,
                target,
                replace=replace,
                shipped=bootstrap.shipped_migrations(),
                keep_access=with_accounts,
            )
    except InUse:
        raise TrothError(
            f"troth serve or troth worker is using {target}: stop it, then restore"
            " (it would go on writing to the database moved aside)"
        ) from None
    bootstrap.migrate()  # (nothing to do: the new database is this version's)
    console.print(
        f"Restored {escape(str(file))} into {escape(str(result.restored))}"
        f" ({plural(result.people, 'person', 'people')})"
    )
    if result.aside is not None:
        console.print(f"The database that was there is kept as {escape(str(result.aside))}")
    if not with_accounts and (result.accounts > 1 or result.left_out):
        # a file altered where it was kept must not bring access of its own: said, so a
        # server's operator knows what to set again
        console.print(
            f"Accounts ({result.accounts}) come back without passwords or admin rights, and"
            f" {plural(result.left_out, 'row')} of access (tokens, sessions, calendar feeds,"
            " webhooks, mail settings) were left out: set a password with `python -m"
            " troth.manage changepassword NAME`, or restore your own server's backup with"
            " --with-accounts."
        )
