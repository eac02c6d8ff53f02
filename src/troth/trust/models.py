from __future__ import annotations

from django.conf import settings
from django.db import models

from troth.owned import Owned
from troth.people.models import Person


class TrustScore(Owned):
    """The cached score per relationship, so listing 30,000 people never recomputes."""

    # a cache of what the other tables say: an import's undo removes it with the people
    derived = True

    # No index of its own: every index below starts with the owner, and each index
    # costs a full recompute's write per row (issue 20).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
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
            # is the cache stale? one index probe each, not a pass over 30,000 rows
            models.Index(fields=["owner", "computed_at"], name="trust_by_computed"),
            models.Index(fields=["owner", "as_of"], name="trust_by_day"),
            models.Index(fields=["owner", "engine_version"], name="trust_by_version"),
            # tier first, then score: the agenda asks for each tier's strongest ties,
            # the last contact beside them so ties not yet due are passed over in the
            # index (created in SQL by agenda migration 0003; it replaced the shorter
            # (owner, tier, -score), its prefix, which the planners no longer chose)
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


class PastBase(Owned):
    """The day the owner's summed past ends (`troth.trust.past`): the interactions
    dated on or before `day` (an engine day, a local midnight) are kept summed per tie
    in TiePast, so a full recompute reads those sums and only the newer rows.
    No row: no past kept (the next full recompute builds one)."""

    derived = True

    day = models.IntegerField()
    # memory_of() the parameters the decayed sums were taken with (as JSON)
    memory = models.CharField(max_length=200)
    # Rows written before this are in the sums (troth.trust.past._added_since).
    built_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner"], name="trust_past_once")]


class TiePast(Owned):
    """One tie's interactions dated on or before the owner's PastBase day, summed as
    `troth.trust.summary.SUMS` and `DAYS` name them (a column per name, so one more
    aggregate is one more field): counts and minutes add up, the decayed sums are
    relative to the base day (rebased exactly when read), first is a minimum, last
    and two_way maxima. The 30-day and 5-day span bits cannot be shifted to another
    day, so `day_bits` keeps the days with contact instead: bit j (little-endian)
    set when there was contact j whole days before the base day (PAST_DAYS of them)."""

    derived = True

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="trust_past")
    total = models.IntegerField()
    calls = models.IntegerField()
    events = models.IntegerField()
    written = models.IntegerField()
    them = models.IntegerField()
    unknown = models.IntegerField()
    minutes = models.FloatField()
    frequency = models.FloatField()
    history = models.FloatField()
    recent = models.FloatField()
    lasting = models.FloatField()
    days = models.IntegerField()
    first = models.FloatField(null=True)
    last = models.FloatField(null=True)
    two_way = models.FloatField(null=True)
    day_bits = models.BinaryField()
