"""On a group's server, what a member does on a group's needs board and with member
introductions, as on the web (troth.web.views.group_board and group_intros): post a
need, close or carry it, offer help or an introduction on another member's need,
withdraw an offer, publish a profile, ask a member for an introduction and move one
on. The member's own membership is reached through troth.groups.access alone (a
group they are not in is simply not found); troth.groups' actions check and write.
Its endpoints are on troth.api.groups' router (which imports this module)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Status
from pydantic import Field

from troth.api.core import In, Out, answers, atomic_write, owner
from troth.api.groups import MemberIntros, router
from troth.groups import actions, introductions
from troth.groups.access import access_membership
from troth.groups.models import GroupNeed, GroupProfile, Membership
from troth.groups.queries import member_intros


def _membership(request: HttpRequest, slug: str) -> Membership:
    return access_membership(owner(request), slug)


class GroupNeedRow(Out):
    id: int
    text: str
    status: str
    posted_at: str
    expires_on: str
    carried: int


def need_row(need: GroupNeed) -> dict[str, Any]:
    """A need of the member's own after a change (the board shows it with the rest)."""
    return {
        "id": need.id,
        "text": need.text,
        "status": need.status,
        "posted_at": need.posted_at.isoformat(),
        "expires_on": need.expires_on.isoformat(),
        "carried": need.carried,
    }


class PostNeedIn(In):
    text: str = Field(..., description="What you need in the next weeks.")
    days: int = Field(60, description="How long it stays on the board, in days.")


@router.post("/groups/{slug}/needs", response=answers(GroupNeedRow, 201), summary="Post a need")
def post_need(request: HttpRequest, slug: str, payload: PostNeedIn) -> Status:
    """The board's "Post a need": the group sees it until it expires or you close it."""
    with atomic_write():
        need = actions.do_post_need(_membership(request, slug), payload.text, days=payload.days)
    return Status(201, need_row(need))


class CloseNeedIn(In):
    outcome: Literal["met", "dropped"] = Field(..., description='"dropped": no longer needed.')
    met_by_user_id: int | None = Field(None, description="The member who met it, if one did.")


@router.post(
    "/groups/{slug}/needs/{need_id}/close", response=answers(GroupNeedRow), summary="Close a need"
)
def close_need(request: HttpRequest, slug: str, need_id: int, payload: CloseNeedIn) -> dict:
    """Close your own need as met (by a member, or by someone outside) or dropped."""
    with atomic_write():
        need = actions.do_close_need(
            _membership(request, slug), need_id, payload.outcome, met_by=payload.met_by_user_id
        )
    return need_row(need)


@router.post(
    "/groups/{slug}/needs/{need_id}/carry", response=answers(GroupNeedRow), summary="Carry a need"
)
def carry_need(request: HttpRequest, slug: str, need_id: int) -> dict:
    """Carry your open need to the next meeting: it stays open until a month after it."""
    with atomic_write():
        need = actions.do_carry_need(_membership(request, slug), need_id)
    return need_row(need)


class OfferIn(In):
    note: str = Field("", description="A word to the need's owner (only they see it).")


class OfferRow(Out):
    need_id: int
    note: str
    at: str


@router.post(
    "/groups/{slug}/needs/{need_id}/offer", response=answers(OfferRow, 201), summary="Offer help"
)
def offer_help(request: HttpRequest, slug: str, need_id: int, payload: OfferIn) -> Status:
    """ "I can help" on another member's open need; its owner sees who offered."""
    with atomic_write():
        offer = actions.do_offer_help(_membership(request, slug), need_id, payload.note)
    return Status(
        201, {"need_id": offer.need_id, "note": offer.note, "at": offer.created_at.isoformat()}
    )


@router.delete(
    "/groups/{slug}/needs/{need_id}/offer", response=answers(None, 204), summary="Withdraw it"
)
def withdraw_offer(request: HttpRequest, slug: str, need_id: int) -> Status:
    """Withdraw your offer of help on a need."""
    with atomic_write():
        actions.do_withdraw_offer(_membership(request, slug), need_id)
    return Status(204, None)


class IntroOfferIn(In):
    hint: str = Field(..., description="Whom you could introduce them to, naming no one yet.")


@router.post(
    "/groups/{slug}/needs/{need_id}/intro-offer",
    response=answers(MemberIntros, 201),
    summary="Offer an introduction",
)
def offer_intro(request: HttpRequest, slug: str, need_id: int, payload: IntroOfferIn) -> Status:
    """ "I can introduce you" on another member's need; they accept first. Answers your
    member introductions in the group."""
    membership = _membership(request, slug)
    with atomic_write():
        introductions.do_offer_intro(membership, need_id, payload.hint)
    return Status(201, member_intros(membership))


class ProfileIn(In):
    headline: str = ""
    offers: str = Field("", description="What you can offer the group.")
    companies: list[str] = Field(
        [], max_length=actions.LIST_MAX, description="Companies you can reach."
    )
    fields: list[str] = Field([], max_length=actions.LIST_MAX, description="Fields you know.")


class ProfileRow(Out):
    headline: str
    offers: str
    companies: list[str]
    fields: list[str]
    updated_at: str


def _profile_row(profile: GroupProfile) -> dict[str, Any]:
    return {
        "headline": profile.headline,
        "offers": profile.offers,
        "companies": list(profile.companies),
        "fields": list(profile.fields),
        "updated_at": profile.updated_at.isoformat(),
    }


@router.put("/groups/{slug}/profile", response=answers(ProfileRow), summary="Publish a profile")
def publish_profile(request: HttpRequest, slug: str, payload: ProfileIn) -> dict:
    """What you show the group (it matches the board's needs to you); replaces the last."""
    with atomic_write():
        profile = actions.do_publish_profile(
            _membership(request, slug),
            headline=payload.headline,
            offers=payload.offers,
            companies=payload.companies,
            fields=payload.fields,
        )
    return _profile_row(profile)


class AskIn(In):
    connector_user_id: int = Field(..., description="The member you ask (a user id).")
    ask: str = Field("", description="What you ask for; empty: the need's words.")
    need_id: int | None = Field(None, description="One of your open needs it is for.")


@router.post("/groups/{slug}/intros", response=answers(MemberIntros, 201), summary="Ask a member")
def ask_member(request: HttpRequest, slug: str, payload: AskIn) -> Status:
    """Ask another member for an introduction; they answer first. Answers your member
    introductions in the group."""
    membership = _membership(request, slug)
    with atomic_write():
        introductions.do_ask_member(
            membership, payload.connector_user_id, payload.ask, need_id=payload.need_id
        )
    return Status(201, member_intros(membership))


Step = Literal[
    "agree", "decline", "accept", "refuse", "they-agreed", "they-declined", "introduced",
    "thank", "withdraw",
]  # fmt: skip


class StepIn(In):
    step: Step = Field(
        ...,
        description="agree/decline (the connector answers an ask), accept/refuse (you answer"
        " an offer), they-agreed/they-declined (the person's answer), introduced, thank,"
        " withdraw.",
    )
    hint: str = Field("", description="With agree: whom you could introduce, no names yet.")
    shared: str = Field("", description="With they-agreed: what the person lets you share.")
    outcome: str = Field("", description="With thank: how it went.")


def _step(membership: Membership, intro_id: int, payload: StepIn) -> None:
    m, i = membership, intro_id
    steps = {
        "agree": lambda: introductions.do_answer_ask(m, i, True, hint=payload.hint),
        "decline": lambda: introductions.do_answer_ask(m, i, False),
        "accept": lambda: introductions.do_answer_offer(m, i, True),
        "refuse": lambda: introductions.do_answer_offer(m, i, False),
        "they-agreed": lambda: introductions.do_target_answer(m, i, True, shared=payload.shared),
        "they-declined": lambda: introductions.do_target_answer(m, i, False),
        "introduced": lambda: introductions.do_mark_introduced(m, i),
        "thank": lambda: introductions.do_thank(m, i, payload.outcome),
        "withdraw": lambda: introductions.do_withdraw(m, i),
    }
    steps[payload.step]()


@router.post(
    "/groups/{slug}/intros/{intro_id}/steps",
    response=answers(MemberIntros),
    summary="Move a member intro on",
)
def intro_step(request: HttpRequest, slug: str, intro_id: int, payload: StepIn) -> dict:
    """One step of a member introduction, as its buttons on the web; answers your member
    introductions in the group."""
    membership = _membership(request, slug)
    with atomic_write():
        _step(membership, intro_id, payload)
    return member_intros(membership)


class ConnectorIn(In):
    capacity: int | None = Field(None, description="Asks a month you take (0 to 50).")
    paused: bool | None = Field(None, description="Take no asks for now.")


class ConnectorRow(Out):
    capacity: int
    paused: bool


@router.put("/groups/{slug}/connector", response=answers(ConnectorRow), summary="As a connector")
def connector(request: HttpRequest, slug: str, payload: ConnectorIn) -> dict:
    """How many asks for introductions a month you take, or a pause."""
    with atomic_write():
        m = introductions.do_set_connector(
            _membership(request, slug), capacity=payload.capacity, paused=payload.paused
        )
    return {"capacity": m.intro_capacity, "paused": m.intros_paused}
