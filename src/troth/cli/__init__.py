"""The `troth` command line. Django is configured before the command modules import models."""

import importlib

import typer

from troth import bootstrap
from troth.errors import TrothError

try:
    bootstrap.configure()
except TrothError as exc:  # a bad setting: one line, like every other error
    typer.echo(f"troth: error: {exc}", err=True)
    raise SystemExit(2) from None

# Importing a command module registers its commands; this order is the help's order.
for _module in (
    "people",
    "ledger",
    "helping",
    "intros",
    "agenda",
    "drafts",
    "calendar",
    "imports",
    "identity",
    "backup",
    "trust",
    "evaluate",
    "demo",
    "web",
    "worker",
    "paths",
):
    importlib.import_module(f"troth.cli.{_module}")
from troth.cli.app import app, main  # noqa: E402

__all__ = ["app", "main"]
