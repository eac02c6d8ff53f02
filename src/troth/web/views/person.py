"""One person: who they are, how strong the tie is and why, everything that
happened both ways, and quick-add forms that post without leaving the page.

This module reads and renders the page; what its forms post is in person_writes.py
(quick adds, promises, needs) and person_edit.py (edit, archive, delete, ready)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from troth import present
from troth.identity.models import MergeRecord
from troth.ledger.models import Need
from troth.ledger.queries import (
    needs_of,
)
from troth.lib.text import is_number
from troth.people import models as people_models
from troth.people.dates import dates_for_page
from troth.people.models import Person, Relationship
from troth.people.queries import access_person, owned_rows, person_card
from troth.prepared import Prepared
from troth.profile import person_timeline
from troth.trust.queries import NotScored, trust_detail
from troth.trust.ready import ASKS, PHRASE
from troth.warmpaths.models import Link
from troth.warmpaths.queries import evidence_parts, known_links
from troth.web import html_rows
from troth.web.forms import (
    FavorForm,
    KeepForm,
    LogForm,
    NeedForm,
    NoteForm,
    PersonEditForm,
    PromiseForm,
)
from troth.web.views.common import id_url, owner_of, page
from troth.web.views.people import MERGED_HERE

# The photo types a browser may be handed (never SVG: it can carry script).
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
TIMELINE_ROWS = 100
# "Show all" on the timeline: everything a person page can reasonably hold.
TIMELINE_ALL = 5000
# kind -> (form class, the heading of its quick-add form, the button)
QUICK = {
    "log": (LogForm, "Log an interaction", "Log it"),
    "gave": (FavorForm, "You helped them", "Record favour given"),
    "got": (FavorForm, "They helped you", "Record favour received"),
    "promise": (PromiseForm, "A promise", "Record promise"),
    "need": (NeedForm, "Something they need", "Record need"),
    "note": (NoteForm, "A note", "Add note"),
    "keep": (KeepForm, "Keep in touch", "Save"),
}


def person_of(request: HttpRequest, person_id: int) -> Person:
    person = access_person(owner_of(request), person_id)
    if person.is_me:  # your own page is Settings' business, not a contact's
        raise Http404("that is you")
    return person


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def _open_needs(needs: QuerySet[Need], today: dt.date) -> QuerySet[Need, tuple[int, str]]:
    return (
        needs.filter(status=Need.OPEN, expires_on__gte=today)
        .order_by("expires_on", "id")
        .values_list("id", "what")
    )


# The open needs a favour may answer, theirs (you gave) and yours (you got): composed
# once (troth.prepared), as the favour forms are on every Person page.
_THEIR_OPEN_NEEDS: Prepared[tuple[int, str]] = Prepared(
    lambda owner_id, person_id, today: _open_needs(needs_of(owner_id, person_id), today)
)
_MY_OPEN_NEEDS: Prepared[tuple[int, str]] = Prepared(
    lambda owner_id, today: _open_needs(
        needs_of(
            owner_id,
            Subquery(Person.objects.filter(owner_id=owner_id, is_me=True).values("id")[:1]),
        ),
        today,
    )
)


def _need_choices(owner, person: Person | None, today: dt.date) -> list[tuple[int, str]]:
    """The open needs a favour may answer, as the favour form lists them: the
    person's, or with None the owner's own."""
    if person is None:
        rows = _MY_OPEN_NEEDS(owner.id, today)
    else:
        rows = _THEIR_OPEN_NEEDS(owner.id, person.id, today)
    return [(i, what[:80]) for i, what in rows]


def _quick_inputs(
    kind: str, owner, person: Person, known: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[int, str]] | None]:
    """What an unbound quick-add form is made from: its initial values and, for a
    favour, the open needs it may answer (None for the other forms)."""
    cls = QUICK[kind][0]
    if cls is KeepForm:
        keep = known.get("keep")
        if keep is None:
            keep = Relationship.objects.filter(owner=owner, person=person).values(
                "cadence_days", "archived"
            ).first() or {"cadence_days": None, "archived": False}
        initial = {
            "cadence": "" if keep["cadence_days"] is None else str(keep["cadence_days"]),
            "archived": bool(keep["archived"]),
        }
        return initial, None
    if cls is FavorForm:
        if kind == "gave" and "need_choices" in known:
            return {}, known["need_choices"]
        today = timezone.localdate()
        return {}, _need_choices(owner, person if kind == "gave" else None, today)
    return {}, None


def _build(
    kind: str, data: Any, initial: dict[str, Any], needs: list[tuple[int, str]] | None
) -> forms.Form:
    cls = QUICK[kind][0]
    if needs is not None:
        return cls(data, prefix=kind, initial=initial, needs=needs)
    return cls(data, prefix=kind, initial=initial)


def make_form(
    kind: str, owner, person: Person, data=None, known: dict[str, Any] | None = None
) -> forms.Form:
    """A quick-add form; `known` holds what records() already read for the page (the
    keep-in-touch settings and their open needs), so it is not read again."""
    initial, needs = _quick_inputs(kind, owner, person, known or {})
    return _build(kind, data, initial, needs)


def _trust(owner, person: Person) -> dict[str, Any] | None:
    try:
        return trust_detail(owner, person)
    except NotScored:  # "me": no score to explain
        return None


# How a `Knows` row came to be, as the page says it (the link's `knows_source`); a
# source not listed here (a later importer's) is shown by its own name. The link's
# other evidence is worded as `troth knows` words it (warmpaths.queries.evidence_parts).
KNOWS_SOURCES = {
    "manual": "you recorded it",
    "sim": "from the demo network",
}
KNOWS_ROWS = 50


def _introduced(owner, person: Person, links: list[tuple[Link, dict[str, Any]]]) -> set[int]:
    """Of these links' other people, those `person` introduced you to: asked only
    about links an introduction made."""
    introduced = [
        row["id"] for link, row in links if link.met_through or link.knows_source == "met-through"
    ]
    if not introduced:
        return set()
    return set(
        owned_rows(
            Relationship.objects.filter(person_id__in=introduced, met_through=person), owner
        ).values_list("person_id", flat=True)
    )


# The current jobs of the people shown under "Who they know" (KNOWS_ROWS ids), composed
# once (troth.prepared). owned_rows: SQLite would otherwise walk the owner index, every
# job and every relationship of the owner (48 ms of the page at 30,000 people), not
# these few.
_CURRENT_JOBS: Prepared[tuple[int, str, str]] = Prepared(
    lambda owner_id, *ids: (
        owned_rows(
            people_models.Employment.objects.filter(person_id__in=ids, is_current=True), owner_id
        )
        .order_by("-started_on", "-id")
        .values_list("person_id", "organization__name", "title")
    )
)


def knows_rows(owner, person: Person, met_through_id: int | None) -> tuple[list[dict], int]:
    """The people this person knows, as `troth knows` lists them (warmpaths'
    `known_links`: the links troth infers from mail, meetings, jobs and introductions
    and those said by hand, forgotten ones left out, with the same strengths and
    evidence): at most KNOWS_ROWS, strongest first, and how many there are."""
    links, total = known_links(owner, person, KNOWS_ROWS)
    if not links:  # nobody: nothing more to read
        return [], total
    ids = [row["id"] for _link, row in links]
    # padded with 0 (nobody's id) to KNOWS_ROWS ids: always the one statement
    ids += [0] * (KNOWS_ROWS - len(ids))
    jobs: dict[int, tuple[str, str]] = {}
    for pid, org, title in _CURRENT_JOBS(owner.id, *ids):
        jobs.setdefault(pid, (org, title))
    through_them = _introduced(owner, person, links)
    today = timezone.localdate()
    url = id_url("web:person")
    rows = []
    for link, row in links:
        pid, name = row["id"], row["name"]
        if pid == met_through_id:
            introduction = f"{name} introduced you to {person.full_name}"
        elif pid in through_them:
            introduction = f"{person.full_name} introduced you to {name}"
        else:
            introduction = "one introduced you to the other"
        said: list[str] = []
        for kind, words in evidence_parts(link, today):
            if kind == "met" or (kind == "knows" and link.knows_source == "met-through"):
                words = introduction
            elif kind == "knows":
                words = KNOWS_SOURCES.get(link.knows_source, f"from {link.knows_source}")
            if words not in said:
                said.append(words)
        org, title = jobs.get(pid, ("", ""))
        seen = link.first_seen or link.manual_at
        rows.append(
            {
                "id": pid,
                "url": url(pid),
                "name": name,
                "job": " at ".join(x for x in (title, org) if x),
                # the strongest reason, then the others
                "how": said[0] if said else "known to know each other",
                "also": "; ".join(said[1:]),
                "strength": row["strength"],
                # when they were first seen together, or you said so
                "since": present.iso(timezone.localdate(seen)) if seen else None,
            }
        )
    return rows, total


def records(owner, person: Person, limit: int = TIMELINE_ROWS) -> dict[str, Any]:
    """Everything the page lists about them; re-rendered after each quick add. The
    trust score is not here: explaining it scores the whole network (a third of a
    second at 30,000 people), so the page asks for it separately (`trust`).

    The rows are profile.person_timeline's, the read `troth show` prints, grouped into
    the page's sections: the interactions listed are those among the `limit` newest
    entries of the whole timeline; the other entries take places in it but are listed
    in their own sections."""
    today = timezone.localdate()
    read = person_timeline(owner, person, limit=limit)
    card = read["card"]
    shown = [row for row in read["timeline"] if row["type"] == "interaction"]
    open_rows = [n for n in read["needs"] if n["status"] == Need.OPEN]
    favours, all_promises = read["favours"], read["promises"]
    knows, knows_total = knows_rows(
        owner, person, card["met"]["through"]["id"] if card["met"]["through"] else None
    )
    return {
        "profile": {
            **card,
            "interaction_count": read["interaction_count"],
            "last_contact": read["last_contact"],
            "open_needs": open_rows,
        },
        "knows": knows,
        "knows_total": knows_total,
        "interactions": shown,
        "timeline_rows": html_rows.timeline(shown),
        # say when older interactions are left out, never drop them silently
        "interactions_hidden": max(0, read["interaction_count"] - len(shown)),
        "gave": [f for f in favours if f["direction"] == "gave"],
        "got": [f for f in favours if f["direction"] == "got"],
        "my_promises": [p for p in all_promises if p["mine"]],
        "their_promises": [p for p in all_promises if not p["mine"]],
        "intros": read["intros"],
        "notes": read["notes"],
        "has_dates": read["has_dates"],
        # for the quick-add forms, so they do not read them again
        "known": {
            "keep": {"cadence_days": card["cadence_days"], "archived": card["archived"]},
            "need_choices": [
                (n["id"], n["what"][:80]) for n in open_rows if n["expires_on"] >= today.isoformat()
            ],
        },
    }


# Unbound quick-add forms render to the same HTML for everyone with the same choices
# and initial values (seven forms were a third of the page's time at 30,000 people),
# so each is rendered once per process and kept, the most recently used first.
_FIELDS_HTML: OrderedDict[tuple, str] = OrderedDict()
_FIELDS_HTML_MAX = 512
_FIELDS_HTML_LOCK = threading.Lock()


def _cached_html(key: tuple, render: Callable[[], str]) -> str:
    with _FIELDS_HTML_LOCK:
        html = _FIELDS_HTML.get(key)
        if html is not None:
            _FIELDS_HTML.move_to_end(key)
            return html
    html = render()
    with _FIELDS_HTML_LOCK:
        _FIELDS_HTML[key] = html
        while len(_FIELDS_HTML) > _FIELDS_HTML_MAX:
            _FIELDS_HTML.popitem(last=False)
    return html


def blank_fields_html(kind: str, form: forms.Form) -> str | None:
    """The rendered fields of an unbound form (web/_quick_fields.html), from the cache
    when the same form was rendered before; None for a bound form (its values and
    errors are its own)."""
    if form.is_bound:
        return None
    need = form.fields.get("need")
    key = (
        kind,
        type(form).__name__,
        tuple(sorted(form.initial.items())),
        tuple(need.choices) if need is not None else (),  # type: ignore[attr-defined]
    )
    return _cached_html(
        key, lambda: render_to_string("web/_quick_fields.html", {"q": {"form": form}})
    )


def blank_quick_html(kind: str, owner, person: Person, known: dict[str, Any]) -> str:
    """The fields of a quick-add form as the page first shows it, without making the
    form when the same one was rendered before (building seven forms, each copying its
    fields, cost more than the cached HTML saved)."""
    initial, needs = _quick_inputs(kind, owner, person, known)
    key = ("blank", kind, tuple(sorted(initial.items())), tuple(needs or ()))

    def render() -> str:
        form = _build(kind, None, initial, needs)
        return render_to_string("web/_quick_fields.html", {"q": {"form": form}})

    return _cached_html(key, render)


def page_context(request: HttpRequest, person: Person, bound: dict[str, forms.Form] | None = None):
    owner = owner_of(request)
    bound = dict(bound or {})
    lists = records(
        owner,
        person,
        TIMELINE_ALL if request.GET.get("timeline") == "all" else TIMELINE_ROWS,
    )
    known = lists.pop("known")
    has_dates = lists.pop("has_dates")
    # ?need=ID (from Today's "record what you gave"): the favour form opens on that need
    need = request.GET.get("need", "")
    if "gave" not in bound and is_number(need):
        gave = make_form("gave", owner, person, known=known)
        if any(str(value) == need for value, _label in gave.fields["need"].choices):  # type: ignore[attr-defined]
            gave.initial["need"] = need
            bound["gave"] = gave
    quick = []
    for kind, (_cls, title, button) in QUICK.items():
        form = bound.get(kind)
        quick.append(
            {
                "kind": kind,
                "url": reverse("web:quick-add", args=[person.id, kind]),
                "title": title,
                "button": button,
                "form": form,  # None: a blank form, its fields' HTML from the cache
                "fields_html": blank_quick_html(kind, owner, person, known)
                if form is None
                else blank_fields_html(kind, form),
                "open": kind in bound,
            }
        )
    merged = request.GET.get("merged", "")
    merge_undo = None
    if is_number(merged):  # just merged on People: offer its Undo here
        merge_undo = (
            MergeRecord.objects.filter(
                owner=owner,
                id=int(merged),
                kept=person,
                reason=MERGED_HERE,
                undone_at__isnull=True,
            )
            .values("id", "merged_id", "merged_name")
            .first()
        )
    return {
        "person": person,
        "merge_undo": merge_undo,
        "asks": [(a, PHRASE[a]) for a in ASKS],
        "initials": initials(person.full_name),
        "has_photo": person.photo is not None and person.photo_type in PHOTO_TYPES,
        "person_dates": dates_for_page(owner, person, timezone.localdate()) if has_dates else [],
        "quick": quick,
        "nav": "people",
        **lists,
    }


@require_GET
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_of(request, person_id)
    return render(request, "web/person.html", page_context(request, person))


SPARK_W, SPARK_H = 120, 32


def sparkline(trust: dict[str, Any] | None) -> dict[str, Any] | None:
    """The score 90 days ago, 30 days ago and today as a small line, on a scale at
    least 10 points tall so a small drift shows as small."""
    if not trust or trust.get("trend_30") is None or trust.get("trend_90") is None:
        return None
    score = float(trust["score"])
    values = [score - trust["trend_90"], score - trust["trend_30"], score]
    days = [0, 60, 90]

    mid = (max(values) + min(values)) / 2
    span = max(10.0, max(values) - min(values))
    low = mid - span / 2

    def y(v: float) -> float:
        return round(SPARK_H - 3 - (v - low) / span * (SPARK_H - 6), 1)

    points = " ".join(
        f"{round(d / 90 * (SPARK_W - 4) + 2, 1)},{y(v)}" for d, v in zip(days, values, strict=True)
    )
    a, b, c = (round(v) for v in values)
    return {
        "points": points,
        "w": SPARK_W,
        "h": SPARK_H,
        "last": points.split()[-1].split(","),
        "label": f"Trust {a} ninety days ago, {b} thirty days ago, {c} today",
        "rising": c >= a,
    }


@require_GET
def trust(request: HttpRequest, person_id: int) -> HttpResponse:
    """The trust score with its reasons: loaded into the person page after it shows."""
    person = person_of(request, person_id)
    detail = _trust(owner_of(request), person)
    context = {"person": person, "trust": detail, "spark": sparkline(detail), "nav": "people"}
    return page(request, "web/trust.html", context, partial="web/_trust.html")


@require_GET
def photo(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_of(request, person_id)
    if person.photo is None or person.photo_type not in PHOTO_TYPES:
        raise Http404("no photo")
    response = HttpResponse(bytes(person.photo), content_type=person.photo_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _edit_initial(card: dict[str, Any]) -> dict[str, Any]:
    through = card["met"]["through"]
    return {
        "name": card["name"],
        "nickname": card["nickname"] or "",
        "company": card["company"] or "",
        "title": card["title"] or "",
        "closeness": "" if card["closeness"] is None else str(card["closeness"]),
        "tags": ", ".join(card["tags"]),
        "cadence": "" if card["cadence_days"] is None else str(card["cadence_days"]),
        "met_how": card["met"]["how"],
        # a date, as the field reads what is sent: an unchanged day is not a change
        "met_on": dt.date.fromisoformat(card["met"]["on"]) if card["met"]["on"] else None,
        # the name as the page shows it; left as it is, it is not looked up again
        "via": through["name"] if through else "",
    }


def edit_form(
    owner, person: Person, data=None, card: dict[str, Any] | None = None
) -> PersonEditForm:
    """The edit form; `card`: person_card's fields when the page already read them."""
    card = card or person_card(owner, person)
    contacts = card["emails"] + card["phones"] + card["urls"]
    return PersonEditForm(data, initial=_edit_initial(card), contacts=contacts, prefix="edit")
