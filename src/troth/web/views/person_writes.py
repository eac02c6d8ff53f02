"""What the Person page's quick-add forms and its promise and need buttons post: one
service call each, then the page's lists again (htmx) or a redirect to the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from troth.agenda.actions import do_set_cadence
from troth.errors import NotFound, TrothError, web_text
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
)
from troth.owners import do_ensure_me
from troth.people.actions import do_add_note, do_edit_person
from troth.people.models import Person
from troth.web.forms import (
    CADENCES,
    LogForm,
    PromiseForm,
)
from troth.web.views.common import is_htmx, outcome, owner_of
from troth.web.views.person import QUICK, make_form, page_context, person_of, records


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
    person = person_of(request, person_id)
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
        error = web_text(exc)
    return _records_response(request, person, error, done, undo=(promise.id, undo))


PROMISE_UNDO_SALT = "troth.web.promise.undo"


@require_POST
def promise_undo(request: HttpRequest, person_id: int, promise_id: int):
    """Open again a promise just kept, broken or released, as it was before."""
    owner = owner_of(request)
    person = person_of(request, person_id)
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
            error = web_text(exc)
    return _records_response(request, person, error, done)


@require_POST
def withdraw_need(request: HttpRequest, person_id: int, need_id: int):
    """An open need that no longer matters (met needs close by recording the favour)."""
    owner = owner_of(request)
    person = person_of(request, person_id)
    need = access_need(owner, need_id)
    if need.person_id != person.id:
        raise Http404("not this person's need")
    error, done = "", ""
    try:
        with transaction.atomic():
            do_close_need(owner, need, Need.WITHDRAWN)
        done = f"Need withdrawn: {need.what}"
    except TrothError as exc:
        error = web_text(exc)
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
    person = person_of(request, person_id)
    form = make_form(kind, owner, person, request.POST)
    status, done = 400, ""
    if form.is_valid():
        try:
            with transaction.atomic():
                done = _save(kind, owner, person, form)
            status = 200
        except NotFound as exc:
            if not form.errors:  # the need's own message is already next to its field
                form.add_error(None, web_text(exc))
        except TrothError as exc:
            form.add_error(None, web_text(exc))
    if status == 200:
        if not is_htmx(request):
            messages.success(request, done)
            return redirect("web:person", person_id=person.id)
        form = make_form(kind, owner, person)  # a fresh form for the next one
    if not is_htmx(request):
        return render(
            request, "web/person.html", page_context(request, person, {kind: form}), status=status
        )
    _cls, title, button = QUICK[kind]
    context: dict[str, Any] = {
        "q": {
            "kind": kind,
            "url": reverse("web:quick-add", args=[person.id, kind]),
            "title": title,
            "button": button,
            "form": form,
        },
        "person": person,
        "done": done,
    }
    if status == 200:  # the lists change too: swapped in out of band
        context.update(records(owner, person))
        context.pop("known")
        context["oob"] = True
    return render(request, "web/_quick_result.html", context, status=status)
