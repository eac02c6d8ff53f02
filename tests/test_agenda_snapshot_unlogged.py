"""The stored agenda is a cache: on PostgreSQL its table is UNLOGGED (a rebuild's two
writes do not wait for the write-ahead log to reach the disk; issue 20), and it still
works as the snapshot everywhere else: built, read, and dropped by a write that feeds it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from troth.agenda import snapshot
from troth.agenda.models import AgendaSnapshot
from troth.agenda.queries import WINDOW, agenda
from troth.owned import Owner
from troth.people.actions import do_add_person


def test_the_snapshot_table_is_unlogged_on_postgresql(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("UNLOGGED is PostgreSQL's; SQLite's table is as it was")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s",
            [AgendaSnapshot._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)


def test_the_unlogged_snapshot_is_built_read_and_dropped(alice: Owner, fixed_day: dt.date) -> None:
    do_add_person(alice, "Ada Lovelace")
    first = agenda(alice)
    assert snapshot.read(alice, fixed_day, WINDOW) is not None
    assert agenda(alice).items == first.items
    do_add_person(alice, "Grace Hopper")  # a write that feeds it drops it
    assert snapshot.read(alice, fixed_day, WINDOW) is None
