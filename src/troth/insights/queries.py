"""Reading what the Insights page charts, always for one owner.

Each function reads the owner's rows as plain tuples and hands them to the pure
counting in `troth.insights.series`. The tiers over time are the one costly read:
the whole network scored as of several past days. They come from one pass over the
interactions (the trust summary cut at every sampled day), what troth knows today
applied to each day as the cached 30- and 90-day trends are, and are cached per
owner and day, so a second look costs nothing; today's point is the trust cache's.

Those reading trust scores refresh the cache first (a tenth of a second at 30,000
people even when nothing changed); a view that calls several refreshes once and
passes `refresh=False` to the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.insights import series
from troth.ledger.models import Commitment, Favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.models import Knows, Person
from troth.trust.constants import COOLING_TREND_90
from troth.trust.engine import ENGINE_VERSION, TIERS, TrustParams, compute
from troth.trust.history import day_number, load_history
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores
from troth.trust.summary import load_contacts
from troth.warmpaths.models import Link
from troth.warmpaths.network import LINK_FLOOR

MONTHS = 12  # give vs take and follow-through: the last year, month by month
TIER_POINTS = 6  # tiers over time: today and the ends of the five months before
COOLING = 10
NETWORK_DEFAULT = 300
NETWORK_MAX = 5000
TIER_CACHE_SECONDS = 24 * 3600


def _first_day(months: list[str]) -> dt.date:
    return dt.date(int(months[0][:4]), int(months[0][5:]), 1)


def give_take(owner: Owner, today: dt.date, months: int = MONTHS) -> dict[str, Any]:
    """Favours I gave and received per month, the last `months` months."""
    keys = series.months_back(today, months)
    me = me_person(owner)
    window = Favor.objects.filter(owner=owner, given_on__gte=_first_day(keys), given_on__lte=today)
    # Counted per day by the database, one side at a time so each uses its own
    # foreign-key index: a few hundred rows instead of every favour.
    per_day = [
        (day, mine, n)
        for mine, side in ((True, window.filter(giver=me)), (False, window.filter(receiver=me)))
        for day, n in side.values_list("given_on").annotate(n=Count("id")).order_by()
    ]
    return series.give_take(per_day, keys)


def follow_through(owner: Owner, today: dt.date, months: int = MONTHS) -> dict[str, Any]:
    """My promises kept on time, late or broken per month, with the rolling 90-day rate."""
    keys = series.months_back(today, months)
    since = _first_day(keys) - dt.timedelta(days=series.ROLLING_DAYS)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    rows = (
        Commitment.objects.filter(
            owner=owner,
            debtor=me_person(owner),
            status__in=[Commitment.KEPT, Commitment.BROKEN],
            status_changed_at__gte=start,
        )
        .order_by()
        .values_list("due_on", "status", "status_changed_at")
    )
    # astimezone() itself: timezone.localdate() checks each value first, ten times slower
    zone = timezone.get_current_timezone()
    promises = [
        (due, status, changed.astimezone(zone).date() if changed else None)
        for due, status, changed in rows
    ]
    return series.follow_through(promises, keys, today)


def tiers_now(owner: Owner, *, refresh: bool = True) -> dict[str, int]:
    """How many ties sit in each tier today (from the trust cache, refreshed if stale)."""
    if refresh:
        fresh_scores(owner)
    counts = dict(
        TrustScore.objects.filter(owner=owner)
        .values_list("tier")
        .annotate(n=Count("id"))
        .values_list("tier", "n")
    )
    return {t: counts.get(t, 0) for t in TIERS}


def _scanned_scores(owner: Owner) -> QuerySet[TrustScore]:
    """The owner's cached scores for a query that reads most of them anyway. On
    SQLite the unary + keeps the planner off the (owner, score) index, whose row
    by row lookups made such a query ten times slower than a plain scan of the
    table (70 ms against 7 at 30,000 people)."""
    if connection.vendor == "sqlite":
        table = TrustScore._meta.db_table
        return TrustScore.objects.extra(where=[f"+{table}.owner_id = %s"], params=[owner.id])
    return TrustScore.objects.filter(owner=owner)


def _past_tiers(owner: Owner, days: list[dt.date]) -> dict[str, Any]:
    """Tier counts on past `days` (ascending): one summary of the interactions cut at
    every day, then the engine as of each."""
    params = TrustParams()
    history, ids = load_history(owner, interactions=False)
    snapshots: list[tuple[dt.date, list[str]]] = [(day, []) for day in days]
    if len(ids) and days:
        contacts = load_contacts(owner, ids, [day_number(d) for d in days], params)
        snapshots = [
            (
                day,
                [
                    TIERS[t]
                    for t in compute(history, day_number(day), params, contacts).tier.tolist()
                ],
            )
            for day in days
        ]
    return series.tier_counts(snapshots, TIERS)


def tier_history(
    owner: Owner, today: dt.date, points: int = TIER_POINTS, *, refresh: bool = True
) -> dict[str, Any]:
    """How many ties sat in each tier on `points` days a month apart, today last.

    Today's counts are the trust cache's, as everywhere else. The past days cost
    seconds at 30,000 people and are cached for the day: a favour or a meeting
    logged today changes today's point, not last month's; something logged today
    but dated before the last month's end shows in the past points tomorrow."""
    if refresh:
        fresh_scores(owner)
    days = series.sample_days(today, points)
    key = f"troth:insights:tiers:{owner.id}:{today.isoformat()}:{points}:{ENGINE_VERSION}"
    past = cache.get(key)
    if past is None:
        past = _past_tiers(owner, days[:-1])
        cache.set(key, past, TIER_CACHE_SECONDS)
    now = tiers_now(owner, refresh=False)
    return {
        "days": [*past["days"], today.isoformat()],
        "tiers": {t: [*past["tiers"][t], now[t]] for t in TIERS},
    }


def cooling(owner: Owner, limit: int = COOLING, *, refresh: bool = True) -> list[dict[str, Any]]:
    """The ties losing strength fastest over 90 days, as `troth trust --cooling` lists them."""
    if refresh:
        fresh_scores(owner)
    # The drops first without the names (sorting 30,000 floats, no join), then the
    # names of the few shown; a margin lets the pure step break ties by name.
    rows = list(
        _scanned_scores(owner)
        .filter(trend_90__lte=COOLING_TREND_90)
        .order_by("trend_90", "trend_30")
        .values_list("person_id", "score", "tier", "trend_30", "trend_90")[: limit * 2]
    )
    names = dict(
        Person.objects.filter(owner=owner, id__in=[r[0] for r in rows]).values_list(
            "id", "full_name"
        )
    )
    plain = [
        {
            "id": pid,
            "name": names[pid],
            "score": round(score, 1),
            "tier": tier,
            "trend_30": None if t30 is None else round(t30, 1),
            "trend_90": round(t90 or 0.0, 1),  # never None: filtered on it
        }
        for pid, score, tier, t30, t90 in rows
    ]
    return series.cooling(plain, limit)


def clamp_limit(value: Any) -> int:
    """The network size asked for, as a whole number in 1..NETWORK_MAX (default if unreadable)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return NETWORK_DEFAULT
    return max(1, min(NETWORK_MAX, n))


def network(
    owner: Owner,
    limit: int = NETWORK_DEFAULT,
    *,
    refresh: bool = True,
    path: Sequence[int] = (),
) -> dict[str, Any]:
    """The strongest `limit` ties (never strangers) and who among them knows whom:
    the "knows" rows and the links a warm path may use (warmpaths: usable, at or above
    its floor). `path`: the people of one warm path, first hop first (what "Show on the
    network" passes): each is drawn even when not among the strongest (a target may be
    a stranger), with the hops between them, and listed in order as `path`."""
    if refresh:
        fresh_scores(owner)
    limit = clamp_limit(limit)
    on_path = _path_people(owner, path)
    top = list(
        TrustScore.objects.filter(owner=owner)
        .exclude(tier="stranger")
        .order_by("-score", "person_id")
        .values_list("person_id", "person__full_name", "score", "tier")[:limit]
    )
    people = [
        {"id": pid, "name": name, "score": round(score, 1), "tier": tier}
        for pid, name, score, tier in top
    ]
    ids = [pid for pid, _name, _score, _tier in top] + list(on_path)
    links: list[tuple[int, int]] = []
    if ids:
        # One side by the index, the other checked here: a second IN list of
        # thousands of ids would cost the database more than the set lookup.
        links = list(
            Knows.objects.filter(owner=owner, person_a_id__in=ids).values_list(
                "person_a_id", "person_b_id"
            )
        )
        links += Link.objects.filter(
            owner=owner,
            person_a_id__in=ids,
            forgotten=False,
            usable=True,
            strength__gte=LINK_FLOOR,
        ).values_list("person_a_id", "person_b_id")
    out = series.network(people, links, limit)
    if on_path:
        _add_path(out, on_path, owner)
    out["ties"] = TrustScore.objects.filter(owner=owner).exclude(tier="stranger").count()
    return out


MAX_PATH = 5  # a warm path has at most four hops after me, each one person


def _path_people(owner: Owner, path: Sequence[int]) -> dict[int, str]:
    """The path's people in order (id -> name), the owner's only: anyone else's id,
    or the owner's own, is "no such person" (TrothError, a 400)."""
    if len(path) > MAX_PATH:
        raise TrothError(f"path: at most {MAX_PATH} people, got {len(path)}")
    if len(set(path)) != len(path):
        raise TrothError("path: a person appears twice")
    found = dict(
        Person.objects.filter(owner=owner, id__in=path, is_me=False).values_list("id", "full_name")
    )
    for pid in path:
        if pid not in found:
            raise NotFound(f"path: no such person #{pid}")
    return {pid: found[pid] for pid in path}


def _add_path(out: dict[str, Any], on_path: dict[int, str], owner: Owner) -> None:
    shown = {n["id"] for n in out["nodes"]}
    scores = {
        pid: (score, tier)
        for pid, score, tier in TrustScore.objects.filter(
            owner=owner, person_id__in=list(on_path)
        ).values_list("person_id", "score", "tier")
    }
    out["extra"] = sum(1 for pid in on_path if pid not in shown)  # drawn, not a strongest tie
    for pid, name in on_path.items():
        if pid not in shown:
            score, tier = scores.get(pid, (0.0, "stranger"))
            out["nodes"].append(
                {"id": pid, "name": name, "score": round(score, 1), "tier": tier, "degree": 0}
            )
    order = list(on_path)
    hops = {(min(a, b), max(a, b)) for a, b in zip(order, order[1:], strict=False)}
    for link in out["links"]:
        link["path"] = (link["source"], link["target"]) in hops
    have = {(lk["source"], lk["target"]) for lk in out["links"]}
    for a, b in sorted(hops - have):
        out["links"].append({"source": a, "target": b, "path": True})
    out["path"] = [{"id": pid, "name": name} for pid, name in on_path.items()]
