"""The cards and their ETags: an ETag is a hash of what the card is made from, read
without rendering the card (troth.dav.queries.etags), so every kind of edit that
changes the card's text must move it, and nothing else may."""

from __future__ import annotations

import base64
from collections.abc import Callable

from troth.dav.actions import do_set_card_notes
from troth.dav.queries import card_texts, ctag, etags
from troth.owned import Owner
from troth.people.actions import (
    do_add_note,
    do_add_person,
    do_delete_person,
    do_edit_person,
    do_leave_job,
    do_set_nickname,
    do_tag,
)
from troth.people.dates import do_set_date
from troth.people.models import Person

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _card(owner: Owner, person: Person) -> tuple[str, str]:
    ((_, etag, text),) = card_texts(owner, [person.pk])
    assert etags(owner, [person.pk])[person.pk] == etag
    assert etags(owner)[person.pk] == etag  # the whole book's read agrees with one card's
    return etag, text


def test_every_edit_that_changes_the_card_moves_its_etag(alice: Owner, bob: Owner) -> None:
    wren = do_add_person(alice, "Wren Halvorsen", emails=["wren@example.org"])
    other = do_add_person(alice, "Pat Ng")
    steps: list[Callable[[], object]] = [
        lambda: do_set_nickname(alice, wren, "Ren"),
        lambda: do_edit_person(alice, wren, phones=["+1 312 555 0100"]),
        lambda: do_edit_person(alice, wren, urls=["linkedin.com/in/wren"]),
        lambda: do_edit_person(alice, wren, remove_contacts=["wren@example.org"]),
        lambda: do_edit_person(alice, wren, company="Larkspur Labs", title="CTO"),
        lambda: do_edit_person(alice, wren, title="CEO"),
        lambda: do_leave_job(alice, wren),
        lambda: do_tag(alice, wren, add=["fintech"]),
        lambda: do_set_date(alice, wren, "birthday", "03-14"),
        lambda: Person.objects.filter(pk=wren.pk).update(photo=PNG, photo_type="image/png"),
        lambda: do_set_card_notes(alice, "all"),  # she has no note yet: the card is the same
        lambda: do_add_note(alice, wren, "prefers morning calls"),
        lambda: do_set_card_notes(alice, "none"),
    ]
    seen_etag, seen_text = _card(alice, wren)
    other_etag = _card(alice, other)[0]
    for step in steps:
        step()
        wren.refresh_from_db()
        etag, text = _card(alice, wren)
        # A card that changed (REV aside: it follows updated_at) has a new ETag. The
        # reverse may err towards a new one: switching notes on for someone without
        # notes moves it, and costs the client one download.
        if _strip_rev(text) != _strip_rev(seen_text):
            assert etag != seen_etag, text
        else:
            assert step is steps[10], "nothing changed, yet the ETag moved"
        seen_etag, seen_text = etag, text
    assert "PHOTO:data:image/png;base64," in seen_text and "NOTE" not in seen_text
    # another owner's book is untouched
    assert etags(bob) == {}
    assert _card(alice, other)[0] == other_etag  # nobody else's card moved


def _strip_rev(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("REV:"))


def test_etags_are_stable_and_the_ctag_follows_the_book(alice: Owner) -> None:
    wren = do_add_person(alice, "Wren Halvorsen")
    pat = do_add_person(alice, "Pat Ng")
    first = etags(alice)
    assert first == etags(alice) and set(first) == {wren.pk, pat.pk}
    book = ctag(first)
    do_edit_person(alice, pat, archived=True)
    assert set(etags(alice)) == {wren.pk} and ctag(etags(alice)) != book
    do_edit_person(alice, pat, archived=False)
    assert etags(alice) == first and ctag(etags(alice)) == book  # the same book again
    do_delete_person(alice, wren)
    assert set(etags(alice)) == {pat.pk}


def test_cards_are_owner_scoped(alice: Owner, bob: Owner) -> None:
    wren = do_add_person(alice, "Wren Halvorsen")
    assert list(card_texts(bob, [wren.pk])) == []
    assert etags(bob, [wren.pk]) == {}
