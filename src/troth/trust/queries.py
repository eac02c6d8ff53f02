"""Reading trust: today's from the cache (refreshed when stale), any other day computed."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from troth.errors import FieldError, TrothError
from troth.interactions.models import Interaction
from troth.ledger.models import Commitment, Favor
from troth.owned import Owner
from troth.people.models import Person
from troth.trust.constants import (
    COOLING_TREND_90,
    ENGINE_VERSION,
    TIER_CADENCE_DAYS,
    TIERS,
    TrustParams,
    is_cooling,
)
from troth.trust.locking import lock_trust
from troth.trust.models import TierCadence, TrustScore
from troth.trust.warmth import WARM_MIN_DAYS, WARM_TIERS, is_warm

if TYPE_CHECKING:
    from troth.trust.engine import TrustResult

# The engine, its history loader and the recompute (numpy, a fifth of a read command's
# start-up) are imported inside the functions that compute: the agenda, people and
# the web ask for fresh scores on every call, and the cache is current on most of them
# (issue 18 item 6, bench/bench_cli_startup.py).


class NotScored(TrothError):
    """The person has no score to show: "me", or someone not in the owner's network."""


EARLIEST_AS_OF = dt.date(1900, 1, 1)


def check_as_of(as_of: dt.date | None) -> dt.date:
    today = timezone.localdate()
    if as_of is None:
        return today
    if as_of > today:
        raise FieldError(
            "as-of",
            f"{as_of} is in the future; trust is computed from what happened",
            label="as_of",
        )
    if as_of < EARLIEST_AS_OF:
        # the engine looks years back from the day: year 1 has nothing before it
        raise FieldError(
            "as-of", f"{as_of}: give a day from {EARLIEST_AS_OF.year} on", label="as_of"
        )
    return as_of


@functools.cache
def _stale_sql() -> str:
    """The staleness check as one SELECT of scalar subqueries (built once: table and
    column names come from the models). Each subquery is an index probe on SQLite and
    PostgreSQL alike: a lone MAX or MIN reads an index's end, a COUNT the owner's range of an
    index, an EXISTS the first entry past a bound (favours and promises too, through
    ledger's favor_added, promise_added and promise_status_changed: without them
    PostgreSQL read all the owner's rows, a third of an agenda rebuild's time in the
    database). "since" is a scalar subquery of its own (PostgreSQL: an InitPlan)."""
    q = connection.ops.quote_name

    def t(model: Any) -> str:
        return q(model._meta.db_table)

    def c(model: Any, field: str) -> str:
        return q(model._meta.get_field(field).column)

    def of_owner(model: Any) -> str:
        return f"FROM {t(model)} WHERE {c(model, 'owner')} = %(owner)s"

    scores, people = of_owner(TrustScore), of_owner(Person)
    since = f"(SELECT MAX({c(TrustScore, 'computed_at')}) {scores})"

    def newer(model: Any, field: str) -> str:
        # MAX(x) > since, not EXISTS(... x > since): the same answer (MAX skips NULLs,
        # and a NULL comparison is not true), but PostgreSQL plans an EXISTS against a
        # value it only learns when running (the subquery) as if a third of the rows
        # matched, and scans the table; a MAX is an index probe on both databases.
        return f"(SELECT MAX({c(model, field)}) {of_owner(model)}) > {since}"

    def version(op: str) -> str:
        return f"EXISTS (SELECT 1 {scores} AND {c(TrustScore, 'engine_version')} {op} %(version)s)"

    return ",\n".join(
        [
            f"SELECT {since}",
            # MIN: a tie re-scored on a new day (a write, `do_update_trust`) is of today,
            # the others still of yesterday until a full recompute
            f"(SELECT MIN({c(TrustScore, 'as_of')}) {scores}) < %(today)s",
            f"(SELECT COUNT(*) {people})",
            # "me" is one row, its own (partial unique) index
            f"(SELECT COUNT(*) {people} AND {c(Person, 'is_me')})",
            f"(SELECT COUNT(*) {scores})",
            # another engine's scores: two range probes (an OR of the two scans the index)
            version("<"),
            version(">"),
            newer(Interaction, "created_at"),
            newer(Favor, "created_at"),
            newer(Commitment, "created_at"),
            newer(Commitment, "status_changed_at"),
        ]
    )


def is_stale(owner: Owner, today: dt.date) -> bool:
    """Every page that shows trust asks this first: one round trip to the database,
    each of its tests an index probe (see `_stale_sql`). Stale when there are no
    scores, they are from an earlier day or another engine version, someone was
    added or removed, or an interaction, favour or promise was recorded (or a
    promise's status changed) since they were computed."""
    params = {
        "owner": owner.pk,
        "today": connection.ops.adapt_datefield_value(today),
        "version": ENGINE_VERSION,
    }
    with connection.cursor() as cursor:
        cursor.execute(_stale_sql(), params)
        row = cursor.fetchone()
    since, old_day, people, me, scored, *newer = row
    # Everyone but "me" has a score.
    return since is None or bool(old_day) or people - me != scored or any(newer)


def fresh_scores(owner: Owner) -> None:
    """Recompute the cache if it is stale. Safe outside a transaction, so pages that
    only read need not take one: SQLite transactions here are IMMEDIATE (they take
    the write lock), which would make every such page wait for the others. The
    recompute itself is all or nothing, and checks again once it holds the lock (the
    write lock on SQLite, the owner's trust lock on PostgreSQL: troth.trust.locking),
    so requests arriving together recompute once."""
    today = timezone.localdate()
    if is_stale(owner, today):
        from troth.trust.actions import do_recompute_trust

        with transaction.atomic():
            lock_trust(owner.pk)
            if is_stale(owner, today):
                do_recompute_trust(owner, today)


def _row(
    pid: int,
    name: str,
    score: float,
    tier: str,
    t30: float | None,
    t90: float | None,
    activity: float | None = None,
    activity_t30: float | None = None,
) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "score": round(score, 1),
        "tier": tier,
        "trend_30": None if t30 is None else round(t30, 1),
        "trend_90": None if t90 is None else round(t90, 1),
        # will we be in touch within 90 days? (0-100; trust.activity)
        "activity": None if activity is None else round(activity, 1),
        "activity_trend_30": None if activity_t30 is None else round(activity_t30, 1),
    }


def _cached_rows(owner: Owner) -> QuerySet[TrustScore, tuple[Any, ...]]:
    return (
        TrustScore.objects.filter(owner=owner)
        # (the id last: namesakes of one score would otherwise come in any order, and
        # PostgreSQL pages of LIMIT/OFFSET repeated some and left out others: the
        # attacker's review)
        .order_by("-score", "person__name_key", "person_id")
        .values_list(
            "person_id",
            "person__full_name",
            "score",
            "tier",
            "trend_30",
            "trend_90",
            "activity",
            "activity_trend_30",
        )
    )


def trust_today(
    owner: Owner, tier: str | None = None, cooling: bool = False
) -> tuple[QuerySet[TrustScore, tuple[Any, ...]], Callable[[Sequence[Any]], list[dict[str, Any]]]]:
    """Today's `trust_list` as a query (one tier, or the cooling ties: the biggest drops
    over 90 days first) and what turns a page of it into rows: a caller that shows a
    page reads that page, where the API read 30,000 rows to send fifty (issue 20)."""
    fresh_scores(owner)
    qs = _cached_rows(owner)
    if tier:
        qs = qs.filter(tier=tier)
    if cooling:
        # biggest drop first
        qs = qs.filter(trend_90__lte=COOLING_TREND_90).order_by(
            "trend_90", "person__name_key", "person_id"
        )
    return qs, lambda shown: [_row(*r) for r in shown]


def trust_on(
    owner: Owner, day: dt.date, tier: str | None = None, cooling: bool = False
) -> list[dict[str, Any]]:
    """`trust_list` on another day than today, narrowed as `trust_today` is (one tier,
    or the cooling ties, biggest drop first): `troth trust --as-of` and the API's."""
    rows = trust_list(owner, day)
    if tier:
        rows = [r for r in rows if r["tier"] == tier]
    if cooling:
        rows = [r for r in rows if is_cooling(r["trend_90"])]
        rows.sort(key=lambda r: (r["trend_90"], r["name"]))
    return rows


def trust_list(owner: Owner, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Everyone with score, tier and trend, strongest first."""
    day = check_as_of(as_of)
    if day == timezone.localdate():
        fresh_scores(owner)
        # Plain tuples, not model instances: 30,000 rows in a fraction of a second.
        return [_row(*r) for r in _cached_rows(owner)]
    from troth.trust.summary import load_scores

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
            float(now.activity[i]),
            float(now.activity[i] - d30.activity[i]),
        )
        for i, pid in enumerate(ids)
    ]
    out.sort(key=lambda r: (-r["score"], r["name"]))
    return out


def _scored_alone(owner: Owner, person: Person, day: dt.date) -> tuple[int, list[TrustResult]]:
    """Today's score for one relationship from its own history, as `do_update_trust`
    computes it: everything but the tier depends on this person's rows only. The
    tier is a rank among all the owner's ties, so it comes from the trust cache
    (refreshed first when stale): the cached tier when the cache holds this very
    score, else ranked against the cached scores as an update ranks it. Scoring the
    whole network for one person took a third of a second at 30,000 people."""
    from troth.trust.actions import tier_among
    from troth.trust.engine import compute, summarize
    from troth.trust.history import day_number, load_history
    from troth.trust.summary import TREND_DAYS, co_last_days

    fresh_scores(owner)
    history, ids = load_history(owner, [person.id])
    if len(ids) != 1:
        raise NotScored(f"#{person.id} is not scored")  # "me"
    params = TrustParams()
    as_of = [day_number(day - dt.timedelta(days=d)) for d in TREND_DAYS]
    # the copies (activity's co_since_contact) are not in a history: asked apart
    contacts = summarize(history, sorted(as_of), params, co_last_days(owner, ids, sorted(as_of)))
    results = [compute(history, d, params, contacts) for d in as_of]
    now = results[0]
    score = float(now.score[0])
    cached = TrustScore.objects.filter(owner=owner, person=person).values_list("score", "tier")
    row = cached.first()
    if row is not None and row[0] == score and row[1] in TIERS:
        now.tier[0] = TIERS.index(row[1])
    else:
        now.tier[0] = tier_among(owner, score, now, person.id)
    return 0, results


def _scored_with_everyone(
    owner: Owner, person: Person, day: dt.date, known_on: dt.date | None
) -> tuple[int, list[TrustResult]]:
    from troth.trust.summary import load_scores

    ids, results = load_scores(owner, day, known_on=known_on)
    at = ids.tolist()
    if person.id not in at:
        raise NotScored(f"#{person.id} is not scored")  # "me"
    return at.index(person.id), results


def _owner_cadences(owner: Owner) -> list[int]:
    """The check-in rhythm of each tier in TIERS order, the owner's own where set."""
    own = dict(TierCadence.objects.filter(owner=owner).values_list("tier", "days"))
    return [own.get(t, TIER_CADENCE_DAYS[k]) or 0 for k, t in enumerate(TIERS)]


def trust_detail(owner: Owner, person: Person, as_of: dt.date | None = None) -> dict[str, Any]:
    from troth.trust.activity import reasons as activity_reasons
    from troth.trust.explain import reasons

    day = check_as_of(as_of)
    if day == timezone.localdate():
        i, results = _scored_alone(owner, person, day)
    else:
        # Everyone is scored: a tier is a rank among all the owner's ties (then).
        i, results = _scored_with_everyone(owner, person, day, known_on=day)
    now = results[0]
    row = _row(
        person.id,
        person.full_name,
        float(now.score[i]),
        TIERS[int(now.tier[i])],
        float(now.score[i] - results[1].score[i]),
        float(now.score[i] - results[2].score[i]),
        float(now.activity[i]),
        float(now.activity[i] - results[1].activity[i]),
    )
    f = now.features
    row["as_of"] = day.isoformat()
    row["reasons"] = reasons(now, i, person.given_name or person.full_name, _owner_cadences(owner))
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
        # whole days back from the end of the day: a contact today is 0 days ago, not
        # the 1 that rounding 0.6 of a day made ("first had contact 1 days ago")
        "days_since_contact": None
        if f.n_total[i] == 0
        else max(math.floor(float(now.as_of_day - f.last_day[i])), 0),
        "days_known": None
        if f.n_total[i] == 0
        else max(math.floor(float(now.as_of_day - f.first_day[i])), 0),
    }
    row["parts"] = {k: round(float(v[i]), 3) for k, v in now.parts.items()}
    row["activity_reasons"] = activity_reasons(
        float(f.n_total[i]),
        float(f.first_day[i]),
        float(f.last_day[i]),
        float(f.recent[i]),
        float(f.lasting[i]),
        float(f.months_active[i]),
        float(f.spans_active[i]),
        now.as_of_day,
        days=float(f.days_active[i]),
        co_last_day=float(f.co_last_day[i]),
    )
    return row


def tie_history(
    owner: Owner, ids: Iterable[int], day: dt.date | None = None
) -> dict[int, tuple[int | None, int]]:
    """Per person: days since the first contact (None: never) and the number of distinct
    weeks in touch, as of `day` (today), for the warm-tie rule (troth.trust.warmth).
    One GROUP BY; the weeks are counted only for ties younger than WARM_MIN_DAYS (their
    every contact falls in that window), the others are warm by age already."""
    day = day or timezone.localdate()
    wanted = list(ids)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    mine = Interaction.objects.filter(owner=owner, person_id__in=wanted, occurred_at__lt=end)
    firsts = dict(
        mine.values("person_id")
        .annotate(first=Min("occurred_at"))
        .values_list("person_id", "first")
    )
    out: dict[int, tuple[int | None, int]] = dict.fromkeys(wanted, (None, 0))
    young: dict[int, set[tuple[int, int]]] = {}
    for pid, first in firsts.items():
        days = (day - timezone.localdate(first)).days
        out[pid] = (days, 0)
        if days < WARM_MIN_DAYS:
            young[pid] = set()
    if young:
        for pid, when in mine.filter(person_id__in=list(young)).values_list(
            "person_id", "occurred_at"
        ):
            young[pid].add(timezone.localdate(when).isocalendar()[:2])
        for pid, weeks in young.items():
            out[pid] = (out[pid][0], len(weeks))
    return out


def warm_among(owner: Owner, ids: Iterable[int] | None = None) -> list[int]:
    """The owner's warm ties (troth.trust.warmth: a warm tier and a history), among `ids`
    when given, strongest first. Reads the trust cache: callers refresh it first."""
    rows = TrustScore.objects.filter(owner=owner, tier__in=WARM_TIERS)
    if ids is not None:
        rows = rows.filter(person_id__in=list(ids))
    tiers = list(rows.order_by("-score", "person_id").values_list("person_id", "tier"))
    history = tie_history(owner, [pid for pid, _ in tiers])
    return [pid for pid, tier in tiers if is_warm(tier, *history[pid])]
