"""CSV formula injection (issue 17, item 8): `troth export csv` and the import
report.csv (CLI and web) neutralise cells a spreadsheet would run, the OWASP way
(a leading '), through one writer (troth.lib.csvsafe)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from troth.lib.csvsafe import safe_cell
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Note, Person

if TYPE_CHECKING:
    from conftest import Cli

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3",
    "@SUM(1)",
    '=HYPERLINK("http://evil.example")',
    "\t=1+1",
    "\r=1+1",
]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize("value", PAYLOADS)
def test_formulas_get_a_leading_quote(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Dana Kang", "", "-3", "+33612345678", "12.5", "a=b", "user@example.org", 7, None]
)
def test_everything_else_is_left_alone(value: str | int | None) -> None:
    """Plain numbers run nothing and must stay numbers; text without a formula start too."""
    assert safe_cell(value) == value


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_export_csv_neutralises_names_and_notes(cli: Cli, tmp_path: Path) -> None:
    from troth.owners import local_owner

    owner = local_owner()
    for payload in PAYLOADS:
        person = do_add_person(owner, payload, allow_duplicate_name=True)
        Note.objects.create(owner=owner, person=person, text=payload, created_at=timezone.now())
    cli("export", "csv", str(tmp_path / "out"))
    names = [row[1] for row in rows(tmp_path / "out" / "people.csv")[1:]]
    stored = Person.objects.filter(owner=owner, is_me=False).values_list("full_name", flat=True)
    assert len(names) == len(PAYLOADS)
    assert all(name.startswith("'") for name in names), names
    assert sorted(name[1:] for name in names) == sorted(stored)
    notes = [row[3] for row in rows(tmp_path / "out" / "notes.csv")[1:]]
    assert len(notes) == len(PAYLOADS)
    assert all(note.startswith("'") and note[1:2] in "=+-@" for note in notes), notes


def test_cli_import_report_neutralises_what_the_file_says(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file named like a formula, imported by a relative name: every `where` of the
    report starts with that name."""
    monkeypatch.chdir(tmp_path)
    name = "=cmd|' -C calc'!A0.vcf"
    (tmp_path / name).write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Kang\r\nEMAIL:dana@acme.example\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n",  # no name: skipped, so reported
        encoding="utf-8",
    )
    cli("import", "vcard", name, "--report", "report.csv")
    found = rows(tmp_path / "report.csv")
    assert found[0] == ["where", "reason"] and len(found) > 1
    assert all(where.startswith("'" + name) for where, _reason in found[1:]), found
    assert not any(cell.startswith(FORMULA_STARTS) for row in found[1:] for cell in row)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_web_report_csv_neutralises_the_upload_name(
    client: Client,
    alice: Owner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> None:
    monkeypatch.setenv("TROTH_HOME", str(tmp_path / "home"))
    settings.TASKS = IMMEDIATE
    settings.TROTH_IMPORT_THREAD = False
    client.force_login(alice)
    upload = io.BytesIO(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Kang\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n"
    )
    upload.name = "=cmd|' -C calc'!A0.vcf"
    client.post("/import/upload", {"file": upload, "kind": "vcard"})
    from troth.importers.models import ImportRun

    run = ImportRun.objects.get(owner=alice)
    assert run.problems, "the nameless card is reported"
    body = client.get(f"/import/{run.id}/report.csv").content.decode()
    found = list(csv.reader(io.StringIO(body)))
    assert found[0] == ["where", "reason"]
    assert any(where.startswith("'=cmd") for where, _ in found[1:]), found
    assert not any(cell.startswith(FORMULA_STARTS) for row in found[1:] for cell in row)
