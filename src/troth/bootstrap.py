"""Start Django for the CLI and bring the database up to date.

Every command calls `setup()` first, so a user never meets a migration error:
a missing or behind schema is migrated before the command runs.
"""

from __future__ import annotations

import os

import django
from django.apps import apps


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "troth.settings")
    if not apps.ready:
        django.setup()


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def migrate(verbosity: int = 0) -> list[str]:
    """Apply pending migrations; return what was applied (empty when up to date)."""
    from django.core.management import call_command

    from troth.paths import data_dir

    configure()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        data_dir().mkdir(parents=True, exist_ok=True)
    pending = pending_migrations()
    if pending:
        call_command("migrate", verbosity=verbosity, interactive=False)
    return pending


def setup() -> None:
    configure()
    migrate()
