"""The `troth` command line.

Nothing here starts Django: `troth --version` and `troth --help` answer at once,
and a command configures Django and imports its own module only when it runs
(troth.cli.lazy).
"""

from troth.cli.app import app, main

__all__ = ["app", "main"]
