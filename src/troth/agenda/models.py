"""What the owner did with agenda items, and digests sent."""

from __future__ import annotations

from django.db import models

from troth.owned import Owned


class AgendaMark(Owned):
    """An agenda item handled by the owner. Items themselves are computed afresh
    each day; a mark on an item's key keeps that reason from coming back."""

    DONE, SNOOZED, SKIPPED = "done", "snoozed", "skipped"
    STATUSES = [(s, s) for s in (DONE, SNOOZED, SKIPPED)]

    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=12)
    ref = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=STATUSES)
    until = models.DateField(null=True, blank=True)  # snoozed until this day
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="agenda_mark_once"),
        ]


class DigestLog(Owned):
    """A digest that really left: written only after the SMTP server accepted it."""

    sent_at = models.DateTimeField()
    recipient = models.CharField(max_length=300)
    subject = models.CharField(max_length=200)
    items = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_at"]


class CalendarToken(Owned):
    """The secret in the owner's calendar subscription URL (/calendar/<token>.ics).

    Only a SHA-256 digest of the token is stored: the URL is shown once, when it is
    made, and a stolen database or backup does not hand out the feed. One per owner;
    making a new one replaces (revokes) the old."""

    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="calendar_token_one_per_owner"),
        ]
