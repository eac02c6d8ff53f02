"""importers 0007 cut short: it runs outside a transaction (PostgreSQL's CONCURRENTLY
needs that), so a build that fails half-way must leave a database that migrates
again. On SQLite the drop and the build are one transaction; on PostgreSQL a run cut
after the old index was dropped finds the new one built and renames it (the
attacker's review)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.executor import MigrationExecutor

from troth.importers.models import MessageParticipant

BEFORE = ("importers", "0006_retire_merges_of_undone_imports")
AFTER = ("importers", "0007_participant_address_covers_copies")
NEW = ["owner_id", "address", "role", "owner_role", "occurred_at"]
OLD = ["owner_id", "address"]


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, MessageParticipant._meta.db_table)
    return {name: c["columns"] for name, c in found.items() if c["index"] and not c["unique"]}


def _migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


@pytest.mark.django_db(transaction=True)
def test_a_build_that_fails_on_sqlite_leaves_the_old_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's branch of the migration (PostgreSQL's: the test below)")
    _migrate(BEFORE)
    try:

        def fails(self: BaseDatabaseSchemaEditor, model: Any, index: Any, **kw: Any) -> None:
            raise RuntimeError("disk full")

        with monkeypatch.context() as patch:
            patch.setattr(BaseDatabaseSchemaEditor, "add_index", fails)
            with pytest.raises(RuntimeError, match="disk full"):
                _migrate(AFTER)
        assert _indexes()["message_participant_address"] == OLD
    finally:
        _migrate(AFTER)
    assert _indexes()["message_participant_address"] == NEW


@pytest.mark.django_db(transaction=True)
def test_a_run_cut_after_the_drop_on_postgresql_renames_the_built_index() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("CONCURRENTLY is PostgreSQL's")
    _migrate(BEFORE)
    try:
        table = MessageParticipant._meta.db_table
        with connection.cursor() as cursor:  # what a run cut before its rename leaves
            cursor.execute(
                f"CREATE INDEX msg_participant_addr_building ON {table}"
                " (owner_id, address, role, owner_role, occurred_at)"
            )
            cursor.execute("DROP INDEX message_participant_address")
    finally:
        _migrate(AFTER)
    indexes = _indexes()
    assert indexes["message_participant_address"] == NEW
    assert "msg_participant_addr_building" not in indexes
