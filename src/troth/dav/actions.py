"""Writes for the address book's settings (callers own the transaction)."""

from __future__ import annotations

from troth.dav.models import AddressBook
from troth.errors import TrothError
from troth.owned import Owner


def do_set_card_notes(owner: Owner, notes: str) -> AddressBook:
    """Which notes go on the cards: "none" (the default) or "all"."""
    choices = dict(AddressBook.NOTES)
    if notes not in choices:
        raise TrothError(f"notes: {notes!r} is not one of {', '.join(choices)}")
    book, _ = AddressBook.objects.update_or_create(owner=owner, defaults={"notes": notes})
    return book
