"""The Import page and the API in their own words: a CSV with no name column asks for a
renamed header (the web has no --map), and a preview that would bring nothing says why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from api_helpers import Api
from troth.importers.models import ImportRun
from troth.owned import Owner
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NO_NAME_CSV = "Guest,Contact info,Where\r\nAna Diaz,ana@example.com,Acme\r\n"
# one message between two other people: nothing in it involves the owner
NOT_MINE = (
    "From bob@x.example Mon Jun  2 10:00:00 2025\n"
    "From: Bob <bob@x.example>\n"
    "To: carol@y.example\n"
    "Date: Mon, 2 Jun 2025 10:00:00 +0000\n"
    "Message-ID: <1@x.example>\n"
    "Subject: hi\n\nbody\n\n"
)


@pytest.fixture
def web(client: Client, alice: Owner, home: Path, settings: Settings) -> Client:
    settings.TASKS = IMMEDIATE  # run inside the upload request (as test_web_import.py)
    settings.TROTH_IMPORT_THREAD = False
    client.force_login(alice)
    return client


def _upload(web: Client, name: str, content: str, kind: str = "") -> ImportRun:
    file = SimpleUploadedFile(name, content.encode())
    web.post("/import/upload", {"file": file, "kind": kind, "me": "alice@home.example"})
    run = ImportRun.objects.order_by("-id").first()
    assert run is not None
    return run


def _status(web: Client, run: ImportRun) -> str:
    return web.get(f"/import/{run.pk}/status", HTTP_HX_REQUEST="true").content.decode()


def test_a_csv_without_names_asks_for_a_header_not_a_flag(web: Client, alice: Owner) -> None:
    run = _upload(web, "people.csv", NO_NAME_CSV, kind="csv")
    assert run.status == ImportRun.FAILED
    assert "--map" not in run.error
    assert (
        "people.csv: no column troth recognises as a name (its columns: Guest, Contact info, Where)"
        in (run.error)
    )
    page = _status(web, run).replace("&quot;", '"')
    assert '"Name" (or two columns "First Name" and "Last Name")' in page
    assert "--map" not in page
    assert not Person.objects.filter(owner=alice, is_me=False).exists()


def test_the_api_says_it_in_the_same_words(alice: Owner, home: Path, settings: Settings) -> None:
    settings.TASKS = IMMEDIATE
    settings.TROTH_IMPORT_THREAD = False
    api = Api(alice)
    r = api.client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("people.csv", NO_NAME_CSV.encode()), "kind": "csv"},
        HTTP_AUTHORIZATION=f"Bearer {api.raw}",
    )
    assert r.status_code == 202, r.content
    run = api.get(f"/imports/{r.json()['id']}").json()
    assert run["status"] == "failed"
    assert "--map" not in run["error"] and 'head the column that holds names "Name"' in run["error"]


def test_the_command_line_still_names_its_flag(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(NO_NAME_CSV, encoding="utf-8")
    result = cli("import", "csv", str(path), code=2)
    assert "--map name=COLUMN" in result.stderr


def test_a_mail_preview_that_would_bring_nothing_says_why(web: Client, alice: Owner) -> None:
    run = _upload(web, "archive.mbox", NOT_MINE, kind="mail")
    assert run.status == ImportRun.PREVIEW, run.error
    page = _status(web, run)
    assert "Nothing would be imported: everything in this file was left out" in page
    assert "messages not addressed to you" in page  # the reason, under "left out"
    assert "Import it" in page


def test_a_file_with_no_messages_says_so(web: Client, alice: Owner) -> None:
    # no message in it at all: refused whole, and the page says why
    run = _upload(web, "archive.mbox", "just some text, no messages\n", kind="mail")
    assert run.status == ImportRun.FAILED
    assert "archive.mbox: not an mbox" in run.error
    assert run.error in _status(web, run).replace("&#x27;", "'")


def test_a_preview_of_what_is_already_here_says_so(web: Client, alice: Owner) -> None:
    vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Dana Kang\nN:Kang;Dana;;;\nEND:VCARD\n"
    first = _upload(web, "book.vcf", vcard, kind="vcard")
    web.post(f"/import/{first.pk}/confirm")
    again = _upload(web, "book.vcf", vcard, kind="vcard")
    assert again.status == ImportRun.PREVIEW
    assert "Nothing new would come in: everything in this file is already here." in _status(
        web, again
    )
