"""troth backup: a consistent copy of the SQLite database, safe while troth runs.

SQLite's online backup API copies the database page by page from one
connection; done in one step it reads a single snapshot, and in WAL mode
writers (the CLI, the web app) carry on meanwhile. The copy goes to a temporary
file beside the target, is checked with `PRAGMA integrity_check`, switched to a
plain rollback journal so it is one self-contained file, and only then renamed
over the target.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from troth.errors import TrothError
from troth.lib.files import atomic_path


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int  # bytes
    tables: int


def _check(path: Path, shown: Path) -> int:
    copy = sqlite3.connect(path)
    try:
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise TrothError(f"the copy {shown} failed its integrity check: {problems[0]}")
        (tables,) = copy.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        return int(tables)
    finally:
        copy.close()


def backup_connection(source: sqlite3.Connection, target: Path) -> BackupResult:
    """Copy the database behind `source` to `target` (replaced atomically)."""
    with atomic_path(target) as tmp:
        dest = sqlite3.connect(tmp)
        try:
            source.backup(dest)  # pages=-1: the whole database from one snapshot
        except sqlite3.Error as exc:
            raise TrothError(f"cannot back up the database: {exc}") from None
        finally:
            dest.close()
        tables = _check(tmp, target)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}{suffix}").unlink()
    final = target.expanduser()
    return BackupResult(path=final, size=final.stat().st_size, tables=tables)


def backup_file(source: Path, target: Path) -> BackupResult:
    """Copy the SQLite database file `source` (which others may be writing) to `target`."""
    if not source.is_file():
        raise TrothError(f"there is no database at {source} to back up")
    if source.expanduser().resolve() == target.expanduser().resolve():
        raise TrothError(f"cannot back up {source} onto itself; name another file")
    try:
        # read-write like every other connection (a read-only one cannot join WAL without
        # the -shm file), though it only reads
        conn = sqlite3.connect(source.expanduser(), timeout=20)
    except sqlite3.Error as exc:
        raise TrothError(f"cannot open {source}: {exc}") from None
    try:
        return backup_connection(conn, target)
    finally:
        conn.close()


def backup_django(target: Path) -> BackupResult:
    """Back up the database troth is configured with (SQLite only)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        raise TrothError(
            f"troth backup copies SQLite databases; this one is {connection.vendor}:"
            " use pg_dump (for example: pg_dump -Fc -f troth.dump DBNAME)"
        )
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise TrothError("the database is in memory: there is no file to back up")
    return backup_file(Path(name), target)
