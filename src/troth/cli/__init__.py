"""The `troth` command line. Django is configured before the command modules import models."""

import typer

from troth import bootstrap
from troth.errors import TrothError

try:
    bootstrap.configure()
except TrothError as exc:  # a bad setting: one line, like every other error
    typer.echo(f"troth: error: {exc}", err=True)
    raise SystemExit(2) from None

from troth.cli import people, ledger, helping, intros, agenda, drafts, calendar, trust, evaluate, demo  # noqa: E402,F401,I001  (registers commands, in help order)
from troth.cli.app import app, main  # noqa: E402

__all__ = ["app", "main"]
