"""What people go by ("Bobby" for Robert): read from Google's Nickname column and a
vCard's NICKNAME, filled in but never overwritten, found by search, shown, exported,
and a name identity resolution matches on."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import vobject
from django.db import transaction
from django.test import Client

from troth.backup.vcard_out import person_card
from troth.identity.match import Candidate, find_matches
from troth.importers.apply import do_import
from troth.importers.google import PARSER as GOOGLE
from troth.importers.records import Parser
from troth.importers.summary import ImportSummary
from troth.importers.vcard import PARSER as VCARD
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.people.queries import find_people

if TYPE_CHECKING:
    from conftest import Cli


def google(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "First Name",
                "Last Name",
                "Nickname",
                "Labels",
                "E-mail 1 - Label",
                "E-mail 1 - Value",
            ]
        )
        for given, family, nickname, email in rows:
            out.writerow([given, family, nickname, "* myContacts", "* Home", email])
    return path


def run(owner: Owner, parser: Parser, path: Path) -> ImportSummary:
    with transaction.atomic():
        return do_import(owner, parser, path)


def test_google_nicknames_are_kept_found_and_never_overwritten(
    alice: Owner, tmp_path: Path
) -> None:
    typed = do_add_person(alice, "Robert Lang", emails=["rob@lang.dev"])
    path = google(
        tmp_path / "contacts.csv",
        [
            ("Robert", "Lang", "Bobby", "rob@lang.dev"),
            ("Theodore", "Okafor", "Teddy ::: Theo", "ted@okafor.example"),
        ],
    )
    first = run(alice, GOOGLE, path)
    assert (first.people_created, first.people_updated) == (1, 1)
    typed.refresh_from_db()
    theodore = Person.objects.get(owner=alice, full_name="Theodore Okafor")
    assert (typed.nickname, theodore.nickname) == ("Bobby", "Teddy")  # a gap filled; the first
    # found by what they go by
    assert find_people(alice, query="bobby") == [typed.id]
    assert find_people(alice, query="Teddy") == [theodore.id]
    # a nickname the owner set is never overwritten, and the same file again changes nothing
    Person.objects.filter(pk=typed.pk).update(nickname="Bob")
    again = run(alice, GOOGLE, path)
    assert (again.people_created, again.people_updated) == (0, 0)
    typed.refresh_from_db()
    assert typed.nickname == "Bob"


def test_vcard_nickname_in_and_out(alice: Owner, tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "people.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Katarzyna Nowak\r\nN:Nowak;Katarzyna;;;\r\n"
        "NICKNAME:Kasia,Kasienka\r\nEMAIL:kasia@example.pl\r\nEND:VCARD\r\n"
    )
    run(alice, VCARD, path)
    kasia = Person.objects.get(owner=alice, full_name="Katarzyna Nowak")
    assert kasia.nickname == "Kasia"
    card = vobject.readOne(person_card(alice, kasia).serialize())
    assert card.nickname.value == "Kasia"


def test_the_person_page_and_show_say_what_they_go_by(client: Client, cli: Cli) -> None:
    from troth.owners import local_owner

    cli("add", "Robert Lang")
    person = Person.objects.get(owner=local_owner(), full_name="Robert Lang")
    Person.objects.filter(pk=person.pk).update(nickname="Bobby")
    assert 'Robert Lang ("Bobby")' in cli("show", "Robert Lang").stdout
    assert cli.json("show", "Robert Lang")["nickname"] == "Bobby"
    client.force_login(local_owner())
    page = client.get(f"/people/{person.id}/").content.decode()
    assert "(“Bobby”)" in page


def test_a_known_nickname_lets_identity_resolution_match() -> None:
    with_it = find_matches(
        [
            Candidate(1, "Jonathan Okafor", nickname="Jonty", company="Acme"),
            Candidate(2, "Jonty Okafor", company="Acme"),
        ]
    )
    without = find_matches(
        [
            Candidate(1, "Jonathan Okafor", company="Acme"),
            Candidate(2, "Jonty Okafor", company="Acme"),
        ]
    )
    assert any(m.sure for m in with_it)
    # "Jonty" is in no nickname table troth reads ("Teddy" was in none before the package)
    assert not any(m.sure for m in without)
