"""Start Django for the CLI and bring the database up to date.

Every command calls `setup()` first, so a user never meets a migration error:
a missing or behind schema is migrated before the command runs. Problems with
the environment (a bad TROTH_DATABASE_URL, an unwritable TROTH_HOME, a server
that is down) become one clear TrothError instead of a traceback.
"""

from __future__ import annotations

import os

import django
from django.apps import apps

from troth.errors import TrothError


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "troth.settings")
    if apps.ready:
        return
    try:
        django.setup()
    except TrothError:
        raise
    except Exception as exc:  # settings are read here: report which one is wrong
        raise TrothError(f"cannot start troth: {exc}") from None


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def _where() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return str(db["NAME"])
    return f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"


def migrate(verbosity: int = 0) -> list[str]:
    """Apply pending migrations; return what was applied (empty when up to date)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError

    from troth.paths import data_dir

    configure()
    try:
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            data_dir().mkdir(parents=True, exist_ok=True)
        pending = pending_migrations()
        if pending:
            call_command("migrate", verbosity=verbosity, interactive=False)
    except OSError as exc:
        raise TrothError(
            f"cannot use the data directory {data_dir()} ({exc.strerror or exc}); check TROTH_HOME"
        ) from None
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TrothError(f"cannot open the database at {_where()}: {first}") from None
    return pending


def setup() -> None:
    configure()
    migrate()
