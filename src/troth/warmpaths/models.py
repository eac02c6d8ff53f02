"""The evidence that two of the owner's people know each other.

One row per pair (low person id first), owner-scoped. Counts are recomputed from
the interactions on each pass (`actions.do_infer_links`); what the user said by hand
(`manual_*`) and `forgotten` are never overwritten by a pass, so a link the user
removed stays removed however often the same mail is imported again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from troth.owned import Owned
from troth.people.models import Organization, Person


class Link(Owned):
    # computed from interactions, jobs and introductions: an import's undo removes the
    # links of the people it removes without calling that unsafe (importers.undo)
    derived = True

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # Evidence counts per source.
    mail_together = models.PositiveIntegerField(default=0)  # co-recipients of one message
    mail_cc = models.PositiveIntegerField(default=0)  # one wrote to the other, me in copy
    meetings = models.PositiveIntegerField(default=0)  # co-attendees of one meeting
    met_through = models.PositiveIntegerField(default=0)  # I met one through the other
    intros_met = models.PositiveIntegerField(default=0)  # introductions that reached "met"
    # What the strength reads (infer.LinkModel): the messages' and meetings' weights
    # (1/(n-1) for n of my people on one) and the distinct days they were seen together.
    mail_weight = models.FloatField(default=0.0)
    meeting_weight = models.FloatField(default=0.0)
    days_seen = models.PositiveIntegerField(default=0)
    # `people.Knows` (simulator or by hand in older versions): read, not moved.
    knows_source = models.CharField(max_length=40, blank=True, default="")
    knows_strength = models.FloatField(null=True, blank=True)
    # Same employer with overlapping dates: weak, "may know".
    employer = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overlap_from = models.DateField(null=True, blank=True)
    overlap_to = models.DateField(null=True, blank=True)
    # Said by hand (`troth knows A B`): it wins over what was inferred.
    manual_strength = models.PositiveSmallIntegerField(null=True, blank=True)
    manual_how = models.CharField(max_length=300, blank=True, default="")
    manual_at = models.DateTimeField(null=True, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    # 0-1, recency-decayed as of `computed_on`; `usable`: not an employer overlap alone.
    strength = models.FloatField(default=0.0)
    usable = models.BooleanField(default=False)
    computed_on = models.DateField(null=True, blank=True)
    forgotten = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "person_a", "person_b"], name="warmpaths_link_unique"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="warmpaths_link_ordered"
            ),
            models.CheckConstraint(
                condition=Q(manual_strength__isnull=True)
                | Q(manual_strength__gte=1, manual_strength__lte=5),
                name="warmpaths_manual_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "person_b"], name="warmpaths_link_by_b"),
            models.Index(fields=["owner", "updated_at"], name="warmpaths_link_changed"),
        ]


class InferencePass(Owned):
    """Where the last inference pass stopped: interactions with a higher id are new
    evidence for the next pass (ids only grow)."""

    interactions_max_id = models.BigIntegerField(default=0)
    # The same for who was on a message with whom (importers.MessageParticipant),
    # and for e-mail addresses: a new address can make old messages someone's.
    participants_max_id = models.BigIntegerField(default=0)
    points_max_id = models.BigIntegerField(default=0)
    # People whose rows were rewritten since (a merge or its undo moved their
    # interactions and addresses): recounted by the next pass.
    pending = models.JSONField(default=list, blank=True)
    # Bumped by every write to the owner's links (a pass that changed any, by hand,
    # a merge, an undone import): the path search's cached graph is this version's.
    links_version = models.BigIntegerField(default=0)
    # The day the pass decayed every link's strength to (their `computed_on`).
    decayed_on = models.DateField(null=True, blank=True)
    ran_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="warmpaths_one_pass_per_owner")
        ]


class PlannedAsk(Owned):
    """`troth path ... --plan`: the best path's first hop is cooling, so the ask waits
    and a check-in with them goes on the agenda first (issue 12: warm the connector
    first). The check-in shows until the owner is in touch with the connector again
    (any interaction after `created_at`), marks it done, or `PLAN_DAYS` pass."""

    connector = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.CharField(max_length=200, blank=True, default="")
    why = models.CharField(max_length=300, blank=True, default="")  # why the tie is cooling
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["owner", "created_at"], name="warmpaths_plan_time")]
