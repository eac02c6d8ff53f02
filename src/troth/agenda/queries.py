"""Gathering today's agenda from what troth knows. Reads only, always scoped to the owner."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from troth.agenda import plan, snapshot
from troth.agenda.intro_items import intro_candidates
from troth.agenda.models import AgendaMark
from troth.agenda.plan import Candidate, Item
from troth.errors import Conflict, NotFound
from troth.intros.models import Introduction
from troth.ledger.models import Commitment, Favor, Need
from troth.owned import Owner
from troth.people.dates import reminder_days, upcoming
from troth.people.models import Person, Relationship
from troth.trust.constants import TIER_CADENCE_DAYS, TIERS
from troth.trust.models import TierCadence, TrustScore
from troth.trust.queries import fresh_scores

# Thank within a few days: lateness counts in weeks from the second day.
THANKS_GRACE_DAYS = 2
# A favour older than this without thanks is history, not a to-do.
THANKS_WINDOW_DAYS = 60
# Their promise: a few days' grace before the one gentle nudge, then two weeks
# before suggesting a release (never a second chase that embarrasses them).
NUDGE_GRACE_DAYS = 3
RELEASE_AFTER_DAYS = 14
# An undated promise of mine comes up once it is two weeks old.
UNDATED_AFTER_DAYS = 14
# A tie whose activity (the chance of contact within 90 days, trust.activity) fell
# this many points in 30 days is "cooling fast" even before its cadence is due
# (only in the active layers: a fading acquaintance is normal).
COOLING_DROP = 15.0
COOLING_TIERS = ("inner", "close", "active")
# ...and only when you have not been in touch for a couple of weeks anyway.
COOLING_MIN_SILENT = 14
# Reconnecting is suggested once a dormant tie has been quiet this long, so
# reaching out once does not bring the suggestion straight back.
RECONNECT_AFTER_DAYS = 90
CHECKIN_MAX_LATENESS = 0.5
# Days ahead a promise counts as due soon: what Today and `troth agenda` use, and the
# one window whose agenda is kept (troth.agenda.snapshot).
WINDOW = 7
# Enough candidates of each kind to fill any sensible --limit.
PER_TIER = 200
PER_KIND = 200
CADENCE_TIERS = ("inner", "close", "active", "network", "acquaintance")
# An owner's own rhythm per tier (Settings) is a whole number of days in these bounds;
# the defaults are Dunbar's contact frequencies (TIER_CADENCE_DAYS, anchors.md).
MIN_TIER_CADENCE, MAX_TIER_CADENCE = 1, 730


@dataclass
class Agenda:
    today: dt.date
    items: list[Item]  # everything worth doing, best first (or the first `upto`)
    shown: int  # how many the caller asked to see
    total: int = -1  # how many items there are, whether or not all are in `items`

    def __post_init__(self) -> None:
        if self.total < 0:
            self.total = len(self.items)


def default_tier_cadences() -> dict[str, int]:
    """The built-in check-in rhythm of each tier that has one, in days: weekly,
    monthly, six-monthly, yearly (Dunbar et al. 2015 via anchors.md; defined in
    troth.trust.engine.TIER_CADENCE_DAYS)."""
    return {t: TIER_CADENCE_DAYS[TIERS.index(t)] for t in CADENCE_TIERS}


def tier_cadences(owner: Owner) -> dict[str, int]:
    """The owner's check-in rhythm per tier: their own where set, else the default."""
    days = default_tier_cadences()
    own = TierCadence.objects.filter(owner=owner, tier__in=CADENCE_TIERS)
    days.update(own.values_list("tier", "days"))
    return days


def own_tier_cadences(owner: Owner) -> set[str]:
    """The tiers whose rhythm the owner changed."""
    return set(TierCadence.objects.filter(owner=owner).values_list("tier", flat=True))


def handled_keys(owner: Owner, today: dt.date) -> set[str]:
    """Keys that must not come back today: done, skipped, or snoozed past today."""
    marks = AgendaMark.objects.filter(owner=owner).filter(
        ~Q(status=AgendaMark.SNOOZED) | Q(until__gt=today)
    )
    return set(marks.values_list("key", flat=True))


def _marks(owner: Owner, today: dt.date) -> tuple[set[str], dict[int, dt.datetime]]:
    """`handled_keys` and the nudges sent (`_nudged`) in one read of the owner's marks:
    a round trip fewer in every rebuild (issue 20)."""
    handled: set[str] = set()
    nudged: dict[int, dt.datetime] = {}
    rows = AgendaMark.objects.filter(owner=owner).order_by("id")
    for key, kind, ref, status, until, marked_at in rows.values_list(
        "key", "kind", "ref", "status", "until", "marked_at"
    ):
        if status != AgendaMark.SNOOZED or (until is not None and until > today):
            handled.add(key)
        if kind == "nudge" and status != AgendaMark.SNOOZED:
            nudged[ref] = marked_at
    return handled, nudged


def _nudged(owner: Owner) -> dict[int, dt.datetime]:
    """When each promise made to me was nudged (by its id), snoozed nudges aside."""
    return dict(
        AgendaMark.objects.filter(owner=owner, kind="nudge")
        .exclude(status=AgendaMark.SNOOZED)
        .order_by("id")
        .values_list("ref", "marked_at")
    )


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _due_text(due: dt.date, today: dt.date) -> str:
    d = (due - today).days
    if d < 0:
        return f"{_days(-d)} late"
    if d == 0:
        return "due today"
    return f"due in {_days(d)}"


def _my_promises(owner: Owner, today: dt.date, window: int) -> list[Candidate]:
    out = []
    # Plain rows of only what the reason needs (a person row carries their photo;
    # model instances cost as much as the query).
    rows = (
        Commitment.objects.filter(owner=owner, status=Commitment.OPEN, debtor__is_me=True)
        .filter(
            Q(due_on__lte=today + dt.timedelta(days=window))
            | Q(due_on__isnull=True, made_on__lte=today - dt.timedelta(days=UNDATED_AFTER_DAYS))
        )
        .annotate(tie=F("creditor__trust__score"))
        .values_list("id", "what", "due_on", "made_on", "creditor_id", "creditor__full_name", "tie")
    )
    for cid, what, due_on, made_on, person_id, name, tie in rows:
        if due_on is not None:
            lateness = (today - due_on).days / 14
            when = _due_text(due_on, today)
        else:
            age = (today - made_on).days
            lateness = (age - UNDATED_AFTER_DAYS) / 14
            when = f"no date set, promised {_days(age)} ago"
        out.append(
            Candidate(
                kind="promise",
                ref=cid,
                person_id=person_id,
                person=name,
                reason=f"You promised {name} “{what}” ({when}): keep your word.",
                key=f"promise:{cid}:{due_on or 'undated'}",
                importance=max(0.5, _tie(tie)),
                lateness=lateness,
                due=due_on,
            )
        )
    return out


# Some favours matter more to a job search than others.
_FAVOR_IMPORTANCE = {"referral": 1.0, "intro": 0.9, "lead": 0.8, "endorsement": 0.7}


def _thanks(owner: Owner, today: dt.date) -> list[Candidate]:
    out = []
    rows = (
        Favor.objects.filter(
            owner=owner,
            receiver__is_me=True,
            thanked_on__isnull=True,
            given_on__gte=today - dt.timedelta(days=THANKS_WINDOW_DAYS),
        )
        # an introduction's own workflow asks for its thank-you
        .exclude(
            id__in=Introduction.objects.filter(owner=owner, favor__isnull=False).values("favor_id")
        )
        .annotate(tie=F("giver__trust__score"))
        .values_list("id", "kind", "what", "given_on", "giver_id", "giver__full_name", "tie")
    )
    for fid, kind, what, given_on, person_id, name, tie in rows:
        ago = (today - given_on).days
        said = f" ({what})" if what else ""
        when = "today" if ago == 0 else f"{_days(ago)} ago"
        out.append(
            Candidate(
                kind="thanks",
                ref=fid,
                person_id=person_id,
                person=name,
                reason=(
                    f"{name} gave you {_article(kind)}{said} {when} and no thank-you is logged."
                ),
                key=f"thanks:{fid}",
                importance=max(_FAVOR_IMPORTANCE.get(kind, 0.5), _tie(tie)),
                lateness=ago / 7,
                due=given_on + dt.timedelta(days=THANKS_GRACE_DAYS),
            )
        )
    return out


def _tie(score: float | None) -> float:
    """The tie's cached trust score as 0-1 (0 before it was ever scored)."""
    return (score or 0.0) / 100


# What each kind of favour reads as after "gave you".
_FAVOR_NOUN = {
    "intro": "an introduction",
    "lead": "a lead",
    "advice": "advice",
    "referral": "a referral",
    "resource": "a resource",
    "endorsement": "an endorsement",
    "time": "their time",
}


def _article(kind: str) -> str:
    return _FAVOR_NOUN.get(kind, f"a {kind}")


@dataclass(frozen=True)
class _NeedRow:
    id: int
    person_id: int
    name: str
    what: str
    expires_on: dt.date
    tie: float | None


_NEED_FIELDS = ("id", "person_id", "person__full_name", "what", "expires_on", "tie")


def _open_needs(owner: Owner, today: dt.date) -> list[_NeedRow]:
    # The strongest ties' needs first: in a big network thousands of needs are
    # open, and nobody answers an acquaintance's before a close friend's.
    return _open_needs_by_score(owner, today)


def _open_needs_by_score(owner: Owner, today: dt.date) -> list[_NeedRow]:
    """`_open_needs` in one query: the scores are walked strongest first
    (trust_by_score) and each tie's open needs looked up by person until PER_KIND are
    found, a few hundred index probes (an incremental sort orders a score's needs).
    Ordering the 4,500 open needs of 30,000 people by their person's score (a subquery
    per need, 13,000 index pages) and reading the chosen rows by id took 26 ms and two
    round trips; any join that ordered all open needs first scanned every score or
    person (issue 20). A need whose person has no score yet (fresh_scores leaves none
    but "me", whose needs are not listed) comes after the rest, as NULLS LAST put it.

    SQLite walks the same way when told to: CROSS JOIN keeps the scores as the outer
    loop (its planner never reorders around one), and a unary + on the needs' owner,
    status and day keeps it probing each tie's needs by person, not the open needs'
    range once per score (0.46 s). 3-5 ms against 13-17 ms for the open needs' ids
    sorted by a score subquery each, then read again (4,500 open needs at 30,000
    people, same order)."""
    need, person, score = Need._meta, Person._meta, TrustScore._meta
    q = connection.ops.quote_name

    def col(meta: Any, field: str) -> str:
        return q(meta.get_field(field).column)

    sqlite = connection.vendor == "sqlite"

    def open_needs(plus: str) -> str:
        return (
            f" {plus}n.{col(need, 'owner')} = %s AND {plus}n.{col(need, 'status')} = %s"
            f" AND {plus}n.{col(need, 'expires_on')} >= %s AND NOT p.{col(person, 'is_me')}"
        )

    by_person = f"n.{col(need, 'person')} = t.{col(score, 'person')}"
    tie_then_need = (
        f" CROSS JOIN {q(need.db_table)} n"
        if sqlite
        else f" JOIN {q(need.db_table)} n ON {by_person}"
    )
    fields = (
        f"SELECT n.{col(need, 'id')}, n.{col(need, 'person')}, p.{col(person, 'full_name')},"
        f" n.{col(need, 'what')}, n.{col(need, 'expires_on')}"
    )
    joined = f" JOIN {q(person.db_table)} p ON p.{col(person, 'id')} = n.{col(need, 'person')}"
    params: list[Any] = [owner.pk, Need.OPEN, connection.ops.adapt_datefield_value(today)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"{fields}, t.{col(score, 'score')} FROM {q(score.db_table)} t{tie_then_need}"
            f"{joined} WHERE t.{col(score, 'owner')} = %s"
            # (PostgreSQL has no unary + for text, and needs none)
            + (f" AND{open_needs('+')} AND {by_person}" if sqlite else f" AND{open_needs('')}")
            + f" ORDER BY t.{col(score, 'score')} DESC, n.{col(need, 'expires_on')},"
            f" n.{col(need, 'id')} LIMIT %s",
            [owner.pk, *params, PER_KIND],
        )
        rows = cursor.fetchall()
        if len(rows) < PER_KIND:
            cursor.execute(
                f"{fields}, NULL FROM {q(need.db_table)} n{joined} WHERE{open_needs('')}"
                f" AND NOT EXISTS (SELECT 1 FROM {q(score.db_table)} t"
                f" WHERE t.{col(score, 'person')} = n.{col(need, 'person')})"
                f" ORDER BY n.{col(need, 'expires_on')}, n.{col(need, 'id')} LIMIT %s",
                [*params, PER_KIND - len(rows)],
            )
            rows += cursor.fetchall()
    return [_NeedRow(*r) for r in rows]


def _need_rows(owner: Owner, ids: list[int]) -> list[_NeedRow]:
    """These needs of the owner's, in this order."""
    rows = {
        r[0]: _NeedRow(*r)
        for r in Need.objects.filter(owner=owner, id__in=ids)
        .annotate(tie=F("person__trust__score"))
        .values_list(*_NEED_FIELDS)
    }
    return [rows[i] for i in ids if i in rows]


def _need_candidate(n: _NeedRow, today: dt.date, helpers: list[str]) -> Candidate:
    left = (n.expires_on - today).days
    hint = f" {', '.join(helpers)} might help." if helpers else ""
    return Candidate(
        kind="need",
        ref=n.id,
        person_id=n.person_id,
        person=n.name,
        reason=(
            f"{n.name} needs “{n.what}” within {_days(left)}:"
            f" can you or someone you know help?{hint}"
        ),
        key=f"need:{n.id}",
        importance=_tie(n.tie),
        # the closer the horizon, the more waiting costs (60-day horizons)
        lateness=-left / 60,
        due=n.expires_on,
    )


def _hints(owner: Owner, needs: list[_NeedRow]) -> dict[int, list[str]]:
    """Who among the strongest real ties might meet each need (troth.matching)."""
    if not needs:
        return {}
    # The matcher (troth.matching) is imported only when a need is shown: most of
    # `troth agenda`'s start-up otherwise (issue 18 item 6).
    from troth.helping import agenda_hints

    full = Need.objects.filter(owner=owner, id__in=[n.id for n in needs]).prefetch_related("tags")
    order = {n.id: i for i, n in enumerate(needs)}
    return agenda_hints(owner, sorted(full, key=lambda n: order[n.id]))


def _needs(owner: Owner, today: dt.date, *, hints: bool = True) -> list[Candidate]:
    """Contacts' open needs; with `hints`, each reason names who among the strongest
    real ties might meet it (troth.matching, keywords). The hints never change the
    ranking, and a need's hint does not depend on the other needs, so a caller showing
    a few items can leave them out here and add them to the items it shows
    (`with_hints`): matching 200 needs cost most of the agenda's time."""
    needs = _open_needs(owner, today)
    found = _hints(owner, needs) if hints else {}
    return [_need_candidate(n, today, found.get(n.id, [])) for n in needs]


def with_hints(owner: Owner, today: dt.date, candidates: list[Candidate]) -> list[Candidate]:
    """The same candidates, each need's reason with its helper hint (as `_needs` with
    hints would have written it); only the needs among them are matched."""
    needs = _need_rows(owner, [c.ref for c in candidates if c.kind == "need"])
    if not needs:
        return candidates
    found = _hints(owner, needs)
    by_id = {n.id: _need_candidate(n, today, found.get(n.id, [])) for n in needs}
    return [by_id.get(c.ref, c) if c.kind == "need" else c for c in candidates]


def _contact_candidates(owner: Owner, today: dt.date) -> list[Candidate]:
    """Check-ins due by cadence, ties cooling fast, and dormant ties to reconnect."""
    overrides = {
        pid: (days, archived)
        for pid, days, archived in Relationship.objects.filter(owner=owner)
        .filter(Q(cadence_days__isnull=False) | Q(archived=True))
        .values_list("person_id", "cadence_days", "archived")
    }
    fields = (
        "person_id",
        "person__full_name",
        "score",
        "tier",
        "activity_trend_30",
        "last_contact",
    )
    scored = TrustScore.objects.filter(owner=owner, last_contact__isnull=False)
    # Equal scores in the order the rows were scored (their id), whichever index the
    # database walks: the 200th place must not depend on it.
    cadence_of = tier_cadences(owner)
    parts = [
        # Check-ins come up when due, never ahead: a weekly tie would otherwise
        # be back on the list the day after you were in touch.
        scored.filter(tier=tier, last_contact__lte=today - dt.timedelta(days=cadence_of[tier]))
        .order_by("-score", "id")
        .values_list(*fields)[:PER_TIER]
        for tier in CADENCE_TIERS
    ]
    parts.append(
        scored.filter(tier__in=COOLING_TIERS, activity_trend_30__lte=-COOLING_DROP).values_list(
            *fields
        )
    )
    parts.append(
        scored.filter(
            tier="dormant", last_contact__lte=today - dt.timedelta(days=RECONNECT_AFTER_DAYS)
        )
        .order_by("-score", "id")
        .values_list(*fields)[:PER_TIER]
    )
    if overrides:
        parts.append(scored.filter(person_id__in=list(overrides)).values_list(*fields))
    # (person_id, full_name, score, tier, activity_trend_30, last_contact)
    rows: dict[int, tuple[int, str, float, str, float | None, dt.date]] = {}
    for pid, name, score, tier, trend, last in _rows_of(parts):
        last_day = last if isinstance(last, dt.date) else dt.date.fromisoformat(last)
        rows[pid] = (pid, name, score, tier, trend, last_day)

    out = []
    for pid, name, score, tier, trend, last in rows.values():
        days, archived = overrides.get(pid, (None, False))
        if archived:
            continue
        silent = (today - last).days
        if tier == "dormant":
            if days == 0 or silent < RECONNECT_AFTER_DAYS:
                continue
            out.append(
                Candidate(
                    kind="reconnect",
                    ref=pid,
                    person_id=pid,
                    person=name,
                    reason=(
                        f"{name} was a strong tie and you have been out of touch"
                        f" ({_days(silent)} since the last contact): reconnecting a dormant"
                        " tie is cheap and often valuable."
                    ),
                    key=f"reconnect:{pid}:{last}",
                    importance=score / 100,
                    lateness=0.0,
                )
            )
            continue
        if tier == "stranger":
            continue
        cadence = plan.cadence_days(cadence_of[tier], days)
        if cadence is None:
            continue
        fast = tier in COOLING_TIERS and trend is not None and trend <= -COOLING_DROP
        fast = fast and silent < cadence
        if silent < (COOLING_MIN_SILENT if fast else cadence):
            continue
        cycle = plan.checkin_cycle(last, cadence, today)
        rhythm = "your own rhythm" if days is not None else f"{tier} tie"
        why = f"No contact with {name} for {_days(silent)} ({rhythm}: every {_days(cadence)})"
        if fast and trend is not None:  # fast says so; the test tells mypy
            why += (
                f"; the tie is cooling (the chance of contact fell {-trend:.0f} points in 30 days)"
            )
        out.append(
            Candidate(
                kind="checkin",
                ref=pid,
                person_id=pid,
                person=name,
                reason=why + ".",
                key=f"checkin:{pid}:{last}:{cycle}",
                importance=score / 100,
                # a whole period late is as late as it gets: a check-in is never urgent
                # the way a promise is
                lateness=min(max((silent - cadence) / cadence, 0.0), CHECKIN_MAX_LATENESS),
                due=last + dt.timedelta(days=cadence),
            )
        )
    return out


def _rows_of(parts: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of these querysets (values_list, each with its own order and limit) in
    one round trip: each a subquery of one UNION ALL, which both databases accept
    (neither takes a bare ORDER BY ... LIMIT inside a compound SELECT; Django's `union`
    refuses one on SQLite). Plain database values: a date is text on SQLite. The
    contact candidates' eight reads were eight round trips, the larger part of
    PostgreSQL's time in a rebuild on a busy machine (issue 20)."""
    compiled = [qs.query.sql_with_params() for qs in parts]
    sql = " UNION ALL ".join(f"SELECT * FROM ({q}) part{i}" for i, (q, _p) in enumerate(compiled))
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for _q, params in compiled for p in params])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _their_promises(
    owner: Owner, today: dt.date, nudged: dict[int, dt.datetime] | None = None
) -> list[Candidate]:
    """One gentle nudge for a promise made to me and overdue; after that, a release.
    `nudged`: the nudges sent, when the caller has read them already (`_marks`)."""
    out = []
    overdue = (
        Commitment.objects.filter(
            owner=owner,
            status=Commitment.OPEN,
            creditor__is_me=True,
            due_on__lt=today - dt.timedelta(days=NUDGE_GRACE_DAYS),
        )
        .annotate(tie=F("debtor__trust__score"))
        .values_list("id", "what", "due_on", "debtor_id", "debtor__full_name", "tie")
    )
    if nudged is None:
        nudged = _nudged(owner)
    for cid, what, due_on, person_id, name, tie in overdue:
        assert due_on is not None  # the filter asks for a due date before today
        late = (today - due_on).days
        importance = _tie(tie)
        if cid not in nudged:
            out.append(
                Candidate(
                    kind="nudge",
                    ref=cid,
                    person_id=person_id,
                    person=name,
                    reason=(
                        f"{name} promised you “{what}” by {due_on:%-d %B}"
                        f" ({_days(late)} ago): one gentle, face-saving nudge (once only)."
                    ),
                    key=f"nudge:{cid}",
                    importance=importance,
                    lateness=late / 14,
                    due=due_on,
                )
            )
            continue
        since = (today - timezone.localdate(nudged[cid])).days
        if since >= RELEASE_AFTER_DAYS:
            out.append(
                Candidate(
                    kind="release",
                    ref=cid,
                    person_id=person_id,
                    person=name,
                    reason=(
                        f"{name} has not delivered “{what}” {_days(since)} after your"
                        " nudge: release them from it graciously rather than chase again."
                    ),
                    key=f"release:{cid}",
                    importance=importance,
                    lateness=(since - RELEASE_AFTER_DAYS) / 14,
                )
            )
    return out


def _dates(owner: Owner, today: dt.date) -> list[Candidate]:
    """Birthdays and other dates coming up, when the owner turned reminders on
    (`troth dates --remind 3d`; off by default): each once a year, from a few days
    ahead until the day itself."""
    ahead = reminder_days(owner)
    if ahead is None:
        return []
    out = []
    ties = dict(TrustScore.objects.filter(owner=owner).values_list("person_id", "score"))
    for u in upcoming(owner, today, ahead):
        out.append(
            Candidate(
                kind="date",
                ref=u.id,
                person_id=u.person_id,
                person=u.person,
                reason=f"{u.text()}: a short note means a lot.",
                key=f"date:{u.id}:{u.on.isoformat()}",
                importance=max(0.5, _tie(ties.get(u.person_id))),
                # due on the day: from `ahead` days before (-1) up to the day (0)
                lateness=-u.days / max(ahead, 1),
                due=u.on,
            )
        )
    return out


def _then_ask(goal: str) -> str:
    return f"Then ask them to introduce you to {goal}: the ask waits until you have been in touch."


def _checkins(owner: Owner, today: dt.date) -> list[Candidate]:
    """Contact candidates and the check-ins `troth path --plan` asked for (the
    connector first, the ask after): one item per person, a check-in already due
    saying what it is for."""
    from troth.warmpaths.load import planned_checkins  # no numpy: read commands stay quick

    planned = {r.id: r for r in planned_checkins(owner, today)}
    out = []
    for c in _contact_candidates(owner, today):
        plan = planned.pop(c.person_id, None) if c.kind == "checkin" else None
        if plan is not None:
            then = _then_ask(plan.goal)
            c = dataclasses.replace(c, reason=f"{c.reason} {then}", then=then)
        out.append(c)
    out.extend(
        Candidate(
            kind="checkin",
            ref=r.id,
            person_id=r.id,
            person=r.name,
            reason=r.reason,
            key=f"warmup:{r.plan}",
            importance=r.importance,
            lateness=0.0,
            then=_then_ask(r.goal),
        )
        for r in planned.values()
    )
    return out


def agenda_candidates(
    owner: Owner,
    today: dt.date,
    window: int = 7,
    *,
    hints: bool = True,
    scores_fresh: bool = False,
) -> list[Candidate]:
    """Every candidate today, handled ones removed (unranked); without `hints`, the
    needs' reasons leave out who might help (see `_needs`). `scores_fresh`: the caller
    has just made the trust cache current (`agenda` does, before its snapshot's
    placeholder), so its staleness check is not made twice: on PostgreSQL it was a
    third of the database's time in a rebuild (issue 20)."""
    if not scores_fresh:
        fresh_scores(owner)
    handled, nudged = _marks(owner, today)
    candidates = [
        *_my_promises(owner, today, window),
        *_thanks(owner, today),
        *_needs(owner, today, hints=hints),
        *_checkins(owner, today),
        *_their_promises(owner, today, nudged),
        *intro_candidates(owner, today),
        *_dates(owner, today),
    ]
    return [c for c in candidates if c.key not in handled]


def agenda(
    owner: Owner,
    today: dt.date | None = None,
    *,
    window: int = 7,
    limit: int = 0,
    hints_for: int | None = None,
    upto: int | None = None,
) -> Agenda:
    """Today's agenda, best first. `upto`: the caller shows only the first so many
    items, and the rest may be left out of `items` (`total` counts them all).
    `hints_for`: the first so many items' needs name who might help (and today's
    first snapshot.HINTED always do; the rest read as if no one could); None: every
    item's. The items and their order are the same either way.

    Today's agenda with the usual window is read from its snapshot
    (troth.agenda.snapshot) when nothing that feeds it changed since it was ranked,
    else computed and stored; any other day or window (the calendar feed's) is
    computed afresh, so it does not replace the one Today reads."""
    current = timezone.localdate()
    today = today or current
    if today != current or window != WINDOW:
        return _computed(owner, today, window, limit, hints_for)
    found = snapshot.read(owner, today, window, upto)
    if found is not None:
        items, total = found
    else:
        # Trust first: the agenda ranks by the cached scores (agenda_candidates
        # refreshes them too; a recompute there would drop the placeholder).
        fresh_scores(owner)
        token = snapshot.begin(owner, today, window)
        items = _ranked(owner, today, window, snapshot.HINTED, scores_fresh=True)
        snapshot.store(owner, token, items)
        total = len(items)
    want = len(items) if hints_for is None else hints_for
    if want > snapshot.HINTED:
        _fill_hints(owner, today, items, snapshot.HINTED, want)
    return Agenda(today=today, items=items, shown=limit or plan.DEFAULT_LIMIT, total=total)


def _computed(
    owner: Owner, today: dt.date, window: int, limit: int, hints_for: int | None
) -> Agenda:
    """The agenda computed from the rows, as a snapshot is built (no snapshot)."""
    items = _ranked(owner, today, window, hints_for)
    return Agenda(today=today, items=items, shown=limit or plan.DEFAULT_LIMIT)


def _ranked(
    owner: Owner,
    today: dt.date,
    window: int,
    hints_for: int | None,
    *,
    scores_fresh: bool = False,
) -> list[Item]:
    items = plan.rank(
        agenda_candidates(owner, today, window, hints=hints_for is None, scores_fresh=scores_fresh)
    )
    if hints_for:
        _fill_hints(owner, today, items, 0, hints_for)
    return items


def _fill_hints(owner: Owner, today: dt.date, items: list[Item], start: int, end: int) -> None:
    """Give the needs among items[start:end] their helper hints, in place."""
    part = items[start:end]
    filled = with_hints(owner, today, [i.candidate for i in part])
    items[start : start + len(part)] = [
        dataclasses.replace(i, candidate=c) for i, c in zip(part, filled, strict=True)
    ]


def access_item(
    owner: Owner, item_id: str, today: dt.date | None = None, window: int = 7
) -> Candidate:
    """Today's candidate with this id, handled or not (the caller says which)."""
    try:
        kind, ref = plan.parse_item_id(item_id)
    except ValueError as e:
        raise NotFound(str(e)) from None
    current = timezone.localdate()
    today = today or current
    if today == current and window == WINDOW:
        # Today's stored agenda holds every open item as a fresh computation would
        # (troth.agenda.snapshot): one row instead of gathering the kind again.
        found = snapshot.read(owner, today, window)
        for item in found[0] if found else ():
            c = item.candidate
            if c.kind == kind and c.ref == ref:
                return with_hints(owner, today, [c])[0] if kind == "need" else c
    fresh_scores(owner)
    gatherers: dict[str, Callable[[], list[Candidate]]] = {
        "promise": lambda: _my_promises(owner, today, window),
        "thanks": lambda: _thanks(owner, today),
        # one need's hint alone, not all 200 needs matched (it is the same hint)
        "need": lambda: with_hints(
            owner, today, [c for c in _needs(owner, today, hints=False) if c.ref == ref]
        ),
        "checkin": lambda: _checkins(owner, today),
        "reconnect": lambda: _contact_candidates(owner, today),
        "nudge": lambda: _their_promises(owner, today),
        "release": lambda: _their_promises(owner, today),
        "intro": lambda: intro_candidates(owner, today),
        "date": lambda: _dates(owner, today),
    }
    gather = gatherers.get(kind, list)
    for c in gather():
        if c.kind == kind and c.ref == ref:
            return c
    mark = AgendaMark.objects.filter(owner=owner, kind=kind, ref=ref).order_by("-marked_at").first()
    if mark is not None and mark.status != AgendaMark.SNOOZED:
        raise Conflict(f"agenda item {item_id} is already {mark.status}")
    raise NotFound(f"no agenda item {item_id} today (see: troth agenda --all)")
