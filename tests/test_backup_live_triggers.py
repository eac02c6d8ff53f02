"""A `troth backup` of a database in use holds troth's own triggers (the search index's
and the stored agenda's); `troth restore` takes it back, and still refuses a trigger
troth never makes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_cli_process import run


def test_a_backup_of_a_database_in_use_restores(home: Path, tmp_path: Path) -> None:
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
