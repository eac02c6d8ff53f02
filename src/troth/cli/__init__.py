"""The `troth` command line. Django is configured before the command modules import models."""

from troth import bootstrap

bootstrap.configure()

from troth.cli import demo, ledger, people  # noqa: E402,F401  (registers the commands)
from troth.cli.app import app, main  # noqa: E402

__all__ = ["app", "main"]
