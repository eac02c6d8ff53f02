"""`troth agenda` as a whole process (issue 20: <= 0.5 s): the garbage collector is off
while a command starts and what start-up made is frozen out of its sight, so neither its
passes over the start-up's objects nor its last pass at exit cost the command (a third
of `troth agenda`'s CPU at 30,000 people). The console script closes its database
connections itself before exit: a frozen connection would not be collected, and SQLite
folds its WAL into the database file only when the last connection closes. Speed itself:
bench/bench_agenda.py and bench/bench_cli_startup.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from module_data import migrated_home

# troth runs in processes of its own (its own SQLite home, TROTH_* stripped, the real
# clock): the PostgreSQL pass would repeat these unchanged (conftest checks they use no
# test database)
pytestmark = pytest.mark.own_process

PROBE = """
import gc, json, sys
sys.argv = ["troth", *json.loads(sys.argv[1])]
from troth.cli import main

try:
    main()
except SystemExit:
    pass
state = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), "open": []}
from django.apps import apps

if apps.ready:
    from django.db import connections

    state["open"] = [a for a in connections if connections[a].connection is not None]
print(json.dumps(state), file=sys.stderr)
"""


def run(home: Path, *args: str) -> tuple[str, dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    env["TROTH_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_a_command_ends_with_the_collector_on_its_start_up_frozen_and_the_database_closed(
    tmp_path: Path, migrated_db: Path
) -> None:
    migrated_home(migrated_db, tmp_path)  # the first command's migration is not the subject
    out, state = run(tmp_path, "add", "Ada Lovelace", "--company", "Analytical Engines")
    assert "Ada Lovelace" in out
    out, state = run(tmp_path, "agenda", "--json")
    assert json.loads(out)["items"] == []
    assert state["enabled"] is True  # the command itself ran with the collector on
    assert isinstance(state["frozen"], int) and state["frozen"] > 100_000  # Django and all
    assert state["open"] == []
    # the last connection closed: SQLite folded its write-ahead log into the file
    assert not (tmp_path / "troth.sqlite3-wal").exists()


def test_a_usage_mistake_leaves_the_collector_on(tmp_path: Path) -> None:
    # no command module is loaded, so start-up never ended: main() turns it on itself
    _out, state = run(tmp_path, "--no-such-option")
    assert state["enabled"] is True
    assert not (tmp_path / "troth.sqlite3").exists()
