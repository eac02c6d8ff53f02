"""`troth agenda` starts without what only writes, restores or the web need (issue 20):
the restore of an uploaded export and the importers' task runner (backup's hook), the
webhook recorder (imported at the first event), and the admin modules of auth, axes and
the task queue (the admin is found with the URLs). Speed itself: bench/bench_agenda.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from module_data import migrated_home
from test_light_startup import probe

# troth runs in processes of its own (its own SQLite home, TROTH_* stripped, the real
# clock): the PostgreSQL pass would repeat these unchanged (conftest checks they use no
# test database)
pytestmark = pytest.mark.own_process

# Modules `troth agenda` used to import at start-up and no longer needs.
DEFERRED = (
    "troth.backup.upload",
    "troth.backup.restore",
    "troth.importers.tasks",
    "filelock",
    "troth.webhooks.record",
    "django.contrib.auth.admin",
    "django.contrib.auth.forms",
    "axes.admin",
)

PROBE = """
import json, sys
watched = json.loads(sys.argv[2])
sys.argv = ["troth", *json.loads(sys.argv[1])]
from troth.cli import main

try:
    main()
except SystemExit:
    pass
print(json.dumps({m: m in sys.modules for m in watched}), file=sys.stderr)
"""


def loaded_by(home: Path, *args: str) -> tuple[str, dict[str, bool]]:
    env = {**os.environ, "TROTH_HOME": str(home)}
    env.pop("TROTH_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(DEFERRED)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_the_agenda_starts_without_restore_webhooks_or_the_admin(
    tmp_path: Path, migrated_db: Path
) -> None:
    migrated_home(migrated_db, tmp_path)  # the first command's migration is not the subject
    probe(tmp_path, "add", "Ada Lovelace", "--company", "Analytical Engines")
    probe(tmp_path, "log", "Ada", "meeting", "tea")
    probe(tmp_path, "agenda")  # scores the network once
    for args in (("agenda",), ("agenda", "--json")):
        out, loaded = loaded_by(tmp_path, *args)
        assert out.strip(), args
        assert loaded == dict.fromkeys(DEFERRED, False), (args, loaded)


def test_a_write_still_reaches_the_webhook_recorder(tmp_path: Path, migrated_db: Path) -> None:
    migrated_home(migrated_db, tmp_path)  # the first command's migration is not the subject
    # the recorder is imported at the first event, not before
    probe(tmp_path, "add", "Ada Lovelace")
    out, loaded = loaded_by(tmp_path, "log", "Ada", "call", "catch-up")
    assert "Ada Lovelace" in out
    assert loaded["troth.webhooks.record"]
    assert not loaded["troth.backup.upload"]
