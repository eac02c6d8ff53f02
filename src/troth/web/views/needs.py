"""Needs: what you and your contacts need right now, who in your network could meet
each one and why (asked for when shown: matching reads the whole network), the
needs you could meet yourself, and a need of your own to add or withdraw. A need is
met by recording the favour that answers it, on the person's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from troth import present
from troth.errors import TrothError, web_text
from troth.helping import rank_needs_i_can_help, who_can_help
from troth.ledger.actions import do_add_need, do_close_need
from troth.ledger.models import Need
from troth.ledger.queries import access_need, need_status, need_tags, open_needs
from troth.lib.text import is_number, whole
from troth.owners import do_ensure_me
from troth.web.forms import NeedForm
from troth.web.views.common import is_htmx, outcome, owner_of, page

PER_PAGE = 50
HELPERS = 5
TIER_NOTE = {
    "stranger": "no two-way contact yet: passing the need to them is a handoff; build the tie"
    " first, or ask someone who knows them",
    "dormant": "a dormant tie: reconnect before you ask",
}


class MyNeedForm(NeedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["what"].label = "What you need"
        self.fields["what"].help_text = "an intro to hiring managers at Larkspur"


def need_view(n: Need, today, tags: list[str] | None = None) -> dict[str, Any]:
    row = present.need_row(n, today, tags)
    row["person_id"] = n.person_id
    row["days_left"] = (n.expires_on - today).days
    return row


def lists(request: HttpRequest, error: str = "", done: str = "") -> dict[str, Any]:
    owner = owner_of(request)
    today = timezone.localdate()
    with transaction.atomic():
        mine = [need_view(n, today) for n in open_needs(owner, today).filter(person__is_me=True)]
        theirs_qs = open_needs(owner, today).filter(person__is_me=False)
        paginator = Paginator(theirs_qs, PER_PAGE)
        current = paginator.get_page(request.GET.get("page"))
        theirs = [need_view(n, today) for n in current.object_list]
    return {
        "mine": mine,
        "theirs": theirs,
        "page_obj": current,
        "theirs_count": paginator.count,
        "page_query": f"page={current.number}" if current.number > 1 else "",
        "lists_error": error,
        "lists_done": done,
    }


def _context(request: HttpRequest, **bound: Any) -> dict[str, Any]:
    return {
        "nav": "needs",
        **lists(request),
        "need_form": bound.get("form") or MyNeedForm(prefix="need"),
        "form_done": bound.get("done", ""),
    }


@require_GET
def needs_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/needs.html", _context(request))


@require_POST
def add_need(request: HttpRequest) -> HttpResponse:
    """A need of your own: what you need and for how long."""
    owner = owner_of(request)
    form = MyNeedForm(request.POST, prefix="need")
    done = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                n = do_add_need(
                    owner, do_ensure_me(owner), d["what"], days=d["span"], tags=d["tags"]
                )
            done = f"Recorded your need, open until {n.expires_on:%-d %B}."
        except TrothError as exc:
            form.add_error(None, web_text(exc))
    if form.errors:
        context = _context(request, form=form)
        return page(request, "web/needs.html", context, partial="web/_need_form.html", status=400)
    if not is_htmx(request):
        messages.success(request, done)
        return redirect("web:needs")
    context = _context(request, done=done)
    context["oob"] = True
    return render(request, "web/_need_form.html", context)


def _need(request: HttpRequest, need_id: int) -> Need:
    return access_need(owner_of(request), need_id)


@require_POST
def withdraw(request: HttpRequest, need_id: int) -> HttpResponse:
    """A need that no longer matters (a met one closes when its favour is recorded)."""
    owner = owner_of(request)
    need = _need(request, need_id)
    error, done = "", ""
    try:
        with transaction.atomic():
            do_close_need(owner, need, Need.WITHDRAWN)
        done = f"Withdrawn: {need.what}"
    except TrothError as exc:
        error = web_text(exc)
    query = request.GET.get("page", "")
    back = reverse("web:needs") + (f"?page={query}" if is_number(query) else "")
    return outcome(
        request, error, done, back, "web/_needs_lists.html", lambda: lists(request, error, done)
    )


@require_GET
def helpers(request: HttpRequest, need_id: int) -> HttpResponse:
    """Who could meet this need, best fit first (closer ties break ties), and why."""
    owner = owner_of(request)
    need = _need(request, need_id)
    today = timezone.localdate()
    with transaction.atomic():
        result = who_can_help(owner, need, k=HELPERS)
    rows = [
        {
            "id": h.person_id,
            "name": h.name,
            "why": "; ".join(h.reasons),
            "tie": TIER_NOTE.get(h.tier)
            or f"{h.tier} tie" + (f", trust {whole(h.trust)}" if h.trust is not None else ""),
            "warn": h.tier in TIER_NOTE,
        }
        for h in result.helpers
    ]
    context = {
        "need": need_view(need, today),
        "open": need_status(need, today) == Need.OPEN,
        "helpers": rows,
        "me": "; ".join(result.me.reasons) if result.me is not None else "",
        "nav": "needs",
    }
    return page(request, "web/need_helpers.html", context, partial="web/_need_helpers.html")


@require_GET
def i_can_help(request: HttpRequest) -> HttpResponse:
    """Your contacts' open needs that you could meet yourself, best match first."""
    owner = owner_of(request)
    today = timezone.localdate()
    with transaction.atomic():
        found = rank_needs_i_can_help(owner, today)
        # A page at a time, as the needs list: thousands of rows at 30,000 people were
        # a megabyte of HTML and a second of CPU (issue 20). get_page turns a page
        # that is not a number, or past the last, into the first or the last.
        current = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
        shown = list(current.object_list)
        ids = [r.need_id for r in shown]
        needs = Need.objects.filter(owner=owner).select_related("person").in_bulk(ids)
        tags = need_tags(owner, ids)
    rows = [
        {**need_view(needs[i], today, tags[i]), "why": "; ".join(m.reasons[:2])}
        for i, _whose, m in shown
        if i in needs  # (deleted since it was ranked: left out, not a 500)
    ]
    context = {"can_help": rows, "page_obj": current, "count": len(found), "nav": "needs"}
    return page(request, "web/needs_i_can_help.html", context, partial="web/_needs_i_can_help.html")
