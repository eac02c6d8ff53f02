"""Introductions: the record only; the double-opt-in workflow is built on it later."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from troth.owned import Owned
from troth.people.models import Person


class Introduction(Owned):
    CONNECTOR, REQUESTER = "connector", "requester"
    ROLES = [(CONNECTOR, "I introduce two people"), (REQUESTER, "I ask to be introduced")]
    STATES = [
        (s, s)
        for s in (
            "proposed",
            "asked",
            "accepted",
            "declined",
            "no_answer",
            "introduced",
            "met",
            "outcome",
            "thanked",
            "expired",
        )
    ]

    role = models.CharField(max_length=10, choices=ROLES)
    introducer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intros_made")
    # for a requester intro person_a is the owner; person_b is who they want to meet
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intros_as_a")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intros_as_b")
    why = models.TextField(blank=True, default="")
    state = models.CharField(max_length=12, choices=STATES, default="proposed")
    outcome = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(person_a=F("person_b")), name="intro_two_people")
        ]
        ordering = ["-updated_at", "-id"]
