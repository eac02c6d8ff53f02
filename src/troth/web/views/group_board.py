"""A group's needs board and a member's published profile in it.

Thin views: troth.groups.access finds the member's own membership (a group they are
not in is a 404), troth.groups.actions checks and writes, troth.groups.queries reads
what crosses members. A form with a mistake comes back with its message and a 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from troth.errors import NotFound, TrothError, web_text
from troth.groups import access, actions, queries
from troth.groups.models import Membership
from troth.lib.text import is_number


def _board_context(membership: Membership, page: int = 1, **extra: Any) -> dict[str, Any]:
    data = queries.board(membership, page=page)
    base = reverse("web:group-needs", args=[membership.group.slug])
    for need in data["needs"]:
        # web.urls: groups/SLUG/needs/ID/close, offer, withdraw, carry, intro-offer
        need["url"] = f"{base}{need['id']}/"
    return {
        "nav": "groups",
        "group": membership.group,
        "board": data,
        "can_post": data["mine_open"] < actions.MAX_OPEN_NEEDS,
        "max_open": actions.MAX_OPEN_NEEDS,
        "others": data["others"],  # the "met by" choices (queries.board)
        "has_profile": data["has_profile"],
        **extra,
    }


def needs_board(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access.access_membership(request.user, slug)
    raw = request.GET.get("page", "1")
    page = int(raw) if is_number(raw, 5) else 1
    return render(request, "web/group_needs.html", _board_context(membership, page))


def _act(request: HttpRequest, slug: str, do: Any, done: str, **form: Any) -> HttpResponse:
    """Run one change for the member; its mistake re-renders the board with a 400."""
    membership = access.access_membership(request.user, slug)
    try:
        with transaction.atomic():
            do(membership)
    except TrothError as exc:
        if isinstance(exc, NotFound):
            raise
        context = _board_context(membership, error=web_text(exc), **form)
        return render(request, "web/group_needs.html", context, status=400)
    messages.success(request, done)
    return redirect("web:group-needs", slug=slug)


@require_POST
def post_need(request: HttpRequest, slug: str) -> HttpResponse:
    text = request.POST.get("text", "")
    days_text = request.POST.get("days", "60")
    days = int(days_text) if is_number(days_text, 3) else -1
    return _act(
        request,
        slug,
        lambda m: actions.do_post_need(m, text, days=days),
        "Need posted: the group sees it on the board.",
        need_text=text,
    )


@require_POST
def close_need(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    outcome = request.POST.get("outcome", "")
    who = request.POST.get("met_by", "")
    met_by = int(who) if is_number(who, 11) else None
    return _act(
        request,
        slug,
        lambda m: actions.do_close_need(m, need_id, outcome, met_by=met_by),
        "Need closed." if outcome != "met" else "Need closed as met: thank whoever helped.",
    )


@require_POST
def offer_help(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _act(
        request,
        slug,
        lambda m: actions.do_offer_help(m, need_id, note),
        "Offer sent: the need's owner sees it.",
    )


@require_POST
def withdraw_offer(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    return _act(
        request,
        slug,
        lambda m: actions.do_withdraw_offer(m, need_id),
        "Offer withdrawn.",
    )


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access.access_membership(request.user, slug)
    current = queries.profile_of(membership)
    form = {
        "headline": current.headline if current else "",
        "offers": current.offers if current else "",
        "companies": "\n".join(current.companies) if current else "",
        "fields": "\n".join(current.fields) if current else "",
    }
    context: dict[str, Any] = {"nav": "groups", "group": membership.group, "form": form}
    if request.method == "GET":
        return render(request, "web/group_profile.html", context)
    form = {key: request.POST.get(key, "") for key in form}
    try:
        with transaction.atomic():
            actions.do_publish_profile(
                membership,
                headline=form["headline"],
                offers=form["offers"],
                companies=form["companies"],
                fields=form["fields"],
            )
    except TrothError as exc:
        context.update(form=form, error=web_text(exc))
        return render(request, "web/group_profile.html", context, status=400)
    messages.success(request, f"Published in {membership.group.name}.")
    return redirect("web:group-needs", slug=slug)


@require_POST
def carry_need(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    return _act(
        request,
        slug,
        lambda m: actions.do_carry_need(m, need_id),
        "Carried to the next meeting: it stays open until a month after it.",
    )
