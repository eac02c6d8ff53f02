"""Reading trust: today's from the cache (refreshed when stale), any other day computed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.utils import timezone

from troth.errors import TrothError
from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Favor
from troth.people.models import Person
from troth.trust.actions import do_recompute_trust
from troth.trust.engine import ENGINE_VERSION, TIERS
from troth.trust.explain import reasons
from troth.trust.models import TrustScore
from troth.trust.summary import load_scores


def check_as_of(as_of: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if as_of is None:
        return today
    if as_of > today:
        raise TrothError(f"--as-of {as_of} is in the future; trust is computed from what happened")
    return as_of


def is_stale(owner, today: dt.date) -> bool:
    cached = TrustScore.objects.filter(owner=owner).aggregate(
        at=Max("computed_at"), day=Max("as_of")
    )
    if cached["at"] is None or cached["day"] < today:
        return True
    since = cached["at"]
    people = Person.objects.filter(owner=owner, is_me=False).count()
    return (
        people != TrustScore.objects.filter(owner=owner).count()
        or TrustScore.objects.filter(owner=owner).exclude(engine_version=ENGINE_VERSION).exists()
        or Interaction.objects.filter(owner=owner, created_at__gt=since).exists()
        or Favor.objects.filter(owner=owner, created_at__gt=since).exists()
        or Commitment.objects.filter(owner=owner, created_at__gt=since).exists()
        or Commitment.objects.filter(owner=owner, status_changed_at__gt=since).exists()
    )


def fresh_scores(owner) -> None:
    today = timezone.localdate()
    if is_stale(owner, today):
        do_recompute_trust(owner, today)


def _row(
    pid: int, name: str, score: float, tier: str, t30: float | None, t90: float | None
) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "score": round(score, 1),
        "tier": tier,
        "trend_30": None if t30 is None else round(t30, 1),
        "trend_90": None if t90 is None else round(t90, 1),
    }


def trust_list(owner, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Everyone with score, tier and trend, strongest first."""
    day = check_as_of(as_of)
    if day == timezone.localdate():
        fresh_scores(owner)
        # Plain tuples, not model instances: 30,000 rows in a fraction of a second.
        rows = (
            TrustScore.objects.filter(owner=owner)
            .order_by("-score", "person__name_key")
            .values_list("person_id", "person__full_name", "score", "tier", "trend_30", "trend_90")
        )
        return [_row(*r) for r in rows]
    ids, (now, d30, d90) = load_scores(owner, day, known_on=day)
    names = dict(
        Person.objects.filter(owner=owner, id__in=list(map(int, ids))).values_list(
            "id", "full_name"
        )
    )
    out = [
        _row(
            int(pid),
            names[int(pid)],
            float(now.score[i]),
            TIERS[int(now.tier[i])],
            float(now.score[i] - d30.score[i]),
            float(now.score[i] - d90.score[i]),
        )
        for i, pid in enumerate(ids)
    ]
    out.sort(key=lambda r: (-r["score"], r["name"]))
    return out


def trust_detail(owner, person: Person, as_of: dt.date | None = None) -> dict[str, Any]:
    day = check_as_of(as_of)
    # Everyone is scored: a tier is a rank among all the owner's ties.
    known_on = None if day == timezone.localdate() else day
    ids, results = load_scores(owner, day, known_on=known_on)
    i = int(list(ids).index(person.id))
    now = results[0]
    row = _row(
        person.id,
        person.full_name,
        float(now.score[i]),
        TIERS[int(now.tier[i])],
        float(now.score[i] - results[1].score[i]),
        float(now.score[i] - results[2].score[i]),
    )
    f = now.features
    row["as_of"] = day.isoformat()
    row["reasons"] = reasons(now, i, person.given_name or person.full_name)
    row["facts"] = {
        "interactions": int(f.n_total[i]),
        "meetings": int(f.n_meetings[i]),
        "calls": int(f.n_calls[i]),
        "hours_together": round(float(f.hours[i]), 1),
        "favors_given": int(f.gave[i]),
        "favors_received": int(f.got[i]),
        "their_promises_kept": int(f.their_kept[i]),
        "their_promises_broken": int(f.their_broken[i]),
        "my_promises_kept": int(f.my_kept[i]),
        "my_promises_broken": int(f.my_broken[i]),
        "days_since_contact": None
        if f.n_total[i] == 0
        else round(float(now.as_of_day - f.last_day[i])),
        "days_known": None if f.n_total[i] == 0 else round(float(now.as_of_day - f.first_day[i])),
    }
    row["parts"] = {k: round(float(v[i]), 3) for k, v in now.parts.items()}
    return row
