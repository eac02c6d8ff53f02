"""What weighs on a connector before I ask them for an introduction (reads, scoped
to one owner): asks made of them recently, what I owe them, and whether our own tie
is cooling. `queries.find_paths` ranks a loaded path lower and says why; `--plan`
warms a cooling first hop before the ask (issue 12)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.ledger.models import Favor
from troth.owned import Owner
from troth.trust.models import TrustScore

# Issue 12: asking the same person for more than one introduction in 90 days is load.
WINDOW_DAYS = 90
# A loaded path ranks as if its weakest hop were this much as strong: below an
# unloaded path of about the same strength, above a much weaker one.
FACTOR = 0.5
# Cooling: the chance of contact fell this many points in 30 days (the agenda's
# "cooling fast", agenda.queries.COOLING_DROP), or no contact for this long (longer
# than an active tie's check-in rhythm of about a month, trust.tiercadence).
COOLING_DROP = 15.0
COOLING_SILENT_DAYS = 45
# An open check-in plan shows on the agenda for at most this long.
PLAN_DAYS = 30


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def connector_load(
    owner: Owner, me_id: int, names: dict[int, str], day: dt.date
) -> dict[int, list[str]]:
    """For each of these people (id -> name), why asking them now weighs on them."""
    ids = list(names)
    out: dict[int, list[str]] = {pid: [] for pid in ids}
    if not ids:
        return out
    start = day - dt.timedelta(days=WINDOW_DAYS)
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time(), zone)
    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    asks = dict(
        Introduction.objects.filter(
            owner=owner,
            role=Introduction.REQUESTER,
            introducer_id__in=ids,
            created_at__gte=since,
            created_at__lt=until,
        )
        .values("introducer_id")
        .annotate(n=Count("id"))
        .values_list("introducer_id", "n")
    )
    for pid, n in asks.items():
        what = "an introduction" if n == 1 else f"{n} introductions"
        out[pid].append(
            f"you already asked {_first(names[pid])} for {what} in the last {WINDOW_DAYS} days"
        )
    # every favour between me and them up to `day`, in one query (three counted them
    # apart: 6 of a warm path query's 20 ms at 30,000 people): what I still owe a
    # thank-you for, and who gave me more than I gave them
    unthanked: dict[int, str] = {}
    got: dict[int, int] = {}
    gave: dict[int, int] = {}
    rows = Favor.objects.filter(owner=owner, given_on__lte=day).filter(
        Q(giver_id__in=ids, receiver_id=me_id) | Q(giver_id=me_id, receiver_id__in=ids)
    )
    for giver, receiver, given, thanked, what in rows.order_by("-given_on", "-id").values_list(
        "giver_id", "receiver_id", "given_on", "thanked_on", "what"
    ):
        if giver == me_id:
            gave[receiver] = gave.get(receiver, 0) + 1
            continue
        got[giver] = got.get(giver, 0) + 1
        # a thank-you still owed for something of the last 90 days (older ones are
        # the ledger's business, not a reason to spare someone an ask today)
        if given >= start and (thanked is None or thanked > day):
            unthanked.setdefault(giver, what)
    for pid, what in unthanked.items():
        about = f" for {what}" if what else ""
        out[pid].append(f"you still owe {_first(names[pid])} a thank-you{about}")
    for pid in ids:
        if got.get(pid, 0) > gave.get(pid, 0):
            out[pid].append(
                f"you owe {_first(names[pid])} a favour ({got[pid]} received,"
                f" {gave.get(pid, 0)} given)"
            )
    return out


def cooling(
    owner: Owner, names: dict[int, str], day: dt.date, trends: dict[int, float | None]
) -> dict[int, str]:
    """Which of these people my own tie is cooling with, and how (as of `day`;
    `trends`: each one's activity change over 30 days, from the trust scores)."""
    ids = list(names)
    if not ids:
        return {}
    zone = timezone.get_current_timezone()
    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    last = dict(
        Interaction.objects.filter(owner=owner, person_id__in=ids, occurred_at__lt=until)
        .values("person_id")
        .annotate(m=Max("occurred_at"))
        .values_list("person_id", "m")
    )
    out: dict[int, str] = {}
    for pid in ids:
        trend = trends.get(pid)
        seen = last.get(pid)
        silent = (day - timezone.localtime(seen).date()).days if seen else None
        if trend is not None and trend <= -COOLING_DROP:
            out[pid] = (
                f"the chance of contact with {_first(names[pid])} fell {-trend:.0f} points in 30 days"
            )
        elif silent is None or silent > COOLING_SILENT_DAYS:
            since = "ever" if silent is None else f"for {silent} days"
            out[pid] = f"no contact with {_first(names[pid])} {since}"
    return out


def activity_trends(owner: Owner, ids: list[int]) -> dict[int, float | None]:
    """Today's activity change over 30 days for these people (the trust cache)."""
    return dict(
        TrustScore.objects.filter(owner=owner, person_id__in=ids).values_list(
            "person_id", "activity_trend_30"
        )
    )


@dataclass(frozen=True)
class PlannedCheckin:
    plan: int  # the PlannedAsk
    id: int  # the connector
    name: str
    goal: str  # whom the ask is for: "Tess Target", "someone at Acme"
    reason: str
    importance: float  # 0-1: the tie's trust


def planned_checkins(owner: Owner, today: dt.date) -> list[PlannedCheckin]:
    """The check-ins `troth path --plan` put on the agenda and still open: the owner
    has not been in touch with the connector since, and it is under PLAN_DAYS old.
    Plain rows: the agenda (above this app) makes them its items."""
    from troth.warmpaths.models import PlannedAsk

    since = dt.datetime.combine(
        today - dt.timedelta(days=PLAN_DAYS), dt.time(), timezone.get_current_timezone()
    )
    plans = list(
        PlannedAsk.objects.filter(owner=owner, created_at__gte=since)
        .select_related("connector", "target")
        .order_by("created_at", "id")
    )
    if not plans:
        return []
    latest = dict(
        Interaction.objects.filter(owner=owner, person_id__in={p.connector_id for p in plans})
        .values("person_id")
        .annotate(m=Max("occurred_at"))
        .values_list("person_id", "m")
    )
    scores = dict(
        TrustScore.objects.filter(
            owner=owner, person_id__in={p.connector_id for p in plans}
        ).values_list("person_id", "score")
    )
    out: list[PlannedCheckin] = []
    seen: set[int] = set()
    for plan in plans:
        touched = latest.get(plan.connector_id)
        if (touched is not None and touched > plan.created_at) or plan.connector_id in seen:
            continue
        seen.add(plan.connector_id)
        name = plan.connector.full_name
        goal = plan.target.full_name if plan.target else f"someone at {plan.company}"
        cold = f" ({plan.why})" if plan.why else ""
        out.append(
            PlannedCheckin(
                plan=plan.id,
                id=plan.connector_id,
                name=name,
                goal=goal,
                reason=(
                    f"Check in with {name} before asking them to introduce you to {goal}:"
                    f" the tie is cooling{cold}. The ask waits until you have been in touch."
                ),
                importance=float(scores.get(plan.connector_id) or 50.0) / 100.0,
            )
        )
    return out
