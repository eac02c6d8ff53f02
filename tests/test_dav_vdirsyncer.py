"""A real CardDAV client against troth: Debian's vdirsyncer discovers the address
book from the server's address and syncs it to a folder of .vcf files; a change to
a person changes their file, a deleted person's file goes away."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from servers import need
from troth.owned import Owner
from troth.people.actions import do_add_person, do_delete_person, do_edit_person
from troth.tokens.actions import do_create_token

pytestmark = pytest.mark.django_db(transaction=True)

VDIRSYNCER = shutil.which("vdirsyncer")


def _run(config: Path, *args: str, input: str | None = None) -> str:
    # a user's environment: none of the test run's TROTH_/DJANGO_ variables, and not
    # the test's virtualenv (Debian's vdirsyncer runs on the system Python)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TROTH_", "DJANGO_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["VDIRSYNCER_CONFIG"] = str(config)
    done = subprocess.run(
        [need(VDIRSYNCER, "vdirsyncer"), *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _cards(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in folder.rglob("*.vcf")}


def test_vdirsyncer_syncs_the_book_and_follows_changes(
    live_server: LiveServer, alice: Owner, tmp_path: Path
) -> None:
    need(VDIRSYNCER, "vdirsyncer")
    wren = do_add_person(
        alice, "Wren Halvorsen", emails=["wren@example.org"], company="Larkspur Labs"
    )
    thad = do_add_person(alice, "Thaddeus Brennan", phones=["+1 312 555 0100"])
    do_add_person(alice, "Pat Ng", title="CPA")
    _, raw = do_create_token(alice, "laptop", read_only=True)
    folder = tmp_path / "contacts"
    config = tmp_path / "config"
    config.write_text(
        f"""[general]
status_path = "{tmp_path / "status"}/"

[pair troth_contacts]
a = "troth"
b = "local"
collections = ["from a"]

[storage troth]
type = "carddav"
url = "{live_server.url}/"
username = "alice"
password = "{raw}"
read_only = true

[storage local]
type = "filesystem"
path = "{folder}/"
fileext = ".vcf"
"""
    )
    _run(config, "discover", "troth_contacts", input="y\n" * 5)
    _run(config, "sync")
    cards = _cards(folder)
    assert len(cards) == 3  # everyone but "me"
    assert sum("FN:Wren Halvorsen" in c for c in cards.values()) == 1
    assert any("ORG:Larkspur Labs" in c for c in cards.values())
    # vdirsyncer names each file after the card's UID
    (wren_file,) = [name for name, card in cards.items() if "FN:Wren" in card]
    assert "TITLE" not in cards[wren_file]

    do_edit_person(alice, wren, title="CTO")
    do_delete_person(alice, thad)
    _run(config, "sync")
    after = _cards(folder)
    assert "TITLE:CTO" in after[wren_file]
    assert not any("Thaddeus" in c for c in after.values())
    assert len(after) == 2
