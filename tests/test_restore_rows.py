"""`troth restore` takes a backup's rows, never its schema (troth.backup.sqlite_copy).

A crafted backup could drop `one_me_per_owner` (two "me" records: every page fails),
turn it into an index that matches nothing, add a CHECK that blocks every interaction
after a date, a collation, planted planner statistics or a table shaped like the
search index; a comparison of the two schemas missed several of these (a security
review). The rows now go into a new database made by this version's migrations, under
its rules, and nothing else of the file comes along.
"""

from __future__ import annotations

import importlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from module_data import migrated_home
from test_import_concurrency import TROTH, env_for, run

pytestmark = pytest.mark.own_process

# troth's own objects made at run time beside the migrations' (the search index and
# the stored agenda's triggers): not what these tests compare
RUNTIME = ("troth_search_", "troth_agenda_", "sqlite_")


def _schema(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return {
            (kind, name, sql)
            for kind, name, sql in conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            )
            if not name.startswith(RUNTIME)
        }
    finally:
        conn.close()


def _people(path: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT full_name, is_me FROM people_person"))
    finally:
        conn.close()


@pytest.fixture
def made(tmp_path: Path, migrated_db: Path) -> tuple[Path, Path]:
    """A home holding Ann and Bo, and a backup of it made when it held Ann alone."""
    home = migrated_home(migrated_db, tmp_path / "home")
    assert run(home, "add", "Ann Kept").returncode == 0
    # a folder whose name means something in a URI (SQLite opens the file by one)
    backup = tmp_path / "odd ?#% dir" / "b.sqlite3"
    backup.parent.mkdir()
    assert run(home, "backup", str(backup)).returncode == 0
    assert run(home, "add", "Bo Later").returncode == 0
    return home, backup


def _crafted(backup: Path, name: str, *sql: str) -> Path:
    path = backup.with_name(f"{name}.sqlite3")
    shutil.copyfile(backup, path)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA writable_schema = ON")  # (for the shadow table below)
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    return path


SECOND_ME = (
    "INSERT INTO people_person (owner_id, full_name, given_name, family_name, nickname,"
    " name_key, is_me, photo_type, created_at, updated_at)"
    " SELECT owner_id, 'Mallory Me', '', '', '', 'MALLORY ME', 1, '', created_at, updated_at"
    " FROM people_person WHERE is_me"
)


def test_a_rule_the_file_dropped_still_holds_and_nothing_moves(made: tuple[Path, Path]) -> None:
    home, backup = made
    before = _people(home / "troth.sqlite3")
    two_me = _crafted(backup, "two-me", "DROP INDEX one_me_per_owner", SECOND_ME)
    # the review's: an index that reads the same but matches no row ("is_me " is a string)
    blind = _crafted(
        backup,
        "blind",
        "DROP INDEX one_me_per_owner",
        'CREATE UNIQUE INDEX "one_me_per_owner" ON "people_person" ("owner_id") WHERE "is_me "',
        SECOND_ME,
    )
    wrong_kind = _crafted(backup, "kind", "UPDATE people_person SET is_me = 'no' WHERE NOT is_me")
    for path, says in (
        (two_me, "a row of people_person breaks a rule troth keeps (UNIQUE constraint failed"),
        (blind, "a row of people_person breaks a rule troth keeps (UNIQUE constraint failed"),
        (wrong_kind, "people_person row 2: is_me holds text, not integer"),
    ):
        refused = run(home, "restore", str(path), "--replace")
        assert refused.returncode == 2, refused.stdout + refused.stderr
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"troth: error: {path}: {says}"), lines
        assert _people(home / "troth.sqlite3") == before
        assert not list(home.glob("troth.sqlite3.before-restore-*"))  # nothing moved


def test_nothing_of_the_files_schema_comes_along(
    made: tuple[Path, Path], migrated_db: Path
) -> None:
    home, backup = made
    conn = sqlite3.connect(backup)
    (create,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'interactions_interaction'"
    ).fetchone()
    conn.close()
    bomb = create.rstrip(")") + ", CHECK/**/(\"occurred_at\" < '2000-01-01'))"
    crafted = _crafted(
        backup,
        "everything",
        "CREATE INDEX mine ON people_note (text)",
        "DROP INDEX group_name_unique_ci",
        'CREATE UNIQUE INDEX group_name_unique_ci ON groups_group ((LOWER("name") || "id"))',
        "ANALYZE",
        "UPDATE sqlite_stat1 SET stat = '1 1'",
        # a CHECK added after a comment, and a search-shaped table of the file's own
        f"UPDATE sqlite_master SET sql = '{bomb.replace(chr(39), chr(39) * 2)}'"
        " WHERE name = 'interactions_interaction'",
        "CREATE TABLE troth_search_zz (x, CHECK (0))",
        "UPDATE sqlite_sequence SET seq = 9223372036854775807 WHERE name = 'people_person'",
    )
    done = run(home, "restore", str(crafted), "--replace")
    assert done.returncode == 0, done.stderr
    assert "(1 person)" in done.stdout
    live = home / "troth.sqlite3"
    assert _schema(live) == _schema(migrated_db)
    conn = sqlite3.connect(live)
    try:
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
        assert "troth_search_zz" not in tables and "mine" not in tables
        assert (
            "sqlite_stat1" not in tables
            or not conn.execute("SELECT * FROM sqlite_stat1").fetchall()
        )
        (seq,) = conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'people_person'"
        ).fetchone()
        assert seq < 1000
    finally:
        conn.close()
    assert _people(live) == [("Ann Kept", 0), ("Me", 1)]
    # troth works on it: a new person, an interaction the file's CHECK would refuse
    assert run(home, "add", "Cy New").returncode == 0
    assert run(home, "log", "Cy New", "call", "--when", "yesterday").returncode == 0


def test_an_older_backup_is_brought_forward_first(
    made: tuple[Path, Path], migrated_db: Path
) -> None:
    home, backup = made
    dropped = importlib.import_module("troth.people.migrations.0007_fewer_indexes").DROPPED
    older = _crafted(
        backup,
        "older",
        "DELETE FROM django_migrations WHERE app = 'people' AND name = '0007_fewer_indexes'",
        *(f'CREATE INDEX "{name}" ON "{table}" ("{column}")' for table, column, name in dropped),
    )
    done = run(home, "restore", str(older), "--replace")
    assert done.returncode == 0, done.stderr
    assert _schema(home / "troth.sqlite3") == _schema(migrated_db)
    assert _people(home / "troth.sqlite3") == [("Ann Kept", 0), ("Me", 1)]

    # a record taken out that is not the last of its app: bringing it forward fails
    forgot = _crafted(
        backup,
        "forgot",
        "DELETE FROM django_migrations WHERE name = '0001_initial' AND app = 'people'",
    )
    refused = run(home, "restore", str(forgot), "--replace")
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"troth: error: {forgot}: cannot be brought up to date ("
    ), lines
    # a migration of a library's that this version does not ship
    unknown = _crafted(
        backup,
        "unknown",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('auth', '9999_zz', '2020-01-01')",
    )
    refused = run(home, "restore", str(unknown), "--replace")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"troth: error: {unknown}: made with other versions of troth's libraries"
        " (auth.9999_zz is unknown here)"
    )


def test_a_database_that_cannot_be_read_is_replaced_and_kept(made: tuple[Path, Path]) -> None:
    home, backup = made
    live = home / "troth.sqlite3"
    live.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    refused = run(home, "restore", str(backup))
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"troth: error: the database at {live} cannot be read; restore over it with --replace"
        " (it is kept aside beside it)"
    )
    done = run(home, "restore", str(backup), "--replace")
    assert done.returncode == 0, done.stderr
    assert _people(live) == [("Ann Kept", 0), ("Me", 1)]
    (aside,) = home.glob("troth.sqlite3.before-restore-*")
    assert aside.read_bytes().endswith(b"\xff" * 100)


ATTACKER = (
    "INSERT INTO auth_user (password, last_login, is_superuser, username, first_name,"
    " last_name, email, is_staff, is_active, date_joined) VALUES"
    " ('pbkdf2_sha256$1$salt$known', NULL, 1, 'mallory', '', '', '', 1, 1, '2026-01-01 00:00:00')",
    "INSERT INTO tokens_accesstoken (owner_id, name, prefix, digest, read_only, created_at)"
    " SELECT id, 'planted', 'troth_x', 'ab' || substr(hex(randomblob(31)), 1, 62), 0,"
    " '2026-01-01 00:00:00' FROM auth_user WHERE username = 'mallory'",
    "INSERT INTO agenda_mailsettings (host, port, username, password, security, from_address,"
    " digest_to, updated_at, owner_id) SELECT 'smtp.attacker.example', 25, '', '', 'none',"
    " '', 'evil@attacker.example', '2026-01-01 00:00:00', min(id) FROM auth_user",
)


def test_access_from_the_file_is_left_out_unless_it_is_your_own_server(
    made: tuple[Path, Path],
) -> None:
    """A backup altered where it was kept (an attacker's review): an admin account with a
    password they know, a token, a digest mailed to them. Restored without passwords,
    rights, tokens or mail settings, and said so; --with-accounts keeps them."""
    home, backup = made
    crafted = _crafted(backup, "access", *ATTACKER)
    done = run(home, "restore", str(crafted), "--replace")
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "Accounts (2) come back without passwords or admin rights, and 2 rows of access" in said
    assert "--with-accounts" in said
    live = sqlite3.connect(home / "troth.sqlite3")
    try:
        users = live.execute("SELECT username, password, is_superuser, is_staff FROM auth_user")
        for name, password, superuser, staff in users:
            assert password.startswith("!") and not superuser and not staff, name
        assert live.execute("SELECT count(*) FROM tokens_accesstoken").fetchone() == (0,)
        assert live.execute("SELECT count(*) FROM agenda_mailsettings").fetchone() == (0,)
    finally:
        live.close()

    kept = run(home, "restore", str(crafted), "--replace", "--with-accounts")
    assert kept.returncode == 0, kept.stderr
    assert "Accounts" not in kept.stdout
    live = sqlite3.connect(home / "troth.sqlite3")
    try:
        row = live.execute(
            "SELECT password, is_superuser FROM auth_user WHERE username = 'mallory'"
        )
        assert row.fetchone() == ("pbkdf2_sha256$1$salt$known", 1)
        assert live.execute("SELECT count(*) FROM tokens_accesstoken").fetchone() == (1,)
    finally:
        live.close()
    # two restores within the same second: each kept the database it replaced
    asides = sorted(home.glob("troth.sqlite3.before-restore-*"))
    assert len(asides) == 2 and len(set(asides)) == 2
    assert ("Bo Later", 0) in _people(asides[0]) or ("Bo Later", 0) in _people(asides[1])


def test_a_date_or_id_troth_cannot_read_is_refused(made: tuple[Path, Path]) -> None:
    home, backup = made
    for name, sql, says in (
        (
            "bad-date",
            "UPDATE people_person SET created_at = '2024-13-45 99:99:99' WHERE NOT is_me",
            "created_at '2024-13-45 99:99:99' is not a date and time",
        ),
        (
            "huge-id",
            "INSERT INTO people_note (id, owner_id, person_id, text, created_at)"
            " SELECT 9223372036854775807, owner_id, id, 'a note', created_at"
            " FROM people_person WHERE NOT is_me",
            "id 9223372036854775807 is not an id from 1 to 2,147,483,647",
        ),
    ):
        crafted = _crafted(backup, name, sql)
        refused = run(home, "restore", str(crafted), "--replace")
        assert refused.returncode == 2, refused.stdout + refused.stderr
        said = refused.stderr.strip()
        assert said.startswith(f"troth: error: {crafted}: people_") and said.endswith(says), said


HIJACK = """
import pathlib
pathlib.Path(__file__).with_name("hijacked").write_text("ran")
raise ImportError("not the real module")
"""


def test_the_migrations_process_imports_nothing_from_the_current_folder(
    made: tuple[Path, Path], tmp_path: Path
) -> None:
    """A module lying beside the backup is not imported by the process that brings an
    older backup forward (python -P, run in its own folder: an attacker's review)."""
    home, backup = made
    older = _crafted(
        backup,
        "older-again",
        "DELETE FROM django_migrations WHERE app = 'people' AND name = '0007_fewer_indexes'",
    )
    folder = older.parent
    for module in ("dj_database_url.py", "django_tasks.py"):
        (folder / module).write_text(HIJACK)
    done = subprocess.run(
        [TROTH, "restore", str(older), "--replace"],
        env=env_for(home),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not (folder / "hijacked").exists()
