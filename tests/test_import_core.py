"""The import core: idempotence, atomicity, problems, owner scoping, matching, detection."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.apps import apps
from django.db import transaction

from troth.errors import TrothError
from troth.identity.models import SourceRecord
from troth.importers.apply import do_import, resolve_identities
from troth.importers.detect import detect_kind, sniff
from troth.importers.google import PARSER as GOOGLE
from troth.importers.linkedin import PARSER as LINKEDIN
from troth.importers.models import ImportRun
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.models import ContactPoint, Employment, Note, Person

if TYPE_CHECKING:
    from typing import Any

    from typer.testing import Result

    from conftest import Cli
    from troth.importers.apply import ImportSummary, Parser

PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing."\r\n'
    "\r\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def connections(path: Path, rows: list[str], *, bom: bool = True) -> Path:
    text = PREAMBLE + HEADER + "".join(r + "\r\n" for r in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def google_csv(path: Path, rows: list[list[str]]) -> Path:
    header = [
        "First Name",
        "Middle Name",
        "Last Name",
        "File As",
        "Organization Name",
        "Organization Title",
        "Notes",
        "Labels",
        "E-mail 1 - Label",
        "E-mail 1 - Value",
        "Phone 1 - Label",
        "Phone 1 - Value",
    ]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)
    return path


MODELS = [
    "people.Person",
    "people.ContactPoint",
    "people.Relationship",
    "people.Employment",
    "people.Organization",
    "people.Note",
    "people.Tag",
    "interactions.Interaction",
    "identity.SourceRecord",
]


def snapshot(owner: Owner) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the owner has in the tables an import writes (import runs are a log)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for label in MODELS:
        model = apps.get_model(label)
        out[label] = sorted(
            tuple(str(v) for v in row) for row in model.objects.filter(owner=owner).values_list()
        )
    through = Person.tags.through
    out["tags"] = sorted(through.objects.filter(person__owner=owner).values_list())
    return out


def run(owner: Owner, parser: Parser, path: Path, **options: object) -> ImportSummary:
    with transaction.atomic():
        return do_import(owner, parser, path, options=options)


def test_connections_create_people_with_jobs_and_when_met(alice: Owner, tmp_path: Path) -> None:
    path = connections(
        tmp_path / "Connections.csv",
        [
            "Dana,Kang,https://www.linkedin.com/in/dana-kang/,,Acme,CTO,15 Dec 2024",
            "Eli,Moss,,eli@example.org,Bolt,,03 Jan 2023",
            ",,,,,,01 Jan 2023",
        ],
    )
    summary = run(alice, LINKEDIN, path)
    assert (summary.people_created, summary.people_updated, summary.interactions_added) == (
        2,
        0,
        0,
    )
    assert [p.reason for p in summary.problems] == [
        "connection with only a date (LinkedIn hides some members)"
    ]
    assert summary.problems[0].where.endswith("Connections.csv:7")
    dana = Person.objects.get(owner=alice, full_name="Dana Kang")
    assert dana.relationship.met_on == dt.date(2024, 12, 15)
    assert dana.relationship.met_how == "LinkedIn connection"
    job = Employment.objects.get(person=dana)
    assert (job.company, job.title) == ("Acme", "CTO")
    assert ContactPoint.objects.get(person=dana).value == "https://linkedin.com/in/dana-kang"
    assert SourceRecord.objects.get(person=dana).external_id == "https://linkedin.com/in/dana-kang"
    assert not Interaction.objects.filter(owner=alice).exists()
    run_row = ImportRun.objects.get(owner=alice)
    assert run_row.counts["people_created"] == 2 and run_row.finished_at is not None
    assert run_row.problems[0]["where"].endswith(":7")


def test_same_import_twice_changes_nothing(alice: Owner, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    connections(
        folder / "Connections.csv",
        [
            "Dana,Kang,https://www.linkedin.com/in/dana-kang,,Acme,CTO,15 Dec 2024",
            "Eli,Moss,,eli@example.org,Bolt,,03 Jan 2023",
            "Old,Timer,,,,,1/8/18, 6:14 PM",
        ],
    )
    (folder / "Profile.csv").write_text(
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline\nAlice,Liddell,,,,Curious\n"
    )
    (folder / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER\n"
        "c1,,Dana Kang,https://www.linkedin.com/in/dana-kang,Alice Liddell,"
        "https://www.linkedin.com/in/alice,2025-06-01 14:03:22 UTC,,Coffee next week?,INBOX\n"
        "c1,,Alice Liddell,https://www.linkedin.com/in/alice,Dana Kang,"
        "https://www.linkedin.com/in/dana-kang,2025-06-02 09:00:00 UTC,,Yes please,INBOX\n"
        "c2,Sponsored Conversation,LinkedIn Member,,Alice Liddell,"
        "https://www.linkedin.com/in/alice,2025-06-03 09:00:00 UTC,,Hi %FIRSTNAME%,INBOX\n"
        "c3,,,,,,2025-06-04 09:00:00 UTC,,Message request accepted,INBOX\n"
    )
    first = run(alice, LINKEDIN, folder)
    assert (first.people_created, first.interactions_added) == (3, 2)
    reasons = sorted(p.reason for p in first.problems)
    assert reasons == ["sponsored message", "system message (no sender or recipient)"]
    dana = Person.objects.get(owner=alice, full_name="Dana Kang")
    got = list(
        Interaction.objects.filter(person=dana)
        .order_by("occurred_at")
        .values_list("channel", "initiated_by")
    )
    assert got == [("message", "them"), ("message", "me")]
    before = snapshot(alice)
    second = run(alice, LINKEDIN, folder)
    assert (second.people_created, second.people_updated, second.interactions_added) == (0, 0, 0)
    assert snapshot(alice) == before
    assert ImportRun.objects.filter(owner=alice).count() == 2


def test_a_fatal_error_mid_file_keeps_nothing(cli: Cli, tmp_path: Path) -> None:
    rows = [f"P{i},Person,https://linkedin.com/in/p{i},,Acme,,15 Dec 2024" for i in range(50)]
    rows.append('Broken,Row,,,"' + "x" * 200_000 + '",,15 Dec 2024')
    rows += [f"Q{i},Person,,,,,15 Dec 2024" for i in range(5)]
    path = connections(tmp_path / "Connections.csv", rows)
    result = cli("import", "linkedin", str(path), code=2)
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1
    assert error.startswith(f"troth: error: {path}:55: broken CSV")
    owner = local_owner()
    assert not Person.objects.filter(owner=owner, is_me=False).exists()
    assert not ImportRun.objects.filter(owner=owner).exists()


def test_a_broken_file_in_an_export_rolls_back_the_whole_export(
    alice: Owner, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    connections(folder / "Connections.csv", ["Dana,Kang,,,Acme,CTO,15 Dec 2024"])
    (folder / "messages.csv").write_text("nothing,that,looks,like,messages\n1,2,3,4,5\n")
    with pytest.raises(TrothError, match=r"messages\.csv: no header row"):
        run(alice, LINKEDIN, folder)
    assert not Person.objects.filter(owner=alice, is_me=False).exists()


def test_problems_are_reported_in_a_csv(cli: Cli, tmp_path: Path) -> None:
    path = connections(
        tmp_path / "Connections.csv",
        ["Dana,Kang,,,Acme,CTO,15 Dec 2024", ",,,,,,01 Jan 2023", ",,,,,,02 Jan 2023"],
    )
    report = tmp_path / "report.csv"
    result = cli("import", str(path), "--report", str(report))
    assert "People added from this file" in result.stdout and "skipped 2" in result.stdout
    rows = list(csv.reader(report.read_text().splitlines()))
    assert rows[0] == ["where", "reason"]
    assert [r[0].rsplit(":", 1)[1] for r in rows[1:]] == ["6", "7"]
    data = cli.json("import", str(path))
    assert data["people_created"] == 0 and data["skipped"] == 2
    assert data["problems"][0]["reason"].startswith("connection with only a date")


def test_owner_scoping(alice: Owner, bob: Owner, tmp_path: Path) -> None:
    dana = do_add_person(alice, "Dana Kang", emails=["dana@example.org"], company="Acme")
    path = google_csv(
        tmp_path / "contacts.csv",
        [["Dana", "", "Kang", "", "Other Co", "CEO", "", "", "* Work", "dana@example.org", "", ""]],
    )
    alice_before = snapshot(alice)
    summary = run(bob, GOOGLE, path)
    assert summary.people_created == 1
    assert snapshot(alice) == alice_before
    bobs = Person.objects.get(owner=bob, full_name="Dana Kang")
    assert bobs.id != dana.id
    assert ContactPoint.objects.filter(value="dana@example.org").count() == 2


def test_matching_by_email_across_two_sources_fills_only_what_is_empty(
    alice: Owner, tmp_path: Path
) -> None:
    typed = do_add_person(alice, "Rahul Iyer", company="Flipkart", title="Senior SDE")
    ContactPoint.objects.create(owner=alice, person=typed, kind="email", value="rahul@example.com")
    li = connections(
        tmp_path / "Connections.csv",
        [
            "Rahul,Iyer,https://linkedin.com/in/rahul-iyer,rahul@example.com,Google,Staff,05 Jan 2020"
        ],
    )
    first = run(alice, LINKEDIN, li)
    assert (first.people_created, first.people_updated) == (0, 1)
    g = google_csv(
        tmp_path / "google.csv",
        [
            [
                "Rahul",
                "",
                "Iyer",
                "",
                "Meta",
                "",
                "Met at PyCon",
                "* coworkers ::: * myContacts",
                "* Home",
                "RAHUL@example.com ::: rahul.iyer@home.example",
                "Mobile",
                "+1 415 555 0101",
            ]
        ],
    )
    second = run(alice, GOOGLE, g)
    assert (second.people_created, second.people_updated) == (0, 1)
    rahul = Person.objects.get(owner=alice, is_me=False)
    assert rahul.id == typed.id
    job = Employment.objects.get(person=rahul, is_current=True)
    assert (job.company, job.title) == ("Flipkart", "Senior SDE")  # what alice typed
    values = set(ContactPoint.objects.filter(person=rahul).values_list("value", flat=True))
    assert values == {
        "rahul@example.com",
        "rahul.iyer@home.example",
        "https://linkedin.com/in/rahul-iyer",
        "+14155550101",
    }
    assert set(SourceRecord.objects.filter(person=rahul).values_list("source", flat=True)) == {
        "linkedin",
        "google",
    }
    assert rahul.relationship.met_on == dt.date(2020, 1, 5)
    assert [n.text for n in Note.objects.filter(person=rahul)] == ["Met at PyCon"]
    assert [t.name for t in rahul.tags.all()] == ["coworkers"]
    before = snapshot(alice)
    assert run(alice, GOOGLE, g).people_updated == 0
    assert snapshot(alice) == before


def test_a_shared_family_address_joins_nobody_whose_name_differs(
    alice: Owner, tmp_path: Path
) -> None:
    row = ["", "", "", "", "", "", "", "* myContacts", "* Home", "lormannfamily@gmail.com", "", ""]
    g = google_csv(
        tmp_path / "google.csv",
        [
            ["Lauren", *row[1:2], "Lormann", *row[3:]],
            ["Carlos", *row[1:2], "Wiseau", *row[3:]],
            ["Laurie", *row[1:2], "Lormann", *row[3:]],  # a nickname: her again
            ["Carlos", *row[1:2], "Wiseau", *row[3:]],  # entered twice: him again
        ],
    )
    first = run(alice, GOOGLE, g)
    assert not first.problems
    people = {
        p.full_name: p.id for p in Person.objects.filter(owner=alice, is_me=False).order_by("id")
    }
    # two people, each holding the address (the nickname's row joined Lauren)
    assert list(people) == ["Lauren Lormann", "Carlos Wiseau"]
    holders = set(
        ContactPoint.objects.filter(owner=alice, value="lormannfamily@gmail.com").values_list(
            "person_id", flat=True
        )
    )
    assert holders == set(people.values())
    # identity resolution sees the shared address under two names: a suggestion at most
    assert first.people_merged == 0
    # a LinkedIn connection carrying the address joins by name, never the other person
    li = connections(
        tmp_path / "Connections.csv",
        ["Carlos,Wiseau,https://linkedin.com/in/cwiseau,lormannfamily@gmail.com,,,05 Jan 2020"],
    )
    second = run(alice, LINKEDIN, li)
    assert (second.people_created, second.people_updated) == (0, 1)
    carlos = Person.objects.get(pk=people["Carlos Wiseau"])
    assert carlos.contact_points.filter(value="https://linkedin.com/in/cwiseau").exists()
    # and both files again change nothing
    before = snapshot(alice)
    assert run(alice, GOOGLE, g).people_updated == 0
    assert run(alice, LINKEDIN, li).people_updated == 0
    assert snapshot(alice) == before


def test_reimport_finds_people_by_source_record_without_email(alice: Owner, tmp_path: Path) -> None:
    path = connections(tmp_path / "c.csv", ["Anita,Rao,https://linkedin.com/in/anita-rao,,,,"])
    run(alice, LINKEDIN, path)
    anita = Person.objects.get(owner=alice, full_name="Anita Rao")
    ContactPoint.objects.filter(person=anita).delete()  # the user removed the URL
    again = run(alice, LINKEDIN, path)
    assert (again.people_created, again.people_updated) == (0, 1)
    assert Person.objects.filter(owner=alice, is_me=False).count() == 1


def test_me_addresses_are_remembered_and_never_a_counterpart(cli: Cli, tmp_path: Path) -> None:
    path = google_csv(
        tmp_path / "contacts.csv",
        [
            ["Me", "", "Myself", "", "", "", "", "", "", "me@example.org", "", ""],
            ["Dana", "", "Kang", "", "", "", "", "", "", "dana@example.org", "", ""],
        ],
    )
    data = cli.json("import", "google", str(path), "--me", "me@example.org")
    assert data["people_created"] == 1
    assert data["problems"][0]["reason"] == "this is you (one of your own addresses)"
    owner = local_owner()
    me = Person.objects.get(owner=owner, is_me=True)
    assert list(ContactPoint.objects.filter(person=me).values_list("value", flat=True)) == [
        "me@example.org"
    ]
    again = cli.json("import", str(path))  # remembered without --me
    assert again["problems"][0]["reason"] == "this is you (one of your own addresses)"
    result = cli("import", str(path), "--me", "dana@example.org", code=2)
    assert "belongs to Dana Kang" in result.stderr


def test_a_connection_alone_is_a_stranger(cli: Cli, tmp_path: Path) -> None:
    path = connections(tmp_path / "Connections.csv", ["Anita,Rao,,,,,20 Jul 2019"])
    cli("import", str(path))
    data = cli.json("trust", "Anita Rao")
    assert data["tier"] == "stranger"
    assert data["facts"]["interactions"] == 0


def test_import_marks_the_trust_cache_stale(cli: Cli, tmp_path: Path) -> None:
    path = connections(tmp_path / "Connections.csv", ["Anita,Rao,,,,,20 Jul 2019"])
    cli("import", str(path))
    cli("trust", "--json")
    more = connections(tmp_path / "More.csv", ["Ben,Ode,,,,,20 Jul 2019"])
    cli("import", str(more))
    names = {row["name"] for row in cli.json("trust")}
    assert names == {"Anita Rao", "Ben Ode"}


def test_messages_by_name_only_2018_layout(alice: Owner, tmp_path: Path) -> None:
    do_add_person(alice, "Angela Stone")
    path = tmp_path / "Messages.csv"
    path.write_text(
        "From,To,Date,Subject,Content,Direction,Folder\n"
        'Angela Stone,Alice,"1/8/18, 6:14 PM",Hello,Hi &rsquo;there,INCOMING,INBOX\n'
        'Alice,Angela Stone,"1/9/18, 7:00 AM",Re: Hello,Thanks,OUTGOING,SENT\n'
        'Nobody Known,Alice,"1/9/18, 7:00 AM",Spam,Buy,INCOMING,INBOX\n'
    )
    summary = run(alice, LINKEDIN, path)
    assert summary.interactions_added == 2
    assert [p.reason for p in summary.problems] == ["no one in your network matches Nobody Known"]
    assert run(alice, LINKEDIN, path).interactions_added == 0


def test_resolve_identities_merges_two_records_of_one_person(alice: Owner) -> None:
    assert resolve_identities(alice, []) == 0
    kept = do_add_person(alice, "Robert Lang", emails=["rob@lang.dev"])
    # an imported record of the same man: another name form, the same address
    twin = do_add_person(alice, "Bob Lang", company="Globex")
    ContactPoint.objects.create(owner=alice, person=twin, kind="email", value="rob@lang.dev")
    assert resolve_identities(alice, [twin.id]) == 1
    assert Person.objects.filter(pk=kept.id).exists()
    assert not Person.objects.filter(pk=twin.id).exists()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\n", "vcard"),
        (b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n", "ics"),
        (b"From alice@example.org Mon Jan  1 00:00:00 2024\nFrom: a\n", "mail"),
        (b"Received: from x\nFrom: a@b.c\n", "mail"),
        (b'{"format": "troth-export", "version": 1}', "json"),
        (b"First Name,Last Name,Email Address,Company,Position,Connected On\n", "linkedin"),
        (b"From,To,Sent At,Message,Direction\n", "linkedin"),
        (b"\xef\xbb\xbfFirst Name,Middle Name,Last Name,File As,Labels\n", "google"),
        (b"Name,Given Name,Additional Name,Family Name,Group Membership\n", "google"),
        (b"just some text\n", None),
    ],
)
def test_sniff(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_detect_folders_and_files(tmp_path: Path) -> None:
    maildir = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    assert detect_kind(maildir) == "mail"
    mh = tmp_path / "mh"
    mh.mkdir()
    for n in (1, 2, 3):
        (mh / str(n)).write_text("From: a@b.c\n\nhi\n")
    assert detect_kind(mh) == "mail"
    export = tmp_path / "export"
    export.mkdir()
    connections(export / "Connections.csv", [])
    assert detect_kind(export) == "linkedin"
    other = tmp_path / "notes.txt"
    other.write_text("hello\n")
    with pytest.raises(TrothError, match="cannot tell what kind of file"):
        detect_kind(other)
    with pytest.raises(TrothError, match="no such file"):
        detect_kind(tmp_path / "missing.csv")


def test_unknown_kind_and_missing_file_are_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("import", "excel", str(tmp_path), code=2)
    assert result.stderr.startswith("troth: error: unknown kind 'excel'")
    result = cli("import", str(tmp_path / "nope.csv"), code=2)
    assert "no such file" in result.stderr


def _name(i: int) -> tuple[str, str, str]:
    """A made-up name per number, unlike the others (so no two look like one person)."""
    digest = hashlib.sha1(str(i).encode()).hexdigest()
    letters = "".join(chr(97 + int(c, 16)) for c in digest)
    return letters[:6].title(), "", letters[6:14].title()


def test_the_same_person_twice_across_chunks(alice: Owner, tmp_path: Path) -> None:
    """Records for one person far apart in a big file (past a chunk of 2,000) still
    make one person with one current job, and a second run changes nothing."""
    do_add_person(alice, "Known Person", emails=["known@example.org"])
    rows = [["Known", "", "Person", "", "", "", "", "", "", "known@example.org", "", ""]]
    rows += [[*_name(i), "", "", "", "", "", "", f"p{i}@example.org", "", ""] for i in range(2100)]
    rows.append([*_name(1), "", "Acme", "CTO", "later note", "", "", "p1@example.org", "", ""])
    rows.append([*_name(1), "", "Other", "CEO", "", "", "", "p1@example.org", "", ""])
    path = google_csv(tmp_path / "big.csv", rows)
    summary = run(alice, GOOGLE, path)
    assert (summary.people_created, summary.people_updated) == (2100, 2)
    first, _middle, last = _name(1)
    p1 = Person.objects.get(owner=alice, full_name=f"{first} {last}")
    jobs = list(Employment.objects.filter(person=p1).values_list("organization__name", "title"))
    assert jobs == [("Acme", "CTO")]
    assert [n.text for n in Note.objects.filter(person=p1)] == ["later note"]
    before = snapshot(alice)
    again = run(alice, GOOGLE, path)
    assert (again.people_created, again.people_updated) == (0, 0)
    assert snapshot(alice) == before


def test_detection_routes_every_real_file_to_its_importer(realdata: Path) -> None:
    """vCards, calendars and mail are other importers' work: detection only names the kind."""
    expected = {"vcard": "vcard", "ics": "ics", "mbox": "mail", "eml": "mail"}
    for folder, kind in expected.items():
        for path in sorted((realdata / folder).iterdir()):
            if path.suffix == ".txt":  # a licence text beside the vCards
                with pytest.raises(TrothError, match="cannot tell what kind of file"):
                    detect_kind(path)
            else:
                assert detect_kind(path) == kind, path
    for box in sorted((realdata / "maildir").iterdir()):
        assert detect_kind(box) == "mail", box


def test_a_json_export_is_restored_not_imported(cli: Cli, tmp_path: Path) -> None:
    cli("add", "Dana Kang")
    exported = tmp_path / "troth.json"
    cli("export", "json", str(exported))
    assert detect_kind(exported) == "json"
    # restoring needs an empty database: the refusal shows the file reached do_restore
    result = cli("import", str(exported), code=2)
    assert result.stderr.startswith("troth: error: cannot restore")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_folder_of_vcards_is_imported_file_by_file(
    cli: Cli, realdata: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    for path in sorted((realdata / "vcard" / "android_aosp").glob("*.vcf"))[:5]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "zz_broken.vcf").write_text("this is not a vCard at all\n")
    first = cli.json("import", str(folder))
    assert first["kind"] == "vcard" and first["people_created"] > 0
    broken = [p for p in first["problems"] if p["where"].endswith("zz_broken.vcf")]
    assert len(broken) == 1 and broken[0]["reason"].startswith("file not imported: ")
    again = cli.json("import", "vcard", str(folder))
    assert (again["people_created"], again["people_updated"]) == (0, 0)


def _said(result: Result) -> str:
    return " ".join(result.stdout.split())


def test_nothing_usable_is_not_nothing_new(cli: Cli, tmp_path: Path) -> None:
    """'Nothing new' is for a re-import; a first import that found nothing usable says why."""
    empty = connections(tmp_path / "Connections.csv", [])
    said = _said(cli("import", str(empty)))
    assert f"Nothing imported: there are no records in {empty}." in said
    assert "Nothing new" not in said
    assert cli.json("import", str(empty))["nothing_new"].startswith("Nothing imported")
    mbox = tmp_path / "empty.mbox"
    mbox.write_text("")
    assert f"there are no messages in {mbox}." in _said(
        cli("import", "mail", str(mbox), "--me", "a@b.org")
    )

    messages = tmp_path / "messages.csv"
    messages.write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER\n"
        "a,,Dana Kang,https://linkedin.com/in/dana,Me,https://linkedin.com/in/me,"
        "2025-06-01 10:00:00 UTC,,Hi,INBOX\n"
        "b,,Me,https://linkedin.com/in/me,Dana Kang,https://linkedin.com/in/dana,"
        "2025-06-02 10:00:00 UTC,,Hello,INBOX\n"
    )
    said = _said(cli("import", str(messages), "--me", "https://linkedin.com/in/me"))
    assert "Nothing imported: all 2 records were skipped (see above)." in said
    assert "import Connections.csv (or the whole export) first" in said

    people = connections(
        tmp_path / "Connections.csv", ["Dana,Kang,https://linkedin.com/in/dana,,,,1 Jan 2024"]
    )
    cli("import", str(people))
    assert cli.json("import", str(messages))["interactions_added"] == 2
    said = _said(cli("import", str(messages)))
    assert "Nothing new: everything in this file was already here." in said
    assert "Nothing imported" not in said


def _mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "people.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nEMAIL:vera@example.org\r\nEND:VCARD\r\n"
    )
    google_csv(folder / "google.csv", [["Gus", "", "Gold", *[""] * 6, "gus@x.org", "", ""]])
    (folder / "cal.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n"
    )
    (folder / "README.txt").write_text("my contacts, 2024\n")
    return folder


def test_a_mixed_folder_imports_each_file_by_its_own_kind(cli: Cli, tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path)
    data = cli.json("import", str(folder))
    assert data["kind"] == "vcard, google, ics"
    assert data["people_created"] == 2
    assert not [p for p in data["problems"] if "file not imported" in p["reason"]]
    assert data["ignored"] == [str(folder / "README.txt")]
    owner = local_owner()
    assert Person.objects.filter(owner=owner, full_name="Gus Gold").exists()
    said = " ".join(cli("import", str(folder)).stdout.split())
    assert "1 file ignored (not files troth imports): README.txt" in said


def test_a_folder_with_a_kind_named_lists_the_files_it_ignores(cli: Cli, tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path)
    said = " ".join(cli("import", "vcard", str(folder)).stdout.split())
    assert "3 files ignored (not vCard files): README.txt, cal.ics, google.csv" in said
    owner = local_owner()
    assert not Person.objects.filter(owner=owner, full_name="Gus Gold").exists()
    assert cli.json("import", "vcard", str(folder))["ignored"] == [
        str(folder / n) for n in ("README.txt", "cal.ics", "google.csv")
    ]


def test_several_paths_are_imported_each_on_its_own(cli: Cli, tmp_path: Path) -> None:
    """`troth import A B`: each file by its own kind, each all or nothing; one that
    fails is one error line (exit 2) and the others still come in."""
    people = connections(tmp_path / "Connections.csv", ["Dana,Kang,,,Acme,CTO,15 Dec 2024"])
    cards = tmp_path / "people.vcf"
    cards.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nEND:VCARD\r\n")
    data = cli.json("import", str(people), str(cards))
    assert [(d["kind"], d["people_created"]) for d in data] == [("linkedin", 1), ("vcard", 1)]
    said = cli("import", str(people), str(cards)).stdout
    assert f"Imported {people} (linkedin)" in said and f"Imported {cards} (vcard)" in said
    broken = tmp_path / "broken.vcf"
    broken.write_text("not a vCard\n")
    other = connections(tmp_path / "more.csv", ["Eli,Moss,,,,,15 Dec 2024"])
    result = cli("import", "linkedin", str(broken), str(other), code=2)
    assert result.stderr.startswith(f"troth: error: {broken}: not a LinkedIn")
    assert len(result.stderr.strip().splitlines()) == 1
    assert Person.objects.filter(owner=local_owner(), full_name="Eli Moss").exists()
    result = cli("import", "excel", str(people), code=2)
    assert result.stderr.startswith("troth: error: unknown kind 'excel'")


def test_usage_names_kind_and_paths(cli: Cli) -> None:
    usage = cli("import", "--help").stdout.split("Usage:")[1].splitlines()[0]
    assert usage.split() == ["troth", "import", "[OPTIONS]", "[KIND]", "PATH..."]


def test_library_warnings_do_not_reach_the_terminal(cli: Cli, realdata: Path) -> None:
    """icalendar warns (GloballyUniqueTZIDGuessed) on this file's vendor TZIDs."""
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = cli("import", "ics", str(realdata / "ics" / "ical4j_evolution.ics"))
    assert not [w for w in seen if "TZID" in str(w.message)]
    assert "Warning" not in result.stderr and "TZID" not in result.stderr


def test_progress_has_units_and_no_made_up_totals(alice: Owner, tmp_path: Path) -> None:
    """Every (stage, done, total) a progress bar gets: a known total or None, never 0
    of 0; mail reports messages as it reads them, and the bar names each unit."""
    import io

    from rich.console import Console
    from rich.progress import Progress

    from troth.cli.imports import STAGES, _Count
    from troth.importers.mail import PARSER as MAIL

    calls: list[tuple[str, int, int | None]] = []
    empty = connections(tmp_path / "empty.csv", [])
    with transaction.atomic():
        do_import(alice, LINKEDIN, empty, progress=lambda *c: calls.append(c))
    assert not [c for c in calls if c[2] == 0]
    box = tmp_path / "box.mbox"
    box.write_text(
        "From a@example.org Mon Jun  3 10:00:00 2024\nFrom: a@example.org\nTo: me@example.org\n"
        "Subject: hi\nDate: Mon, 3 Jun 2024 10:00:00 +0000\n\nHello.\n"
    )
    with transaction.atomic():
        do_import(
            alice,
            MAIL,
            box,
            options={"me": ["me@example.org"]},
            progress=lambda *c: calls.append(c),
        )
    assert ("messages", 1, None) in calls
    assert {stage for stage, _d, _t in calls} <= set(STAGES)
    assert all(unit for stage, (_label, unit) in STAGES.items() if stage != "identities")
    progress = Progress(console=Console(file=io.StringIO()))
    known = progress.add_task("People", total=2000, completed=1500, unit="people")
    unknown = progress.add_task("Reading", total=None, completed=210, unit="messages")
    column = _Count()
    assert column.render(progress.tasks[known]).plain == "1,500/2,000 people"
    assert column.render(progress.tasks[unknown]).plain == "210 messages"
    # the time left, while there is a total to reach (the issue asks for an ETA)
    from troth.cli.imports import _Eta

    eta = _Eta()
    assert eta.render(progress.tasks[unknown]).plain == ""
    assert eta.render(progress.tasks[known]).plain.startswith("ETA ")
    progress.update(known, completed=2000)
    assert eta.render(progress.tasks[known]).plain == ""


def test_me_address_of_a_contact_says_how_to_fix_it(cli: Cli, tmp_path: Path) -> None:
    """The user ended up as a contact of their own (a calendar they organised, say):
    --me with that address says which contact and what to do, and doing it works."""
    owner = local_owner()
    twin = do_add_person(owner, "Me Myself", emails=["me@example.org"])
    path = connections(tmp_path / "Connections.csv", ["Dana,Kang,,,Acme,CTO,15 Dec 2024"])
    result = cli("import", str(path), "--me", "me@example.org", code=2)
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1
    assert f"belongs to Me Myself (#{twin.id}), one of your contacts" in error
    assert f'troth delete "#{twin.id}"' in error and "import again with --me" in error
    cli("delete", f"#{twin.id}", "--yes")
    cli("import", str(path), "--me", "me@example.org")
    me = Person.objects.get(owner=owner, is_me=True)
    assert ContactPoint.objects.filter(owner=owner, person=me, value="me@example.org").exists()
