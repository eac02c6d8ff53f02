"""Trust, balance, reliability and readiness (`troth trust`, `balance`,
`reliability`, `ready`), each `as_of` a past day as the CLI's --as-of."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from troth.api.core import Out, answers, owner, paginate, paginate_lazily
from troth.api.people import contact
from troth.trust.constants import TIERS
from troth.trust.queries import check_as_of
from troth.trust.ready import ASKS

router = Router(tags=["trust"])

# The query's choices, spelled out for the OpenAPI document (checked against the engine's).
Ask = Literal["advice", "lead", "intro", "referral"]
Tier = Literal["inner", "close", "active", "network", "acquaintance", "dormant", "stranger"]
assert set(get_args(Ask)) == set(ASKS) and set(get_args(Tier)) == set(TIERS)


class TrustRow(Out):
    id: int
    name: str
    score: float
    tier: str
    trend_30: float | None
    trend_90: float | None
    activity: float | None
    activity_trend_30: float | None


class TrustPage(Out):
    items: list[TrustRow]
    next: str | None


@router.get("/trust", response=answers(TrustPage), summary="Trust scores")
def trust_list(
    request: HttpRequest,
    tier: Tier | None = None,
    cooling: bool = False,
    as_of: dt.date | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """`troth trust [--tier] [--cooling] [--as-of] --json`: strongest first (`cooling`:
    the biggest drops over 90 days first)."""
    from troth.trust.queries import trust_on, trust_today

    who = owner(request)
    day = check_as_of(as_of)
    if day == timezone.localdate():  # the cached scores: a page read from the database
        qs, rows_of = trust_today(who, tier, cooling)
        return paginate_lazily(request, qs, cursor, limit, rows_of)
    # a read: no transaction (see trust.queries.fresh_scores)
    return paginate(request, trust_on(who, day, tier, cooling), cursor, limit)


class Facts(Out):
    interactions: int
    meetings: int
    calls: int
    hours_together: float
    favors_given: int
    favors_received: int
    their_promises_kept: int
    their_promises_broken: int
    my_promises_kept: int
    my_promises_broken: int
    days_since_contact: int | None
    days_known: int | None


class Parts(Out):
    frequency: float
    history: float
    hours: float
    duration: float
    reciprocity: float
    reliability: float
    mutual: float


class TrustDetail(TrustRow):
    as_of: str
    reasons: list[str]
    facts: Facts
    parts: Parts
    activity_reasons: list[str]


@router.get("/people/{person_id}/trust", response=answers(TrustDetail), summary="One score")
def trust_detail(request: HttpRequest, person_id: int, as_of: dt.date | None = None) -> dict:
    """`troth trust NAME --json`: the score and the reasons, strongest first."""
    from troth.trust.queries import trust_detail as detail_for

    who = owner(request)
    person = contact(who, person_id)
    day = check_as_of(as_of)
    return detail_for(who, person, day)


class BalanceRow(Out):
    id: int
    name: str
    given: int
    received: int
    balance: int


class Balance(Out):
    as_of: str
    given: int
    received: int
    people: list[BalanceRow]


@router.get("/balance", response=answers(Balance), summary="Give and take")
def balance(
    request: HttpRequest, person_id: int | None = None, as_of: dt.date | None = None
) -> dict:
    """`troth balance [NAME] --json`: favours given and received, most out of balance
    first."""
    from troth.ledger.queries import balance as balance_rows

    who = owner(request)
    day = check_as_of(as_of)
    rows = balance_rows(who, day)
    if person_id is not None:
        person = contact(who, person_id)
        rows = [r for r in rows if r["id"] == person.id] or [
            {"id": person.id, "name": person.full_name, "given": 0, "received": 0, "balance": 0}
        ]
    return {
        "as_of": day.isoformat(),
        "given": sum(r["given"] for r in rows),
        "received": sum(r["received"] for r in rows),
        "people": rows,
    }


class Mine(Out):
    kept: int
    broken: int
    late: int
    open: int
    overdue: int
    rate: float | None


class Theirs(Mine):
    id: int
    name: str


class Loops(Out):
    closed: int
    dropped: int


class TheirLoops(Loops):
    id: int
    name: str


class IntroConduct(Out):
    mine: Loops
    theirs: list[TheirLoops]


class Reliability(Out):
    as_of: str
    mine: Mine
    theirs: list[Theirs]
    introductions: IntroConduct


@router.get("/reliability", response=answers(Reliability), summary="Follow-through")
def reliability(
    request: HttpRequest, person_id: int | None = None, as_of: dt.date | None = None
) -> dict:
    """`troth reliability [NAME] --json`: promises kept, broken and late, yours first."""
    from troth.intros.queries import intro_conduct
    from troth.ledger.queries import follow_through

    who = owner(request)
    day = check_as_of(as_of)
    data: dict[str, Any] = follow_through(who, day)
    data["as_of"] = day.isoformat()
    data["introductions"] = intro_conduct(who, day)
    if person_id is not None:
        person = contact(who, person_id)
        data["theirs"] = [r for r in data["theirs"] if r["id"] == person.id]
        intros = data["introductions"]
        intros["theirs"] = [r for r in intros["theirs"] if r["id"] == person.id]
    return data


class Ready(Out):
    ask: str
    ready: bool
    why: list[str]
    first: list[str]
    score: float
    tier: str


@router.get("/people/{person_id}/ready", response=answers(Ready), summary="Ready to ask?")
def ready(request: HttpRequest, person_id: int, ask: Ask, as_of: dt.date | None = None) -> dict:
    """`troth ready NAME --ask ASK --json`: READY or NOT YET, why, and what to do first."""
    from troth.trust.asking import ready_to_ask

    who = owner(request)
    person = contact(who, person_id)
    day = check_as_of(as_of)
    return ready_to_ask(who, person, ask, day)
