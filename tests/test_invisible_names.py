"""A name made only of invisible characters (zero-width spaces, format or control
characters) is refused everywhere with the command line's words: by the importers
(skipped, the reason in the report), by Add a person and Edit details on the web."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from test_web_person_edit import field_error, form_data
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli

INVISIBLE = "\u200b\u200b\u200b"  # three zero-width spaces: the walkthrough's person #317
WORDS = "has no visible characters"


def test_a_vcard_whose_name_is_invisible_is_skipped_with_the_reason(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "two.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hugo Brandt\r\nEMAIL:hugo@example.de\r\nEND:VCARD\r\n"
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{INVISIBLE}\r\nEMAIL:ghost@example.de\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    data = cli.json("import", str(path))
    assert data["people_created"] == 1
    assert [p["reason"] for p in data["problems"]] == [
        f"name {WORDS} (only zero-width, control or format characters)"
    ]
    assert list(Person.objects.filter(is_me=False).values_list("full_name", flat=True)) == [
        "Hugo Brandt"
    ]


def test_a_csv_row_whose_name_is_invisible_is_skipped(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [["Name", "Email"], ["Ann Pike", "ann@example.org"], ["\u2060\ufeff", "x@example.org"]]
        )
    result = cli("import", str(path))
    assert WORDS in result.stdout
    assert not Person.objects.filter(full_name__startswith="\u2060").exists()
    assert Person.objects.filter(full_name="Ann Pike").exists()


def test_the_web_add_form_refuses_it_with_the_command_lines_words(
    client: Client, alice: Owner, cli: Cli
) -> None:
    client.force_login(alice)
    said = cli("add", INVISIBLE, code=2)
    r = client.post("/people/add", {"name": INVISIBLE})
    assert r.status_code == 400
    body = r.content.decode()
    assert f"name {WORDS}" in body and f"name {WORDS}" in said.output
    assert not Person.objects.filter(owner=alice, is_me=False).exists()


@pytest.mark.parametrize("name", [INVISIBLE, "\u200e\u200f", "\x07"])
def test_edit_details_refuses_it_beside_the_name(client: Client, alice: Owner, name: str) -> None:
    client.force_login(alice)
    ann = do_add_person(alice, "Ann Pike")
    page = client.get(f"/people/{ann.id}/edit").content.decode()
    assert 'name="edit-name"' in page
    r = client.post(f"/people/{ann.id}/edit", form_data(client, ann, name=name))
    assert r.status_code == 400
    assert WORDS in field_error(r.content.decode(), "name")
    assert Person.objects.get(id=ann.id).full_name == "Ann Pike"
