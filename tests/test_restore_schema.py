"""`troth restore` takes a backup only with the schema troth's migrations make.

A backup is a whole SQLite database, schema included: a crafted file that dropped
`one_me_per_owner` (two "me" records, and every page fails), loosened a column or
added an index of its own was restored as it was (a security review's finding). The
schema is compared by meaning (troth.backup.schema) with the database it replaces;
an older backup once it has been brought forward, the database that was there put
back if it fails.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from test_import_concurrency import TROTH, run  # noqa: F401  (TROTH: the same binary)
from troth.backup import schema
from troth.backup.sqlite_restore import check_backup
from troth.errors import TrothError

pytestmark = pytest.mark.own_process


def _copy(migrated_db: Path, tmp_path: Path, name: str, *sql: str) -> Path:
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(migrated_db, path)
    with sqlite3.connect(path) as conn:
        for statement in sql:
            conn.execute(statement)
    conn.close()
    return path


def _person_table_without_not_null(conn: sqlite3.Connection) -> list[str]:
    """people_person rebuilt with one NOT NULL taken off (the way SQLite alters a
    column), its indexes made again as they were."""
    (create,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people_person'"
    ).fetchone()
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people_person'"
            " AND sql IS NOT NULL"
        )
    ]
    loose = create.replace('"full_name" varchar(200) NOT NULL', '"full_name" varchar(200)')
    assert loose != create, create
    return [
        "PRAGMA foreign_keys = OFF",
        # the triggers and keys that name the table are left as they are
        "PRAGMA legacy_alter_table = ON",
        "ALTER TABLE people_person RENAME TO old_person",
        loose,
        "INSERT INTO people_person SELECT * FROM old_person",
        "DROP TABLE old_person",
        *indexes,
    ]


def test_a_backup_with_another_schema_is_refused_before_anything_moves(
    migrated_db: Path, tmp_path: Path
) -> None:
    reference = tmp_path / "live.sqlite3"
    shutil.copyfile(migrated_db, reference)
    assert check_backup(_copy(migrated_db, tmp_path, "same"), reference) == 0
    with sqlite3.connect(migrated_db) as conn:
        loosen = _person_table_without_not_null(conn)
    conn.close()
    for name, sql, says in (
        ("two-me", ["DROP INDEX one_me_per_owner"], "it lacks the index 'one_me_per_owner'"),
        (
            "extra",
            ["CREATE INDEX mine ON people_note (text)"],
            "it has an index, 'mine', that troth does not make",
        ),
        (
            "unique-gone",
            [
                "DROP INDEX one_me_per_owner",
                'CREATE INDEX one_me_per_owner ON people_person ("owner_id") WHERE "is_me"',
            ],
            "its index 'one_me_per_owner' is not as troth makes it",
        ),
        ("loose", loosen, "its table 'people_person' is not as troth makes it"),
    ):
        crafted = _copy(migrated_db, tmp_path, name, *sql)
        with pytest.raises(TrothError) as refused:
            check_backup(crafted, reference)
        assert str(refused.value) == f"{crafted}: not a troth backup ({says})"
    # without a database to compare with (a damaged one is what a restore replaces),
    # the other checks still hold
    assert (
        check_backup(_copy(migrated_db, tmp_path, "two-me-alone", "DROP INDEX one_me_per_owner"))
        == 0
    )


def test_the_shape_ignores_how_the_schema_was_written(migrated_db: Path, tmp_path: Path) -> None:
    """A database altered step by step and a new one say the same in other words:
    other spacing and quotes, columns in another order."""
    reworded = tmp_path / "reworded.sqlite3"
    shutil.copyfile(migrated_db, reworded)
    with sqlite3.connect(reworded) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP INDEX one_me_per_owner")
        conn.execute(
            "CREATE UNIQUE INDEX   one_me_per_owner ON people_person (owner_id)  WHERE is_me"
        )
        conn.execute("CREATE TABLE t2 (b integer NOT NULL, a varchar(5) CHECK (a <> 'x'))")
    conn.close()
    plain = tmp_path / "plain.sqlite3"
    shutil.copyfile(migrated_db, plain)
    with sqlite3.connect(plain) as conn:
        conn.execute('CREATE TABLE "t2" ("a" varchar(5) CHECK ("a"<>\'x\'), "b" integer NOT NULL)')
    conn.close()
    a, b = (schema.shape(sqlite3.connect(p)) for p in (reworded, plain))
    assert schema.difference(a, b) is None
    with sqlite3.connect(plain) as conn:
        conn.execute("DROP TABLE t2")
        conn.execute('CREATE TABLE "t2" ("a" varchar(5) CHECK ("a"<>\'y\'), "b" integer NOT NULL)')
    conn.close()
    c = schema.shape(sqlite3.connect(plain))
    assert schema.difference(a, c) == "its table 't2' is not as troth makes it"


def test_an_older_backup_is_brought_forward_and_a_crafted_one_put_back(
    migrated_db: Path, tmp_path: Path
) -> None:
    import importlib

    dropped = importlib.import_module("troth.people.migrations.0007_fewer_indexes").DROPPED
    older = [
        "DELETE FROM django_migrations WHERE app = 'people' AND name = '0007_fewer_indexes'",
        *(f'CREATE INDEX "{name}" ON "{table}" ("{column}")' for table, column, name in dropped),
    ]
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(migrated_db, home / "troth.sqlite3")
    assert run(home, "add", "Ann Kept").returncode == 0
    backup = tmp_path / "b.sqlite3"
    assert run(home, "backup", str(backup)).returncode == 0
    with sqlite3.connect(backup) as conn:
        for statement in older:
            conn.execute(statement)
    conn.close()
    assert run(home, "add", "Bo Later").returncode == 0

    # crafted: an older backup without one_me_per_owner
    crafted = tmp_path / "crafted.sqlite3"
    shutil.copyfile(backup, crafted)
    with sqlite3.connect(crafted) as conn:
        conn.execute("DROP INDEX one_me_per_owner")
    conn.close()
    refused = run(home, "restore", str(crafted), "--replace")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stderr.strip() == (
        f"troth: error: {crafted}: not a troth backup (it lacks the index 'one_me_per_owner');"
        " the database that was there is back"
    )
    names = sorted(p for (p,) in sqlite3.connect(home / "troth.sqlite3").execute(
        "SELECT full_name FROM people_person WHERE NOT is_me"))  # fmt: skip
    assert names == ["Ann Kept", "Bo Later"]
    assert not list(home.glob("troth.sqlite3.before-restore-*"))  # put back, not copied

    # crafted: a migration forgotten whose table is there (bringing it forward fails)
    forgot = tmp_path / "forgot.sqlite3"
    shutil.copyfile(backup, forgot)
    with sqlite3.connect(forgot) as conn:
        conn.execute("DELETE FROM django_migrations WHERE app = 'webhooks'")
    conn.close()
    refused = run(home, "restore", str(forgot), "--replace")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"troth: error: {forgot}: cannot be brought up")
    assert lines[0].endswith("already exists); the database that was there is back"), lines
    assert not list(home.glob("troth.sqlite3.before-restore-*"))

    # the true older backup: restored and brought forward
    done = run(home, "restore", str(backup), "--replace")
    assert done.returncode == 0, done.stderr
    assert "(1 person)" in done.stdout
    live = sqlite3.connect(home / "troth.sqlite3")
    assert ("people", "0007_fewer_indexes") in set(
        live.execute("SELECT app, name FROM django_migrations")
    )
    fresh = sqlite3.connect(migrated_db)
    assert schema.difference(schema.shape(fresh), schema.shape(live)) is None
