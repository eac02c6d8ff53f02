"""A CSV of your own (issue 18, item 4): any spreadsheet with a column that names
people imports, its columns matched by header (or by --map), the mapping shown;
LinkedIn and Google exports are still detected as they were."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from troth.errors import TrothError
from troth.importers.apply import do_import
from troth.importers.detect import detect_kind
from troth.importers.records import ColumnMap, ImportFileError, PersonRecord, Problem, Record
from troth.importers.spreadsheet import PARSER as SHEET
from troth.importers.spreadsheet import header_key, mapping, parse_map
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.models import ContactPoint, Employment, Person, PersonDate

if TYPE_CHECKING:
    from conftest import Cli

# Outlook's "Export to a file > Comma Separated Values" header, as Outlook writes it.
OUTLOOK = (
    '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department",'
    '"Job Title","Business Street","Business Street 2","Business Street 3","Business City",'
    '"Business State","Business Postal Code","Business Country/Region","Home Street",'
    '"Home Street 2","Home Street 3","Home City","Home State","Home Postal Code",'
    '"Home Country/Region","Other Street","Other Street 2","Other Street 3","Other City",'
    '"Other State","Other Postal Code","Other Country/Region","Assistant\'s Phone",'
    '"Business Fax","Business Phone","Business Phone 2","Callback","Car Phone",'
    '"Company Main Phone","Home Fax","Home Phone","Home Phone 2","ISDN","Mobile Phone",'
    '"Other Fax","Other Phone","Pager","Primary Phone","Radio Phone","TTY/TDD Phone","Telex",'
    '"Account","Anniversary","Assistant\'s Name","Billing Information","Birthday",'
    '"Business Address PO Box","Categories","Children","Directory Server","E-mail Address",'
    '"E-mail Type","E-mail Display Name","E-mail 2 Address","E-mail 2 Type",'
    '"E-mail 2 Display Name","E-mail 3 Address","E-mail 3 Type","E-mail 3 Display Name",'
    '"Gender","Government ID Number","Hobby","Home Address PO Box","Initials",'
    '"Internet Free Busy","Keywords","Language","Location","Manager\'s Name","Mileage",'
    '"Notes","Office Location","Organizational ID Number","Other Address PO Box","Priority",'
    '"Private","Profession","Referred By","Sensitivity","Spouse","User 1","User 2","User 3",'
    '"User 4","Web Page"'
)


def write(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def parse(path: Path, **options: object) -> list[Record]:
    return list(SHEET.parse(path, **options))


def columns(records: list[Record]) -> list[tuple[str, str]]:
    (found,) = [r for r in records if isinstance(r, ColumnMap)]
    return found.columns


def test_the_newcomers_plain_csv_imports_and_says_how_it_read_it(cli: Cli, tmp_path: Path) -> None:
    """The walkthrough's file: refused as "cannot tell what kind of file" before."""
    path = write(
        tmp_path / "simple.csv",
        [
            ["Name", "Email", "Company", "Title"],
            ["Hugo Brandt", "hugo@example.de", "Brandt GmbH", "CEO"],
        ],
    )
    result = cli("import", str(path))
    assert "Columns: Name → name, Email → email, Company → company, Title → title" in result.stdout
    hugo = Person.objects.get(full_name="Hugo Brandt")
    assert (hugo.given_name, hugo.family_name) == ("Hugo", "Brandt")
    assert list(hugo.contact_points.values_list("kind", "value")) == [
        (ContactPoint.EMAIL, "hugo@example.de")
    ]
    job = Employment.objects.get(person=hugo)
    assert (job.company, job.title) == ("Brandt GmbH", "CEO")
    data = cli.json("import", str(path))
    assert data["kind"] == "csv"
    assert data["mapping"] == [
        {"column": "Name", "field": "name"},
        {"column": "Email", "field": "email"},
        {"column": "Company", "field": "company"},
        {"column": "Title", "field": "title"},
    ]
    assert data["people_created"] == 0  # the same file twice adds nothing
    assert Person.objects.filter(full_name="Hugo Brandt").count() == 1


def test_a_google_style_header_without_labels_is_googles(tmp_path: Path, alice: Owner) -> None:
    path = write(
        tmp_path / "contacts.csv",
        [
            ["First Name", "Last Name", "E-mail 1 - Label", "E-mail 1 - Value", "Birthday"],
            ["Mia", "Lund", "* Home", "mia@example.no ::: mia@work.example", "--07-01"],
        ],
    )
    assert detect_kind(path) == "google"
    from troth.importers.google import PARSER as GOOGLE

    summary = do_import(alice, GOOGLE, path)
    assert summary.people_created == 1
    mia = Person.objects.get(owner=alice, full_name="Mia Lund")
    assert sorted(mia.contact_points.values_list("value", flat=True)) == [
        "mia@example.no",
        "mia@work.example",
    ]
    assert list(
        PersonDate.objects.filter(person=mia).values_list("kind", "month", "day", "year")
    ) == [("birthday", 7, 1, None)]


def test_every_field_from_a_semicolon_spreadsheet_with_a_bom(tmp_path: Path, alice: Owner) -> None:
    """Excel in much of Europe separates cells with ";"; csv.Sniffer finds it."""
    path = write(
        tmp_path / "kontakte.csv",
        [
            ["Given Name", "Family Name", "Email Address", "Mobile", "Organisation", "Position",
             "Groups", "Notes", "Website", "Nickname", "Date of Birth"],
            ["Jürgen", "Maß", "J.Mass@Example.de; jm@home.example", "+49 30 1234567",
             "Maß & Söhne", "Inhaber", "family, Berlin", "met at the Messe", "maß.example",
             "Jogi", "1961-02-28"],
        ],
        delimiter=";",
        bom=True,
    )  # fmt: skip
    assert detect_kind(path) == "csv"
    records = parse(path)
    assert columns(records) == [
        ("Given Name", "first_name"),
        ("Family Name", "last_name"),
        ("Email Address", "email"),
        ("Mobile", "phone"),
        ("Organisation", "company"),
        ("Position", "title"),
        ("Groups", "tags"),
        ("Notes", "notes"),
        ("Website", "url"),
        ("Nickname", "nickname"),
        ("Date of Birth", "birthday"),
    ]
    (rec,) = [r for r in records if isinstance(r, PersonRecord)]
    assert (rec.full_name, rec.given_name, rec.family_name) == ("Jürgen Maß", "Jürgen", "Maß")
    assert rec.emails == ["j.mass@example.de", "jm@home.example"]
    assert (rec.company, rec.title, rec.nickname) == ("Maß & Söhne", "Inhaber", "Jogi")
    assert rec.tags == ["family", "Berlin"] and rec.note == "met at the Messe"
    assert [(d.kind, d.month, d.day, d.year) for d in rec.dates] == [("birthday", 2, 28, 1961)]
    summary = do_import(alice, SHEET, path)
    assert summary.people_created == 1 and summary.mapping == columns(records)
    person = Person.objects.get(owner=alice, full_name="Jürgen Maß")
    assert person.nickname == "Jogi"
    assert sorted(person.tags.values_list("name", flat=True)) == ["berlin", "family"]


def test_outlooks_export_maps_its_own_headers(tmp_path: Path) -> None:
    """Outlook's "Title" is Mr./Dr.: its "Job Title" is the job; "E-mail Type" and
    "E-mail Display Name" describe the address, they are not one; "0/0/00" is no birthday."""
    header = next(csv.reader([OUTLOOK]))
    row = dict.fromkeys(header, "")
    row.update(
        {
            "Title": "Dr.",
            "First Name": "Grace",
            "Last Name": "Hopper",
            "Company": "US Navy",
            "Job Title": "Rear Admiral",
            "Mobile Phone": "+1 202 555 0101",
            "Business Phone": "+1 202 555 0102",
            "E-mail Address": "grace@navy.example",
            "E-mail Type": "SMTP",
            "E-mail Display Name": "Grace Hopper (grace@navy.example)",
            "E-mail 2 Address": "amazing.grace@example.org",
            "Birthday": "12/9/1906",
            "Anniversary": "0/0/00",
            "Categories": "Pioneers;Navy",
            "Web Page": "https://grace.example",
        }
    )
    alan = dict(row, **{"First Name": "Alan", "Last Name": "Turing", "Birthday": "6/23/1912"})
    alan.update({"E-mail Address": "", "E-mail 2 Address": "", "Mobile Phone": ""})
    path = write(
        tmp_path / "outlook.csv", [header, [row[h] for h in header], [alan[h] for h in header]]
    )
    assert detect_kind(path) == "csv"
    records = parse(path)
    assert columns(records) == [
        ("First Name", "first_name"),
        ("Middle Name", "middle_name"),
        ("Last Name", "last_name"),
        ("Company", "company"),
        ("Job Title", "title"),
        ("Business Phone", "phone"),
        ("Business Phone 2", "phone"),
        ("Home Phone", "phone"),
        ("Home Phone 2", "phone"),
        ("Mobile Phone", "phone"),
        ("Other Phone", "phone"),
        ("Primary Phone", "phone"),
        ("Anniversary", "anniversary"),
        ("Birthday", "birthday"),
        ("Categories", "tags"),
        ("E-mail Address", "email"),
        ("E-mail 2 Address", "email"),
        ("E-mail 3 Address", "email"),
        ("Notes", "notes"),
        ("Web Page", "url"),
    ]
    rec, turing = [r for r in records if isinstance(r, PersonRecord)]
    assert not [r for r in records if isinstance(r, Problem)]
    assert (rec.full_name, rec.company, rec.title) == ("Grace Hopper", "US Navy", "Rear Admiral")
    assert rec.emails == ["grace@navy.example", "amazing.grace@example.org"]
    assert rec.phones == ["+1 202 555 0102", "+1 202 555 0101"]
    assert rec.tags == ["Pioneers", "Navy"] and rec.urls == ["https://grace.example"]
    # 12/9/1906 alone could be 12 September; Turing's 6/23/1912 shows the file is M/D/Y
    assert [(d.kind, d.month, d.day, d.year) for d in rec.dates] == [("birthday", 12, 9, 1906)]
    assert [(d.month, d.day) for d in turing.dates] == [(6, 23)]
    # without such a date in the file, the ambiguous one is reported, not guessed
    path = write(tmp_path / "one.csv", [header, [row[h] for h in header]])
    (problem,) = [r for r in parse(path) if isinstance(r, Problem)]
    assert problem.reason.startswith(
        "birthday is not a date: '12/9/1906' ('12/9/1906' can be read two ways"
    )


def test_headers_as_people_write_them() -> None:
    assert header_key("E-mail 2 - Value") == "email"
    assert header_key("  EMAIL_ADDRESS ") == "email address"
    assert header_key("E-mail 1 - Label") == ""  # describes the address next to it
    # a near miss is read (and shown in the mapping), a different word is not
    assert mapping(["Full name", "Emial", "Compnay", "Job Titel", "Shoe size"]) == [
        (0, "name"),
        (1, "email"),
        (2, "company"),
        (3, "title"),
    ]
    assert mapping(["First Name", "Last Name", "Phonetic First Name", "Given Name Yomi"]) == [
        (0, "first_name"),
        (1, "last_name"),
    ]


def test_a_file_with_no_name_column_is_one_line_naming_its_columns(
    cli: Cli, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "stuff.csv",
        [["Guest", "Contact info", "Where"], ["Ana Diaz", "ana@example.com", "Acme"]],
    )
    result = cli("import", str(path), code=2)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"troth: error: {path}: no column troth recognises as a name (its columns: Guest,"
        " Contact info, Where); say which: --map name=COLUMN"
    )
    assert not Person.objects.filter(is_me=False).exists()
    # mapped by hand, it imports, and the mapping says so
    result = cli(
        "import",
        str(path),
        "--map",
        "name=Guest",
        "--map",
        "email=Contact info",
        "--map",
        "company=where",
    )
    assert "Columns: Guest → name, Contact info → email, Where → company" in result.stdout
    ana = Person.objects.get(full_name="Ana Diaz")
    assert ana.contact_points.get().value == "ana@example.com"
    assert Employment.objects.get(person=ana).company == "Acme"


def test_map_mistakes_are_one_line_each(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "people.csv", [["Name", "Mail"], ["Ana Diaz", "ana@example.com"]])
    result = cli("import", str(path), "--map", "shoe=Name", code=2)
    assert result.stderr == (
        "troth: error: --map shoe=Name: unknown field 'shoe'; fields: name, first_name,"
        " last_name, middle_name, email, phone, company, title, notes, tags, birthday,"
        " anniversary, nickname, url\n"
    )
    result = cli("import", str(path), "--map", "email=E-mail", code=2)
    assert result.stderr == (
        f"troth: error: --map email=E-mail: {path} has no column 'E-mail' (its columns: Name, Mail)\n"
    )
    result = cli("import", str(path), "--map", "email", code=2)
    assert "write it as field=Column" in result.stderr
    result = cli("import", "vcard", str(path), "--map", "email=Mail", code=2)
    assert "--map is for a CSV of your own" in result.stderr
    assert not Person.objects.filter(is_me=False).exists()
    # a field mapped to nothing is not read
    cli("import", str(path), "--map", "email=")
    assert not ContactPoint.objects.filter(person__full_name="Ana Diaz").exists()


def test_parse_map_knows_other_names_for_fields() -> None:
    assert parse_map(["given_name=Vorname", "Family Name=Nachname", "organization=Firma"]) == {
        "first_name": "Vorname",
        "last_name": "Nachname",
        "company": "Firma",
    }
    with pytest.raises(ImportFileError, match="mapped twice"):
        parse_map(["name=A", "full_name=B"])


def test_a_hand_typed_row_may_stop_at_its_last_filled_cell(tmp_path: Path) -> None:
    path = tmp_path / "typed.csv"
    path.write_text(
        "Name,Email,Company,Title\nAna Diaz,ana@example.com\nLee Park\n", encoding="utf-8"
    )
    records = parse(path)
    assert [(r.full_name, r.emails) for r in records if isinstance(r, PersonRecord)] == [
        ("Ana Diaz", ["ana@example.com"]),
        ("Lee Park", []),
    ]
    assert not [r for r in records if isinstance(r, Problem)]


def test_tabs_a_preamble_last_first_names_and_rows_without_a_name(tmp_path: Path) -> None:
    path = tmp_path / "attendees.tsv"
    path.write_text(
        "Conference attendees, exported 2026\n\n"
        "Contact Name\tE-mail\tCompany Name\n"
        "Brandt, Hugo\thugo@example.de\tBrandt GmbH\n"
        "\tnobody@example.com\t\n"
        "\t\t\n"
        "\tnot an address\t\n",
        encoding="utf-8",
    )
    assert detect_kind(path) == "csv"
    records = parse(path)
    people = [r for r in records if isinstance(r, PersonRecord)]
    assert [(p.full_name, p.emails) for p in people] == [
        ("Hugo Brandt", ["hugo@example.de"]),
        ("nobody@example.com", ["nobody@example.com"]),
    ]
    assert [p.reason for p in records if isinstance(p, Problem)] == [
        "not an email address: 'not' (contact kept without it)",
        "not an email address: 'an' (contact kept without it)",
        "not an email address: 'address' (contact kept without it)",
        "row with no name, email or company",
    ]


def test_detection_keeps_linkedin_and_google_files_as_they_were(
    realdata: Path, tmp_path: Path
) -> None:
    for path in sorted((realdata / "linkedin" / "header_specimens").glob("*.csv")):
        assert detect_kind(path) == "linkedin", path
    legacy = realdata / "gcontacts" / "header_specimens" / "google_csv_legacy_77cols.csv"
    assert detect_kind(legacy) == "google"
    note = realdata / "gcontacts" / "header_specimens" / "google_contacts_2023plus_header_NOTE.txt"
    current = note.read_text(encoding="utf-8").split("Fullest header seen", 1)[1].splitlines()[1]
    assert current.startswith("First Name,Middle Name,Last Name")
    (tmp_path / "google.csv").write_text(current + "\n", encoding="utf-8-sig")
    assert detect_kind(tmp_path / "google.csv") == "google"
    # the same header without Labels (a trimmed export) is still Google's
    trimmed = ",".join(c for c in current.split(",") if c != "Labels")
    (tmp_path / "trimmed.csv").write_text(trimmed + "\n", encoding="utf-8")
    assert detect_kind(tmp_path / "trimmed.csv") == "google"
    # text with commas is not a spreadsheet; a .csv without a name column is one
    (tmp_path / "letter.txt").write_text("Dear Ana, thanks, see you soon\n", encoding="utf-8")
    with pytest.raises(TrothError, match="cannot tell what kind of file"):
        detect_kind(tmp_path / "letter.txt")
    (tmp_path / "numbers.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert detect_kind(tmp_path / "numbers.csv") == "csv"


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_web_import_page_takes_a_csv_of_your_own_and_shows_its_columns(
    client: Client,
    alice: Owner,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from troth.importers.models import ImportRun

    monkeypatch.setenv("TROTH_HOME", str(tmp_path / "home"))
    settings.TASKS = IMMEDIATE
    settings.TROTH_IMPORT_THREAD = False
    client.force_login(alice)
    page = client.get("/import/")
    assert page.status_code == 200
    assert "A CSV of your own" in page.content.decode()
    path = write(tmp_path / "mine.csv", [["Full Name", "E-mail"], ["Ana Diaz", "ana@example.com"]])
    with path.open("rb") as fh:
        r = client.post("/import/upload", {"file": fh, "kind": "", "me": ""})
    assert r.status_code == 302
    run = ImportRun.objects.get(owner=alice)
    # an upload is first a preview that writes nothing: the mapping shows there already
    assert (run.kind, run.status) == ("csv", ImportRun.PREVIEW)
    assert "Columns: Full Name → name, E-mail → email" in client.get(r["Location"]).content.decode()
    client.post(f"/import/{run.pk}/confirm")
    run.refresh_from_db()
    assert (run.kind, run.status, run.counts["people_created"]) == ("csv", ImportRun.DONE, 1)
    shown = client.get(r["Location"]).content.decode()
    assert "Columns: Full Name → name, E-mail → email" in shown
    # a CSV with no name column: the run fails with the line naming its columns
    bad = write(tmp_path / "numbers.csv", [["a", "b"], ["1", "2"]])
    with bad.open("rb") as fh:
        r = client.post("/import/upload", {"file": fh, "kind": "", "me": ""})
    failed = ImportRun.objects.filter(owner=alice).latest("id")
    assert failed.status == ImportRun.FAILED
    assert "no column troth recognises as a name (its columns: a, b)" in failed.error
    assert "its columns: a, b" in client.get(r["Location"]).content.decode()


def test_the_local_owner_sees_the_mapping_in_the_runs_counts(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "simple.csv", [["Name", "Phone"], ["Ana Diaz", "+34 600 000 000"]])
    cli("import", str(path))
    from troth.importers.models import ImportRun

    run = ImportRun.objects.get(owner=local_owner())
    assert run.counts["mapping"] == [
        {"column": "Name", "field": "name"},
        {"column": "Phone", "field": "phone"},
    ]


def test_a_noise_file_called_csv_is_one_short_line(cli: Cli, tmp_path: Path) -> None:
    noise = ",".join(["x" * 120] + [f"q{i}" for i in range(50)])
    path = tmp_path / "noise.csv"
    path.write_text(noise + "\n" + noise + "\n", encoding="utf-8")
    result = cli("import", str(path), code=2)
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 600
    assert "(its columns: " + "x" * 39 + "…, q0, q1," in result.stderr
    assert "q28 and 21 more); say which: --map name=COLUMN" in result.stderr
