"""Introductions and their steps (`troth intro propose|ask|offered|ID STEP`, `troth
intros`): the double opt-in workflow, its guards and words as the CLI has them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import ConfigDict, Field

from troth import present
from troth.api.core import In, Out, answers, atomic_write, owner, paginate
from troth.api.people import contact
from troth.api.schemas import IntroRow, PersonRef
from troth.errors import TrothError
from troth.intros.queries import access_intro, intros

router = Router(tags=["introductions"])


class IntroFull(IntroRow):
    outcome: str | None
    blurb: str
    anyway: str | None
    waiting_on: Literal["me"] | PersonRef | None
    next: str | None
    days_in_state: int
    legal_next: list[str]
    offered: bool
    due: str | None


class IntroPage(Out):
    items: list[IntroFull]
    next: str | None


class Step(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str | None = Field(alias="from")
    to: str
    at: str
    note: str


class IntroStory(IntroFull):
    steps: list[Step]


@router.get("/intros", response=answers(IntroPage), summary="Your introductions")
def list_intros(
    request: HttpRequest,
    waiting_on_me: bool = False,
    stalled: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> dict:
    """`troth intros [--waiting-on-me] [--stalled] --json`: both roles."""
    who = owner(request)
    rows = [
        present.intro_full_row(i) for i in intros(who, waiting_on_me=waiting_on_me, stalled=stalled)
    ]
    return paginate(request, rows, cursor, limit)


@router.get("/intros/{intro_id}", response=answers(IntroStory), by_alias=True)
def show_intro(request: HttpRequest, intro_id: int) -> dict:
    """`troth intro ID --json`: where it stands and every step so far."""
    return present.intro_story_row(access_intro(owner(request), intro_id))


class IntroIn(In):
    kind: Literal["propose", "ask", "offered"] = Field(
        ...,
        description="propose: you introduce a_id to b_id; ask: you ask c_id to introduce you"
        " to b_id; offered: c_id offered to introduce you to b_id",
    )
    why: str
    a_id: int | None = Field(None, description="propose: the one who is introduced.")
    b_id: int
    c_id: int | None = Field(None, description="ask, offered: the introducer.")
    a_asked: bool = Field(False, description="propose: A asked for this.")
    blurb: str = ""
    due: dt.date | None = Field(None, description="offered: by when they said they would.")
    anyway: str | None = Field(None, description="Go past a guard, saying why (kept).")


@router.post("/intros", response=answers(IntroStory, 201), by_alias=True, summary="Start one")
def start_intro(request: HttpRequest, payload: IntroIn) -> Status:
    """`troth intro propose A B WHY`, `troth intro ask C --to B WHY`, `troth intro offered
    C --to B WHY`."""
    from troth.intros import actions

    if payload.anyway is not None and not payload.anyway.strip():
        raise TrothError('anyway: needs a reason, e.g. "she is my cousin"')
    anyway = payload.anyway or ""
    if payload.due is not None and payload.kind != "offered":
        raise TrothError("due: goes with kind offered")
    who = owner(request)
    with atomic_write():
        b = contact(who, payload.b_id)
        if payload.kind == "propose":
            if payload.a_id is None:
                raise TrothError("a_id: propose needs the person introduced to b_id")
            a = contact(who, payload.a_id)
            i = actions.do_propose(who, a, b, payload.why, a_asked=payload.a_asked, anyway=anyway)
        else:
            if payload.c_id is None:
                raise TrothError(f"c_id: {payload.kind} needs the introducer")
            c = contact(who, payload.c_id)
            if payload.kind == "ask":
                i = actions.do_ask(who, c, b, payload.why, blurb=payload.blurb, anyway=anyway)
            else:
                i = actions.do_offered(who, c, b, payload.why, due=payload.due, blurb=payload.blurb)
    return Status(201, present.intro_story_row(i))


class StepIn(In):
    step: str = Field(
        ...,
        description="asked, asked-a, agreed, accepted, declined, no-answer, introduced,"
        " followed-up, met, not-met, outcome, thanked, released, withdrawn (legal ones only:"
        " see legal_next)",
    )
    note: str = ""
    outcome: str = Field("", description="With the outcome step: lead|interview|offer|...")


@router.post("/intros/{intro_id}/steps", response=answers(IntroStory), by_alias=True)
def take_step(request: HttpRequest, intro_id: int, payload: StepIn) -> dict:
    """`troth intro ID STEP [NOTE] [--outcome]`."""
    from troth.intros import actions

    who = owner(request)
    with atomic_write():
        i = access_intro(who, intro_id)
        i = actions.do_step(who, i, payload.step, payload.note, outcome=payload.outcome)
    return present.intro_story_row(i)
