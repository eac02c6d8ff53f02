"""troth worker: runs the imports the web app queued in the database (TROTH_TASKS=database),
with --once for "what is queued now, then exit"; refuses to run without that backend."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from troth.importers import tasks
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ruth Okafor\r\nEMAIL:ruth@okafor.example\r\nEND:VCARD\r\n"


def queued(owner: Owner, content: str, name: str = "people.vcf", kind: str = "vcard") -> ImportRun:
    stored = tasks.uploads_dir() / f"upload-test-{name}"
    stored.write_text(content, encoding="utf-8")
    return tasks.do_queue_import(owner, stored, name, kind)


# The worker closes connections it finds inside a transaction, as a long-running
# process should; so the test runs in autocommit, as the worker does in production.
@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_queued_imports(cli: Cli, settings: Settings, home: Path) -> None:
    settings.TASKS = DATABASE
    owner = local_owner()
    good = queued(owner, VCARD)
    bad = queued(owner, "BEGIN:VCARD\r\nnot really\r\n", name="broken.ics", kind="ics")
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    cli("worker", "--once", "--quiet")
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == ImportRun.DONE and good.counts["people_created"] == 1
    assert Person.objects.filter(owner=owner, full_name="Ruth Okafor").exists()
    assert bad.status == ImportRun.FAILED and "broken.ics" in bad.error
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert not list((home / "uploads").iterdir())  # uploads deleted after their runs
    # nothing left: another pass runs nothing and exits
    cli("worker", "--once", "--quiet")
    assert DBTaskResult.objects.count() == 2


# The worker closes connections it finds inside a transaction, as a long-running
# process should; so the test runs in autocommit, as the worker does in production.
@pytest.mark.django_db(transaction=True)
def test_worker_max_tasks(cli: Cli, settings: Settings, home: Path) -> None:
    settings.TASKS = DATABASE

    owner = local_owner()
    first = queued(owner, VCARD, name="a.vcf")
    second = queued(owner, VCARD, name="b.vcf")
    cli("worker", "--max-tasks", "1", "--interval", "0", "--quiet")
    statuses = {r.pk: r.status for r in ImportRun.objects.filter(pk__in=[first.pk, second.pk])}
    assert sorted(statuses.values()) == [ImportRun.DONE, ImportRun.QUEUED]


def test_worker_needs_the_database_backend(cli: Cli, settings: Settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = cli("worker", "--once", code=2)
    assert "TROTH_TASKS=database" in result.stderr


def test_worker_bad_options(cli: Cli, settings: Settings) -> None:
    settings.TASKS = DATABASE
    assert "--interval" in cli("worker", "--interval", "-1", code=2).stderr
    assert "--max-tasks" in cli("worker", "--max-tasks", "0", code=2).stderr
