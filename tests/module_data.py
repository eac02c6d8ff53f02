"""Data built once for a whole test module, the fixed day tests build networks on, and
a home with a migrated database for tests that run troth in processes of their own."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest

if TYPE_CHECKING:
    from pytest_django import DjangoDbBlocker

T = TypeVar("T")

# A fixed Wednesday in mid-May, years ahead. Tests that build a simulated network pin the
# clock here: the simulator moves weekend contacts and fills months by the calendar, so a
# network built on "today" has another shape on another day.
FIXED_DAY = dt.date(2031, 5, 14)


def kept_for_the_module(
    blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
    build: Callable[[], T],
    day: dt.date | None = FIXED_DAY,
) -> Iterator[T]:
    """For a module-scoped fixture that builds read-mostly data once instead of before
    every test (issue 19: CI time); use it as `yield from kept_for_the_module(...)`.
    `build` runs on `day` (None: the clock the tests run on) with a data directory of
    its own, inside a transaction that stays open while the module's tests run and is
    rolled back after them. Each
    test's own `db` transaction is a savepoint inside it, so what one test deletes or
    restores is back for the next, as if the data had been built for every test."""
    import time_machine
    from django.db import transaction

    from troth.matching import keywords

    with blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with (
            blocker.unblock(),
            pytest.MonkeyPatch.context() as mp,
            contextlib.ExitStack() as clock,
        ):
            if day is not None:
                clock.enter_context(
                    time_machine.travel(dt.datetime.combine(day, dt.time(12)), tick=True)
                )
            mp.setenv("TROTH_HOME", str(tmp_path_factory.mktemp("troth-home-module")))
            mp.delenv("TROTH_ENCRYPTION_KEY", raising=False)
            mp.delenv("TROTH_ENCRYPTION_KEY_FILE", raising=False)
            mp.setenv("TROTH_KEYRING", "off")
            keywords._load.cache_clear()
            keywords._DEFAULT = None
            built = build()
        yield built
    finally:
        keywords._load.cache_clear()
        keywords._DEFAULT = None
        with blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def migrated_home(migrated_db: Path, home: Path) -> Path:
    """`home`, created, holding a copy of conftest's `migrated_db`; returns `home`.
    The copy is also the empty database `troth restore` copies a backup's rows into
    (troth.backup.sqlite_copy.template: made by the same migrations, and a migrate of
    its own would cost each restoring test seconds)."""
    from troth.backup.sqlite_copy import template_path
    from troth.bootstrap import shipped_migrations

    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_db, home / migrated_db.name)
    shutil.copyfile(migrated_db, template_path(home, shipped_migrations()))
    return home
