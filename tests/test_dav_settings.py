"""Settings' "Add troth to your phone", and what the owner's notes choice does to the
cards; the ETag moves with it (the card's text changes)."""

from __future__ import annotations

import base64

from troth.dav.models import AddressBook
from troth.people.actions import do_add_note, do_add_person
from troth.tokens.actions import do_create_token


def _basic(user: str, raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user}:{raw}".encode()).decode()}


def test_settings_shows_how_to_add_the_phone_and_saves_the_notes_choice(web, alice):
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


def test_the_settings_post_needs_the_session_not_a_token(client, alice):
    _, raw = do_create_token(alice, "phone")
    answer = client.post("/settings/phone", {"notes": "all"}, **_basic("alice", raw))
    assert answer.status_code in (302, 403) and not AddressBook.objects.exists()
