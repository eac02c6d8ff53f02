"""Reminders where the user already looks: a calendar file and an e-mailed digest."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from django.db import transaction
from rich.markup import escape

from troth.cli.agenda import item_row
from troth.cli.app import app, command, console, fail, owner, plural, print_json
from troth.errors import TrothError

calendar_app = typer.Typer(
    name="calendar",
    help="Your agenda in Google Calendar, Apple Calendar or Thunderbird.",
    no_args_is_help=True,
)
app.add_typer(calendar_app, name="calendar", rich_help_panel="Follow through")


def _one_line_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*a: Any, **kw: Any) -> Any:
        try:
            return fn(*a, **kw)
        except TrothError as exc:
            raise fail(str(exc), exc.exit_code) from None

    return wrapper


def write_atomically(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` in one step: a reader (or a calendar app polling
    the file) sees the old file or the new one, never half of it."""
    target = path.expanduser()
    parent = target.parent
    if not parent.is_dir():
        raise TrothError(f"cannot write {path}: the directory {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise TrothError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file 0600: give it the mode a plain write would (the
        # umask's, or the replaced file's own).
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if exc.errno == errno.EISDIR or target.is_dir():
            raise TrothError(f"cannot write {path}: it is a directory; name a file") from None
        raise TrothError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


@calendar_app.command("export")
@_one_line_errors
def export(
    file: Path = typer.Argument(
        ...,
        help="The .ics file to write (replaced if it exists); - for standard output.",
        show_default=False,
    ),
    days: int = typer.Option(14, "--days", help="Include things due up to this many days ahead."),
    todos: bool = typer.Option(
        False,
        "--todos",
        help="Write to-dos with a due date instead of events (Apple, Thunderbird;"
        " Google Calendar ignores to-dos).",
    ),
) -> None:
    """Write the agenda's dated items (promises, thanks, needs, check-ins, nudges) as an .ics file.

    Import it into Google Calendar, Apple Calendar or Thunderbird. Each item keeps its
    UID, so importing a newer export updates the same events instead of adding copies.
    """
    from icalendar import Calendar

    from troth.agenda.calendar import agenda_calendar

    if not 0 <= days <= 366:
        raise TrothError(f"--days must be between 0 and 366, got {days}")
    me_owner = owner()
    with transaction.atomic():
        data = agenda_calendar(me_owner, days=days, todos=todos)
    if str(file) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    written = write_atomically(file, data)
    count = len(Calendar.from_ical(data).walk("VTODO" if todos else "VEVENT"))
    what = plural(count, "to-do") if todos else plural(count, "event")
    span = "today" if days == 0 else f"today and the next {plural(days, 'day')}"
    console.print(f"Wrote {what} ({span}) to {escape(str(written))}")
    if count:
        apps = (
            "Apple Calendar or Thunderbird"
            if todos
            else "Google Calendar, Apple Calendar or Thunderbird"
        )
        console.print(
            f"[dim]Import it into {apps}; importing a newer export updates the same entries.[/dim]"
        )


@command("digest", rich_help_panel="Follow through")
def digest(
    send: bool = typer.Option(False, "--send", help="E-mail it (TROTH_SMTP_* settings)."),
    to: str | None = typer.Option(
        None, "--to", help="Send to this address (default TROTH_DIGEST_TO, else your account's)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Today's agenda as an e-mail: print it, or --send it over SMTP."""
    from troth.agenda.digest import build_digest, do_send_digest, smtp_config

    me_owner = owner()
    sent = None
    if send:
        sent = do_send_digest(me_owner, to=to)
        built = sent.digest
    else:
        with transaction.atomic():
            built = build_digest(me_owner, to=to)
    if as_json:
        print_json(
            {
                "subject": built.subject,
                "to": built.to,
                "body": built.body,
                "items": [item_row(i) for i in built.items],
            }
        )
        return
    if sent is not None:
        console.print(
            f"Sent “{sent.log.subject}” to {sent.log.recipient} via {sent.server}", markup=False
        )
        return
    sender = smtp_config().sender
    if sender:
        typer.echo(f"From: {sender}")
    typer.echo(f"To: {built.to or '(nobody yet: use --to ADDRESS or set TROTH_DIGEST_TO)'}")
    typer.echo(f"Subject: {built.subject}")
    typer.echo("")
    typer.echo(built.body, nl=False)
