from __future__ import annotations

from django.db import models
from django.db.models import Q

from troth.owned import Owned
from troth.people.models import Person


class Interaction(Owned):
    """One contact between the owner and one person (a group meeting is one row per person)."""

    CHANNELS = [
        ("meeting", "meeting"),
        ("call", "call"),
        ("email", "email"),
        ("message", "message"),
        ("event", "event"),
    ]
    ME, THEM, UNKNOWN = "me", "them", "unknown"
    INITIATORS = [(ME, "me"), (THEM, "them"), (UNKNOWN, "unknown")]

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interactions")
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=CHANNELS)
    initiated_by = models.CharField(max_length=8, choices=INITIATORS, default=ME)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True, default="")
    # where it came from; with external_id it makes re-imports idempotent
    source = models.CharField(max_length=20, default="manual")
    external_id = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Covers everything the trust engine reads, so scoring a million interactions
            # is one index-only scan instead of a million table lookups.
            models.Index(
                fields=[
                    "owner",
                    "person",
                    "occurred_at",
                    "channel",
                    "initiated_by",
                    "duration_minutes",
                ],
                name="interaction_person_cover",
            ),
            models.Index(fields=["owner", "occurred_at"], name="interaction_time"),
            # One person's timeline, newest first (the row id breaks ties in the index
            # itself): without it SQLite walks the owner's whole time index for them.
            models.Index(fields=["owner", "person", "occurred_at"], name="interaction_person_time"),
            # "anything new since the scores were cached?" without a million-row scan
            models.Index(fields=["owner", "created_at"], name="interaction_added"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id", "person"],
                condition=~Q(external_id=""),
                name="interaction_unique_external",
            )
        ]
        ordering = ["-occurred_at", "-id"]
