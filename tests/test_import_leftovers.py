"""What an import leaves behind (issue 17, items 2 and 9): a run's upload path is a
column anyone who writes rows can fill, so troth reads and deletes only the uploads
it stored itself; and a run cut off by a crash (kill -9, a reboot) is found at the
next `troth serve` or `troth worker` start, said interrupted, its upload deleted."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from module_data import migrated_home
from troth.importers import tasks
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ruth Okafor\r\nEMAIL:ruth@okafor.example\r\nEND:VCARD\r\n"
TROTH = str(Path(sys.executable).parent / "troth")


@pytest.fixture
def home(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TROTH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def victims(tmp_path: Path, home: Path) -> list[Path]:
    """Files a crafted run may name: outside the data folder, the database file,
    and one reached through the uploads folder by '..'."""
    outside = tmp_path / "victim.txt"
    database = home / "troth.sqlite3"
    beside = home / "uploads" / ".." / "notes.txt"
    home.mkdir(parents=True, exist_ok=True)
    tasks.uploads_dir()
    for path in (outside, database, beside):
        path.write_text("keep me", encoding="utf-8")
    return [outside, database, beside]


def run_of(owner: Owner, upload: str, status: str = ImportRun.RUNNING, **extra: Any) -> ImportRun:
    return ImportRun.objects.create(
        owner=owner,
        kind="vcard",
        path="people.vcf",
        file_name="people.vcf",
        upload=upload,
        status=status,
        started_at=timezone.now() - dt.timedelta(minutes=5),
        **extra,
    )


@pytest.mark.parametrize("backend", ["thread", "database"])
def test_opening_a_crafted_run_leaves_every_file_but_its_own_upload_alone(
    client: Client, settings: Settings, home: Path, tmp_path: Path, backend: str
) -> None:
    settings.TASKS = IMMEDIATE if backend == "thread" else DATABASE
    settings.TROTH_IMPORT_THREAD = True
    owner = local_owner()
    client.force_login(owner)
    files = victims(tmp_path, home)
    link = tasks.uploads_dir() / "upload-link.vcf"  # a link named like an upload
    link.symlink_to(files[0])
    crafted = [run_of(owner, str(path)) for path in [*files, link]]
    ours = tasks.uploads_dir() / "upload-abc.vcf"
    ours.write_text(VCARD, encoding="utf-8")
    real = run_of(owner, str(ours))
    for run in [*crafted, real]:
        assert client.get(f"/import/{run.pk}/").status_code == 200
        run.refresh_from_db()
        assert run.status == ImportRun.FAILED and run.error.startswith("interrupted")
    assert all(path.read_text(encoding="utf-8") == "keep me" for path in files)
    assert link.is_symlink()
    assert not ours.exists()  # the run's own upload, in the uploads folder: deleted


def test_a_queued_run_naming_a_file_elsewhere_never_reads_it(
    settings: Settings, home: Path, tmp_path: Path
) -> None:
    settings.TASKS, settings.TROTH_IMPORT_THREAD = IMMEDIATE, False
    owner = local_owner()
    outside = tmp_path / "people.vcf"
    outside.write_bytes(VCARD.encode())
    run = run_of(owner, str(outside), status=ImportRun.QUEUED)
    assert tasks.execute(run.pk)["status"] == ImportRun.FAILED
    run.refresh_from_db()
    assert "the uploaded file is gone" in run.error
    assert outside.read_bytes() == VCARD.encode()
    assert not Person.objects.filter(owner=owner, full_name="Ruth Okafor").exists()


# The worker closes connections it finds inside a transaction, as a long-running
# process should; so the test runs in autocommit, as the worker does in production.
@pytest.mark.django_db(transaction=True)
def test_worker_start_marks_runs_a_dead_worker_left_running(
    cli: Cli, settings: Settings, home: Path, tmp_path: Path
) -> None:
    settings.TASKS = DATABASE
    owner = local_owner()
    uploads = tasks.uploads_dir()
    dead_upload, live_upload, queued_upload = (
        uploads / f"upload-{n}.vcf" for n in ("dead", "live", "queued")
    )
    for path in (dead_upload, live_upload, queued_upload):
        path.write_text(VCARD, encoding="utf-8")
    dead = run_of(owner, str(dead_upload))
    tasks.ProgressFile(dead.pk)("people", 1, 2)
    live = run_of(owner, str(live_upload))
    waiting = run_of(owner, str(queued_upload), status=ImportRun.QUEUED)
    elsewhere = victims(tmp_path, home)
    stray = run_of(owner, str(elsewhere[1]))  # a "running" row naming the database file
    lock = tasks.run_lock(live.pk)  # another worker, alive, runs this one
    lock.acquire()
    try:
        said = cli("worker", "--once")
    finally:
        lock.release()
    assert "Marked 2 import(s)" in said.stdout
    for run in (dead, live, waiting, stray):
        run.refresh_from_db()
    assert dead.status == ImportRun.FAILED and "interrupted" in dead.error
    assert not dead_upload.exists() and not tasks.progress_path(dead.pk).exists()
    assert stray.status == ImportRun.FAILED
    assert all(path.read_text(encoding="utf-8") == "keep me" for path in elsewhere)
    assert live.status == ImportRun.RUNNING and live_upload.exists()  # left alone
    assert waiting.status == ImportRun.QUEUED and queued_upload.exists()  # a worker's to run


SETUP = """
import datetime as dt, sys
from django.utils import timezone
from troth import bootstrap
bootstrap.setup()
from troth.importers import tasks
from troth.importers.models import ImportRun
from troth.owners import local_owner
from troth.people.models import Person
owner = local_owner()
for status in ("running", "queued"):
    path = tasks.uploads_dir() / f"upload-{status}.vcf"
    path.write_text("BEGIN:VCARD", encoding="utf-8")
    ImportRun.objects.create(owner=owner, kind="vcard", path="p.vcf", file_name="p.vcf",
        upload=str(path), status=status, started_at=timezone.now() - dt.timedelta(seconds=5))
"""


@pytest.mark.own_process
def test_serve_start_marks_runs_cut_off_when_troth_stopped(
    tmp_path: Path, migrated_db: Path
) -> None:
    """A real `troth serve` on a real SQLite file: the runs it was running in its own
    threads when it was killed (running, and queued behind them) are interrupted at
    the next start, their uploads deleted, before the first page is served."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
    home = migrated_home(migrated_db, tmp_path / "home")
    env.update(TROTH_HOME=str(home), DJANGO_SETTINGS_MODULE="troth.settings")
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    uploads = home / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["upload-queued.vcf", "upload-running.vcf"]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [TROTH, "serve", "--port", str(port), "--no-open"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "troth is serving on" in first, first
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    with sqlite3.connect(home / "troth.sqlite3") as db:
        found = db.execute("SELECT status, error FROM importers_importrun ORDER BY id").fetchall()
    assert [s for s, _e in found] == ["failed", "failed"]
    assert all(e.startswith("interrupted") for _s, e in found)
    assert not list(uploads.glob("upload-*"))


def test_a_dry_runs_copy_left_by_a_dead_process_is_removed_and_a_live_one_kept(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview works on a whole copy of an SQLite database (every member's rows); one
    left by a crash stayed for good. Start-up removes copies whose lock nobody holds."""
    from django.db import connection
    from filelock import FileLock

    from troth.importers.preview import SCRATCH_PREFIX
    from troth.importers.tasks import do_remove_stale_scratch

    database = tmp_path / "troth.sqlite3"
    database.write_bytes(b"")
    dead, live = tmp_path / f"{SCRATCH_PREFIX}dead", tmp_path / f"{SCRATCH_PREFIX}live"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "copy.sqlite3").write_bytes(b"every member's rows")
    elsewhere = tmp_path / "keep-me"
    elsewhere.mkdir()
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with FileLock(live / "lock", timeout=0):
        assert do_remove_stale_scratch() == 1
    assert not dead.exists() and live.exists() and elsewhere.exists()
