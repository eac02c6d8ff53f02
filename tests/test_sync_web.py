"""Settings → Sources on the web: add, Sync now, remove; bad input is a 400 with the
reason, another owner's source a 404, and a password is never rendered back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from test_sync_calendars import ME, Served, calendar, event, http  # noqa: F401 - the fixture
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.sync.models import Source

if TYPE_CHECKING:
    from conftest import Cli

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def test_sources_section_add_sync_remove(
    web: Client,
    alice: Owner,
    http: tuple[str, Served],  # noqa: F811
    settings: Settings,
) -> None:
    settings.TROTH_IMPORT_THREAD = False  # Sync now runs inline: the test reads its result
    base, served = http
    served.pages["/s/cal.ics"] = ("text/calendar", calendar(event("w1", "ann@example.com", 2)))
    page = web.get("/settings/")
    assert page.status_code == 200 and b"Sources" in page.content
    added = web.post(
        "/settings/sources/add",
        {"src-kind": "ics", "src-url": f"{base}/s/cal.ics", "src-me": ME, "src-every": "15"},
        **HX,
    )
    assert added.status_code == 200, added.content
    source = Source.objects.get(owner=alice)
    assert b"/s/cal.ics" not in added.content  # the secret address is not shown
    synced = web.post(f"/settings/sources/{source.pk}/sync", **HX)
    assert synced.status_code == 200
    assert Interaction.objects.filter(owner=alice).count() == 1
    removed = web.post(f"/settings/sources/{source.pk}/remove", **HX)
    assert removed.status_code == 200 and not Source.objects.filter(owner=alice).exists()
    assert Interaction.objects.filter(owner=alice).count() == 1


def test_bad_input_and_other_owners(web: Client, alice: Owner, bob: Owner) -> None:
    missing = web.post("/settings/sources/add", {"src-kind": "imap", "src-every": "15"}, **HX)
    assert missing.status_code == 400 and b"needs its IMAP server and login" in missing.content
    bad_url = web.post(
        "/settings/sources/add",
        {"src-kind": "ics", "src-url": "ftp://x.example/c.ics", "src-every": "15"},
        **HX,
    )
    assert bad_url.status_code == 400 and b"not an http(s) or webcal" in bad_url.content
    added = web.post(
        "/settings/sources/add",
        {
            "src-kind": "imap", "src-host": "imap.example.org", "src-user": "alice",
            "src-password": "s3cret-pw", "src-me": "alice@example.org", "src-every": "15",
            "src-security": "tls",
        },
        **HX,
    )  # fmt: skip
    assert added.status_code == 200 and b"s3cret-pw" not in added.content
    assert b"s3cret-pw" not in web.get("/settings/").content
    theirs = Source.objects.create(owner=bob, kind="ics", label="bob's")
    assert web.post(f"/settings/sources/{theirs.pk}/sync", **HX).status_code == 404
    assert web.post(f"/settings/sources/{theirs.pk}/remove", **HX).status_code == 404
    assert Source.objects.filter(pk=theirs.pk).exists()


def test_today_names_a_source_that_keeps_failing_once(web: Client, alice: Owner) -> None:
    Source.objects.create(
        owner=alice, kind="ics", label="https://cal.example/…", failures=1, last_error="HTTP 404"
    )
    assert b"keeps failing" not in web.get("/").content  # one failure: not yet
    Source.objects.filter(owner=alice).update(failures=3)
    page = web.get("/").content.decode()
    assert page.count("keeps failing") == 1 and "HTTP 404" in page


@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_the_due_sources(
    cli: Cli,
    settings: Settings,
    http: tuple[str, Served],  # noqa: F811
) -> None:
    """`troth worker --once` with the database queue: a due source is queued and synced."""
    from django_tasks_db.models import DBTaskResult

    from troth.owners import local_owner
    from troth.sync.actions import do_add_ics

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    base, served = http
    served.pages["/w.ics"] = ("text/calendar", calendar(event("k1", "ann@example.com", 2)))
    owner = local_owner()
    source = do_add_ics(owner, url=f"{base}/w.ics", me=[ME])
    out = cli("worker", "--once").stdout
    assert "Queued the sync of 1 source(s)." in out
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    assert Interaction.objects.filter(owner=owner).count() == 1
    assert Source.objects.get(pk=source.pk).last_ok_at is not None
    cli("worker", "--once", "--quiet")  # not due again: nothing queued
    assert DBTaskResult.objects.count() == 1
