"""The Import page's safety net (issue 18 item 3): an upload is first a preview that
writes nothing, then imported on the owner's word (or dropped); a file of noise needs
"Import anyway"; a done import has "Undo this import", refused with why when unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from test_import_safety import garbage_csv, state
from test_web_import import VCARD, stored_uploads, text, upload, write
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.people.actions import do_add_note
from troth.people.models import Person

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def web(client: Client, alice: Owner, home: Path, settings: Settings) -> Client:
    settings.TASKS = IMMEDIATE
    settings.TROTH_IMPORT_THREAD = False
    client.force_login(alice)
    return client


def people(owner: Owner) -> set[str]:
    return set(Person.objects.filter(owner=owner, is_me=False).values_list("full_name", flat=True))


def test_preview_then_import_then_undo(
    web: Client, alice: Owner, tmp_path: Path, home: Path
) -> None:
    before = state()
    r = upload(web, write(tmp_path, "contacts.vcf", VCARD), confirm=False)
    run = ImportRun.objects.get(owner=alice)
    assert r["Location"] == f"/import/{run.id}/" and run.status == ImportRun.PREVIEW
    assert people(alice) == set() and state() == before
    assert len(stored_uploads(home)) == 1  # kept until the owner decides
    page = text(web.get(f"/import/{run.id}/"))
    assert "Preview: nothing is written yet" in page
    assert "Dana Kang · dana@acme.example · CTO at Acme" in page
    assert '<dd id="count-created">2</dd>' in page and "Import it" in page
    assert "waiting for your go-ahead" in text(web.get("/import/"))

    web.post(f"/import/{run.id}/confirm")
    run.refresh_from_db()
    assert run.status == ImportRun.DONE and people(alice) == {"Dana Kang", "Lee Ortiz"}
    assert stored_uploads(home) == []
    page = text(web.get(f"/import/{run.id}/"))
    assert "Undo this import" in page

    r = web.post(f"/import/{run.id}/undo", follow=True)
    page = text(r)
    assert "Undone: 2 people and 0 interactions removed" in page
    assert "Imported, then undone" in page and "Undo this import" not in page
    assert people(alice) == set() and state() == before
    assert "(undone)" in text(web.get("/import/"))


def test_cancel_a_preview_keeps_nothing(
    web: Client, alice: Owner, tmp_path: Path, home: Path
) -> None:
    upload(web, write(tmp_path, "contacts.vcf", VCARD), confirm=False)
    run = ImportRun.objects.get(owner=alice)
    r = web.post(f"/import/{run.id}/cancel", follow=True)
    assert "Not imported: contacts.vcf was not kept." in text(r)
    assert not ImportRun.objects.exists() and stored_uploads(home) == [] and people(alice) == set()


def test_noise_needs_import_anyway(web: Client, alice: Owner, tmp_path: Path) -> None:
    path = garbage_csv(tmp_path / "garbage_hdr.csv", 150_000)
    upload(web, path, confirm=False)
    run = ImportRun.objects.get(owner=alice)
    assert run.status == ImportRun.PREVIEW
    page = text(web.get(f"/import/{run.id}/"))
    assert "This does not look like an address book" in page and "Import anyway" in page
    r = web.post(f"/import/{run.id}/confirm", follow=True)  # without the anyway
    assert "press Import anyway" in text(r)
    run.refresh_from_db()
    assert run.status == ImportRun.PREVIEW and people(alice) == set()
    web.post(f"/import/{run.id}/confirm", {"force": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.DONE and len(people(alice)) >= 50


def test_undo_refused_then_undo_anyway(web: Client, alice: Owner, tmp_path: Path) -> None:
    upload(web, write(tmp_path, "contacts.vcf", VCARD))
    run = ImportRun.objects.get(owner=alice)
    dana = Person.objects.get(owner=alice, full_name="Dana Kang")
    do_add_note(alice, dana, "met at the meetup")
    r = web.post(f"/import/{run.id}/undo", follow=True)
    page = text(r)
    assert "Dana Kang (#" in page and "gained 1 note since" in page
    assert "press Undo anyway" in page and "Undo anyway</button>" in page
    assert people(alice) == {"Dana Kang", "Lee Ortiz"}
    web.post(f"/import/{run.id}/undo", {"force": "1"})
    assert people(alice) == set()


def test_another_owners_run_cannot_be_undone_or_confirmed(
    web: Client, client: Client, alice: Owner, bob: Owner, tmp_path: Path
) -> None:
    upload(web, write(tmp_path, "contacts.vcf", VCARD))
    run = ImportRun.objects.get(owner=alice)
    client.force_login(bob)
    assert client.post(f"/import/{run.id}/undo").status_code == 404
    assert client.post(f"/import/{run.id}/confirm").status_code == 404
    assert client.post(f"/import/{run.id}/cancel").status_code == 404
    assert people(alice) == {"Dana Kang", "Lee Ortiz"}


def test_a_preview_run_never_reads_or_deletes_a_file_outside_the_uploads(
    web: Client, alice: Owner, tmp_path: Path
) -> None:
    """A run's upload path can come from a restored export: confirming or cancelling
    such a run neither imports nor deletes a file outside the uploads folder."""
    secret = write(tmp_path, "contacts.vcf", VCARD)  # someone else's file on the server
    run = ImportRun.objects.create(
        owner=alice,
        kind="vcard",
        path="x.vcf",
        file_name="x.vcf",
        upload=str(secret),
        started_at=timezone.now(),
        status=ImportRun.PREVIEW,
    )
    r = web.post(f"/import/{run.id}/confirm", follow=True)
    assert "the uploaded file is gone" in text(r)
    assert people(alice) == set()
    web.post(f"/import/{run.id}/cancel")
    assert secret.exists() and not ImportRun.objects.filter(pk=run.pk).exists()
