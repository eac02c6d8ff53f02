"""Introductions, double opt-in: the record and every step it took."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from troth.intros import flow
from troth.ledger.models import Favor
from troth.owned import Owned
from troth.people.models import Person


class Introduction(Owned):
    CONNECTOR, REQUESTER = flow.CONNECTOR, flow.REQUESTER
    ROLES = [(CONNECTOR, "I introduce two people"), (REQUESTER, "I ask to be introduced")]
    # "expired" is kept for rows written before the workflow existed.
    STATES = [(s, s) for s in (*flow.STATES, "expired")]

    role = models.CharField(max_length=10, choices=ROLES)
    introducer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intros_made")
    # for a requester intro person_a is the owner; person_b is who they want to meet
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intros_as_a")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intros_as_b")
    why = models.TextField(blank=True, default="")
    # Bulk loaders write rows directly: the columns added with the workflow carry
    # database defaults so an INSERT that does not name them still works.
    # Requester: the short note C can forward to B as is, so C has no work to do.
    blurb = models.TextField(blank=True, default="", db_default="")
    # Connector: A asked for this introduction (else A's opt-in is asked too).
    a_asked = models.BooleanField(default=False, db_default=False)
    # Requester: C offered this introduction unasked (troth intro offered); the offer
    # is C's promise, due by `due_on`, after which it gets one nudge, then a release.
    offered = models.BooleanField(default=False, db_default=False)
    due_on = models.DateField(null=True, blank=True)
    # Why the handoff guard was overridden (--anyway), kept with the record.
    anyway = models.TextField(blank=True, default="", db_default="")
    state = models.CharField(max_length=12, choices=STATES, default="proposed")
    outcome = models.CharField(max_length=40, blank=True, default="")
    # The one gentle nudge a stalled step gets before the introduction ends.
    nudged_at = models.DateTimeField(null=True, blank=True)
    # The favour the introduction is (recorded when it is made).
    favor = models.ForeignKey(
        Favor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(person_a=F("person_b")), name="intro_two_people")
        ]
        indexes = [models.Index(fields=["owner", "state"], name="intro_by_state")]
        ordering = ["-updated_at", "-id"]


class IntroStep(Owned):
    """One transition, with when it happened and what it says about someone's
    follow-through (`person` and `good`), which the trust score reads."""

    intro = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(max_length=12)
    state = models.CharField(max_length=12)
    note = models.TextField(blank=True, default="")
    at = models.DateTimeField()
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    good = models.BooleanField(null=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["owner", "person"], name="intro_step_person")]
