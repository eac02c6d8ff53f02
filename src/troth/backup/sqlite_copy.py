"""`troth restore` takes a backup's rows, never its schema.

A backup is a whole SQLite database, schema included, and a crafted one can say
anything in it: an index that keeps a rule dropped or turned into one that matches
nothing, a CHECK loosened or one added that blocks every new row after a date, a
collation, a planted `sqlite_stat1`, a table shaped like the search index (a security
review found each of these past a comparison of the two schemas). So the restored
database is a new one made by this version's migrations (`template`, kept beside the
database once made), and the backup's rows are copied into it table by table: every
rule troth's schema keeps (NOT NULL, CHECK, UNIQUE, keys) is checked as each row goes
in, a value of the wrong kind is refused by name, and nothing else of the file comes
along. A backup from an older troth is brought forward first, in a scratch copy, by
the same migrations in a process of their own (`bring_forward`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from troth.errors import TrothError

# the search index (troth.people.search): FTS5 tables SQLite shapes itself, filled
# again by the index's triggers as the rows go in (or by ensure_index)
SEARCH_PREFIX = "troth_search_"

# declared type (upper case) -> the storage classes a value of it may have
_KINDS = (
    (("INT", "BOOL"), ("integer",)),
    (("REAL", "FLOA", "DOUB"), ("real", "integer")),
    (("DECIMAL", "NUMERIC"), ("integer", "real", "text")),
    (("CHAR", "TEXT", "CLOB", "DATE", "TIME", "UUID", "JSON"), ("text",)),
    (("BLOB",), ("blob",)),
)


# Caches rebuilt from the rest (troth.backup.tables.DERIVED): never taken from a file.
DERIVED_TABLES = frozenset(
    {"trust_trustscore", "trust_pastbase", "trust_tiepast", "agenda_agendasnapshot"}
)
# What gives access or sends data somewhere, rather than being the network itself: a
# backup altered where it was kept must not bring an account the attacker can sign in
# with, a token they know, a calendar feed, a webhook or a mail address of theirs (an
# attacker's review). Left out unless the restore is told the file is the user's own
# server as it was (`keep_access`); the JSON restore never takes any of it either.
ACCESS_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "django_tasks_database_dbtaskresult",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "api_ratewindow",
        "auth_group",
        "auth_group_permissions",
        "auth_user_groups",
        "auth_user_user_permissions",
        "tokens_accesstoken",
        "agenda_calendartoken",
        "agenda_mailsettings",
        "webhooks_subscription",
        "webhooks_event",
        "webhooks_delivery",
        "dav_syncstate",
        "groups_invitation",
        "groups_resetmail",
    }
)
# Columns taken as these SQL expressions instead (unless `keep_access`): accounts come
# back with no password that works and no rights, a mail source without its stored
# password (it was for the host the file names: asked for again).
SCRUBBED = {
    "auth_user": {
        "password": "'!' || lower(hex(randomblob(20)))",
        "is_staff": "0",
        "is_superuser": "0",
    },
    "sync_source": {"secret": "''"},
}


def _kinds(declared: str) -> tuple[str, ...] | None:
    upper = declared.upper()
    for words, kinds in _KINDS:
        if any(w in upper for w in words):
            return kinds
    return None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _environment(home: Path) -> dict[str, str]:
    """A troth process of its own on `home`'s database: none of this one's TROTH_ or
    DJANGO_ settings (a PostgreSQL URL, a test database) go with it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(home)
    env["DJANGO_SETTINGS_MODULE"] = "troth.settings"
    return env


def _migrate(home: Path) -> str:
    """Run this version's migrations on `home`'s troth.sqlite3 in a process of their
    own (never on the database this process has open); the last line of any error."""
    done = subprocess.run(
        # -P: the current directory is not put on the module path (Python would import
        # a django/ or dj_database_url.py lying beside the backup in place of the
        # real one: an attacker's review), and the process runs in `home` itself
        [sys.executable, "-P", "-m", "troth.manage", "migrate", "--noinput", "-v0"],
        cwd=home,
        env=_environment(home),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode == 0:
        return ""
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


def _checkpointed(path: Path) -> None:
    """Leave `path` whole in one file (no -wal beside it)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def template_path(folder: Path, migrations: set[tuple[str, str]]) -> Path:
    """Where `template` keeps the empty database for these migrations."""
    digest = hashlib.sha256(repr(sorted(migrations)).encode()).hexdigest()[:16]
    return folder / f".restore-schema-{digest}.sqlite3"


def template(folder: Path, migrations: set[tuple[str, str]]) -> Path:
    """An empty database made by this version's migrations, kept in `folder` (the data
    directory) under a name that changes with the migrations shipped, so it is made
    once per version (a migrate of every app takes seconds)."""
    path = template_path(folder, migrations)
    digest = path.name.split("-")[-1].split(".")[0]
    if path.is_file():
        return path
    for old in folder.glob(".restore-schema-*.sqlite3"):  # another version's
        old.unlink(missing_ok=True)
    scratch = folder / f".restore-schema-{digest}.making"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        problem = _migrate(scratch)
        if problem:
            raise TrothError(f"cannot make a new database to restore into: {problem}")
        made = scratch / "troth.sqlite3"
        _checkpointed(made)
        os.replace(made, path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return path


def bring_forward(backup: Path, scratch: Path) -> Path:
    """A copy of an older `backup` in `scratch` (a new folder), migrated to this
    version: the file whose rows are restored."""
    copy = scratch / "troth.sqlite3"
    source = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
    dest = sqlite3.connect(copy)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    problem = _migrate(scratch)
    if problem:
        raise TrothError(f"{backup}: cannot be brought up to date ({problem})")
    _checkpointed(copy)
    return copy


def _tables(conn: sqlite3.Connection, schema: str) -> dict[str, list[tuple[str, str, int]]]:
    """name -> (column, declared type, hidden) of each ordinary table of `schema`."""
    out = {}
    for (name,) in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
        " AND sql NOT LIKE 'CREATE VIRTUAL%'"
    ).fetchall():
        if name.startswith(("sqlite_", SEARCH_PREFIX)):
            continue
        out[name] = [
            (c[1], c[2] or "", c[6])
            for c in conn.execute(f"PRAGMA {schema}.table_xinfo({_q(name)})").fetchall()
        ]
    return out


def copy_rows(
    fresh: Path, backup: Path, shown: Path, *, keep_access: bool = False
) -> dict[str, int]:
    """Put `backup`'s rows into `fresh` (a database made by this version's migrations),
    table by table, under fresh's schema; `shown` is the file named in errors. Refused
    (TrothError, one line) for a table or column troth has and the file lacks, a value
    of the wrong kind, a row that breaks one of troth's rules or points at a missing
    row. The migrations' own record is fresh's, not the file's. Returns what was left
    out of the file (ACCESS_TABLES, SCRUBBED): {"accounts": n, "left out": rows}."""
    conn = sqlite3.connect(fresh.resolve().as_uri(), uri=True, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS bk", (backup.resolve().as_uri() + "?mode=ro",))
        ours, theirs = _tables(conn, "main"), _tables(conn, "bk")
        conn.execute("PRAGMA foreign_keys = OFF")  # checked once every table is in
        conn.execute("BEGIN IMMEDIATE")
        # The indexes (troth's own, from the new database) are made again once the rows
        # are in: a sorted build, not a b-tree insert per row (30,000 people and a
        # million interactions: 14 s of copying -> 8). A UNIQUE one the rows break
        # fails there, as an INSERT would have.
        indexes = conn.execute(
            "SELECT name, tbl_name, sql FROM main.sqlite_master WHERE type = 'index'"
            " AND sql IS NOT NULL"
        ).fetchall()
        for name, _table, _sql in indexes:
            conn.execute(f"DROP INDEX main.{_q(name)}")
        left_out = 0
        for table, columns in ours.items():
            if table == "django_migrations" or table in DERIVED_TABLES:
                continue
            if table in ACCESS_TABLES and not keep_access:
                if table in theirs:
                    (n,) = conn.execute(f"SELECT count(*) FROM bk.{_q(table)}").fetchone()
                    left_out += int(n)
                conn.execute(f"DELETE FROM main.{_q(table)}")  # the template's own rows
                continue
            if table not in theirs:
                raise TrothError(f"{shown}: not a troth backup (no {table} table)")
            have = {name for name, _type, _hidden in theirs[table]}
            names = [name for name, _type, hidden in columns if not hidden]
            missing = [name for name in names if name not in have]
            if missing:
                raise TrothError(
                    f"{shown}: not a troth backup ({table} has no {missing[0]} column)"
                )
            _check_kinds(conn, table, columns, shown)
            _check_values(conn, table, columns, shown)
            listed = ", ".join(_q(n) for n in names)
            scrub = {} if keep_access else SCRUBBED.get(table, {})
            taken = ", ".join(scrub.get(n, _q(n)) for n in names)
            conn.execute(f"DELETE FROM main.{_q(table)}")  # the template's own rows
            try:
                conn.execute(
                    f"INSERT INTO main.{_q(table)} ({listed}) SELECT {taken} FROM bk.{_q(table)}"
                )
            except sqlite3.IntegrityError as exc:
                raise TrothError(
                    f"{shown}: a row of {table} breaks a rule troth keeps ({exc})"
                ) from None
        for _name, table, sql in indexes:
            try:
                conn.execute(sql)
            except sqlite3.IntegrityError as exc:
                raise TrothError(
                    f"{shown}: a row of {table} breaks a rule troth keeps ({exc})"
                ) from None
        broken = conn.execute("PRAGMA main.foreign_key_check").fetchone()
        if broken:
            raise TrothError(
                f"{shown}: the file is damaged (a {broken[0]} row points at a missing"
                f" {broken[2]} row)"
            )
        (accounts,) = conn.execute("SELECT count(*) FROM main.auth_user").fetchone()
        conn.execute("COMMIT")
        return {"accounts": int(accounts), "left out": left_out}
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


def _check_kinds(
    conn: sqlite3.Connection, table: str, columns: list[tuple[str, str, int]], shown: Path
) -> None:
    """Refuse a value stored as another kind than its column's (text in a number,
    a number in a date): SQLite keeps what it is given, troth's code would not."""
    tests = []
    for name, declared, hidden in columns:
        kinds = _kinds(declared)
        if hidden or kinds is None:
            continue
        allowed = ", ".join(f"'{k}'" for k in (*kinds, "null"))
        tests.append((name, kinds, f"typeof({_q(name)}) NOT IN ({allowed})"))
    if not tests:
        return
    where = " OR ".join(test for _name, _kinds_, test in tests)
    select = ", ".join(f"typeof({_q(name)})" for name, _k, _t in tests)
    row = conn.execute(
        f"SELECT rowid, {select} FROM bk.{_q(table)} WHERE {where} LIMIT 1"
    ).fetchone()
    if row is None:
        return
    for (name, kinds, _test), kind in zip(tests, row[1:], strict=True):
        if kind not in (*kinds, "null"):
            raise TrothError(
                f"{shown}: {table} row {row[0]}: {name} holds {kind}, not {' or '.join(kinds)}"
            )


# the largest id a restore takes, as the JSON restore (an id near SQLite's limit left
# no room for the next row: every later `troth add` failed)
MAX_ID = 2_147_483_647


def _check_values(
    conn: sqlite3.Connection, table: str, columns: list[tuple[str, str, int]], shown: Path
) -> None:
    """Refuse a date, time or id of the right kind that troth cannot read back: a text
    that is no real date (2024-13-45 crashed `troth show`), an id past MAX_ID."""
    keys = {c[1] for c in conn.execute(f"PRAGMA main.table_xinfo({_q(table)})") if c[5]}
    tests = []
    for name, declared, hidden in columns:
        upper, col = declared.upper(), _q(name)
        if hidden:
            continue
        if upper.startswith("DATETIME"):
            tests.append((name, "a date and time", f"datetime({col}) IS NOT substr({col}, 1, 19)"))
        elif upper.startswith("DATE"):
            tests.append((name, "a date", f"date({col}) IS NOT {col}"))
        elif upper.startswith("TIME"):
            tests.append((name, "a time", f"time({col}) IS NOT substr({col}, 1, 8)"))
        elif name in keys and "INT" in upper:
            tests.append((name, f"an id from 1 to {MAX_ID:,}", f"{col} NOT BETWEEN 1 AND {MAX_ID}"))
    for name, what, test in tests:
        row = conn.execute(
            f"SELECT rowid, {_q(name)} FROM bk.{_q(table)}"
            f" WHERE {_q(name)} IS NOT NULL AND ({test}) LIMIT 1"
        ).fetchone()
        if row is not None:
            raise TrothError(f"{shown}: {table} row {row[0]}: {name} {row[1]!r} is not {what}")
