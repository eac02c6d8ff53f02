"""A group's meetings through the API, as on the web (troth.web.views.group_meetings):
the member's upcoming meetings with their own answer and the count of yeses, the
last ten past ones with how many came, and the member's RSVP. Scheduling and the
attendance sheet stay the organiser's, on the web. The membership is reached
through troth.groups.access alone; troth.groups' actions check and write. Its
endpoints are on troth.api.groups' router (which imports this module)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from pydantic import Field

from troth.api.core import In, Out, answers, atomic_write, owner
from troth.api.groups import router
from troth.groups import actions
from troth.groups.access import access_membership
from troth.groups.queries import meetings


class MeetingRow(Out):
    id: int
    title: str
    starts_at: str
    place: str
    yes: int = Field(description="Members who answered yes.")
    came: int = Field(description="Members the organiser marked as there (past meetings).")
    marked: bool = Field(description="Whether the organiser has marked who came.")
    my_rsvp: str = Field(description='Your answer: "yes", "no", "maybe", or "" for none yet.')


class Meetings(Out):
    upcoming: list[MeetingRow]
    past: list[MeetingRow]


def _row(m: dict[str, Any]) -> dict[str, Any]:
    starts: dt.datetime = m["starts_at"]
    return {**m, "starts_at": starts.isoformat()}


@router.get("/groups/{slug}/meetings", response=answers(Meetings), summary="A group's meetings")
def group_meetings(request: HttpRequest, slug: str) -> dict:
    """Upcoming meetings (soonest first) and the last ten past ones (latest first)."""
    found = meetings(access_membership(owner(request), slug))
    return {
        "upcoming": [_row(m) for m in found["upcoming"]],
        "past": [_row(m) for m in found["past"]],
    }


class RsvpIn(In):
    answer: Literal["yes", "no", "maybe"] = Field(..., description="Will you come?")


class RsvpRow(Out):
    meeting_id: int
    answer: str


@router.post("/groups/{slug}/meetings/{meeting_id}/rsvp", response=answers(RsvpRow), summary="RSVP")
def rsvp(request: HttpRequest, slug: str, meeting_id: int, payload: RsvpIn) -> dict:
    """Answer (or change your answer) before the meeting starts; after that the
    organiser marks who came."""
    with atomic_write():
        row = actions.do_rsvp(access_membership(owner(request), slug), meeting_id, payload.answer)
    return {"meeting_id": row.meeting_id, "answer": row.rsvp}
