"""LinkedIn export: every real file in ../shared/realdata/linkedin, plus synthetic ones."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import transaction

from troth.errors import TrothError
from troth.importers.apply import do_import
from troth.importers.detect import detect_kind
from troth.importers.linkedin import PARSER, parse_when, which_table
from troth.importers.records import ImportFileError, InteractionRecord, PersonRecord, Problem
from troth.importers.summary import ImportSummary
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.models import ContactPoint, Person

if TYPE_CHECKING:
    from conftest import Cli

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing."\n'
    "\n"
)


def run(owner: Owner, path: Path, **options: object) -> ImportSummary:
    with transaction.atomic():
        return do_import(owner, PARSER, path, options=options)


def realdata_files(realdata: Path) -> list[Path]:
    files = sorted(p for p in (realdata / "linkedin").rglob("*") if p.is_file())
    assert files, "no LinkedIn files in realdata"
    return files


def test_every_real_linkedin_file_imports_or_fails_in_one_line(
    alice: Owner, realdata: Path
) -> None:
    for path in realdata_files(realdata):
        if path.suffix == ".csv":
            assert detect_kind(path) == "linkedin", path
            summary = run(alice, path)
            assert summary.run_id is not None
        else:  # the catalogue of an export's headers is not an importable file
            with pytest.raises(TrothError) as caught:
                run(alice, path)
            message = str(caught.value)
            assert message.startswith(f"{path}: not a LinkedIn Connections.csv")
            assert "\n" not in message


def test_the_peer_fixture(alice: Owner, realdata: Path) -> None:
    path = realdata / "linkedin" / "peer_fixtures" / "sixhops_Connections.csv"
    summary = run(alice, path)
    assert summary.people_created == 4
    assert [p.reason for p in summary.problems] == [
        "connection with only a date (LinkedIn hides some members)"
    ]
    priyas = Person.objects.filter(owner=alice, full_name="Priya Sharma")
    assert priyas.count() == 2  # same name, different profile URLs: two people
    rahul = Person.objects.get(owner=alice, full_name="Rahul Iyer")
    assert set(ContactPoint.objects.filter(person=rahul).values_list("value", flat=True)) == {
        "rahul@example.com",
        "https://linkedin.com/in/rahul-iyer",
    }
    assert rahul.relationship.met_on == dt.date(2020, 1, 5)
    assert run(alice, path).people_created == 0


def test_real_headers_make_an_export_folder_and_zip(
    alice: Owner, realdata: Path, tmp_path: Path
) -> None:
    """Every CSV of a real Dec-2024 export (header lines verbatim) as a folder and a zip."""
    catalogue = realdata / "linkedin" / "header_specimens" / "ALL_HEADERS_2024-12_export.tsv"
    folder = tmp_path / "Basic_LinkedInDataExport_12-15-2024"
    folder.mkdir()
    rows = {
        "Connections.csv": "Dana,Kang,https://www.linkedin.com/in/dana-kang,,Acme,CTO,15 Dec 2024",
        "Profile.csv": "Alice,Liddell,,,,Curious,,,,,,,",
        "messages.csv": (
            "c1,,Dana Kang,https://www.linkedin.com/in/dana-kang,Alice Liddell,"
            "https://www.linkedin.com/in/alice-l,2025-06-01 14:03:22 UTC,,Hello,INBOX,No,No"
        ),
        "Invitations.csv": (
            'Dana Kang,Alice Liddell,"12/15/24, 7:47 AM",Great talk!,INCOMING,'
            "https://www.linkedin.com/in/dana-kang,https://www.linkedin.com/in/alice-l"
        ),
    }
    for line in catalogue.read_text(encoding="utf-8").splitlines():
        name, header = line.split("\t", 1)
        text = (PREAMBLE if name == "Connections.csv" else "") + header + "\n"
        if name in rows:
            text += rows[name] + "\n"
        (folder / name).write_text(text, encoding="utf-8")
    # the AI-coach chats have the messages header but are not people
    (folder / "coach_messages.csv").write_text((folder / "messages.csv").read_text())
    assert detect_kind(folder) == "linkedin"
    summary = run(alice, folder)
    assert (summary.people_created, summary.interactions_added) == (1, 2)
    dana = Person.objects.get(owner=alice, full_name="Dana Kang")
    assert set(Interaction.objects.filter(person=dana).values_list("initiated_by", flat=True)) == {
        "them"
    }
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"{folder.name}/{path.name}")
    assert detect_kind(archive) == "linkedin"
    again = run(alice, archive)
    assert (again.people_created, again.people_updated, again.interactions_added) == (0, 0, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Dec 2024", dt.datetime(2024, 12, 15, tzinfo=dt.UTC)),
        ("05 Jan 2020", dt.datetime(2020, 1, 5, tzinfo=dt.UTC)),
        ("1/8/18, 6:14 PM", dt.datetime(2018, 1, 8, 18, 14, tzinfo=dt.UTC)),
        ("12/15/24, 7:47\u202fAM", dt.datetime(2024, 12, 15, 7, 47, tzinfo=dt.UTC)),
        ("23-Apr-23", dt.datetime(2023, 4, 23, tzinfo=dt.UTC)),
        ("2023-04-22 08:18:59 UTC", dt.datetime(2023, 4, 22, 8, 18, 59, tzinfo=dt.UTC)),
        ("", None),
        ("someday", None),
    ],
)
def test_dates(text: str, expected: dt.datetime | tuple[int, int, int | None]) -> None:
    assert parse_when(text) == expected


def test_old_export_without_url_or_preamble_crlf_and_quirky_names(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(
        b"First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        b'"James ""Tyler""",Brown,,Acme,CEO,"1/8/18, 6:14 PM"\r\n'
        b'Sam,"Nayak, MSc, MBA, PHR",urn:li:member:664293716,,,"2/9/18, 9:00 AM"\r\n'
        b" Zo\xc3\xab\t ,\xf0\x9f\x94\xb8 Li,zoe@example.org,,,\r\n"
    )
    records = list(PARSER.parse(path))
    assert all(isinstance(r, PersonRecord) for r in records)
    people = [r for r in records if isinstance(r, PersonRecord)]
    assert [p.full_name for p in people] == [
        'James "Tyler" Brown',
        "Sam Nayak",  # "Nayak, MSc, MBA, PHR": the credentials are not the name
        "Zoë 🔸 Li",
    ]
    assert people[0].met_on == dt.date(2018, 1, 8)
    assert people[0].external_id == 'name:james "tyler" brown|2018-01-08'
    assert people[1].external_id == "urn:li:member:664293716" and people[1].emails == []
    assert people[2].emails == ["zoe@example.org"] and people[2].met_on is None


def test_messages_layouts_direction_and_skips(alice: Owner, tmp_path: Path) -> None:
    Person.objects.filter(owner=alice, is_me=True).update(full_name="Alice Liddell")
    for name, url in (("Dana Kang", "dana-kang"), ("Eli Moss", "eli-moss")):
        Person.objects.create(owner=alice, full_name=name, name_key=name.lower())
        pid = Person.objects.get(owner=alice, full_name=name).id
        ContactPoint.objects.create(
            owner=alice, person_id=pid, kind="url", value=f"https://linkedin.com/in/{url}"
        )
    path = tmp_path / "messages.csv"
    path.write_text(
        '"CONVERSATION ID","CONVERSATION TITLE","FROM","SENDER PROFILE URL","TO",'
        '"RECIPIENT PROFILE URLS","DATE","SUBJECT","CONTENT","FOLDER","ATTACHMENTS"\n'
        'g1,Team,Alice Liddell,https://www.linkedin.com/in/alice-l,"Dana Kang, Eli Moss",'
        '"https://www.linkedin.com/in/dana-kang,https://www.linkedin.com/in/eli-moss",'
        '2025-06-01 10:00:00 UTC,,"<p>Lunch\non Friday?</p>",INBOX,\n'
        "g2,,Eli Moss,https://www.linkedin.com/in/eli-moss,Alice Liddell,"
        "https://www.linkedin.com/in/alice-l,2025-06-02 10:00:00 UTC,,Sure,INBOX,\n"
        "g3,,Stranger Danger,https://www.linkedin.com/in/someone,Alice Liddell,"
        "https://www.linkedin.com/in/alice-l,2025-06-03 10:00:00 UTC,,Hi,INBOX,\n"
        "g4,,Alice Liddell,https://www.linkedin.com/in/alice-l,Eli Moss,"
        "https://www.linkedin.com/in/eli-moss,not a date,,Hi,INBOX,\n"
    )
    summary = run(alice, path, me=["https://www.linkedin.com/in/alice-l"])
    assert summary.interactions_added == 3
    reasons = sorted(p.reason.split(" (")[0] for p in summary.problems)
    assert reasons == [
        "message with an unreadable date 'not a date'",
        "no one in your network matches https://linkedin.com/in/someone, Stranger Danger",
    ]
    eli = Person.objects.get(owner=alice, full_name="Eli Moss")
    got = sorted(Interaction.objects.filter(person=eli).values_list("initiated_by", "summary"))
    assert got == [("me", "Lunch on Friday?"), ("them", "Sure")]
    me = Person.objects.get(owner=alice, is_me=True)
    assert not Interaction.objects.filter(person=me).exists()
    assert run(alice, path).interactions_added == 0  # the --me URL was remembered


def test_messages_guess_the_owner_when_not_told(tmp_path: Path) -> None:
    path = tmp_path / "messages.csv"
    path.write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER,IS MESSAGE DRAFT,IS CONVERSATION DRAFT\n"
        "a,,Dana,https://linkedin.com/in/dana,Me Myself,https://linkedin.com/in/me,"
        "2025-06-01 10:00:00 UTC,,Hi,INBOX,false,false\n"
        "b,,Me Myself,https://linkedin.com/in/me,Eli,https://linkedin.com/in/eli,"
        "2025-06-01 11:00:00 UTC,,Hi,INBOX,false,false\n"
        "b,,Me Myself,https://linkedin.com/in/me,Eli,https://linkedin.com/in/eli,"
        "2025-06-01 12:00:00 UTC,,draft,DRAFT,true,false\n"
    )
    records = list(PARSER.parse(path))
    messages = [r for r in records if isinstance(r, InteractionRecord)]
    assert [(m.urls, m.they_started) for m in messages] == [
        (["https://linkedin.com/in/dana"], True),
        (["https://linkedin.com/in/eli"], False),
    ]
    assert [p.reason for p in records if isinstance(p, Problem)] == ["draft message (never sent)"]


def test_invitations_count_only_with_a_message(alice: Owner, tmp_path: Path) -> None:
    Person.objects.create(owner=alice, full_name="Dana Kang", name_key="dana kang")
    path = tmp_path / "Invitations.csv"
    path.write_text(
        "From,To,Sent At,Message,Direction\n"
        'Dana Kang,Alice,"12/15/24, 7:47 AM",Loved your talk,INCOMING\n'
        'Alice,Dana Kang,"12/16/24, 7:47 AM",,OUTGOING\n'
    )
    assert which_table(path.read_text()) == "invitations"
    summary = run(alice, path)
    assert summary.interactions_added == 1 and not summary.problems
    row = Interaction.objects.get(owner=alice)
    assert (row.initiated_by, row.summary) == ("them", "Invitation: Loved your talk")


def test_not_linkedin(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ImportFileError, match="not a LinkedIn"):
        list(PARSER.parse(path))
    bad_zip = tmp_path / "x.zip"
    bad_zip.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(TrothError, match="not a readable zip"):
        detect_kind(bad_zip)


def test_a_file_cut_off_mid_row_skips_that_row_and_says_so(cli: Cli, tmp_path: Path) -> None:
    """A Connections.csv that ends inside a row: the short row is a problem naming its
    line, never a person with half a URL; the rows before it still come in."""
    path = tmp_path / "trunc.csv"
    path.write_text(
        PREAMBLE + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Dana,Kang,https://www.linkedin.com/in/dana-kang,,Acme,CTO,15 Dec 2024\n"
        "Jonathan,Smith,https://www.linkedin.com/i"
    )
    data = cli.json("import", str(path))
    assert data["people_created"] == 1
    assert data["problems"] == [{"where": f"{path}:6", "reason": "row cut short (3 of 7 columns)"}]
    assert not ContactPoint.objects.filter(value="https://linkedin.com/i").exists()
    assert not Person.objects.filter(full_name="Jonathan Smith").exists()


@pytest.mark.parametrize(
    ("name", "header", "whole", "cut"),
    [
        (
            "messages.csv",
            "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
            "RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER",
            "a,,Dana,https://linkedin.com/in/dana,Me,https://linkedin.com/in/me,"
            "2025-06-01 10:00:00 UTC,,Hi,INBOX",
            "b,,Dana,https://linkedin.com/in/dana,Me,https://linkedin.com/in/me,2025-06",
        ),
        (
            "Invitations.csv",
            "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl",
            'Dana,Me,"1/8/18, 6:14 PM",Hello,INCOMING,https://linkedin.com/in/dana,',
            'Eli,Me,"1/9/18, 6:14 PM",Hel',
        ),
    ],
)
def test_messages_and_invitations_cut_off_mid_row(
    alice: Owner, tmp_path: Path, name: str, header: str, whole: str, cut: str
) -> None:
    path = tmp_path / name
    path.write_text(f"{header}\n{whole}\n{cut}")
    problems = [
        r for r in PARSER.parse(path, me=["https://linkedin.com/in/me"]) if isinstance(r, Problem)
    ]
    width = len(header.split(","))
    cells = len(next(csv.reader([cut])))
    assert [(p.where, p.reason) for p in problems] == [
        (f"{path}:3", f"row cut short ({cells} of {width} columns)")
    ]


def test_skip_reasons_are_shown_whole_and_grouped_by_kind(cli: Cli, tmp_path: Path) -> None:
    """A reason holding a URL is not cut at its colon; many senders no one knows make
    one line with a few of them as examples."""
    path = tmp_path / "messages.csv"
    rows = [
        f"c{i},,Someone {i},https://www.linkedin.com/in/someone-{i},Me,"
        f"https://www.linkedin.com/in/me,2025-06-0{i} 10:00:00 UTC,,Hi,INBOX"
        for i in (1, 2, 3)
    ]
    head = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS"
    path.write_text(f"{head},DATE,SUBJECT,CONTENT,FOLDER\n" + rows[0] + "\n")
    one = " ".join(
        cli("import", str(path), "--me", "https://www.linkedin.com/in/me").stdout.split()
    )
    assert "skipped 1: no one in your network matches https://linkedin.com/in/someone-1" in one
    path.write_text(f"{head},DATE,SUBJECT,CONTENT,FOLDER\n" + "\n".join(rows) + "\n")
    out = " ".join(cli("import", str(path)).stdout.split())
    assert (
        "skipped 3: no one in your network matches (3 different): "
        "https://linkedin.com/in/someone-1, Someone 1; https://linkedin.com/in/someone-2, "
        "Someone 2; and 1 more"
    ) in out


def test_a_truncated_zip_is_reported_as_a_broken_zip(cli: Cli, tmp_path: Path) -> None:
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "Connections.csv",
            PREAMBLE
            + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            + "Dana,Kang,,,Acme,CTO,15 Dec 2024\n" * 200,
        )
    cut = tmp_path / "trunc.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    for args in (["linkedin", str(cut)], [str(cut)]):
        result = cli("import", *args, code=2)
        assert result.stderr.startswith(f"troth: error: {cut}: not a readable zip archive (")
        assert len(result.stderr.strip().splitlines()) == 1
