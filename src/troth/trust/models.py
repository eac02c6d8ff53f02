from __future__ import annotations

from django.db import models

from troth.owned import Owned
from troth.people.models import Person


class TrustScore(Owned):
    """The cached score per relationship, so listing 30,000 people never recomputes."""

    # a cache of what the other tables say: an import's undo removes it with the people
    derived = True

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="trust")
    score = models.FloatField()
    tier = models.CharField(max_length=12)
    trend_30 = models.FloatField(null=True, blank=True)  # change over the last 30 days
    trend_90 = models.FloatField(null=True, blank=True)
    # Activity, 0-100: how likely any contact is within 90 days (trust.activity),
    # and its change over the last 30 days; cooling and check-ins read these.
    activity = models.FloatField(null=True, blank=True)
    activity_trend_30 = models.FloatField(null=True, blank=True)
    # Day of the last contact of any kind (the agenda's cadences run from it).
    last_contact = models.DateField(null=True, blank=True)
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    # Scores from another version of the engine are stale whatever their date.
    engine_version = models.CharField(max_length=40, default="")

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-score"], name="trust_by_score"),
            # tier first, then score: the agenda asks for each tier's strongest ties
            models.Index(fields=["owner", "tier", "-score"], name="trust_by_tier_score"),
            # is the cache stale? one index probe each, not a pass over 30,000 rows
            models.Index(fields=["owner", "computed_at"], name="trust_by_computed"),
            models.Index(fields=["owner", "as_of"], name="trust_by_day"),
            models.Index(fields=["owner", "engine_version"], name="trust_by_version"),
            # the agenda's check-ins due: each tier's strongest ties, the last contact
            # beside them so ties not yet due are passed over in the index (created in
            # SQL by agenda migration 0003)
            models.Index(
                fields=["owner", "tier", "-score", "id", "last_contact"],
                name="agenda_checkins_due",
            ),
        ]


class TierCadence(Owned):
    """The owner's own check-in rhythm for one tier, replacing the built-in default
    (troth.trust.engine.TIER_CADENCE_DAYS); no row: the default. Trust's reasons
    read it and the agenda plans by it, so it lives here, below the agenda."""

    tier = models.CharField(max_length=12)
    days = models.PositiveIntegerField()

    class Meta:
        # Moved from the agenda app without moving its data (migrations
        # agenda 0005 and trust 0008 change only Django's state).
        db_table = "agenda_tiercadence"
        verbose_name_plural = "check-in rhythms by tier"
        constraints = [
            models.UniqueConstraint(fields=["owner", "tier"], name="tier_cadence_once"),
        ]
