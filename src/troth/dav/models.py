"""The owner's choices for their CardDAV address book (troth.dav).

Only one so far: which notes go on the cards. Notes in troth are often private
working notes ("owes me a call", "don't mention the layoff"), and a phone's
address book is shown to whoever borrows the phone and synced to its vendor's
cloud, so the default is none; the owner can send all of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from troth.owned import Owned


class AddressBook(Owned):
    NOTES_NONE, NOTES_ALL = "none", "all"
    NOTES = [(NOTES_NONE, "no notes"), (NOTES_ALL, "every note")]

    notes = models.CharField(max_length=8, choices=NOTES, default=NOTES_NONE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="dav_addressbook_one_per_owner"),
        ]

    def __str__(self) -> str:
        return f"address book: {self.notes} notes"


class SyncState(models.Model):
    """What the book held when a sync-token was handed out (RFC 6578): every card's
    ETag, so a later sync-collection can say which cards changed, appeared or went
    away (a deleted or archived person) without a change log on every table a card
    is made from. The token is the book's ctag, a hash of that same content, so two
    moments with the same cards share one row.

    Not an `Owned` model on purpose: it is a client cache, not part of the owner's
    troth. A backup does not carry it; after a restore the old tokens are unknown
    and clients start over with a full sync, as RFC 6578 has them do."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )
    token = models.CharField(max_length=64)
    # "id etag" lines; about 45 bytes a card
    etags = models.TextField()
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "token"], name="dav_syncstate_one_token"),
        ]

    def __str__(self) -> str:
        return f"sync state {self.token}"
