"""The give-and-take ledger: favours, promises (both ways) and needs."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from troth.owned import Owned
from troth.people.models import Person, Tag

FAVOR_KINDS = ["intro", "lead", "advice", "referral", "resource", "endorsement", "time"]


class Need(Owned):
    OPEN, MET, EXPIRED, WITHDRAWN = "open", "met", "expired", "withdrawn"
    STATUSES = [(s, s) for s in (OPEN, MET, EXPIRED, WITHDRAWN)]

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="needs")
    what = models.TextField()
    tags = models.ManyToManyField(Tag, blank=True, related_name="needs")
    noted_on = models.DateField()
    # The "next 30-60 days" question: a need is only worth acting on within its horizon.
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    met_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs_met"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "status", "expires_on"], name="need_open"),
            # the agenda orders open needs by their person's score: the person from the
            # index, not from each row (created in SQL by migration 0003)
            models.Index(
                fields=["owner", "status", "expires_on", "person"], name="agenda_need_open_person"
            ),
        ]
        ordering = ["expires_on", "id"]


class Favor(Owned):
    KINDS = [(k, k) for k in FAVOR_KINDS]

    giver = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="favors_given")
    receiver = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="favors_received")
    kind = models.CharField(max_length=12, choices=KINDS)
    given_on = models.DateField()
    what = models.TextField(blank=True, default="")
    need = models.ForeignKey(
        Need, null=True, blank=True, on_delete=models.SET_NULL, related_name="favors"
    )
    # When the receiver said thank you; the agenda asks until it is set.
    thanked_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(giver=F("receiver")), name="favor_two_people")
        ]
        indexes = [
            # thank-yous owed: the last 60 days of unthanked favours, not every favour
            # (created in SQL by migration 0003)
            models.Index(fields=["owner", "thanked_on", "given_on"], name="agenda_favor_unthanked"),
            # the trust cache's staleness check (trust.queries._stale_sql) asks for the
            # latest favour recorded: an index probe, not a read of all the owner's
            models.Index(fields=["owner", "created_at"], name="favor_added"),
        ]
        ordering = ["-given_on", "-id"]


class Commitment(Owned):
    """A promise: `debtor` owes `creditor` something, by `due_on` if given."""

    OPEN, KEPT, BROKEN, RELEASED = "open", "kept", "broken", "released"
    STATUSES = [(s, s) for s in (OPEN, KEPT, BROKEN, RELEASED)]

    debtor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="promises_made")
    creditor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="promises_held")
    what = models.TextField()
    made_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(debtor=F("creditor")), name="promise_two_people")
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="promise_open"),
            # the trust cache's staleness check (trust.queries._stale_sql): the latest
            # promise recorded and the latest change of status, each an index probe
            models.Index(fields=["owner", "created_at"], name="promise_added"),
            models.Index(fields=["owner", "status_changed_at"], name="promise_status_changed"),
        ]
        ordering = ["due_on", "id"]
