from __future__ import annotations

from django.db import models

from troth.owned import Owned
from troth.people.models import Person


class SimTruth(Owned):
    """The hidden truth behind a simulated relationship, kept so later work can
    measure how well troth's scores recover it. Never shown as if it were data."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="sim_truth")
    strength = models.FloatField()  # 0..1, what drove the generated history
    reliability = models.FloatField()  # probability this person keeps a promise
    layer = models.CharField(max_length=20)  # the Dunbar layer the strength came from
    went_cold = models.BooleanField(default=False)
