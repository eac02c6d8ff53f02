"""importers 0007 rebuilds message_participant_address: on PostgreSQL CONCURRENTLY,
outside a transaction (a plain CREATE INDEX blocks every write to the table while it
reads all of it), on SQLite as Django does; back and forth, the index ends as the
model declares it, under its own name, with no temporary index left."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from troth.importers.models import MessageParticipant

BEFORE = ("importers", "0006_retire_merges_of_undone_imports")
AFTER = ("importers", "0007_participant_address_covers_copies")


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, MessageParticipant._meta.db_table)
    return {name: c["columns"] for name, c in found.items() if c["index"] and not c["unique"]}


def _migrate(target: tuple[str, str]) -> list[str]:
    executor = MigrationExecutor(connection)
    with CaptureQueriesContext(connection) as done:
        executor.migrate([target])
    return [q["sql"] for q in done.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_the_index_is_rebuilt_concurrently_on_postgresql_and_ends_the_same() -> None:
    declared = ["owner_id", "address", "role", "owner_role", "occurred_at"]
    assert _indexes()["message_participant_address"] == declared
    try:
        back = _migrate(BEFORE)
        assert _indexes()["message_participant_address"] == ["owner_id", "address"]
    finally:
        forth = _migrate(AFTER)
    indexes = _indexes()
    assert indexes["message_participant_address"] == declared
    assert not [name for name in indexes if "building" in name]
    built = [sql for sql in back + forth if "CREATE INDEX" in sql.upper()]
    assert len(built) == 2
    if connection.vendor == "postgresql":
        assert all("CREATE INDEX CONCURRENTLY" in sql.upper() for sql in built), built
        dropped = [sql for sql in back + forth if sql.upper().startswith("DROP INDEX")]
        assert dropped and all("DROP INDEX CONCURRENTLY" in sql.upper() for sql in dropped)
    else:
        assert not [sql for sql in built if "CONCURRENTLY" in sql.upper()]
