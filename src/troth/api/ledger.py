"""What happens between people: interactions (`troth log`), favours (`gave`, `got`),
promises (`promise`, `promises`, `kept`, `broke`, `release`) and needs (`need`,
`needs`, `met`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from pydantic import Field

from troth import present
from troth.api.core import (
    In,
    Out,
    answers,
    atomic_write,
    delete_owned,
    owner,
    page,
    paginate_lazily,
    window,
)
from troth.api.people import contact
from troth.api.schemas import FavorRow, InteractionRow, NeedRow, PromiseRow
from troth.errors import TrothError
from troth.interactions.actions import CHANNELS
from troth.interactions.models import Interaction
from troth.ledger.models import FAVOR_KINDS, Commitment, Favor, Need
from troth.ledger.queries import access_need, access_promise, open_needs, promises
from troth.owners import me_person

router = Router(tags=["ledger"])


def _past(day: dt.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise TrothError(f"{field} {day} is in the future")


# ---------------------------------------------------------------- interactions


class InteractionPage(Out):
    items: list[InteractionRow]
    next: str | None


@router.get("/interactions", response=answers(InteractionPage), summary="List interactions")
def list_interactions(
    request: HttpRequest,
    person_id: int | None = None,
    channel: Literal["meeting", "call", "email", "message", "event"] | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """Newest first; `person_id` for one person's (as `troth show` lists them)."""
    who = owner(request)
    offset, limit = window(request, cursor, limit)
    qs = Interaction.objects.filter(owner=who).select_related("person")
    if person_id is not None:
        qs = qs.filter(person=contact(who, person_id))
    if channel:
        qs = qs.filter(channel=channel)
    found = list(qs.order_by("-occurred_at", "-id")[offset : offset + limit + 1])
    rows = [present.interaction_row(i) for i in found[:limit]]
    return page(request, rows, offset, limit, len(found) > limit)


class InteractionIn(In):
    person_id: int
    channel: Literal["meeting", "call", "email", "message", "event"] = Field(
        ..., description="|".join(CHANNELS)
    )
    summary: str = ""
    when: dt.datetime | None = Field(None, description="Default: now. Not in the future.")
    minutes: int | None = None
    they_started: bool = False


@router.post("/interactions", response=answers(InteractionRow, 201), summary="Log one")
def log_interaction(request: HttpRequest, payload: InteractionIn) -> Status:
    """`troth log NAME CHANNEL NOTES`."""
    from troth.interactions.actions import do_log_interaction

    who = owner(request)
    when = payload.when
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    with atomic_write():
        i = do_log_interaction(
            who,
            contact(who, payload.person_id),
            payload.channel,
            when=when,
            minutes=payload.minutes,
            they_started=payload.they_started,
            summary=payload.summary,
        )
    return Status(201, present.interaction_row(i))


@router.delete("/interactions/{interaction_id}", response=answers(None, 204))
def delete_interaction(request: HttpRequest, interaction_id: int) -> Status:
    """`troth delete --interaction ID`."""
    delete_owned(owner(request), Interaction, interaction_id, "interaction")
    return Status(204, None)


# ---------------------------------------------------------------- favours


class FavorPage(Out):
    items: list[FavorRow]
    next: str | None


@router.get("/favours", response=answers(FavorPage), summary="List favours")
def list_favours(
    request: HttpRequest,
    person_id: int | None = None,
    direction: Literal["gave", "got"] | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """Newest first; `direction` gave (you gave) or got (you received)."""
    who = owner(request)
    offset, limit = window(request, cursor, limit)
    qs = Favor.objects.filter(owner=who).select_related("giver", "receiver")
    if person_id is not None:
        person = contact(who, person_id)
        qs = qs.filter(giver=person) | qs.filter(receiver=person)
    if direction == "gave":
        qs = qs.filter(giver__is_me=True)
    elif direction == "got":
        qs = qs.filter(receiver__is_me=True)
    found = list(qs.order_by("-given_on", "-id")[offset : offset + limit + 1])
    rows = [present.favor_row(f) for f in found[:limit]]
    return page(request, rows, offset, limit, len(found) > limit)


class FavorIn(In):
    person_id: int
    direction: Literal["gave", "got"] = Field(
        ..., description="gave: you helped them; got: they helped you"
    )
    kind: Literal["intro", "lead", "advice", "referral", "resource", "endorsement", "time"] = Field(
        ..., description="|".join(FAVOR_KINDS)
    )
    what: str
    when: dt.date | None = Field(None, description="Default: today.")
    need_id: int | None = Field(None, description="The need this answered (closes it).")


@router.post("/favours", response=answers(FavorRow, 201), summary="Record a favour")
def record_favour(request: HttpRequest, payload: FavorIn) -> Status:
    """`troth gave` and `troth got`."""
    from troth.ledger.actions import do_record_favor

    who = owner(request)
    _past(payload.when, "when")
    with atomic_write():
        person = contact(who, payload.person_id)
        me = me_person(who)
        giver, receiver = (me, person) if payload.direction == "gave" else (person, me)
        need = access_need(who, payload.need_id) if payload.need_id is not None else None
        f = do_record_favor(
            who, giver, receiver, payload.kind, payload.what, on=payload.when, need=need
        )
    return Status(201, present.favor_row(f))


@router.delete("/favours/{favour_id}", response=answers(None, 204))
def delete_favour(request: HttpRequest, favour_id: int) -> Status:
    """`troth delete --favour ID`."""
    delete_owned(owner(request), Favor, favour_id, "favour")
    return Status(204, None)


# ---------------------------------------------------------------- promises


class PromisePage(Out):
    items: list[PromiseRow]
    next: str | None


@router.get("/promises", response=answers(PromisePage), by_alias=True, summary="Promises")
def list_promises(
    request: HttpRequest,
    mine: bool | None = None,
    all: bool = False,
    person_id: int | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """`troth promises [--mine|--theirs] [--all] [--person] --json`: open ones by due date
    (`all`: kept, broken and released too)."""
    who = owner(request)
    person = contact(who, person_id) if person_id is not None else None
    today = timezone.localdate()
    qs = promises(who, mine=mine, status=None if all else Commitment.OPEN, person=person)
    offset, limit = window(request, cursor, limit)
    found = list(qs[offset : offset + limit + 1])
    rows = [present.promise_row(c, today) for c in found[:limit]]
    return page(request, rows, offset, limit, len(found) > limit)


class PromiseIn(In):
    what: str
    to_id: int | None = Field(None, description="You promised this person.")
    from_id: int | None = Field(None, description="This person promised you.")
    due: dt.date | None = None
    made_on: dt.date | None = Field(None, description="When it was promised (default today).")


@router.post("/promises", response=answers(PromiseRow, 201), by_alias=True)
def make_promise(request: HttpRequest, payload: PromiseIn) -> Status:
    """`troth promise WHAT --to NAME` (to_id) or `--from NAME` (from_id)."""
    from troth.ledger.actions import do_make_promise

    if (payload.to_id is None) == (payload.from_id is None):
        raise TrothError("to_id or from_id: say who (to_id: your promise; from_id: theirs)")
    _past(payload.made_on, "made_on")
    who = owner(request)
    with atomic_write():
        me = me_person(who)
        other = contact(who, payload.to_id or payload.from_id or 0)
        debtor, creditor = (me, other) if payload.to_id else (other, me)
        c = do_make_promise(
            who, debtor, creditor, payload.what, due=payload.due, made_on=payload.made_on
        )
    return Status(201, present.promise_row(c))


def _settle(request: HttpRequest, promise_id: int, status: str) -> dict:
    from troth.ledger.actions import do_set_promise_status

    who = owner(request)
    with atomic_write():
        c = do_set_promise_status(who, access_promise(who, promise_id), status)
    return present.promise_row(c)


@router.post("/promises/{promise_id}/kept", response=answers(PromiseRow), by_alias=True)
def promise_kept(request: HttpRequest, promise_id: int) -> dict:
    """`troth kept ID`."""
    return _settle(request, promise_id, Commitment.KEPT)


@router.post("/promises/{promise_id}/broken", response=answers(PromiseRow), by_alias=True)
def promise_broken(request: HttpRequest, promise_id: int) -> dict:
    """`troth broke ID`."""
    return _settle(request, promise_id, Commitment.BROKEN)


@router.post("/promises/{promise_id}/released", response=answers(PromiseRow), by_alias=True)
def promise_released(request: HttpRequest, promise_id: int) -> dict:
    """`troth release ID`."""
    return _settle(request, promise_id, Commitment.RELEASED)


@router.delete("/promises/{promise_id}", response=answers(None, 204))
def delete_promise(request: HttpRequest, promise_id: int) -> Status:
    """`troth delete --promise ID`."""
    delete_owned(owner(request), Commitment, promise_id, "promise")
    return Status(204, None)


# ---------------------------------------------------------------- needs


class NeedPage(Out):
    items: list[NeedRow]
    next: str | None


@router.get("/needs", response=answers(NeedPage), summary="Open needs")
def list_needs(
    request: HttpRequest,
    mine: bool | None = None,
    person_id: int | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """`troth needs [--mine|--theirs] [--person] --json`: open needs, soonest horizon first."""
    who = owner(request)
    today = timezone.localdate()
    person = contact(who, person_id, allow_me=True) if person_id is not None else None
    qs = open_needs(who, today, person)
    if mine is not None:
        qs = qs.filter(person__is_me=mine)
    return paginate_lazily(
        request, qs, cursor, limit, lambda shown: [present.need_row(n, today) for n in shown]
    )


class NeedIn(In):
    person_id: int = Field(..., description="Whose need (your own id for yours).")
    what: str
    days: int = Field(60, description="How long it matters, in days (troth need --for).")
    tags: list[str] = []


@router.post("/needs", response=answers(NeedRow, 201), summary="Record a need")
def add_need(request: HttpRequest, payload: NeedIn) -> Status:
    """`troth need NAME WHAT [--for] [--tag]`."""
    from troth.ledger.actions import do_add_need

    who = owner(request)
    with atomic_write():
        person = contact(who, payload.person_id, allow_me=True)
        n = do_add_need(who, person, payload.what, days=payload.days, tags=payload.tags)
    return Status(201, present.need_row(n))


class MetIn(In):
    by_id: int | None = Field(None, description="Who met it (a person's id, yours too).")


@router.post("/needs/{need_id}/met", response=answers(NeedRow), summary="Close a need as met")
def need_met(request: HttpRequest, need_id: int, payload: MetIn) -> dict:
    """`troth met ID [--by NAME]`."""
    from troth.ledger.actions import do_close_need

    who = owner(request)
    with atomic_write():
        need = access_need(who, need_id)
        helper = contact(who, payload.by_id, allow_me=True) if payload.by_id else None
        do_close_need(who, need, Need.MET, met_by=helper)
    return present.need_row(need)


@router.delete("/needs/{need_id}", response=answers(None, 204))
def delete_need(request: HttpRequest, need_id: int) -> Status:
    """`troth delete --need ID`."""
    delete_owned(owner(request), Need, need_id, "need")
    return Status(204, None)
