"""The test database the suite runs on is fully migrated, however conftest's
django_db_setup made it (on SQLite a copy of `migrated_db`, on PostgreSQL a migrate)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied() -> None:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert [migration.name for migration, _backwards in plan] == []


@pytest.mark.django_db
def test_the_test_database_holds_the_triggers_post_migrate_makes() -> None:
    # agenda's snapshot triggers and people's search index are made by post_migrate
    # handlers, not by migrations: a copy made without them would pass the test above
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    from troth.agenda.snapshot import PREFIX

    if connection.vendor == "sqlite":  # (PostgreSQL's search needs no triggers)
        assert any(name.startswith("troth_search_") for name in names), sorted(names)[:20]

    assert any(name.startswith(PREFIX) for name in names), sorted(names)[:20]
