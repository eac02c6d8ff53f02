"""Imports through the API: upload (a preview first), status, confirm, cancel; a file
over the anonymous body cap goes through with a token; refusals name the file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_django.fixtures import Settings

from api_helpers import Api
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.people.models import Person

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

VCARD = """BEGIN:VCARD
VERSION:3.0
FN:Dana Kang
N:Kang;Dana;;;
EMAIL;TYPE=INTERNET:dana@acme.example
ORG:Acme
NOTE:{note}
END:VCARD
"""


@pytest.fixture
def api(alice: Owner, home: Path, settings: Settings) -> Api:
    # the immediate backend, run inside the upload request (as tests/test_web_import.py)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TROTH_IMPORT_THREAD = False
    return Api(alice)


def post_file(api: Api, name: str, content: bytes, **form: str) -> Response:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile(name, content), **form},
        HTTP_AUTHORIZATION=f"Bearer {api.raw}",
    )


def test_upload_preview_confirm_and_status(api: Api, alice: Owner) -> None:
    # bigger than the 64 KiB an anonymous request may send: the token counts as signed in
    big = VCARD.format(note="x" * 100_000).encode()
    r = post_file(api, "contacts.vcf", big)
    assert r.status_code == 202, r.content
    run = r.json()
    assert run["status"] == "preview" and run["file"] == "contacts.vcf" and run["kind"] == "vcard"
    assert not Person.objects.filter(owner=alice, full_name="Dana Kang").exists()
    assert api.get(f"/imports/{run['id']}").json()["status"] == "preview"
    r = api("POST", f"/imports/{run['id']}/confirm")
    assert r.status_code == 200 and r.json()["status"] == "done", r.content
    assert r.json()["people_created"] == 1
    assert Person.objects.filter(owner=alice, full_name="Dana Kang").exists()
    assert [x["id"] for x in api.get("/imports").json()["items"]] == [run["id"]]
    assert api("POST", f"/imports/{run['id']}/confirm").status_code == 400  # not a preview now


def test_cancel_and_refusals(api: Api, alice: Owner, bob: Owner) -> None:
    run = post_file(api, "contacts.vcf", VCARD.format(note="hi").encode()).json()
    other = Api(bob, name="bob's")
    assert other.get(f"/imports/{run['id']}").status_code == 404
    assert other("POST", f"/imports/{run['id']}/cancel").status_code == 404
    assert api("POST", f"/imports/{run['id']}/cancel").status_code == 204
    assert not ImportRun.objects.filter(owner=alice).exists()
    r = post_file(api, "noise.bin", b"\x00\x01\x02 nothing")
    assert r.status_code == 400 and "noise.bin" in r.json()["error"]
    r = post_file(api, "contacts.vcf", b"x", kind="nonsense")
    assert r.status_code == 400 and r.json()["error"].startswith("kind:")
    r = api.client.post("/api/v1/imports", {}, HTTP_AUTHORIZATION=f"Bearer {api.raw}")
    assert r.status_code == 422 and "file" in r.json()["error"]


def test_exports_are_the_commands_bytes(api: Api, alice: Owner, bob: Owner) -> None:
    from troth.people.actions import do_add_person

    do_add_person(alice, "Dana Kang", emails=["dana@acme.example"])
    r = api.get("/export/vcard")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/vcard")
    assert b"FN:Dana Kang" in r.content and b"BEGIN:VCARD" in r.content
    r = api.get("/export/json")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    assert "Dana Kang" in r.content.decode()
    # another owner's export has none of it
    assert b"Dana" not in Api(bob, name="bob's").get("/export/json").content
