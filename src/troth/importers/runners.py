"""Kinds of upload another app carries out instead of `do_import`: a troth JSON export
is restored by troth.backup, a layer above the importers (it reads every app's
tables), which registers its runner when Django starts (backup.apps). A runner gets
the run and its checked upload, and returns the run's counts; it runs in one
transaction, and a TrothError it raises fails the run with its one line.

Apart from tasks.py so that registering one at start-up imports nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from troth.importers.models import ImportRun
    from troth.importers.tasks import ProgressFile

Runner = Callable[["ImportRun", Path, "ProgressFile"], dict[str, Any]]
RUNNERS: dict[str, Runner] = {}


def register_runner(kind: str, runner: Runner) -> None:
    RUNNERS[kind] = runner
