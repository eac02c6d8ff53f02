"""ANALYZE after bulk writes (troth.dbstats): PostgreSQL plans from statistics that a
COPY leaves empty; SQLite is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

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


def _all_visible(table: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible, relpages FROM pg_class WHERE relname = %s", [table])
        visible, pages = cursor.fetchone()
    return int(visible), int(pages)


def _fill(owner: Owner, n: int) -> None:
    from troth.people.models import Note, Person

    me = Person.objects.get(owner=owner, is_me=True)
    now = timezone.now()
    Note.objects.bulk_create(
        Note(owner=owner, person=me, text=f"note {i}" * 8, created_at=now) for i in range(n)
    )


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="VACUUM is PostgreSQL's (the PostgreSQL pass runs it)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("autovacuum", [False, True])
def test_without_autovacuum_a_bulk_write_is_vacuumed_once_committed(
    alice: Owner, autovacuum: bool
) -> None:
    """With autovacuum off (this suite's server), `analyze` VACUUMs the tables once the
    transaction commits: their pages all-visible, so COUNTs read the index alone (the
    trust cache's staleness check). With it on, PostgreSQL's own autovacuum does it."""
    from django.db import transaction

    from troth.people.models import Note

    table = Note._meta.db_table
    connection._troth_autovacuum = autovacuum  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            _fill(alice, 3000)
            assert analyze([Note], rows=BULK_ROWS)
            assert _all_visible(table)[0] == 0  # not yet: VACUUM waits for the commit
        visible, pages = _all_visible(table)
        assert pages > 0
        if autovacuum:
            assert visible == 0  # left to the server
        else:
            assert visible == pages
        # outside a transaction, at once
        _fill(alice, 3000)
        analyze([Note], rows=BULK_ROWS)
        visible, pages = _all_visible(table)
        assert (visible == pages) is not autovacuum
    finally:
        del connection._troth_autovacuum  # type: ignore[attr-defined]


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="VACUUM is PostgreSQL's (the PostgreSQL pass runs it)",
)
@pytest.mark.django_db(transaction=True)
def test_a_failed_vacuum_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    from troth.dbstats import _vacuum

    _vacuum('"no_such_table"')  # after the commit: the work is saved, whatever this does
    assert "VACUUM" in caplog.text and "no_such_table" in caplog.text
