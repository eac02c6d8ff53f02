"""Introductions between members of a group: ask, offer, each side's answer, the
person-to-meet's answer (reported by the connector), introduced, thanked; and the
connector's capacity and pause. Thin views over troth.groups.introductions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from troth.errors import NotFound, TrothError, web_text
from troth.groups import access, introductions, queries
from troth.groups.models import Membership
from troth.lib.text import is_number


def _page(membership: Membership, status: int, request: HttpRequest, **extra: Any) -> HttpResponse:
    context = {
        "nav": "groups",
        "group": membership.group,
        "me": membership,
        "intros": queries.member_intros(membership),
        **extra,
    }
    return render(request, "web/group_intros.html", context, status=status)


def intros_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(access.access_membership(request.user, slug), 200, request)


def _act(
    request: HttpRequest, slug: str, do: Callable[[Membership], Any], done: str, back: str = ""
) -> HttpResponse:
    """One step for the member; a mistake comes back on the page with a 400."""
    membership = access.access_membership(request.user, slug)
    try:
        with transaction.atomic():
            do(membership)
    except TrothError as exc:
        if isinstance(exc, NotFound):
            raise
        return _page(membership, 400, request, error=web_text(exc))
    messages.success(request, done)
    return redirect(back or "web:group-intros", slug=slug)


def _int(text: str) -> int | None:
    return int(text) if is_number(text, 11) else None


@require_POST
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    connector = _int(request.POST.get("connector", ""))
    if connector is None:
        raise NotFound("say whom to ask")
    return _act(
        request,
        slug,
        lambda m: introductions.do_ask_member(
            m,
            connector,
            request.POST.get("ask", ""),
            need_id=_int(request.POST.get("need", "")),
        ),
        "Asked. Nothing moves until they answer; the ask expires in 14 days.",
    )


@require_POST
def offer(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    return _act(
        request,
        slug,
        # the board's one form sends its words as "note"
        lambda m: introductions.do_offer_intro(
            m, need_id, request.POST.get("hint") or request.POST.get("note", "")
        ),
        "Offered. They say yes first; then you ask the person, privately.",
    )


STEPS: dict[str, tuple[Callable[..., Any], str]] = {
    "agree": (
        lambda m, i, r: introductions.do_answer_ask(m, i, True, hint=r.POST.get("hint", "")),
        "You agreed. Ask the person privately whether they want the introduction.",
    ),
    "decline": (
        lambda m, i, r: introductions.do_answer_ask(m, i, False),
        "Declined, quietly.",
    ),
    "accept": (
        lambda m, i, r: introductions.do_answer_offer(m, i, True),
        "Accepted. They ask the person first; you hear when that person agrees.",
    ),
    "refuse": (
        lambda m, i, r: introductions.do_answer_offer(m, i, False),
        "Declined, with thanks.",
    ),
    "they-agreed": (
        lambda m, i, r: introductions.do_target_answer(m, i, True, shared=r.POST.get("shared", "")),
        "Shared with the requester. Make the introduction when you can.",
    ),
    "they-declined": (
        lambda m, i, r: introductions.do_target_answer(m, i, False),
        "Closed as not this time; nobody is named.",
    ),
    "introduced": (
        lambda m, i, r: introductions.do_mark_introduced(m, i),
        "Introduction made: it is in your troth as a favour given.",
    ),
    "thank": (
        lambda m, i, r: introductions.do_thank(m, i, r.POST.get("outcome", "")),
        "Thanked: the loop is closed.",
    ),
    "withdraw": (
        lambda m, i, r: introductions.do_withdraw(m, i),
        "Withdrawn.",
    ),
}


@require_POST
def step(request: HttpRequest, slug: str, intro_id: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise NotFound(f"no step {name!r}")
    do, done = STEPS[name]
    return _act(request, slug, lambda m: do(m, intro_id, request), done)


@require_POST
def connector_settings(request: HttpRequest, slug: str) -> HttpResponse:
    capacity = _int(request.POST.get("capacity", ""))
    if capacity is None:
        capacity = -1  # refused with the range named
    return _act(
        request,
        slug,
        lambda m: introductions.do_set_connector(
            m, capacity=capacity, paused=request.POST.get("paused") == "1"
        ),
        "Saved.",
    )
