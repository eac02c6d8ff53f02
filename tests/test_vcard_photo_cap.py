"""A photo bigger than the importer keeps (8 MiB) is dropped like a malformed one, so
every person troth imports still fits in a restorable backup row (16 MiB, base64 in
JSON): found by the attacker review of issue 17's restore caps."""

from __future__ import annotations

import base64
from pathlib import Path

from troth.importers.records import PersonRecord
from troth.importers.vcard import PARSER, PHOTO_MAX

JPEG = b"\xff\xd8\xff"


def _card(tmp_path: Path, photo: bytes) -> PersonRecord:
    data = base64.b64encode(photo).decode()
    path = tmp_path / "photo.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Photo Person\n"
        f"PHOTO:data:image/jpeg;base64,{data}\nEND:VCARD\n"
    )
    (record,) = list(PARSER.parse(path))
    assert isinstance(record, PersonRecord)
    return record


def test_a_photo_at_the_cap_is_kept(tmp_path: Path) -> None:
    photo = JPEG + bytes(PHOTO_MAX - len(JPEG))
    assert _card(tmp_path, photo).photo == photo


def test_a_photo_over_the_cap_is_dropped_and_the_person_kept(tmp_path: Path) -> None:
    record = _card(tmp_path, JPEG + bytes(PHOTO_MAX + 3))
    assert record.full_name == "Photo Person"
    assert record.photo is None
