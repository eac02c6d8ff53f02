"""One person: who they are, how strong the tie is and why, everything that
happened both ways, and quick-add forms that post without leaving the page."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.db.models import F, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from troth import present
from troth.agenda.actions import do_set_cadence
from troth.errors import Ambiguous, NotFound, TrothError
from troth.identity.models import MergeRecord
from troth.interactions.actions import do_log_interaction
from troth.ledger.actions import (
    do_add_need,
    do_close_need,
    do_make_promise,
    do_record_favor,
    do_reopen_promise,
    do_set_promise_status,
)
from troth.ledger.models import Commitment, Need
from troth.ledger.queries import (
    access_need,
    access_promise,
    needs_of,
)
from troth.lib.text import is_number
from troth.owners import do_ensure_me
from troth.people import actions as people_actions
from troth.people import models as people_models
from troth.people import queries as people_queries
from troth.people.actions import do_add_note, do_edit_person
from troth.people.dates import dates_for_page
from troth.people.models import Person, Relationship
from troth.people.queries import access_person, person_card
from troth.profile import person_timeline
from troth.trust.asking import ready_to_ask
from troth.trust.queries import NotScored, trust_detail
from troth.trust.ready import ASKS, PHRASE
from troth.web.forms import (
    CADENCES,
    FavorForm,
    KeepForm,
    LogForm,
    NeedForm,
    NoteForm,
    PersonEditForm,
    PromiseForm,
    split_tags,
)
from troth.web.views.common import is_htmx, outcome, owner_of, page
from troth.web.views.people import MERGED_HERE, who_is_who

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


def _person(request: HttpRequest, person_id: int) -> Person:
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


def _need_choices(owner, whose: Person | Subquery, today) -> list[tuple[int, str]]:
    """The open needs a favour may answer, as the favour form lists them."""
    rows = (
        needs_of(owner, whose)
        .filter(status=Need.OPEN, expires_on__gte=today)
        .order_by("expires_on", "id")
        .values_list("id", "what")
    )
    return [(i, what[:80]) for i, what in rows]


def make_form(
    kind: str, owner, person: Person, data=None, known: dict[str, Any] | None = None
) -> forms.Form:
    """A quick-add form; `known` holds what records() already read for the page (the
    keep-in-touch settings and their open needs), so it is not read again."""
    known = known or {}
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
        return KeepForm(data, prefix=kind, initial=initial)
    if cls is FavorForm:
        if kind == "gave" and "need_choices" in known:
            needs = known["need_choices"]
        else:
            today = timezone.localdate()
            me = Person.objects.filter(owner=owner, is_me=True).values("id")[:1]
            whose = person if kind == "gave" else Subquery(me)
            needs = _need_choices(owner, whose, today)
        return FavorForm(data, needs=needs, prefix=kind)
    return cls(data, prefix=kind)


def _trust(owner, person: Person) -> dict[str, Any] | None:
    try:
        return trust_detail(owner, person)
    except NotScored:  # "me": no score to explain
        return None


# How a "knows" link came to be, as the page says it (the link's `source`); a source
# not listed here (a later importer's or an inference's) is shown by its own name.
KNOWS_SOURCES = {
    "manual": "you recorded it",
    "sim": "from the demo network",
}
KNOWS_ROWS = 50


def knows_rows(owner, person: Person, met_through_id: int | None) -> tuple[list[dict], int]:
    """The people this person knows (the `Knows` links, either side), with how each
    link is known: at most KNOWS_ROWS, strongest first, and how many there are."""
    links = []
    # one side at a time: each seeks its own (owner, person_a/b) index
    for mine, theirs in (("person_a", "person_b"), ("person_b", "person_a")):
        links += list(
            people_models.Knows.objects.filter(owner=owner, **{mine: person}).values(
                "source", "strength", "created_at", other_id=F(f"{theirs}_id")
            )
        )
    links = [k for k in links if k["other_id"] != person.id]
    links.sort(key=lambda k: (-(k["strength"] or 0.0), k["other_id"]))
    total = len(links)
    shown = links[:KNOWS_ROWS]
    ids = [k["other_id"] for k in shown]
    people = {
        p["id"]: p
        for p in Person.objects.filter(owner=owner, id__in=ids).values("id", "full_name", "is_me")
    }
    jobs: dict[int, tuple[str, str]] = {}
    for pid, org, title in (
        people_models.Employment.objects.filter(owner=owner, person_id__in=ids, is_current=True)
        .order_by("-started_on", "-id")
        .values_list("person_id", "organization__name", "title")
    ):
        jobs.setdefault(pid, (org, title))
    through_them = set(
        Relationship.objects.filter(owner=owner, person_id__in=ids, met_through=person).values_list(
            "person_id", flat=True
        )
    )
    rows = []
    for k in shown:
        other = people.get(k["other_id"])
        if other is None or other["is_me"]:
            continue
        pid = other["id"]
        if k["source"] == "met-through":
            if pid == met_through_id:
                how = f"{other['full_name']} introduced you to {person.full_name}"
            elif pid in through_them:
                how = f"{person.full_name} introduced you to {other['full_name']}"
            else:
                how = "one introduced you to the other"
        else:
            how = KNOWS_SOURCES.get(k["source"], f"from {k['source']}")
        org, title = jobs.get(pid, ("", ""))
        rows.append(
            {
                "id": pid,
                "name": other["full_name"],
                "job": " at ".join(x for x in (title, org) if x),
                "how": how,
                "strength": k["strength"],
                # when it was recorded; the demo's links were all made the day it loaded
                "since": None
                if k["source"] == "sim"
                else present.iso(timezone.localdate(k["created_at"])),
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
        # say when older interactions are left out, never drop them silently
        "interactions_hidden": max(0, read["interaction_count"] - len(shown)),
        "gave": [f for f in favours if f["direction"] == "gave"],
        "got": [f for f in favours if f["direction"] == "got"],
        "my_promises": [p for p in all_promises if p["mine"]],
        "their_promises": [p for p in all_promises if not p["mine"]],
        "intros": read["intros"],
        "notes": read["notes"],
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
    with _FIELDS_HTML_LOCK:
        html = _FIELDS_HTML.get(key)
        if html is not None:
            _FIELDS_HTML.move_to_end(key)
            return html
    html = render_to_string("web/_quick_fields.html", {"q": {"form": form}})
    with _FIELDS_HTML_LOCK:
        _FIELDS_HTML[key] = html
        while len(_FIELDS_HTML) > _FIELDS_HTML_MAX:
            _FIELDS_HTML.popitem(last=False)
    return html


def _context(request: HttpRequest, person: Person, bound: dict[str, forms.Form] | None = None):
    owner = owner_of(request)
    bound = dict(bound or {})
    lists = records(
        owner,
        person,
        TIMELINE_ALL if request.GET.get("timeline") == "all" else TIMELINE_ROWS,
    )
    known = lists.pop("known")
    # ?need=ID (from Today's "record what you gave"): the favour form opens on that need
    need = request.GET.get("need", "")
    if "gave" not in bound and is_number(need):
        form = make_form("gave", owner, person, known=known)
        if any(str(value) == need for value, _label in form.fields["need"].choices):  # type: ignore[attr-defined]
            form.initial["need"] = need
            bound["gave"] = form
    quick = []
    for kind, (_cls, title, button) in QUICK.items():
        form = bound.get(kind) or make_form(kind, owner, person, known=known)
        quick.append(
            {
                "kind": kind,
                "title": title,
                "button": button,
                "form": form,
                "fields_html": blank_fields_html(kind, form),
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
        "edit": edit_form(owner, person, card=lists["profile"]),
        "asks": [(a, PHRASE[a]) for a in ASKS],
        "initials": initials(person.full_name),
        "has_photo": person.photo is not None and person.photo_type in PHOTO_TYPES,
        "person_dates": dates_for_page(owner, person, timezone.localdate()),
        "quick": quick,
        "nav": "people",
        **lists,
    }


@require_GET
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    return render(request, "web/person.html", _context(request, person))


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
    person = _person(request, person_id)
    detail = _trust(owner_of(request), person)
    context = {"person": person, "trust": detail, "spark": sparkline(detail), "nav": "people"}
    return page(request, "web/trust.html", context, partial="web/_trust.html")


@require_GET
def photo(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    if person.photo is None or person.photo_type not in PHOTO_TYPES:
        raise Http404("no photo")
    response = HttpResponse(bytes(person.photo), content_type=person.photo_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _save(kind: str, owner, person: Person, form: forms.Form) -> str:
    """Call the one service function for this form; returns what was added."""
    d = form.cleaned_data
    if kind == "log":
        assert isinstance(form, LogForm)
        i = do_log_interaction(
            owner,
            person,
            d["channel"],
            when=form.when_moment(),
            minutes=d.get("minutes"),
            they_started=bool(d.get("they_started")),
            summary=d.get("summary") or "",
        )
        return f"Logged a {i.channel} with {person.full_name}."
    if kind in ("gave", "got"):
        me = do_ensure_me(owner)
        giver, receiver = (me, person) if kind == "gave" else (person, me)
        need = None
        if d.get("need"):
            try:
                need = access_need(owner, d["need"])
            except NotFound:
                form.add_error("need", "That need is not open any more.")
                raise
        f = do_record_favor(
            owner, giver, receiver, d["kind"], d.get("what") or "", on=d.get("when"), need=need
        )
        closed = " It closes their need." if need is not None else ""
        return f"Recorded the {f.kind} {'you gave' if kind == 'gave' else 'you got'}.{closed}"
    if kind == "promise":
        me = do_ensure_me(owner)
        mine = d["direction"] == PromiseForm.MINE
        debtor, creditor = (me, person) if mine else (person, me)
        c = do_make_promise(owner, debtor, creditor, d["what"], due=d.get("due"))
        due = f", due {c.due_on:%-d %B}" if c.due_on else ""
        return f"Recorded the promise{due}."
    if kind == "need":
        n = do_add_need(owner, person, d["what"], days=d["span"], tags=d["tags"])
        return f"Recorded the need, open until {n.expires_on:%-d %B}."
    if kind == "keep":
        do_set_cadence(owner, person, d["cadence"])
        do_edit_person(owner, person, archived=d["archived"])
        rhythm = dict(CADENCES)["" if d["cadence"] is None else str(d["cadence"])]
        return f"Check in: {rhythm}." + (" Archived." if d["archived"] else "")
    do_add_note(owner, person, d["text"])
    return "Note added."


PROMISE_STATUS = {
    Commitment.KEPT: "kept",
    Commitment.BROKEN: "marked broken",
    Commitment.RELEASED: "released",
}


@require_POST
def promise_status(request: HttpRequest, person_id: int, promise_id: int, status: str):
    """Keep, break or release an open promise shown on the person's page."""
    if status not in PROMISE_STATUS:
        raise Http404("no such change")
    owner = owner_of(request)
    person = _person(request, person_id)
    promise = access_promise(owner, promise_id)
    if person.id not in (promise.debtor_id, promise.creditor_id):
        raise Http404("not a promise with this person")
    error, done, undo = "", "", ""
    was_changed_at = promise.status_changed_at
    try:
        with transaction.atomic():
            do_set_promise_status(owner, promise, status)
        done = f"Promise {PROMISE_STATUS[status]}: {promise.what}"
        undo = signing.dumps(
            {
                "owner": owner.pk,
                "promise": promise.id,
                "status": status,
                "changed_at": was_changed_at.isoformat() if was_changed_at else None,
            },
            salt=PROMISE_UNDO_SALT,
        )
    except TrothError as exc:
        error = str(exc)
    return _records_response(request, person, error, done, undo=(promise.id, undo))


PROMISE_UNDO_SALT = "troth.web.promise.undo"


@require_POST
def promise_undo(request: HttpRequest, person_id: int, promise_id: int):
    """Open again a promise just kept, broken or released, as it was before."""
    owner = owner_of(request)
    person = _person(request, person_id)
    promise = access_promise(owner, promise_id)
    if person.id not in (promise.debtor_id, promise.creditor_id):
        raise Http404("not a promise with this person")
    error, done = "", ""
    try:
        record = signing.loads(request.POST.get("undo", ""), salt=PROMISE_UNDO_SALT, max_age=86400)
    except signing.BadSignature:  # expired, or never one troth offered
        record = None
    if record is None or record.get("owner") != owner.pk or record.get("promise") != promise.id:
        error = "That undo is not valid any more; the promise is as shown."
    else:
        changed = record["changed_at"]
        try:
            with transaction.atomic():
                do_reopen_promise(
                    owner,
                    promise,
                    was=record["status"],
                    changed_at=dt.datetime.fromisoformat(changed) if changed else None,
                )
            done = f"Undone: the promise is open again: {promise.what}"
        except TrothError as exc:
            error = str(exc)
    return _records_response(request, person, error, done)


@require_POST
def withdraw_need(request: HttpRequest, person_id: int, need_id: int):
    """An open need that no longer matters (met needs close by recording the favour)."""
    owner = owner_of(request)
    person = _person(request, person_id)
    need = access_need(owner, need_id)
    if need.person_id != person.id:
        raise Http404("not this person's need")
    error, done = "", ""
    try:
        with transaction.atomic():
            do_close_need(owner, need, Need.WITHDRAWN)
        done = f"Need withdrawn: {need.what}"
    except TrothError as exc:
        error = str(exc)
    return _records_response(request, person, error, done)


def _records_response(
    request: HttpRequest,
    person: Person,
    error: str,
    done: str,
    undo: tuple[int, str] | None = None,
):
    """The person's lists after a change; `undo`: (promise id, token) for its Undo button."""

    def context() -> dict[str, Any]:
        out: dict[str, Any] = {"person": person, "records_error": error, "records_done": done}
        if undo and undo[1]:
            out["records_undo"] = {"promise": undo[0], "token": undo[1]}
        out.update(records(owner_of(request), person))
        out.pop("known")
        return out

    back = reverse("web:person", args=[person.id])
    return outcome(request, error, done, back, "web/_person_records.html", context)


@require_POST
def quick_add(request: HttpRequest, person_id: int, kind: str) -> HttpResponse:
    if kind not in QUICK:
        raise Http404("no such form")
    owner = owner_of(request)
    person = _person(request, person_id)
    form = make_form(kind, owner, person, request.POST)
    status, done = 400, ""
    if form.is_valid():
        try:
            with transaction.atomic():
                done = _save(kind, owner, person, form)
            status = 200
        except NotFound as exc:
            if not form.errors:  # the need's own message is already next to its field
                form.add_error(None, str(exc))
        except TrothError as exc:
            form.add_error(None, str(exc))
    if status == 200:
        if not is_htmx(request):
            messages.success(request, done)
            return redirect("web:person", person_id=person.id)
        form = make_form(kind, owner, person)  # a fresh form for the next one
    if not is_htmx(request):
        return render(
            request, "web/person.html", _context(request, person, {kind: form}), status=status
        )
    _cls, title, button = QUICK[kind]
    context: dict[str, Any] = {
        "q": {"kind": kind, "title": title, "button": button, "form": form},
        "person": person,
        "done": done,
    }
    if status == 200:  # the lists change too: swapped in out of band
        context.update(records(owner, person))
        context.pop("known")
        context["oob"] = True
    return render(request, "web/_quick_result.html", context, status=status)


# ---------------------------------------------------------------------------------
# Editing a person: the same services as `troth edit`, `tag`, `cadence`, `delete`,
# `ready` and archive, each error beside the field it is about.


def web_words(message: str) -> str:
    """A service's error, its command-line option names said as the form says them."""
    for option, field in (
        ("--title needs --company", "a job title needs a company"),
        ("--company", "Company"),
        ("--title", "Job title"),
    ):
        message = message.replace(option, field)
    return message


class _Refused(Exception):
    """A service refused one field's change; the whole edit is rolled back."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


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


def _via(owner, person: Person, text: str) -> tuple[Person, bool]:
    """Who introduced you, as `troth edit --via` finds them: a name or #id, added when
    nobody has that name; several people of that name: say who is who."""
    try:
        return people_queries.resolve_person(owner, text, allow_me=True), False
    except Ambiguous as exc:
        raise _Refused("via", who_is_who(owner, text, exc.candidates)) from None
    except NotFound:
        if text.strip().startswith("#"):
            raise _Refused("via", f"no person with id {text.strip()}") from None
        try:
            return people_actions.do_add_person(owner, text), True
        except TrothError as exc:
            raise _Refused("via", str(exc)) from None


def _apply_edit(owner, person: Person, form: PersonEditForm) -> list[str]:
    """Write what changed, one service call per field; returns what was done."""
    d, changed = form.cleaned_data, set(form.changed_data)
    done: list[str] = []

    def step(field: str | None, call: Any) -> None:
        try:
            call()
        except TrothError as exc:
            raise _Refused(field, web_words(str(exc))) from None

    if "name" in changed:
        step("name", lambda: do_edit_person(owner, person, name=d["name"]))
        done.append("name")
    if "nickname" in changed:
        step("nickname", lambda: do_edit_person(owner, person, nickname=d["nickname"]))
        done.append("nickname")
    if changed & {"company", "title"}:
        company, title = d["company"].strip(), d["title"].strip()
        if not company:
            # between jobs: the old job ends (kept in their history); a title alone is
            # a headline job, and clearing a headline's title ends it (as troth edit)
            if form.initial.get("company"):
                step("company", lambda: people_actions.do_leave_job(owner, person))
            if title or form.initial.get("title"):
                step("title", lambda: people_actions.do_set_job(owner, person, None, title))
        else:
            step("company", lambda: people_actions.do_set_job(owner, person, company, title))
        done.append("job")
    email, phone = d["add_email"].strip(), d["add_phone"].strip()
    if email:
        step("add_email", lambda: do_edit_person(owner, person, emails=[email]))
        done.append("e-mail")
    if phone:
        step("add_phone", lambda: do_edit_person(owner, person, phones=[phone]))
        done.append("phone")
    if d["remove"]:
        step("remove", lambda: do_edit_person(owner, person, remove_contacts=d["remove"]))
        done.append("contact removed")
    if "closeness" in changed:
        if d["closeness"] is None:
            step("closeness", lambda: do_edit_person(owner, person, clear_closeness=True))
        else:
            step("closeness", lambda: do_edit_person(owner, person, closeness=d["closeness"]))
        done.append("closeness")
    if "tags" in changed:
        old = {people_actions.clean_tag(t) for t in split_tags(form.initial.get("tags", ""))}
        try:
            new = {people_actions.clean_tag(t): t for t in d["tags"]}
        except TrothError as exc:
            raise _Refused("tags", str(exc)) from None
        add = [t for key, t in new.items() if key not in old]
        drop = sorted(old - set(new))
        step("tags", lambda: people_actions.do_tag(owner, person, add=add, remove=drop))
        done.append("tags")
    if "cadence" in changed:
        step("cadence", lambda: do_set_cadence(owner, person, d["cadence"]))
        done.append("check-in rhythm")
    if "met_how" in changed:
        step("met_how", lambda: do_edit_person(owner, person, met_how=d["met_how"]))
        done.append("how you met")
    if "met_on" in changed:
        if d["met_on"] is None:
            step("met_on", lambda: people_actions.do_forget_met(owner, person, on=True))
        else:
            step("met_on", lambda: do_edit_person(owner, person, met_on=d["met_on"]))
        done.append("when you met")
    if "via" in changed:
        text = d["via"].strip()
        if not text:
            step("via", lambda: people_actions.do_forget_met(owner, person, through=True))
        else:
            via, added = _via(owner, person, text)
            step("via", lambda: do_edit_person(owner, person, met_through=via))
            if added:
                done.append(f"added {via.full_name} (#{via.id}), who introduced you")
        done.append("who introduced you")
    return done


def _edit_response(request: HttpRequest, person: Person, form: PersonEditForm, status: int):
    if not is_htmx(request):
        context = _context(request, person)
        context.update(edit=form, edit_open=True)
        return render(request, "web/person.html", context, status=status)
    return render(request, "web/_person_edit.html", {"person": person, "edit": form}, status=status)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """After a change the whole page shows: a redirect, or htmx's own for its requests."""
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
def edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Change someone's details (`troth edit`, `tag`, `cadence` in one form)."""
    owner = owner_of(request)
    person = _person(request, person_id)
    form = edit_form(owner, person, request.POST)
    if not form.is_valid():
        return _edit_response(request, person, form, 400)
    try:
        with transaction.atomic():
            done = _apply_edit(owner, person, form)
    except _Refused as exc:
        person.refresh_from_db()  # the rolled-back changes are not theirs
        form.add_error(exc.field, str(exc))
        return _edit_response(request, person, form, 400)
    message = f"Updated {person.full_name}." if done else "Nothing to change."
    for note in done:
        if note.startswith("added "):
            message += f" {note[0].upper()}{note[1:]}."
    messages.success(request, message)
    # the head of the page changes too: the whole page is drawn again
    return _go(request, reverse("web:person", args=[person.id]))


@require_POST
def archive(request: HttpRequest, person_id: int) -> HttpResponse:
    """Archive (hide from lists and the agenda) or bring back: `troth edit --archive`."""
    owner = owner_of(request)
    person = _person(request, person_id)
    value = request.POST.get("archived", "")
    if value not in ("1", "0"):
        messages.error(request, "Choose to archive or to bring back.")
        return redirect("web:person", person_id=person.id)
    with transaction.atomic():
        do_edit_person(owner, person, archived=value == "1")
    messages.success(
        request,
        f"Archived {person.full_name}: hidden from lists and the agenda."
        if value == "1"
        else f"{person.full_name} is back in your lists and the agenda.",
    )
    return _go(request, reverse("web:person", args=[person.id]))


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, person_id: int) -> HttpResponse:
    """`troth delete NAME`: a page that says what goes, then the delete itself."""
    owner = owner_of(request)
    person = _person(request, person_id)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.info(request, "Nothing deleted.")
            return redirect("web:person", person_id=person.id)
        what = f"{person.full_name} (#{person.id}) and all of their history"
        with transaction.atomic():
            people_actions.do_delete_person(owner, person)
        messages.success(request, f"Deleted {what}.")
        return _go(request, reverse("web:people"))
    lists = records(owner, person, limit=1)
    counts = {
        "interactions": lists["profile"]["interaction_count"],
        "favours": len(lists["gave"]) + len(lists["got"]),
        "promises": len(lists["my_promises"]) + len(lists["their_promises"]),
        "notes": len(lists["notes"]),
        "introductions": len(lists["intros"]),
    }
    context = {"person": person, "counts": counts, "nav": "people"}
    return render(request, "web/person_delete.html", context)


@require_GET
def ready(request: HttpRequest, person_id: int) -> HttpResponse:
    """`troth ready NAME --ask ASK`: READY or NOT YET, why, and what to do first."""
    owner = owner_of(request)
    person = _person(request, person_id)
    ask = request.GET.get("ask", "")
    context: dict[str, Any] = {
        "person": person,
        "asks": [(a, PHRASE[a]) for a in ASKS],
        "ask": ask,
        "nav": "people",
    }
    status = 200
    if not ask:  # the page itself, before an ask is chosen
        pass
    elif ask not in ASKS:
        context["ready_error"] = f"unknown ask {ask[:40]!r}; use one of {', '.join(ASKS)}"
        status = 400
    else:
        try:
            with transaction.atomic():
                verdict = ready_to_ask(owner, person, ask)
        except TrothError as exc:  # an unknown ask, or NotScored (only "me")
            context["ready_error"] = str(exc)
            status = 400
        else:
            context["verdict"] = {**verdict, "phrase": PHRASE[ask]}
    return page(
        request, "web/person_ready.html", context, partial="web/_person_ready.html", status=status
    )
