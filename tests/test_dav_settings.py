"""Settings' "Add troth to your phone", and what the owner's notes choice does to the
cards; the ETag moves with it (the card's text changes)."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from troth.dav.models import AddressBook
from troth.owned import Owner
from troth.people.actions import do_add_note, do_add_person
from troth.tokens.actions import do_create_token


def _basic(user: str, raw: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user}:{raw}".encode()).decode()}


def test_settings_shows_how_to_add_the_phone_and_saves_the_notes_choice(
    web: Client, alice: Owner
) -> None:
    page = web.get("/settings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Add troth to your phone" in html and "<code>alice</code>" in html
    assert "troth tokens add phone --read-only" in html and "/dav/alice/contacts/" in html

    wren = do_add_person(alice, "Wren Halvorsen")
    do_add_note(alice, wren, "prefers morning calls")
    _, raw = do_create_token(alice, "phone")
    url = f"/dav/alice/contacts/{wren.pk}.vcf"
    before = web.get(url, **_basic("alice", raw))
    assert before.status_code == 200 and b"prefers morning calls" not in before.content

    saved = web.post("/settings/phone", {"notes": "all"})
    assert saved.status_code == 302
    assert AddressBook.objects.get(owner=alice).notes == "all"
    after = web.get(url, **_basic("alice", raw))
    assert b"NOTE:prefers morning calls" in after.content
    assert after["ETag"] != before["ETag"]

    assert web.post("/settings/phone", {"notes": "secret"}).status_code == 400
    assert AddressBook.objects.get(owner=alice).notes == "all"


def test_the_settings_post_needs_the_session_not_a_token(client: Client, alice: Owner) -> None:
    _, raw = do_create_token(alice, "phone")
    answer = client.post("/settings/phone", {"notes": "all"}, **_basic("alice", raw))
    assert answer.status_code in (302, 403) and not AddressBook.objects.exists()


@override_settings(TROTH_LOCAL_LOGIN=True)
def test_local_mode_does_not_open_the_book_without_a_token(client: Client, db: None) -> None:
    # the test client's requests come from 127.0.0.1: the web is the local owner's,
    # the address book still asks for a token
    assert client.get("/settings/").status_code == 200
    answer = client.generic("PROPFIND", "/dav/", HTTP_DEPTH="0")
    assert answer.status_code == 401 and answer["WWW-Authenticate"].startswith("Basic")
    assert client.generic("PROPFIND", "/dav/local/contacts/", HTTP_DEPTH="1").status_code == 401


def test_an_account_name_that_needs_quoting(db: None, client: Client) -> None:
    user = get_user_model().objects.create_user("a@b.example", "a@b.example", "password")
    person = do_add_person(user, "Wren Halvorsen")
    _, raw = do_create_token(user, "phone")
    book = "/dav/a%40b.example/contacts/"
    listed = client.generic("PROPFIND", book, HTTP_DEPTH="1", **_basic("a@b.example", raw))
    assert listed.status_code == 207
    text = listed.getvalue().decode()
    assert f"{book}{person.pk}.vcf" in text
    body = (
        '<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        f"<D:prop><C:address-data/></D:prop><D:href>{book}{person.pk}.vcf</D:href>"
        "</C:addressbook-multiget>"
    )
    got = client.generic("REPORT", book, body, **_basic("a@b.example", raw))
    assert b"FN:Wren Halvorsen" in got.getvalue()
