"""Computing and caching trust scores. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from troth.owned import Owner
from troth.people.models import Person
from troth.trust.engine import (
    ENGINE_VERSION,
    TIER_CAPS,
    TIERS,
    TrustParams,
    TrustResult,
    compute,
    summarize,
)
from troth.trust.history import day_number, load_history
from troth.trust.locking import lock_trust
from troth.trust.models import TrustScore
from troth.trust.summary import TREND_DAYS, co_last_days, load_scores


def last_contact_dates(result: TrustResult) -> list[dt.date | None]:
    """Each person's day of last contact (any kind), for the cache.

    Engine days count from 1970-01-01 UTC; the local date of the contact is
    close enough for cadences measured in weeks and months."""
    days = result.features.last_day
    known = ~np.isnan(days)
    # datetime64[D] counts days from 1970-01-01 too; tolist() gives datetime.date.
    dates = np.floor(np.where(known, days, 0)).astype(np.int64).astype("datetime64[D]")
    return [d if k else None for d, k in zip(dates.tolist(), known.tolist(), strict=True)]


def do_recompute_trust(
    owner: Owner, today: dt.date | None = None, *, keep_past: bool = True
) -> int:
    """Score every relationship as of today (with 30- and 90-day trends) and cache it.
    `keep_past`: read the owner's summed past (troth.trust.past), summing it first
    when it is missing or does not fit today; False sums every row (the benchmark's
    "before")."""
    today = today or timezone.localdate()
    with transaction.atomic():
        lock_trust(owner.id)
        return _recompute(owner, today, keep_past)


def _recompute(owner: Owner, today: dt.date, keep_past: bool) -> int:
    ids, (now, d30, d90) = load_scores(owner, today, keep_past=keep_past)
    adapt_date = connection.ops.adapt_datefield_value
    n = len(ids)
    # Column lists, not per-row numpy indexing: 30,000 rows in a few milliseconds.
    rows = list(
        zip(
            [owner.id] * n,
            ids.tolist(),
            now.score.tolist(),
            [TIERS[t] for t in now.tier.tolist()],
            (now.score - d30.score).tolist(),
            (now.score - d90.score).tolist(),
            now.activity.tolist(),
            (now.activity - d30.activity).tolist(),
            map(adapt_date, last_contact_dates(now)),
            [adapt_date(today)] * n,
            [connection.ops.adapt_datetimefield_value(timezone.now())] * n,
            [ENGINE_VERSION] * n,
            strict=True,
        )
    )
    TrustScore.objects.filter(owner=owner).delete()
    # Raw executemany: Django's bulk_create spends most of a second building 30,000 models.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TrustScore._meta.db_table} (owner_id, person_id, score, tier, "
            "trend_30, trend_90, activity, activity_trend_30, last_contact, as_of, "
            "computed_at, engine_version) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    return n


def tier_among(owner: Owner, score: float, one: TrustResult, exclude: int) -> int:
    """A single relationship's tier, ranked against the others' cached scores."""
    tier = int(one.tier[0])
    if TIERS[tier] in ("dormant", "stranger"):
        return tier
    better = TrustScore.objects.filter(owner=owner, score__gt=score).exclude(person_id=exclude)
    # Only ranks inside the last Dunbar layer matter: stop counting there.
    rank = better.exclude(tier__in=["dormant", "stranger"])[: TIER_CAPS[-1]].count()
    by_rank = int(np.searchsorted(np.asarray(TIER_CAPS), rank, side="right"))
    return max(tier, by_rank)


def do_update_trust(owner: Owner, person: Person | int, today: dt.date | None = None) -> None:
    """Re-score one relationship after something happened (cheap: one person's history)."""
    today = today or timezone.localdate()
    person_id = person if isinstance(person, int) else person.id
    history, ids = load_history(owner, [person_id])
    params = TrustParams()
    # The same summary as a full recompute, from this one person's rows.
    as_of = [day_number(today - dt.timedelta(days=d)) for d in TREND_DAYS]
    # the copies (activity's co_since_contact) are not in a history: asked apart
    contacts = summarize(history, sorted(as_of), params, co_last_days(owner, ids, sorted(as_of)))
    scores = [compute(history, d, params, contacts) for d in as_of]
    now = scores[0]
    score = float(now.score[0])
    fields = {
        "score": score,
        "tier": TIERS[tier_among(owner, score, now, person_id)],
        "trend_30": score - float(scores[1].score[0]),
        "trend_90": score - float(scores[2].score[0]),
        "activity": float(now.activity[0]),
        "activity_trend_30": float(now.activity[0] - scores[1].activity[0]),
        "last_contact": last_contact_dates(now)[0],
        "as_of": today,
        "computed_at": timezone.now(),
        "engine_version": ENGINE_VERSION,
    }
    # update() then create(): one statement in the common case; the lock keeps two
    # updates of a new tie from both creating it (troth.trust.locking)
    with transaction.atomic():
        lock_trust(owner.id)
        if not TrustScore.objects.filter(owner=owner, person_id=person_id).update(**fields):
            TrustScore.objects.create(owner=owner, person_id=person_id, **fields)


def do_invalidate(owner: Owner, person_ids: Iterable[int] | None = None) -> None:
    """Drop the cached scores of these people (None: all the owner's) after a write
    the per-row signals do not see (troth.trust.signals). The next read finds rows
    missing (`troth.trust.queries.is_stale`) and recomputes everyone: a bulk change
    can move every tier, which are ranks among all the owner's ties."""
    rows = TrustScore.objects.filter(owner=owner)
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    rows.delete()
