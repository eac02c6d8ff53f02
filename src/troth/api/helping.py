"""Giving first and the rhythm of keeping in touch: who could meet a need (`troth
help NEED`), the contacts' needs you could meet (`troth needs --i-can-help`), and each
tier's check-in rhythm (`troth rhythms`)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from troth import present
from troth.api.core import In, Out, answers, atomic_write, owner, paginate_lazily, window
from troth.api.people import contact
from troth.api.schemas import NeedRow, PersonRef
from troth.errors import TrothError

router = Router(tags=["needs"])


class HelperRow(Out):
    person: PersonRef
    score: float
    match: float
    confidence: float
    trust: float | None
    tier: str
    stranger: bool
    why: list[str]


class SelfMatch(Out):
    score: float
    confidence: float
    why: list[str]


class HelpOut(Out):
    need: NeedRow
    helpers: list[HelperRow]
    me: SelfMatch | None


@router.get("/needs/{need_id}/helpers", response=answers(HelpOut), summary="Who could help")
def helpers(request: HttpRequest, need_id: int, limit: int = 5) -> dict:
    """`troth help NEED --json`: who in your network could meet the need, best fit
    first, each with why; and whether you could meet it yourself (`me`). `limit` 0
    shows everyone."""
    from troth.helping import who_can_help
    from troth.ledger.queries import access_need

    if not 0 <= limit <= 10_000:
        raise TrothError(f"limit: 0 (everyone) to 10000, got {limit}")
    who = owner(request)
    with atomic_write():
        need = access_need(who, need_id)
        result = who_can_help(who, need, k=limit or 10_000)
    return present.help_row(result)


class CanHelpRow(NeedRow):
    score: float
    confidence: float
    why: list[str]


class CanHelpPage(Out):
    items: list[CanHelpRow]
    next: str | None


@router.get("/i-can-help", response=answers(CanHelpPage), summary="Needs you could meet")
def i_can_help(
    request: HttpRequest, person_id: int | None = None, limit: int = 50, cursor: str | None = None
) -> dict:
    """`troth needs --i-can-help [--person] --json`: contacts' open needs you could meet
    yourself, best fit first. (Not under /needs/: DELETE /needs/{need_id} holds that
    path for any word.)"""
    who = owner(request)
    window(request, cursor, limit)  # a bad limit or cursor refused before the ranking
    person = contact(who, person_id, allow_me=True) if person_id is not None else None
    ranked = present.i_can_help_ranked(who, person)
    return paginate_lazily(
        request, ranked, cursor, limit, lambda shown: present.can_help_rows(who, shown)
    )


class RhythmRow(Out):
    tier: str
    days: int
    default: int
    yours: bool


@router.get("/rhythms", response=answers(list[RhythmRow]), summary="Check-in rhythms")
def rhythms(request: HttpRequest) -> list[dict]:
    """`troth rhythms --json`: how often to check in with each tier (days), troth's
    default, and whether the rhythm is your own."""
    return present.rhythm_rows(owner(request))


class RhythmIn(In):
    tier: str = Field(..., description="inner, close, active, network or acquaintance.")
    days: int | None = Field(..., description="Every so many days; null: troth's default.")


@router.put("/rhythms", response=answers(list[RhythmRow]), summary="Set a tier's rhythm")
def set_rhythm(request: HttpRequest, payload: RhythmIn) -> list[dict]:
    """`troth rhythms TIER 30d` (or `default`); answers every tier's rhythm."""
    from troth.agenda import actions
    from troth.agenda.queries import default_tier_cadences

    who = owner(request)
    tier = payload.tier.strip().lower()
    defaults = default_tier_cadences()
    if tier not in defaults:
        raise TrothError(f"tier: {payload.tier!r} has no rhythm (tiers: {', '.join(defaults)})")
    days = defaults[tier] if payload.days is None else payload.days
    with atomic_write():
        actions.do_set_tier_cadence(who, tier, days)
    return present.rhythm_rows(who)


@router.post("/rhythms/reset", response=answers(list[RhythmRow]), summary="Troth's rhythms")
def reset_rhythms(request: HttpRequest) -> list[dict]:
    """`troth rhythms --reset`: every tier back to troth's rhythm."""
    from troth.agenda import actions

    who = owner(request)
    with atomic_write():
        actions.do_reset_tier_cadences(who)
    return present.rhythm_rows(who)
