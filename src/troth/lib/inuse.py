"""Which SQLite databases a running `troth serve` or `troth worker` is using.

`troth restore` moves the database aside and puts the backup in its place; a server
still running would go on writing to the file moved aside, and what it wrote would
be lost with it (the README said "stop troth serve first", and nothing checked). A
long-running process holds a shared lock (flock) on a file beside the database for
as long as it runs; `troth restore` takes the lock alone (`alone`) and is refused
while anyone holds it; a server started during a restore waits for it. The lock goes with the process however it ends, so a crash leaves
nothing stale behind (a pid file would). Forked workers share their parent's lock.

Where there is no flock (Windows), nothing is held and nothing is refused.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".in-use")


@contextlib.contextmanager
def using(database: Path) -> Iterator[None]:
    """Hold the database's in-use lock (shared with other such processes) while inside."""
    if fcntl is None:
        yield
        return
    try:
        database.parent.mkdir(parents=True, exist_ok=True)  # (a new home)
        fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        # a data folder that cannot be made or written: nothing to hold, and opening
        # the database says what is wrong in a line of its own
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # the lock with it


class InUse(Exception):
    """A running troth process holds the database's in-use lock."""


@contextlib.contextmanager
def alone(database: Path) -> Iterator[None]:
    """Hold the database's in-use lock alone while inside (`troth restore`): raise
    InUse at once if a running process holds it; one that starts meanwhile waits."""
    if fcntl is None:
        yield
        return
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InUse(str(database)) from None
        yield
    finally:
        os.close(fd)
