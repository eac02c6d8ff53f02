"""A `troth backup` of a database in use holds troth's own triggers (the search index's
and the stored agenda's); `troth restore` takes it back, and still refuses a trigger
troth never makes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from module_data import migrated_home
from test_cli_process import run

# troth runs in processes of its own (its own SQLite home, TROTH_* stripped, the real
# clock): the PostgreSQL pass would repeat it unchanged (conftest checks it uses no
# test database)
pytestmark = pytest.mark.own_process


def test_a_backup_of_a_database_in_use_restores(tmp_path: Path, migrated_db: Path) -> None:
    # on the migrated copy: a new home's migration is test_cli_process's subject
    home = migrated_home(migrated_db, tmp_path / "home")
    assert run(home, "add", "Dana Whitfield", "--email", "dana@example.org").returncode == 0
    assert run(home, "agenda", "--json").returncode == 0  # the stored agenda exists now
    names = {
        r[0]
        for r in sqlite3.connect(home / "troth.sqlite3").execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    assert any(n.startswith("troth_search") for n in names)
    assert any(n.startswith("troth_agenda") or "agenda" in n for n in names), names
    backup = tmp_path / "backup.sqlite3"
    made = run(home, "backup", str(backup))
    assert made.returncode == 0, made.stderr
    restored = run(home, "restore", str(backup), "--replace")
    assert restored.returncode == 0, restored.stderr
    people = run(home, "people", "--json")
    assert '"Dana Whitfield"' in people.stdout
    # a look-alike of one of troth's triggers, doing something else, is refused
    db = sqlite3.connect(backup)
    agenda_trigger = next(n for n in names if "agenda" in n and n.endswith("_upd"))
    db.execute(f"DROP TRIGGER {agenda_trigger}")
    db.execute(
        f"CREATE TRIGGER {agenda_trigger} AFTER UPDATE ON people_person BEGIN "
        "DELETE FROM people_note; END"
    )
    db.commit()
    db.close()
    refused = run(home, "restore", str(backup), "--replace")
    assert refused.returncode == 2 and "never makes" in refused.stderr
