"""The `troth` command line. Django is configured before the command modules import models."""

from troth import bootstrap

bootstrap.configure()

from troth.cli import people, ledger, demo  # noqa: E402,F401,I001  (registers commands, in help order)
from troth.cli.app import app, main  # noqa: E402

__all__ = ["app", "main"]
