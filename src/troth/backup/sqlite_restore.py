"""troth restore: put a `troth backup` file back as the database.

A backup is a whole SQLite database (troth.backup.sqlite_backup). Before it replaces
anything, the file is checked: it must be an SQLite database that passes its
integrity check and is troth's, at a schema this version knows (every migration it
records is one of ours; an older one is brought forward by the next command, a newer
one is refused: this version cannot read it), with the schema those migrations make
(troth.backup.schema: compared with the database it replaces, and for an older
backup once it has been brought forward). The database it replaces must be empty
(nothing but the owner's own record) unless `replace`, and the database that was
there is always kept aside, as a consistent copy, beside it.

The restored file is copied with SQLite's backup API into a temporary file beside the
database, checked again, and only then renamed into place, the old -wal and -shm
files removed first (a stale write-ahead log would be replayed into the restored
file). Other troth processes (`troth serve`, `troth worker`) must be stopped: they
would go on writing to the file that was moved aside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from troth.agenda.snapshot import is_our_trigger as is_agenda_trigger
from troth.backup import schema
from troth.errors import TrothError
from troth.lib.files import atomic_path
from troth.people.search import is_our_trigger

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every troth database has had since its first migration.
TROTH_TABLES = ("people_person", "interactions_interaction", "django_migrations")


@dataclass(frozen=True)
class RestoreResult:
    restored: Path  # the database, now the backup's content
    aside: Path | None  # where the database that was there was kept
    people: int  # people in the restored database (owners' own records excluded)


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


def _troth_apps() -> set[str]:
    from django.apps import apps

    return {a.label for a in apps.get_app_configs() if a.name.startswith("troth")}


def _recorded(conn: sqlite3.Connection, apps: set[str]) -> set[tuple[str, str]]:
    return {
        (app, name)
        for app, name in conn.execute("SELECT app, name FROM django_migrations")
        if app in apps
    }


def _installed_apps() -> set[str]:
    from django.apps import apps

    return {a.label for a in apps.get_app_configs()}


def _same_schema(path: Path, conn: sqlite3.Connection, reference: Path) -> None:
    """Refuse a backup whose schema differs from `reference`'s (a database troth's own
    migrations made) when both record the same migrations; an older backup is checked
    once it has been brought forward (`check_brought_forward`)."""
    ref = sqlite3.connect(f"file:{reference.resolve()}?mode=ro", uri=True)
    try:
        installed = _installed_apps()
        if _recorded(conn, installed) != _recorded(ref, installed):
            return
        problem = schema.difference(schema.shape(ref), schema.shape(conn))
    finally:
        ref.close()
    if problem:
        raise TrothError(f"{path}: not a troth backup ({problem})")


def check_backup(path: Path, reference: Path | None = None) -> int:
    """Refuse (TrothError, one line) a file that is not a troth backup this version
    can restore; return how many people it holds. With `reference` (the database it
    would replace, which troth's migrations made), a backup at the same migrations must
    also have its schema (troth.backup.schema)."""
    if not path.is_file():
        raise TrothError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise TrothError(f"{path}: not a troth backup (not an SQLite database)")
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise TrothError(f"{path}: cannot open it ({exc})") from None
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise TrothError(f"{path}: the file is damaged (integrity check: {problems[0]})")
        # troth's migrations create no trigger or view: one in a backup would run or be
        # read inside the live database (a crafted file made its account a superuser on
        # the next sign-in and copied other accounts' notes: found by a security review)
        # (the search index's and the stored agenda's triggers excepted, each exactly as
        # troth makes it: they write only to the search index or drop a stored agenda;
        # troth.people.search, troth.agenda.snapshot)
        active = next(
            (
                (kind, name)
                for kind, name, sql in conn.execute(
                    "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')"
                )
                if not (
                    kind == "trigger"
                    and (is_our_trigger(name, sql) or is_agenda_trigger(name, sql))
                )
            ),
            None,
        )
        if active:
            raise TrothError(
                f"{path}: not a troth backup (it holds a {active[0]}, {active[1]!r}, which"
                " troth never makes)"
            )
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken:
            raise TrothError(
                f"{path}: the file is damaged (a {broken[0]} row points at a missing"
                f" {broken[2]} row)"
            )
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in TROTH_TABLES if t not in names]
        if missing:
            raise TrothError(f"{path}: not a troth backup (no {missing[0]} table)")
        ours = _troth_apps()
        recorded = {
            (app, name)
            for app, name in conn.execute("SELECT app, name FROM django_migrations")
            if app in ours
        }
        unknown = sorted(recorded - _known_migrations())
        if unknown:
            app, name = unknown[0]
            raise TrothError(
                f"{path}: made by a newer version of troth (schema {app}.{name} is unknown"
                " here); upgrade troth, then restore it"
            )
        if reference is not None and reference.is_file():
            _same_schema(path, conn, reference)
        (people,) = conn.execute("SELECT count(*) FROM people_person WHERE NOT is_me").fetchone()
        return int(people)
    except sqlite3.Error as exc:
        raise TrothError(f"{path}: not a troth backup ({exc})") from None
    finally:
        conn.close()


def holds_data(path: Path) -> int:
    """How many rows of anyone's data the database at `path` holds (the owners' own
    records, which every database has, not counted); 0 for no database."""
    if not path.is_file():
        return 0
    from troth.backup.tables import tables

    conn = sqlite3.connect(path, timeout=20)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        total = 0
        for table in tables():
            db_table = table.model._meta.db_table
            if db_table not in names:
                continue
            where = " WHERE NOT is_me" if table.label == "people.person" else ""
            (n,) = conn.execute(f'SELECT count(*) FROM "{db_table}"{where}').fetchone()
            total += int(n)
        return total
    finally:
        conn.close()


def restore_file(
    backup: Path, target: Path, *, replace: bool, reference: Path | None = None
) -> RestoreResult:
    """Make `target` (the SQLite database) a copy of `backup` (see the module docstring).
    `reference`: a database this version's migrations made (the target, brought
    forward), whose schema a backup at the same migrations must have."""
    from troth.backup.sqlite_backup import backup_file

    backup = backup.expanduser()
    if target.exists() and backup.resolve() == target.resolve():
        raise TrothError(f"{backup} is the database itself; name a backup file")
    people = check_backup(backup, reference)
    rows = holds_data(target)
    if rows and not replace:
        raise TrothError(
            f"the database at {target} is not empty ({rows:,} rows); restore over it with"
            " --replace (it is kept aside beside it), or set TROTH_HOME to a new folder"
        )
    aside: Path | None = None
    if target.is_file():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.name}.before-restore-{stamp}")
        backup_file(target, aside)  # a consistent copy, even with a -wal beside it
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        source = sqlite3.connect(f"file:{backup.resolve()}?mode=ro", uri=True)
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
            if [r[0] for r in dest.execute("PRAGMA integrity_check")] != ["ok"]:
                raise TrothError(f"the copy of {backup} failed its integrity check")
        except sqlite3.Error as exc:
            raise TrothError(f"cannot copy {backup}: {exc}") from None
        finally:
            dest.close()
            source.close()
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{target}{suffix}").unlink()
    return RestoreResult(restored=target, aside=aside, people=people)


def check_brought_forward(result: RestoreResult, backup: Path) -> None:
    """After an older backup was restored and migrated: its schema must now be the one
    the database it replaced has (both made by this version's migrations). If not,
    that database is put back and the restore refused."""
    if result.aside is None:
        return
    restored = sqlite3.connect(f"file:{result.restored.resolve()}?mode=ro", uri=True)
    before = sqlite3.connect(f"file:{result.aside.resolve()}?mode=ro", uri=True)
    try:
        installed = _installed_apps()
        if _recorded(restored, installed) != _recorded(before, installed):
            problem: str | None = "its migrations do not end where this version's do"
        else:
            problem = schema.difference(schema.shape(before), schema.shape(restored))
    finally:
        restored.close()
        before.close()
    if problem is None:
        return
    put_back(result)
    raise TrothError(
        f"{backup}: not a troth backup ({problem}); the database that was there is back"
    )


def put_back(result: RestoreResult) -> bool:
    """Undo a restore: the database that was there back in place (False if there was
    none). Every connection to it must be closed."""
    if result.aside is None:
        return False
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{result.restored}{suffix}").unlink()
    result.aside.replace(result.restored)
    return True
