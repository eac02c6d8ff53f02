"""Warm paths on the web: "Find a way in" to a person (a panel of their page and a
page of its own), the same for anyone at a company (`/paths/?company=Acme`), and
"Ask", which opens the introduction ask with a draft. Thin: the search, the ranking
and the words are warmpaths.queries'."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from troth.errors import TrothError, web_text
from troth.lib.text import is_number
from troth.people.queries import access_person
from troth.warmpaths import actions, queries
from troth.warmpaths.graph import MAX_HOPS
from troth.web.views.common import is_htmx, owner_of
from troth.web.views.intros import AskForm

MAX_COMPANY = 200


def _options(request: HttpRequest) -> tuple[int, str]:
    """--hops and --floor from the query string, checked as the CLI checks them."""
    raw = request.GET.get("hops", "").strip() or str(queries.DEFAULT_HOPS)
    if not is_number(raw, 2) or not 1 <= int(raw) <= MAX_HOPS:
        raise TrothError(f"hops must be a whole number from 1 to {MAX_HOPS}, got {raw[:20]!r}")
    floor = request.GET.get("floor", "").strip() or queries.DEFAULT_FLOOR
    queries.check_options(int(raw), floor)
    return int(raw), floor


def _render(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200, panel: bool = False
) -> HttpResponse:
    context.setdefault("max_hops", MAX_HOPS)
    chosen = "web/_paths.html" if panel or is_htmx(request) else "web/paths.html"
    return render(request, chosen, context, status=status)


@require_GET
def person_paths(request: HttpRequest, person_id: int) -> HttpResponse:
    """The way in to one person. A target that needs no path (a close tie: "just ask
    them") is said on the page; bad hops or floor are a 400."""
    owner = owner_of(request)
    person = access_person(owner, person_id)
    context: dict[str, Any] = {"person": person}
    if person.is_me:
        raise TrothError("that is you: name someone else")
    hops, floor = _options(request)
    context.update(hops=hops, floor=floor)
    try:
        context["result"] = queries.find_paths(owner, person, hops=hops, floor=floor)
    except TrothError as exc:
        context["notice"] = web_text(exc)  # "already one of your close ties: just ask them"
    return _render(request, context, panel=request.GET.get("panel") == "1")


@require_GET
def company_paths(request: HttpRequest) -> HttpResponse:
    """Someone at a company: current staff first, alumni second, my own ties apart."""
    owner = owner_of(request)
    company = request.GET.get("company", "").strip()
    context: dict[str, Any] = {"company": company}
    if not company:
        return _render(request, context)
    if len(company) > MAX_COMPANY:
        context["error"] = f"company: at most {MAX_COMPANY} characters"
        return _render(request, context, status=400)
    try:
        hops, floor = _options(request)
        context.update(hops=hops, floor=floor)
        context["result"] = queries.find_paths(owner, None, company, hops=hops, floor=floor)
    except queries.NoPathNeeded as exc:
        context["notice"] = web_text(exc)  # "you know X at Acme yourself: just ask them"
    except TrothError as exc:
        context["error"] = web_text(exc)  # "nobody at 'Acme' in your network"
        return _render(request, context, status=400)
    return _render(request, context)


def _id(
    request: HttpRequest, name: str, *, required: bool = True, post: bool = False
) -> int | None:
    raw = (request.POST if post else request.GET).get(name, "").strip()
    if not raw and not required:
        return None
    if not is_number(raw):
        raise TrothError(f"{name}: a person's id is wanted, got {raw[:20]!r}")
    return int(raw)


@require_GET
def ask(request: HttpRequest) -> HttpResponse:
    """The introduction ask for one path (`via` its first hop, `to` its target),
    filled in with a draft to edit; sending it is the introductions' own form."""
    owner = owner_of(request)
    via, to = _id(request, "via"), _id(request, "to")
    assert via is not None and to is not None
    target = access_person(owner, to)
    result = queries.find_paths(owner, target)
    draft = queries.ask_draft(result, via, to)
    connector, goal = draft["connector"], draft["target"]
    form = AskForm(
        prefix="ask",
        initial={
            "c": f"{connector['name']} (#{connector['id']})",
            "b": f"{goal['name']} (#{goal['id']})",
            "why": draft["why"],
            "blurb": draft["blurb"],
        },
    )
    context = {"form": form, "draft": draft, "target": target}
    return render(request, "web/paths_ask.html", context)


@require_POST
def plan(request: HttpRequest) -> HttpResponse:
    """ "Check in first": the path's first hop is cooling, so a check-in with them goes
    on Today's agenda and the ask waits (`troth path ... --plan`)."""
    owner = owner_of(request)
    via, to = _id(request, "via", post=True), _id(request, "to", post=True)
    assert via is not None and to is not None
    target = access_person(owner, to)
    result = queries.find_paths(owner, target)
    with transaction.atomic():
        planned = actions.do_plan_checkin(owner, result, via)
    connector = access_person(owner, via).full_name
    if planned is None:
        messages.success(request, f"{connector} is not cooling: no check-in needed, ask now.")
    else:
        messages.success(
            request,
            f"A check-in with {connector} is on Today's agenda; ask after you have been in touch.",
        )
    return redirect(reverse("web:person-paths", args=[target.id]))
