"""Credentials LinkedIn members write into their names ("Raman, PhD", "Smith MBA, CPA",
"Dr. Ann") are not the name: a reviewer imported an address book and a LinkedIn export
and got "Jane Raman" and "Jane Raman, PhD" as two people, never suggested as one."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.db import transaction

from troth.identity.models import MergeSuggestion, SourceRecord
from troth.importers.apply import do_import
from troth.importers.registry import parser
from troth.interactions.models import Interaction
from troth.lib.credentials import plain_family_name, plain_given_name, plain_name
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Raman, PhD", "Raman"),
        ("Smith MBA, CPA", "Smith"),
        ("Ruiz PMP®", "Ruiz"),
        ("Ford, P.Eng.", "Ford"),
        ("Ng, SHRM-CP", "Ng"),
        ("Okafor, FRSA", "Okafor"),  # an unlisted abbreviation in capitals, after a comma
        ("Ma CFA", "Ma"),
        # surnames that are also credentials, written as surnames are: kept
        ("Do", "Do"),
        ("DO", "DO"),  # the only word left
        ("Nguyen Do", "Nguyen Do"),
        # a name in capitals gives no capitals to tell a credential by (the attacker's
        # review: "NGUYEN DO" lost its DO)
        ("NGUYEN DO", "NGUYEN DO"),
        ("DUPONT MBA", "DUPONT MBA"),
        ("Van Ed", "Van Ed"),
        # a generational suffix is part of the name
        ("Smith, Jr.", "Smith, Jr."),
        ("Smith III", "Smith III"),
        # a comma before words that are not credentials: as it came
        ("Garcia, Maria", "Garcia, Maria"),
        ("Dupont, phd student", "Dupont, phd student"),
        (", PhD", ", PhD"),
    ],
)
def test_a_family_name_without_its_credentials(typed: str, plain: str) -> None:
    assert plain_family_name(typed) == plain


def test_given_and_whole_names() -> None:
    assert plain_given_name("Dr. Ann") == "Ann"
    assert plain_given_name("Prof Ada Mae") == "Ada Mae"
    assert plain_given_name("Dr.") == "Dr."  # all there is
    assert plain_given_name("Drew") == "Drew"
    assert plain_name("Dr. Jane Raman, PhD") == "Jane Raman"
    assert plain_name("Bob Smith MBA, CPA") == "Bob Smith"
    assert plain_name("Anh DO") == "Anh DO"  # two words kept at least
    assert plain_name("Mai Do") == "Mai Do"
    assert plain_name("THI ANH DO") == "THI ANH DO"


CONNECTIONS = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    'Jane,"Raman, PhD",https://www.linkedin.com/in/jane-raman,,Acme,CTO,01 Mar 2024\r\n'
    'Dr. Ann,"Lee MBA, CPA",https://www.linkedin.com/in/ann-lee,,Gamma,CFO,02 Mar 2024\r\n'
    "Mai,Do,https://www.linkedin.com/in/mai-do,,Delta,VP,03 Mar 2024\r\n"
)
CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Raman\r\nN:Raman;Jane;;;\r\nORG:Acme\r\n"
    "EMAIL:jane@example.org\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
    "EMAIL:ann@example.net\r\nEND:VCARD\r\n"
)


def _import(owner: Owner, path: Path, kind: str) -> None:
    with transaction.atomic():
        do_import(owner, parser(kind), path, kind=kind)


def test_a_connection_with_credentials_joins_or_meets_the_address_books_person(
    alice: Owner, tmp_path: Path
) -> None:
    cards, linkedin = tmp_path / "people.vcf", tmp_path / "Connections.csv"
    cards.write_text(CARDS)
    linkedin.write_text(CONNECTIONS)
    _import(alice, cards, "vcard")
    _import(alice, linkedin, "linkedin")
    names = sorted(Person.objects.filter(owner=alice, is_me=False).values_list("full_name"))
    # each connection with credentials joined the address book's person of the name
    assert names == [("Ann Lee",), ("Jane Raman",), ("Mai Do",)]
    jane = Person.objects.get(owner=alice, full_name="Jane Raman")
    assert jane.contact_points.filter(value__contains="linkedin.com/in/jane-raman").exists()
    assert jane.contact_points.filter(value="jane@example.org").exists()
    assert not MergeSuggestion.objects.filter(owner=alice).exists()
    ann = Person.objects.get(owner=alice, full_name="Ann Lee")
    assert ann.contact_points.filter(value__contains="linkedin.com/in/ann-lee").exists()
    assert (ann.given_name, ann.family_name) == ("Ann", "Lee")


def test_an_old_export_without_urls_keeps_its_ids(alice: Owner, tmp_path: Path) -> None:
    """Before 2021 an export had no profile URL: a connection's id is its name as typed
    and its day, as before this change, so importing such a file again after it adds
    nobody."""
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        'Jane,"Raman, PhD",,Acme,CTO,01 Mar 2019\r\n'
    )
    _import(alice, linkedin, "linkedin")
    ids = list(SourceRecord.objects.filter(owner=alice).values_list("external_id", flat=True))
    assert ids == ["name:jane raman, phd|2019-03-01"]
    _import(alice, linkedin, "linkedin")
    assert Person.objects.filter(owner=alice, is_me=False).count() == 1


MESSAGES = "From,To,Date,Subject,Content,Direction\r\n"


def _days_ago(n: int) -> str:
    """A message's date as LinkedIn writes it, built from today (no test hangs on a date)."""
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=n)
    return when.strftime("%Y-%m-%d 10:00:00 UTC")


def _talks(owner: Owner) -> list[tuple[str, str]]:
    return sorted(
        Interaction.objects.filter(owner=owner).values_list("person__full_name", "initiated_by")
    )


def test_messages_meet_the_person_as_written_first(alice: Owner, tmp_path: Path) -> None:
    """A message's sender is matched by the name as written, then without credentials
    (the attacker's review: "THI ANH DO" went to Thi Anh, and a person stored as "Jane
    Raman, PhD" stopped getting her messages)."""
    linkedin, messages = tmp_path / "Connections.csv", tmp_path / "messages.csv"
    linkedin.write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        "THI ANH,DO,,Acme,CTO,01 Mar 2019\r\n"
        'Raj,"Patel, MBA",,Beta,CFO,02 Mar 2019\r\n'
    )
    _import(alice, linkedin, "linkedin")
    do_add_person(alice, "Thi Anh")  # someone else
    do_add_person(alice, "Jane Raman, PhD")  # typed as LinkedIn shows her
    messages.write_text(
        MESSAGES
        + f"THI ANH DO,Alice,{_days_ago(30)},,hello,INCOMING\r\n"
        + f'"Jane Raman, PhD",Alice,{_days_ago(29)},,hi,INCOMING\r\n'
        + f'"Raj Patel, MBA",Alice,{_days_ago(28)},,hey,INCOMING\r\n'
    )
    _import(alice, messages, "linkedin")
    assert _talks(alice) == [
        ("Jane Raman, PhD", "them"),
        ("Raj Patel", "them"),  # stored without the credentials: found without them
        ("THI ANH DO", "them"),
    ]


def test_a_namesake_of_the_owner_with_credentials_is_not_the_owner(
    alice: Owner, tmp_path: Path
) -> None:
    """The owner is Jane Raman (Profile.csv); her connection "Jane Raman, PhD" writes to
    her: the message is the connection's, both ways (the attacker's review: the
    incoming one was read as the owner's own and dropped)."""
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as f:
        f.writestr("Profile.csv", "First Name,Last Name,Headline\r\nJane,Raman,Eng\r\n")
        f.writestr(
            "Connections.csv",
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
            'Jane,"Raman, PhD",https://www.linkedin.com/in/other-jane,,Globex,Prof,01 Mar 2024\r\n',
        )
        f.writestr(
            "messages.csv",
            "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
            "DATE,SUBJECT,CONTENT,FOLDER\r\n"
            'c1,,"Jane Raman, PhD",https://www.linkedin.com/in/other-jane,Jane Raman,'
            f"https://www.linkedin.com/in/me-jane,{_days_ago(20)},,hi namesake,INBOX\r\n"
            'c1,,Jane Raman,https://www.linkedin.com/in/me-jane,"Jane Raman, PhD",'
            f"https://www.linkedin.com/in/other-jane,{_days_ago(19)},,hi back,INBOX\r\n",
        )
    _import(alice, export, "linkedin")
    assert _talks(alice) == [("Jane Raman", "me"), ("Jane Raman", "them")]
