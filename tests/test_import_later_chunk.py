"""A person created in one chunk of an import and found again in a later chunk.

An import writes people PEOPLE_CHUNK records at a time and keeps what it knows of the
people it wrote for the chunks after (`_Importer.known`). It used to keep the wrong
columns for them: the nickname where the name key belongs, and every new person marked
as having a photo and no nickname. So a later card for the same person could never
add its photo, and overwrote the nickname the first card gave."""

from __future__ import annotations

import base64
from pathlib import Path

from django.db import transaction

from troth.importers.apply import do_import
from troth.importers.vcard import PARSER
from troth.importers.writer import PEOPLE_CHUNK
from troth.owned import Owner
from troth.people.models import Person

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(64))
# ordinary names, so the file looks like an address book (troth.importers.sanity)
GIVEN = [
    "Maria",
    "Jon",
    "Li",
    "Omar",
    "Sara",
    "Tom",
    "Ines",
    "Raj",
    "Yuki",
    "Lena",
    "Paul",
    "Ama",
    "Ivan",
    "Noor",
    "Eva",
    "Ken",
    "Rosa",
    "Ali",
    "Mia",
    "Dan",
]
FAMILY = [
    "Silva",
    "Berg",
    "Chen",
    "Haddad",
    "Novak",
    "Reyes",
    "Okafor",
    "Tanaka",
    "Kowalski",
    "Moreau",
    "Singh",
    "Costa",
    "Larsen",
    "Ibrahim",
    "Dubois",
    "Kim",
    "Rossi",
    "Walsh",
    "Petrov",
    "Alves",
    "Meyer",
    "Sato",
    "Garcia",
    "Nilsen",
    "Osei",
]


def card(name: str, email: str, extra: str = "") -> str:
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEMAIL:{email}\n{extra}END:VCARD\n"


def cards_file(tmp_path: Path, *, first_extra: str, later_extra: str) -> Path:
    """Ana's first card, PEOPLE_CHUNK others, then Ana's second card (a later chunk)."""
    names = [f"{g} {f}" for g in GIVEN for f in FAMILY][:PEOPLE_CHUNK]
    assert len(names) == PEOPLE_CHUNK
    filler = "".join(card(n, f"person{i}@example.org") for i, n in enumerate(names))
    text = (
        card("Ana Duarte", "ana@duarte.example", first_extra)
        + filler
        + card("Ana Duarte", "ana@duarte.example", later_extra)
    )
    path = tmp_path / "cards.vcf"
    path.write_text(text, encoding="utf-8")
    return path


def run(owner: Owner, path: Path) -> None:
    with transaction.atomic():
        do_import(owner, PARSER, path)


def ana(owner: Owner) -> Person:
    return Person.objects.get(owner=owner, full_name="Ana Duarte")


def test_a_later_cards_photo_is_kept(alice: Owner, tmp_path: Path) -> None:
    data = base64.b64encode(JPEG).decode()
    path = cards_file(tmp_path, first_extra="", later_extra=f"PHOTO;ENCODING=b;TYPE=JPEG:{data}\n")
    run(alice, path)
    assert Person.objects.filter(owner=alice, full_name="Ana Duarte").count() == 1
    person = ana(alice)
    assert person.photo is not None and bytes(person.photo) == JPEG
    assert person.photo_type == "image/jpeg"


def test_the_first_cards_nickname_stays(alice: Owner, tmp_path: Path) -> None:
    path = cards_file(tmp_path, first_extra="NICKNAME:Nana\n", later_extra="NICKNAME:Ani\n")
    run(alice, path)
    assert ana(alice).nickname == "Nana"


def test_a_person_without_a_photo_has_none(alice: Owner, tmp_path: Path) -> None:
    # the control: nothing in either card gives a photo
    path = cards_file(tmp_path, first_extra="", later_extra="")
    run(alice, path)
    assert ana(alice).photo is None
