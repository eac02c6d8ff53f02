"""Start Django for the CLI and bring the database up to date.

Every command calls `setup()` first, so a user never meets a migration error:
a missing or behind schema is migrated before the command runs. Problems with
the environment (a bad TROTH_DATABASE_URL, an unwritable TROTH_HOME, a server
that is down) become one clear TrothError instead of a traceback.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

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


def shipped_migrations() -> set[tuple[str, str]]:
    """(app label, name) of every migration the installed apps ship, read from the file
    names (the way Django's loader finds them) without importing a migration."""
    import pkgutil
    from importlib.util import find_spec

    from django.conf import settings

    shipped: set[tuple[str, str]] = set()
    for config in apps.get_app_configs():
        module = settings.MIGRATION_MODULES.get(config.label, f"{config.name}.migrations")
        if module is None:  # migrations turned off for this app
            continue
        try:
            spec = find_spec(module)
        except ModuleNotFoundError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.ispkg and info.name[0] not in "_~":
                shipped.add((config.label, info.name))
    return shipped


def recorded_migrations() -> set[tuple[str, str]] | None:
    """What django_migrations says was applied; None when it cannot be read (no table yet)."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            return {(app, name) for app, name in cursor.fetchall()}
    except DatabaseError:
        return None


def schema_is_current() -> bool:
    """The cheap check each command makes: every shipped migration is recorded as applied.

    Loading the migration graph (MigrationExecutor) imports every migration module
    and took a good part of each command's start-up; one query and a directory
    listing answer the usual case. Anything else (a new migration, a new database,
    a squashed migration not recorded yet) goes the full way in migrate()."""
    recorded = recorded_migrations()
    return recorded is not None and shipped_migrations() <= recorded


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
        if schema_is_current():
            return []
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


def sqlite_file() -> Path | None:
    """The SQLite database's file (None on PostgreSQL or for a database in memory)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def holding_database() -> contextlib.AbstractContextManager[None]:
    """Hold the SQLite database's in-use lock (troth.lib.inuse) while inside: what
    `troth serve` and `troth worker` do, so `troth restore` never moves it from under
    them."""
    from troth.lib.inuse import using

    path = sqlite_file()
    return contextlib.nullcontext() if path is None else using(path)
