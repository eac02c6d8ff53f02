"""Today: the agenda, ranked as `troth agenda` ranks it, with done / snooze / skip
and each item's draft one click away."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from troth.agenda import actions, drafts
from troth.agenda.models import AgendaMark
from troth.agenda.plan import DEFAULT_LIMIT, LABEL, Candidate
from troth.agenda.queries import access_item, agenda
from troth.errors import NotFound, TrothError, web_text
from troth.intros.queries import access_intro
from troth.lib.text import is_number
from troth.people.models import ContactPoint, Person
from troth.people.queries import owned_rows, people_for
from troth.sync.queries import failing
from troth.web.forms import DoneForm, SnoozeForm, snooze_choices
from troth.web.views.common import is_htmx, owner_of, page

# What the page says once an item is handled.
DONE_TEXT = {
    "promise": "Promise kept.",
    "thanks": "Thanked.",
    "need": "Cleared from today.",
    "checkin": "Checked in.",
    "reconnect": "Reconnected.",
    "nudge": "Nudged, once.",
    "release": "Released them from it.",
    "intro": "Step recorded.",
    "date": "Good wishes sent.",
}


# What the Done button says for each kind (what pressing it records).
DONE_BUTTON = {
    "promise": "Kept it",
    "thanks": "Thanked them",
    "need": "Clear",
    "checkin": "Checked in",
    "reconnect": "Reconnected",
    "nudge": "Nudged them",
    "release": "Release them",
    "intro": "Step done",
    "date": "Sent my wishes",
}


def item_view(c: Candidate, today) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "ref": c.ref,
        "label": LABEL[c.kind],
        "done_button": DONE_BUTTON.get(c.kind, "Done"),
        "person_id": c.person_id,
        "person": c.person,
        "reason": c.reason,
        "due": c.due,
        "late": c.due is not None and c.due < today,
        "has_draft": c.kind in drafts.FOR_AGENDA or c.kind == "intro",
    }


def _snooze(today_: dt.date) -> dict[str, Any]:
    """What every item's snooze form offers: quick choices and the earliest day to pick."""
    return {
        "tomorrow": today_ + dt.timedelta(days=1),
        "snooze_choices": [(v, label) for v, label, _day in snooze_choices(today_)],
        "snooze_default": SnoozeForm.DEFAULT,
    }


def _context(request: HttpRequest, errors: dict[str, str] | None = None) -> dict[str, Any]:
    owner = owner_of(request)
    show_all = request.GET.get("all") == "1"
    # No transaction: the agenda only reads (its trust refresh takes its own), and a
    # transaction on SQLite takes the write lock, one Today page at a time.
    # Who might help with a need is matched for the items shown only (the order is
    # the same): matching every open need was most of the page's time.
    result = agenda(
        owner,
        hints_for=None if show_all else DEFAULT_LIMIT,
        upto=None if show_all else DEFAULT_LIMIT,
    )
    shown = result.items if show_all else result.items[:DEFAULT_LIMIT]
    errors = errors or {}
    items = [item_view(i.candidate, result.today) for i in shown]
    for row in items:
        row["error"] = errors.get(row["id"], "")
    return {
        "today": result.today,
        "items": items,
        "more": result.total - len(shown),
        **_snooze(result.today),
        # a mail or calendar source that keeps failing: one line each, saying why
        "failing_sources": failing(owner, at_least=2),
        # an empty first day says how to begin (a newcomer's review)
        "nobody": not items and not people_for(owner).exists(),
        "nav": "today",
    }


@require_GET
def today(request: HttpRequest) -> HttpResponse:
    return render(request, "web/today.html", _context(request))


UNDO_SALT = "troth.web.today.undo"
UNDO_MAX_AGE = 24 * 3600  # an undo offered today is honoured until tomorrow


def _undo_token(owner, record: dict[str, Any]) -> str:
    """The Undo button's value: what to put back, signed, and only for this owner."""
    return signing.dumps({"owner": owner.pk, **record}, salt=UNDO_SALT, compress=True)


def _item_response(
    request: HttpRequest,
    item: Candidate,
    *,
    error: str = "",
    done: str = "",
    undo: str = "",
    undone: str = "",
    status: int = 200,
) -> HttpResponse:
    """After an action: the item in place with the new count of what is left (htmx),
    or back to the page."""
    today_ = timezone.localdate()
    if is_htmx(request):
        context = {
            "item": item_view(item, today_),
            "error": error,
            "done": done,
            "undo": undo,
            "undone": undone,
            **_snooze(today_),
        }
        left = request.POST.get("left", "")
        if not error and is_number(left, 6):  # what is left on the page, swapped in out of band
            context["left"] = max(0, int(left) + (1 if undone else -1))
            context["oob"] = True
        return render(request, "web/_agenda_item.html", context, status=status)
    if error:
        return render(request, "web/today.html", _context(request, {item.id: error}), status=status)
    messages.success(request, f"{item.person}: {done or undone}")
    return redirect("web:today")


def _act(request: HttpRequest, item_id: str, action: str) -> HttpResponse:
    owner = owner_of(request)
    item = access_item(owner, item_id)
    form: SnoozeForm | DoneForm
    if action == "snooze":
        form = SnoozeForm(request.POST)
        if not form.is_valid():
            return _item_response(request, item, error=_first_error(form), status=400)
    else:
        form = DoneForm(request.POST)
        if not form.is_valid():
            return _item_response(request, item, error=_first_error(form), status=400)
    record = actions.before(owner, item) if actions.undoable(item, action) else None
    try:
        with transaction.atomic():
            logged = None
            if action == "done":
                logged = actions.do_done(
                    owner,
                    item,
                    channel=form.cleaned_data.get("channel") or "message",
                    notes=form.cleaned_data.get("notes") or "",
                )
                text = DONE_TEXT[item.kind]
                if logged is not None:
                    text += f" Logged a {logged.channel}; their rhythm restarts."
                status = AgendaMark.DONE
            elif action == "snooze":
                until = form.cleaned_data["until"]
                actions.do_snooze(owner, item, until)
                text = f"Snoozed until {until:%A %-d %B}."
                status = AgendaMark.SNOOZED
            else:
                actions.do_skip(owner, item)
                text = "Skipped: it will not come back for this reason."
                status = AgendaMark.SKIPPED
    except TrothError as exc:
        return _item_response(request, item, error=web_text(exc), status=400)
    undo = ""
    if record is not None:
        record.update(
            status=status,
            interaction=logged.id if logged is not None else None,
            set_at=actions.mark_set_at(owner, item),
        )
        undo = _undo_token(owner, record)
    return _item_response(request, item, done=text, undo=undo)


def _undo_error(request: HttpRequest, message: str) -> HttpResponse:
    context = {"message": message, "nav": "today"}
    return page(request, "web/error.html", context, partial="web/_undo_error.html", status=400)


@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    """Put back what Done, Skip or Snooze changed, exactly: the item returns to the list."""
    owner = owner_of(request)
    try:
        record = signing.loads(request.POST.get("undo", ""), salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
    except signing.SignatureExpired:
        return _undo_error(request, "That undo has expired; change it on the person's page.")
    except signing.BadSignature:
        return _undo_error(request, "That is not an undo troth offered.")
    if record.get("owner") != owner.pk:
        raise Http404("not yours to undo")
    try:
        with transaction.atomic():
            actions.do_undo(owner, record)
    except TrothError as exc:
        return _undo_error(request, web_text(exc))
    try:
        item = access_item(owner, record["id"])
    except NotFound:  # back, but no longer due today: say so on the whole page
        messages.success(request, "Undone.")
        if is_htmx(request):
            response = HttpResponse(status=200)
            response["HX-Redirect"] = reverse("web:today")
            return response
        return redirect("web:today")
    return _item_response(request, item, undone="Undone: it is back on your list.")


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "That did not look right."


@require_POST
def done(request: HttpRequest, item_id: str) -> HttpResponse:
    return _act(request, item_id, "done")


@require_POST
def snooze(request: HttpRequest, item_id: str) -> HttpResponse:
    return _act(request, item_id, "snooze")


@require_POST
def skip(request: HttpRequest, item_id: str) -> HttpResponse:
    return _act(request, item_id, "skip")


def mailto(emails: list[str], subject: str | None, body: str) -> str:
    """A mailto: link that opens the mail client with the draft filled in (RFC 6068)."""
    to = ",".join(urllib.parse.quote(e, safe="@") for e in emails)
    query = {"body": body}
    if subject:
        query = {"subject": subject, "body": body}
    return f"mailto:{to}?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)


def _emails(owner, people: list[Person]) -> list[str]:
    out = []
    for p in people:
        first = (
            owned_rows(ContactPoint.objects.filter(person=p, kind=ContactPoint.EMAIL), owner)
            .order_by("-is_primary", "id")
            .values_list("value", flat=True)
            .first()
        )
        if first:
            out.append(first)
    return out


@require_GET
def draft(request: HttpRequest, item_id: str) -> HttpResponse:
    owner = owner_of(request)
    try:
        with transaction.atomic():
            item = access_item(owner, item_id)
            if item.kind == "intro":
                result = drafts.render_intro_draft(owner, access_intro(owner, item.ref))
            else:
                person = Person.objects.get(owner=owner, id=item.person_id)
                result = drafts.render_draft(owner, person, drafts.kind_for_item(item), item)
    except NotFound:
        raise  # before TrothError below: the middleware answers it with a 404
    except TrothError as exc:
        return page(
            request,
            "web/error.html",
            {"message": web_text(exc)},
            partial="web/_draft_error.html",
            status=400,
        )
    recipients = list(result.to) or [result.person]
    emails = _emails(owner, recipients)
    context = {
        "item": item_view(item, timezone.localdate()),
        "draft": result,
        "recipients": recipients,
        "mailto": mailto(emails, result.subject, result.body) if emails else "",
        "nav": "today",
    }
    return page(request, "web/draft.html", context, partial="web/_draft.html")
