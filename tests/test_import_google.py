"""Google Contacts CSV: the real headers in ../shared/realdata/gcontacts, both layouts."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db import transaction

from troth.errors import TrothError
from troth.importers.apply import do_import
from troth.importers.detect import detect_kind
from troth.importers.google import PARSER
from troth.importers.records import PersonRecord, Problem
from troth.importers.summary import ImportSummary
from troth.owned import Owner
from troth.people.models import ContactPoint, Employment, Note, Person


def run(owner: Owner, path: Path) -> ImportSummary:
    with transaction.atomic():
        return do_import(owner, PARSER, path)


def current_header(realdata: Path) -> list[str]:
    note = realdata / "gcontacts" / "header_specimens" / "google_contacts_2023plus_header_NOTE.txt"
    lines = note.read_text(encoding="utf-8").splitlines()
    fullest = next(i for i, line in enumerate(lines) if line.startswith("Fullest header seen"))
    return next(csv.reader([lines[fullest + 1]]))


def legacy_header(realdata: Path) -> list[str]:
    path = realdata / "gcontacts" / "header_specimens" / "google_csv_legacy_77cols.csv"
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write(path: Path, header: list[str], rows: list[dict[str, str]], *, bom: bool) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=header)
        out.writeheader()
        for row in rows:
            out.writerow(row)
    return path


def test_every_real_google_file_imports_or_fails_in_one_line(alice: Owner, realdata: Path) -> None:
    files = sorted(p for p in (realdata / "gcontacts").rglob("*") if p.is_file())
    assert files
    for path in files:
        if path.suffix == ".csv":
            assert detect_kind(path) == "google"
            assert run(alice, path).people_created == 0  # headers only
        else:  # the evidence note is prose, not an export
            with pytest.raises(TrothError) as caught:
                run(alice, path)
            assert str(caught.value).startswith(f"{path}: not a Google Contacts CSV")
            assert "\n" not in str(caught.value)


def test_legacy_layout_has_77_columns_and_imports_by_name(
    alice: Owner, realdata: Path, tmp_path: Path
) -> None:
    header = legacy_header(realdata)
    assert len(header) == 77
    rows = [
        {
            "Name": "Dana Kang",
            "Given Name": "Dana",
            "Family Name": "Kang",
            "Notes": "Met at PyCon\nlikes tea",
            "Group Membership": "* myContacts ::: * starred ::: Founders",
            "E-mail 1 - Type": "* INTERNET",
            "E-mail 1 - Value": "dana@example.org ::: Dana.Kang@Work.example",
            "E-mail 2 - Type": "Work",
            "E-mail 2 - Value": "not-an-address",
            "Phone 1 - Type": "Father",
            "Phone 1 - Value": "+1 415 555 0101 ::: +1 415 555 0102",
            "Organization 1 - Name": "Acme",
            "Organization 1 - Title": "CTO",
            "Website 1 - Value": "https://dana.example/",
        },
        {"Name": "+1 415 555 0199", "Given Name": "+1", "Phone 1 - Value": "+1 415 555 0199"},
        {"Name": "", "E-mail 1 - Value": "solo@example.org"},
        {"Name": "", "Given Name": ""},  # nothing at all
    ]
    path = write(tmp_path / "google.csv", header, rows, bom=False)
    assert detect_kind(path) == "google"
    summary = run(alice, path)
    assert summary.people_created == 3
    reasons = [p.reason for p in summary.problems]
    assert reasons == ["not an email address: 'not-an-address' (contact kept without it)"]
    dana = Person.objects.get(owner=alice, full_name="Dana Kang")
    assert set(ContactPoint.objects.filter(person=dana).values_list("value", flat=True)) == {
        "dana@example.org",
        "dana.kang@work.example",
        "+14155550101",
        "+14155550102",
        "https://dana.example",
    }
    job = Employment.objects.get(person=dana)
    assert (job.company, job.title) == ("Acme", "CTO")
    assert sorted(t.name for t in dana.tags.all()) == ["founders", "starred"]
    assert Note.objects.get(person=dana).text == "Met at PyCon\nlikes tea"
    assert Person.objects.filter(owner=alice, full_name="solo@example.org").exists()
    assert run(alice, path).people_updated == 0


def test_current_layout_with_bom_and_primary_markers(
    alice: Owner, realdata: Path, tmp_path: Path
) -> None:
    header = current_header(realdata)
    assert header[:3] == ["First Name", "Middle Name", "Last Name"] and "Labels" in header
    rows = [
        {
            "First Name": "José",
            "Middle Name": "María",
            "Last Name": "Álvarez",
            "Organization Name": "Banco",
            "Organization Title": "Analyst",
            "Labels": "* coworkers ::: * myContacts",
            "E-mail 1 - Label": "* Home",
            "E-mail 1 - Value": "jose@example.es",
            "Phone 1 - Label": "Telemóvel",
            "Phone 1 - Value": "+41 44 668 1800 ::: +41 44 668 1801",
            "Photo": "https://lh3.googleusercontent.com/contacts/abc",
        },
        {"First Name": "Phone", "Last Name": "Only", "Phone 1 - Value": "+44 20 7946 0958"},
        {"First Name": "Bad", "Last Name": "Phone", "Phone 1 - Value": "12"},
    ]
    path = write(tmp_path / "contacts.csv", header, rows, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    records = list(PARSER.parse(path))
    people = [r for r in records if isinstance(r, PersonRecord)]
    assert [p.full_name for p in people] == ["José María Álvarez", "Phone Only", "Bad Phone"]
    assert people[0].tags == ["coworkers"]
    assert people[0].external_id == "email:jose@example.es|jose maria alvarez"
    assert people[1].external_id == "phone:+44 20 7946 0958|phone only"
    assert not [r for r in records if isinstance(r, Problem)]
    summary = run(alice, path)
    assert summary.people_created == 3
    assert [p.reason.split(":")[0] for p in summary.problems] == ["not a possible phone number"]
    jose = Person.objects.get(owner=alice, full_name="José María Álvarez")
    assert (jose.given_name, jose.family_name) == ("José", "Álvarez")
    assert jose.photo is None  # a URL, not a picture: nothing fetched
    assert ContactPoint.objects.filter(person=jose, kind="phone").count() == 2
    again = run(alice, path)
    assert (again.people_created, again.people_updated) == (0, 0)


def test_a_linkedin_file_is_not_google(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
    assert not PARSER.detect(path)
    assert detect_kind(path) == "linkedin"


def test_a_contacts_file_cut_off_mid_row(alice: Owner, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value\n"
        "Dana,,Kang,* myContacts,* Home,dana@example.org\n"
        "Eli,,Moss,* myContacts,* Home,eli@example.org\n"
        "Fay,,Li,* myCon"
    )
    summary = run(alice, path)
    assert summary.people_created == 2
    assert [(p.where, p.reason) for p in summary.problems] == [
        (f"{path}:4", "row cut short (4 of 6 columns)")
    ]
