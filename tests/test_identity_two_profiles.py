"""A record likely the same as two people is merged into one of them: the other is
then suggested as the same as it only if nothing tells the two apart. Two LinkedIn
profiles are two people (a newcomer imported a LinkedIn export, then a vCard, and was
asked whether John Smith at Initech and John Smith at Globex were one)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from troth.identity.models import MergeSuggestion
from troth.importers.apply import do_import
from troth.importers.registry import parser
from troth.owned import Owner
from troth.people.models import Person

CONNECTIONS = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "John,Smith,https://www.linkedin.com/in/john-smith-initech,,Initech,Engineer,01 Mar 2024\r\n"
    "John,Smith,https://www.linkedin.com/in/john-smith-globex,,Globex,Analyst,02 Mar 2024\r\n"
    "Ada,Stone,https://www.linkedin.com/in/ada-stone,,Initech,Manager,03 Mar 2024\r\n"
)
CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith\r\nN:Smith;John;;;\r\n"
    "ORG:Initech\r\nEMAIL:john@initech.example\r\nEND:VCARD\r\n"
)


def _import(owner: Owner, path: Path, kind: str) -> None:
    with transaction.atomic():
        do_import(owner, parser(kind), path, kind=kind)


def test_two_linkedin_profiles_are_not_suggested_after_a_card_joins_one(
    alice: Owner, tmp_path: Path
) -> None:
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_text(CONNECTIONS)
    card = tmp_path / "john.vcf"
    card.write_text(CARD)
    _import(alice, linkedin, "linkedin")
    _import(alice, card, "vcard")
    smiths = Person.objects.filter(owner=alice, full_name="John Smith")
    assert smiths.count() == 2  # the card joined the Initech profile (same company)
    initech = smiths.get(employments__organization__name="Initech")
    assert initech.contact_points.filter(value="john@initech.example").exists()
    assert not MergeSuggestion.objects.filter(owner=alice).exists()
