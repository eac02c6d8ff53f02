"""troth restore: put a `troth backup` file back as the database.

A backup is a whole SQLite database (troth.backup.sqlite_backup). Before it replaces
anything, the file is checked: it must be an SQLite database that passes its
integrity check and is troth's, at migrations this version ships (of troth's apps and
of its libraries'; a newer one is refused: this version cannot read it), with no
trigger or view but troth's own. Its rows, never its schema, are then copied into a
new database made by this version's migrations (troth.backup.sqlite_copy; an older
backup brought forward first in a scratch copy), in a temporary file beside the
database, checked again, and only then renamed into place, the old -wal and -shm
files removed (a stale write-ahead log would be replayed into the restored file).
The database it replaces must be empty (nothing but the owner's own record) unless
`replace`, and the database that was there is kept aside, as a consistent copy,
beside it. Other troth processes (`troth serve`, `troth worker`) hold the database's
in-use lock while they run (troth.lib.inuse): the restore is refused meanwhile.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from troth.agenda.snapshot import is_our_trigger as is_agenda_trigger
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
    accounts: int = 0  # accounts restored (without passwords or rights unless kept)
    left_out: int = 0  # rows of access left out of the file (sqlite_copy.ACCESS_TABLES)


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


def check_backup(path: Path) -> int:
    """Refuse (TrothError, one line) a file that is not a troth backup this version
    can restore; return how many people it holds."""
    if not path.is_file():
        raise TrothError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise TrothError(f"{path}: not a troth backup (not an SQLite database)")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
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
        # every migration recorded, of troth's apps and of the libraries' (auth, axes...),
        # must be one this version ships: an unknown one would leave the backup's schema
        # unexplained (and a migrate with nothing to do)
        recorded = _recorded(conn, _installed_apps())
        unknown = sorted(recorded - _known_migrations(), key=lambda m: (m[0] not in ours, m))
        if unknown:
            app, name = unknown[0]
            if app in ours:
                raise TrothError(
                    f"{path}: made by a newer version of troth (schema {app}.{name} is"
                    " unknown here); upgrade troth, then restore it"
                )
            raise TrothError(
                f"{path}: made with other versions of troth's libraries ({app}.{name} is"
                " unknown here)"
            )
        (people,) = conn.execute("SELECT count(*) FROM people_person WHERE NOT is_me").fetchone()
        return int(people)
    except sqlite3.Error as exc:
        raise TrothError(f"{path}: not a troth backup ({exc})") from None
    finally:
        conn.close()


def holds_data(path: Path) -> int:
    """How many rows of anyone's data the database at `path` holds (the owners' own
    records, which every database has, not counted); 0 for no database, -1 for one
    that cannot be read."""
    if not path.is_file():
        return 0

    try:
        return _count_rows(path)
    except sqlite3.Error:
        return -1  # damaged, or not a database: what a restore is for


def _count_rows(path: Path) -> int:
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


def _aside_name(target: Path) -> Path:
    """A new name beside `target` for the database a restore replaces, never one in use
    (two restores within a second wrote over the first one's: an attacker's review)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        aside = target.with_name(f"{target.name}.before-restore-{stamp}" + (f"-{n}" if n else ""))
        try:
            os.close(os.open(aside, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        aside.unlink()  # claimed by name; the copy is written in its place just after
        return aside
    raise TrothError(f"too many restores kept beside {target}: remove some")


def restore_file(
    backup: Path,
    target: Path,
    *,
    replace: bool,
    shipped: set[tuple[str, str]],
    keep_access: bool = False,
) -> RestoreResult:
    """Make `target` (the SQLite database) hold `backup`'s rows under this version's
    schema (see the module docstring and troth.backup.sqlite_copy). `shipped`: the
    migrations this version ships (troth.bootstrap.shipped_migrations)."""
    from troth.backup import sqlite_copy
    from troth.backup.sqlite_backup import backup_file

    backup = backup.expanduser()
    if target.exists() and backup.resolve() == target.resolve():
        raise TrothError(f"{backup} is the database itself; name a backup file")
    people = check_backup(backup)
    rows = holds_data(target)
    if rows < 0 and not replace:
        raise TrothError(
            f"the database at {target} cannot be read; restore over it with --replace (it"
            " is kept aside beside it)"
        )
    if rows > 0 and not replace:
        raise TrothError(
            f"the database at {target} is not empty ({rows:,} rows); restore over it with"
            " --replace (it is kept aside beside it), or set TROTH_HOME to a new folder"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".restore-") as work:
        source = backup
        conn = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            recorded = _recorded(conn, _installed_apps())
        finally:
            conn.close()
        if not shipped <= recorded:  # an older troth's: brought forward in a scratch copy
            forward = Path(work) / "forward"
            forward.mkdir()
            source = sqlite_copy.bring_forward(backup, forward)
        fresh = sqlite_copy.template(target.parent, shipped)
        aside: Path | None = None
        with atomic_path(target) as tmp:
            shutil.copyfile(fresh, tmp)
            try:
                copied = sqlite_copy.copy_rows(tmp, source, backup, keep_access=keep_access)
                dest = sqlite3.connect(tmp)
                try:
                    if [r[0] for r in dest.execute("PRAGMA integrity_check")] != ["ok"]:
                        raise TrothError(f"the copy of {backup} failed its integrity check")
                finally:
                    dest.close()
            except sqlite3.Error as exc:
                raise TrothError(f"cannot copy {backup}: {exc}") from None
            # the database that was there, kept beside it, only once the new one is whole
            if target.is_file():
                aside = _aside_name(target)
                if rows < 0:  # unreadable: kept as it is, with its write-ahead log
                    for suffix in ("", "-wal", "-shm"):
                        with contextlib.suppress(FileNotFoundError):
                            shutil.copyfile(f"{target}{suffix}", f"{aside}{suffix}")
                else:
                    backup_file(target, aside)  # a consistent copy, even with a -wal beside it
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{target}{suffix}").unlink()
    return RestoreResult(
        restored=target,
        aside=aside,
        people=people,
        accounts=copied["accounts"],
        left_out=copied["left out"],
    )
