"""`troth restore` is refused while `troth serve` or `troth worker` runs on the database.

Restoring moves the database aside and puts the backup in its place: a server still
running would go on writing to the file moved aside, and what it wrote would be lost
with it (a newcomer's review: the README said to stop it, nothing checked).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from module_data import migrated_home
from test_import_concurrency import TROTH, env_for, run
from test_web import _get, _start, _stop
from troth.lib.inuse import InUse, alone, lock_path, using

pytestmark = pytest.mark.own_process


def test_restore_waits_for_no_one_and_refuses_a_running_server(
    tmp_path: Path, migrated_db: Path
) -> None:
    home = migrated_home(migrated_db, tmp_path / "home")
    assert run(home, "add", "Ann Kept").returncode == 0
    backup = tmp_path / "b.sqlite3"
    assert run(home, "backup", str(backup)).returncode == 0
    proc, port = _start(env_for(home))
    try:
        _get(proc, f"http://127.0.0.1:{port}/healthz")
        refused = run(home, "restore", str(backup), "--replace")
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert refused.stderr.strip() == (
            f"troth: error: troth serve or troth worker is using {home / 'troth.sqlite3'}:"
            " stop it, then restore (it would go on writing to the database moved aside)"
        )
        assert not list(home.glob("troth.sqlite3.before-restore-*"))  # nothing moved
    finally:
        _stop(proc)
    done = run(home, "restore", str(backup), "--replace")
    assert done.returncode == 0, done.stderr
    assert "(1 person)" in done.stdout


HOLD = """
import sys, time
from pathlib import Path
from troth.lib.inuse import using
with using(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_the_lock_goes_with_the_process_however_it_ends(tmp_path: Path) -> None:
    database = tmp_path / "troth.sqlite3"
    with alone(database):  # no one else: taken
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(InUse), alone(database):
            pass
        # another server beside it shares the lock
        with using(database):
            pass
    finally:
        holder.kill()  # as a crash: no clean exit, nothing left behind that counts
        holder.communicate()  # and its pipe closed
    assert lock_path(database).exists()
    with alone(database):
        pass
    os.unlink(lock_path(database))


def test_a_command_started_during_a_restore_waits_for_it(tmp_path: Path, migrated_db: Path) -> None:
    """Every command that reads or writes the network takes the lock before it opens
    the database (cli.app.owner): one started while a restore holds it alone waits,
    then reads the restored database, never the one moved aside."""
    home = migrated_home(migrated_db, tmp_path / "home")
    with alone(home / "troth.sqlite3"):  # as `troth restore` holds it
        waiting = subprocess.Popen(
            [TROTH, "add", "Late Comer"], env=env_for(home), stdout=subprocess.PIPE, text=True
        )
        with contextlib.suppress(subprocess.TimeoutExpired):
            waiting.wait(timeout=4)  # `troth add` takes about a second when it runs
        ran = waiting.poll() is not None
    out, _ = waiting.communicate(timeout=120)
    assert not ran, "the command ran while the restore held the lock"
    assert waiting.returncode == 0 and "Late Comer" in out
