"""Merges (recorded, so they can be undone) and merge suggestions awaiting a decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from troth.owned import Owned
from troth.people.models import Person


class MergeRecord(Owned):
    """One person folded into another. `snapshot` holds what undoing needs: the
    merged person's row, every row deleted on the way (their relationship, links and
    contact points that duplicated the kept person's), every row moved (model, id,
    the person columns before and after) and the kept person's fields the merge
    filled in."""

    kept = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    merged_id = models.BigIntegerField()
    merged_name = models.CharField(max_length=200)
    reason = models.CharField(max_length=300, blank=True, default="")
    snapshot = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "kept"], name="merge_by_kept")]


class MergeSuggestion(Owned):
    """Two people who may be one, for the owner to accept or reject (low id first)."""

    OPEN, ACCEPTED, REJECTED = "open", "accepted", "rejected"
    STATUSES = [(s, s) for s in (OPEN, ACCEPTED, REJECTED)]

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "person_a", "person_b"], name="merge_suggestion_pair"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="merge_suggestion_ordered"
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="merge_suggestion_status")]
        ordering = ["-confidence", "id"]


class SourceRecord(Owned):
    """A record of a source ("linkedin", the profile URL) tied to the person it became,
    so a re-import finds the same person again even when the record carries no email,
    and merges and unmerges can follow where people came from. Identity's, though the
    importers write it (issue 19: it sat in importers, and identity reached up for it).
    The table keeps its old name."""

    # Served by source_record_unique and source_record_person, which start with it:
    # no index of the owner alone (people.models.Person's comment: issue 20).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="source_records")
    source = models.CharField(max_length=20)
    external_id = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "importers_sourcerecord"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"], name="source_record_unique"
            )
        ]
        indexes = [models.Index(fields=["owner", "person"], name="source_record_person")]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
