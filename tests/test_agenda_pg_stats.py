"""ANALYZE after bulk writes (troth.dbstats): PostgreSQL plans from statistics that a
COPY leaves empty; SQLite is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from troth.dbstats import BULK_ROWS, analyze
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.sim.generate import generate_network
from troth.sim.load import load_network


def _analyzed(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        (tuples,) = cursor.fetchone()
    return bool(tuples > 0)  # -1 (PostgreSQL 14+) or 0: never analyzed


def test_small_writes_and_sqlite_are_left_to_the_database(db: None) -> None:
    assert not analyze([Interaction], rows=BULK_ROWS - 1)
    assert analyze([Interaction], rows=BULK_ROWS) == (connection.vendor == "postgresql")


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="ANALYZE is run on PostgreSQL only (the PostgreSQL pass runs it)",
)
def test_the_demo_loader_leaves_planner_statistics_behind(alice: Owner, fixed_day: dt.date) -> None:
    table = Interaction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")  # an empty table, as on a new server
    load_network(
        alice, generate_network(people=150, seed=3, today=fixed_day, interactions_per_person=80)
    )
    assert Interaction.objects.filter(owner=alice).count() > 0
    assert _analyzed(table)
