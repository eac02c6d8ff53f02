"""Today's agenda (`troth agenda`), handling its items (`done`, `snooze`, `skip`),
drafts of messages (`draft`) and check-in rhythms (`cadence`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from troth import present
from troth.agenda.queries import access_item, agenda
from troth.api.core import In, Out, answers, atomic_write, owner, page, window
from troth.api.people import contact
from troth.api.schemas import InteractionRow, PersonRef
from troth.errors import TrothError

router = Router(tags=["agenda"])

Channel = Literal["meeting", "call", "email", "message", "event"]


class AgendaItem(Out):
    id: str
    kind: str
    person: PersonRef
    reason: str
    due: str | None
    priority: float


class AgendaPage(Out):
    date: str
    items: list[AgendaItem]
    next: str | None


@router.get("/agenda", response=answers(AgendaPage), summary="Today's agenda")
def today(request: HttpRequest, days: int = 7, limit: int = 50, cursor: str | None = None) -> dict:
    """`troth agenda --all --json`, most important first, in pages: `days` ahead for
    things due."""
    if not 0 <= days <= 366:
        raise TrothError(f"days: between 0 and 366, got {days}")
    who = owner(request)
    offset, limit = window(request, cursor, limit)
    # No transaction: a read (the scores it needs are refreshed on their own, see
    # trust.queries.fresh_scores), and only this page's needs are matched to helpers
    # (the order is the same either way), as the Today page does.
    result = agenda(who, window=days, hints_for=offset + limit)
    rows = [present.agenda_item_row(i) for i in result.items[offset : offset + limit]]
    more = len(result.items) > offset + limit
    return {"date": result.today.isoformat(), **page(request, rows, offset, limit, more)}


class DoneIn(In):
    channel: Channel = "message"
    notes: str = ""
    log: bool = Field(True, description="Log the contact as an interaction (troth done --no-log).")


class DoneOut(Out):
    id: str
    logged: InteractionRow | None


@router.post("/agenda/{item_id}/done", response=answers(DoneOut), summary="Mark done")
def done(request: HttpRequest, item_id: str, payload: DoneIn) -> dict:
    """`troth done ID`: a promise kept, a thank-you said, a check-in made (logged)."""
    from troth.agenda import actions

    if not payload.log and payload.notes.strip():
        raise TrothError("notes describe the contact that is logged; drop log=false or notes")
    who = owner(request)
    with atomic_write():
        item = access_item(who, item_id)
        logged = actions.do_done(
            who, item, channel=payload.channel, notes=payload.notes, log=payload.log
        )
    return {"id": item.id, "logged": present.interaction_row(logged) if logged else None}


class SnoozeIn(In):
    until: dt.date


class Handled(Out):
    id: str
    status: str
    until: str | None


@router.post("/agenda/{item_id}/snooze", response=answers(Handled), summary="Snooze")
def snooze(request: HttpRequest, item_id: str, payload: SnoozeIn) -> dict:
    """`troth snooze ID --until DAY`."""
    from troth.agenda import actions

    who = owner(request)
    with atomic_write():
        item = access_item(who, item_id)
        mark = actions.do_snooze(who, item, payload.until)
    return {"id": item.id, "status": mark.status, "until": payload.until.isoformat()}


@router.post("/agenda/{item_id}/skip", response=answers(Handled), summary="Skip")
def skip(request: HttpRequest, item_id: str) -> dict:
    """`troth skip ID`: it does not come back for the same reason."""
    from troth.agenda import actions

    who = owner(request)
    with atomic_write():
        item = access_item(who, item_id)
        mark = actions.do_skip(who, item)
    return {"id": item.id, "status": mark.status, "until": None}


class DraftOut(Out):
    person: PersonRef
    kind: str
    subject: str | None
    body: str
    template: str
    item: str | None
    intro: int | None = None
    to: list[PersonRef] | None = None


@router.get("/agenda/{item_id}/draft", response=answers(DraftOut), exclude_unset=True)
def item_draft(request: HttpRequest, item_id: str, kind: str | None = None) -> dict:
    """`troth draft ID [--kind]`: the message for an agenda item, to edit and send."""
    from troth.agenda import drafts
    from troth.intros.queries import access_intro
    from troth.people.models import Person

    who = owner(request)
    chosen = drafts.check_kind(kind) if kind is not None else None
    item = access_item(who, item_id)
    if item.kind == "intro":
        if chosen is not None and chosen not in drafts.INTRO_KINDS:
            raise TrothError(f"kind: {item_id} is an introduction; use an intro-... kind")
        result = drafts.render_intro_draft(who, access_intro(who, item.ref), chosen)
    else:
        person = Person.objects.get(owner=who, id=item.person_id)
        result = drafts.render_draft(who, person, chosen or drafts.kind_for_item(item), item)
    return present.draft_row(result)


@router.get("/people/{person_id}/draft", response=answers(DraftOut), exclude_unset=True)
def person_draft(request: HttpRequest, person_id: int, kind: str = "checkin") -> dict:
    """`troth draft NAME --kind KIND` (default checkin)."""
    from troth.agenda import drafts

    who = owner(request)
    chosen = drafts.check_kind(kind)
    if chosen in drafts.INTRO_KINDS:
        raise TrothError("kind: an introduction's draft is drafted from its agenda item (iN)")
    result = drafts.render_draft(who, contact(who, person_id), chosen, None)
    return present.draft_row(result)


class CadenceIn(In):
    days: int | None = Field(
        ..., description="Every so many days; 0: never; null: the tier's default rhythm."
    )


class CadenceOut(Out):
    person: PersonRef
    cadence_days: int | None


@router.put("/people/{person_id}/cadence", response=answers(CadenceOut), summary="Cadence")
def cadence(request: HttpRequest, person_id: int, payload: CadenceIn) -> dict:
    """`troth cadence NAME 2w` (days), `off` (0) or `default` (null)."""
    from troth.agenda import actions

    if payload.days is not None and not 0 <= payload.days <= 3650:
        raise TrothError(f"days: between 0 (never) and 3650, got {payload.days}")
    who = owner(request)
    with atomic_write():
        person = contact(who, person_id)
        actions.do_set_cadence(who, person, payload.days)
    return {"person": present.person_ref(person), "cadence_days": payload.days}
