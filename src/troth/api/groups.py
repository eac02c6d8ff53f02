"""On a group's server: the groups a member belongs to, a group's needs board and the
member's introductions in it, exactly as the member sees them on the web (read
only, and only through troth.groups.access: another group is simply not found)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from troth.api.core import Out, answers, make_cursor, owner, read_cursor
from troth.groups.access import access_membership
from troth.groups.queries import BOARD_PAGE, board, groups_of, member_intros

router = Router(tags=["groups"])


class GroupRow(Out):
    slug: str
    name: str
    role: str
    members: int


class GroupList(Out):
    items: list[GroupRow]
    next: str | None


@router.get("/groups", response=answers(GroupList), summary="Your groups")
def my_groups(request: HttpRequest) -> dict:
    """`troth group list --json` for a member: their groups and role in each."""
    return {"items": groups_of(owner(request)), "next": None}


class Offer(Out):
    user_id: int
    username: str
    name: str
    note: str
    at: str


class Reach(Out):
    user_id: int
    username: str
    name: str
    reasons: list[str]


class BoardNeed(Out):
    id: int
    text: str
    author: str
    mine: bool
    posted_at: str
    expires_on: str
    offers: int
    carried: bool
    offered: bool
    offer_list: list[Offer]
    reach: list[Reach]


class Board(Out):
    items: list[BoardNeed]
    total: int
    mine_open: int
    profiles: int
    next: str | None


@router.get("/groups/{slug}/needs", response=answers(Board), summary="A group's needs board")
def needs_board(request: HttpRequest, slug: str, cursor: str | None = None) -> dict:
    """The group's open needs as this member sees them (their own first), each with who
    could reach what it asks for; pages of 25."""
    membership = access_membership(owner(request), slug)
    offset = read_cursor(request, cursor)
    if offset % BOARD_PAGE:
        raise HttpError(400, "cursor: not one this list gave out")
    data = board(membership, page=offset // BOARD_PAGE + 1)
    more = data["page"] < data["pages"]
    return {
        "items": data["needs"],
        "total": data["total"],
        "mine_open": data["mine_open"],
        "profiles": data["profiles"],
        "next": make_cursor(request, offset + BOARD_PAGE) if more else None,
    }


class MemberIntro(Out):
    id: int
    role: str
    offered: bool
    state: str
    state_words: str
    other: str
    ask: str
    hint: str
    shared: str
    need_id: int | None
    expires_at: dt.datetime | None
    outcome: str


class MemberIntros(Out):
    waiting: list[MemberIntro]
    under_way: list[MemberIntro]
    closed: list[MemberIntro]


@router.get("/groups/{slug}/intros", response=answers(MemberIntros), summary="Member intros")
def my_member_intros(request: HttpRequest, slug: str) -> dict:
    """This member's introductions in the group: waiting on them, under way, closed."""
    return member_intros(access_membership(owner(request), slug))


# A member's writes (troth.api.groups_write) go on this same router: ninja gives each
# router its own URL patterns, so a path shared by two routers (GET and POST
# /groups/{slug}/needs) would reach only the first one's methods.
from troth.api import group_meetings, groups_write  # noqa: E402, F401
