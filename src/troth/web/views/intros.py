"""Introductions: a board by stage, each card saying who, why, what waits on whom,
the next draft one click away and the legal next steps as buttons; and the two
ways to start one (propose, as connector; ask, as requester) behind the same
handoff guard as `troth intro`."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from troth.agenda import drafts
from troth.errors import Ambiguous, NotFound, TrothError, web_text
from troth.intros import flow
from troth.intros.actions import (
    OFFER_DUE_DAYS,
    do_ask,
    do_nudge,
    do_offered,
    do_propose,
    do_step,
)
from troth.intros.models import Introduction
from troth.intros.queries import (
    access_intro,
    days_since,
    intro_conduct,
    intros,
    is_stalled,
    waiting,
)
from troth.lib.text import fold, is_number
from troth.people.actions import MAX_TEXT
from troth.people.models import Employment, Relationship
from troth.people.queries import people_for, resolve_person
from troth.trust.models import TrustScore
from troth.web.forms import Form
from troth.web.views.common import is_htmx, owner_of, page
from troth.web.views.today import _emails, mailto

# The board's columns: stages of the double opt-in, both roles side by side.
COLUMNS = (
    ("asking", "Asking", (flow.OFFERED, flow.PROPOSED, flow.ASKED, flow.ASKED_A, flow.AGREED)),
    ("agreed", "Agreed", (flow.ACCEPTED,)),
    ("introduced", "Introduced", (flow.INTRODUCED, flow.FOLLOWED_UP)),
    ("met", "Met", (flow.MET, flow.OUTCOME)),
)


def _column(i: Introduction) -> str:
    """A connector's introduction is agreed only once everyone asked said yes: with
    A still to opt in it is asking, and A's yes (agreed) makes it agreed."""
    if i.role == flow.CONNECTOR and i.state == flow.ACCEPTED and not i.a_asked:
        return "asking"
    if i.role == flow.CONNECTOR and i.state == flow.AGREED:
        return "agreed"
    return next((key for key, _label, states in COLUMNS if i.state in states), "")


ENDED_SHOWN = 30  # the latest ended ones; the rest are in `troth intros --json`

# What each step's button says (the state it moves to).
STEP_LABEL = {
    flow.ASKED: "Asked them",
    flow.AGREED: "They agreed to ask",
    flow.ACCEPTED: "Said yes",
    flow.DECLINED: "Said no",
    flow.NO_ANSWER: "No answer",
    flow.INTRODUCED: "Introduced",
    flow.FOLLOWED_UP: "I followed up",
    flow.MET: "They met",
    flow.NOT_MET: "Never followed up",
    flow.OUTCOME: "Record the outcome",
    flow.THANKED: "Thanked",
    flow.WITHDRAWN: "Withdraw",
    flow.ASKED_A: "Asked the other one too",
    flow.RELEASED: "Let them off the hook",
}
# A connector's "agreed" is A's yes, after B's.
CONNECTOR_LABEL = {flow.AGREED: "They said yes too"}
# An offer: my first step is the thank-you with a note to forward.
OFFERED_LABEL = {flow.AGREED: "Thanked, note sent"}
STEP_DONE = {
    flow.ASKED: "Asked.",
    flow.AGREED: "They agreed to ask.",
    flow.ACCEPTED: "They said yes.",
    flow.DECLINED: "They said no: it ends here, quietly.",
    flow.NO_ANSWER: "No answer: it ends here, quietly.",
    flow.INTRODUCED: "Introduced: recorded as a favour.",
    flow.FOLLOWED_UP: "Followed up.",
    flow.MET: "They met.",
    flow.NOT_MET: "Never followed up: it ends here.",
    flow.OUTCOME: "Outcome recorded.",
    flow.THANKED: "Thanked: the loop is closed.",
    flow.WITHDRAWN: "Withdrawn.",
    flow.ASKED_A: "Asked.",
    flow.RELEASED: "Released, graciously: no second chase.",
    flow.OFFERED: "Offer recorded.",
}

# What each introduction draft is, in words.
DRAFT_WORDS = {
    "intro-optin": "the opt-in request",
    "intro-optin-nudge": "a gentle reminder",
    "intro-double": "the introduction",
    "intro-nudge": "a nudge",
    "intro-offered": "the thank-you, with a note to forward",
    "intro-ask": "the ask",
    "intro-remind": "one gentle nudge",
    "intro-release": "a gracious release",
    "intro-followup": "your follow-up",
    "intro-thanks": "a thank-you",
    "intro-closed": "a kind word that it is not happening",
}

_ADD_THEM = re.compile(r" Add them with: troth add .*$")
_ANYWAY = re.compile(r'(?:or )?pass --anyway "why"(?: to go ahead)?')


def web_words(message: str) -> str:
    """The service's advice names command-line options; here they are form fields."""
    message = _ANYWAY.sub('give a reason under "Go ahead anyway, because" to go ahead', message)
    return message.replace("(give a reason", "(or give a reason")


class Filters:
    def __init__(self, data) -> None:
        self.waiting_on_me = data.get("waiting") == "me"
        self.stalled = data.get("stalled") == "1"

    @property
    def query(self) -> str:
        q = {}
        if self.waiting_on_me:
            q["waiting"] = "me"
        if self.stalled:
            q["stalled"] = "1"
        return urllib.parse.urlencode(q)

    @property
    def any(self) -> bool:
        return self.waiting_on_me or self.stalled


def _title(i: Introduction) -> str:
    if i.role == flow.CONNECTOR:
        return f"You introduce {i.person_a.full_name} to {i.person_b.full_name}"
    return f"{i.introducer.full_name} introduces you to {i.person_b.full_name}"


def card(i: Introduction, today, *, error: str = "", done: str = "") -> dict[str, Any]:
    w = waiting(i)
    days = days_since(i, today)
    legal = flow.next_states(i.role, i.state, i.a_asked)
    try:
        plan: drafts.IntroPlan | None = drafts.intro_plan(i, today)
    except TrothError:
        plan = None
    labels = {
        **STEP_LABEL,
        **(CONNECTOR_LABEL if i.role == flow.CONNECTOR else {}),
        **(OFFERED_LABEL if i.state == flow.OFFERED else {}),
    }
    people = [p for p in (i.introducer, i.person_a, i.person_b) if not p.is_me]
    return {
        "id": i.id,
        "role": i.role,
        "title": _title(i),
        "people": people,
        "state": flow.word(i.state),
        "days": days,
        "why": i.why,
        "blurb": i.blurb,
        "anyway": i.anyway,
        "outcome": i.outcome,
        "on_me": bool(w and w.on_me),
        "waiting_on": None if w is None or w.on_me else w.who,
        "next": w.step if w else "",
        "stalled": is_stalled(i, today),
        "nudged": i.nudged_at is not None,
        "offered": i.offered,
        "due": i.due_on,
        "suggested": w.next_state if w and w.on_me else "",
        "steps": [(s, labels.get(s, flow.word(s))) for s in legal],
        "needs_outcome": flow.OUTCOME in legal,
        "draft": None
        if plan is None
        else {
            "kind": plan.kind,
            "what": DRAFT_WORDS.get(plan.kind, plan.kind),
            "to": " and ".join(p.full_name for p in plan.to),
        },
        "error": error,
        "done": done,
    }


def board(owner, filters: Filters, messages_for: dict[int, dict[str, str]] | None = None):
    today = timezone.localdate()
    rows = intros(owner, waiting_on_me=filters.waiting_on_me, stalled=filters.stalled, today=today)
    messages_for = messages_for or {}
    cards = {i.id: card(i, today, **messages_for.get(i.id, {})) for i in rows}
    columns = []
    for key, label, _states in COLUMNS:
        inside = [cards[i.id] for i in rows if _column(i) == key]
        columns.append({"key": key, "label": label, "cards": inside})
    ended = [cards[i.id] for i in rows if not _column(i)]
    return {
        "columns": columns,
        "ended": ended[:ENDED_SHOWN],
        "ended_count": len(ended),
        "total": len(rows),
        "filters": filters,
        "filter_query": filters.query,
    }


# -- forms ----------------------------------------------------------------------------

TEXT = forms.Textarea(attrs={"rows": 2, "maxlength": MAX_TEXT})
NAME = {"autocomplete": "off", "spellcheck": "false", "list": "intro-people"}
SUGGESTED_NAMES = 300  # the strongest ties, offered as you type a name


class ProposeForm(Form):
    a = forms.CharField(
        label="Introduce", max_length=200, help_text="a name or #id", widget=forms.TextInput(NAME)
    )
    b = forms.CharField(label="to", max_length=200, widget=forms.TextInput(NAME))
    why = forms.CharField(label="Why these two should meet", widget=TEXT, max_length=MAX_TEXT)
    a_asked = forms.BooleanField(label="The first one asked me for this", required=False)
    anyway = forms.CharField(
        label="Go ahead anyway, because",
        required=False,
        max_length=500,
        help_text="only if troth warns that a tie is too weak",
    )


class AskForm(Form):
    c = forms.CharField(
        label="Ask", max_length=200, help_text="who knows them", widget=forms.TextInput(NAME)
    )
    b = forms.CharField(label="to introduce you to", max_length=200, widget=forms.TextInput(NAME))
    why = forms.CharField(label="Why you want to meet them", widget=TEXT, max_length=MAX_TEXT)
    blurb = forms.CharField(
        label="A short note about you they can forward as is",
        required=False,
        widget=TEXT,
        max_length=MAX_TEXT,
    )
    anyway = forms.CharField(
        label="Go ahead anyway, because",
        required=False,
        max_length=500,
        help_text="only if troth says to ask someone closer",
    )


class OfferedForm(Form):
    c = forms.CharField(
        label="Who offered", max_length=200, help_text="a name or #id", widget=forms.TextInput(NAME)
    )
    b = forms.CharField(label="to introduce you to", max_length=200, widget=forms.TextInput(NAME))
    why = forms.CharField(label="Why you would like to meet them", widget=TEXT, max_length=MAX_TEXT)
    due = forms.DateField(
        label="By when they said",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"empty: in {OFFER_DUE_DAYS} days",
    )
    blurb = forms.CharField(
        label="A short note about you they can forward as is",
        required=False,
        widget=TEXT,
        max_length=MAX_TEXT,
        help_text="empty: troth writes one from what it knows",
    )


class StepForm(Form):
    step = forms.ChoiceField(choices=[(s, s) for s in flow.STATES])
    note = forms.CharField(label="Note", required=False, max_length=MAX_TEXT)
    outcome = forms.ChoiceField(
        label="What came of it",
        required=False,
        choices=[("", "choose…")] + [(o, o) for o in flow.OUTCOMES],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("step") == flow.OUTCOME and not data.get("outcome"):
            self.add_error("outcome", "Pick what came of it, then press Record the outcome.")
        return data


FORMS: dict[str, type[Form]] = {"propose": ProposeForm, "ask": AskForm, "offered": OfferedForm}


def _context(request: HttpRequest, **bound: Any) -> dict[str, Any]:
    owner = owner_of(request)
    filters = Filters(request.GET)
    with transaction.atomic():
        context = board(owner, filters, bound.get("card_messages"))
        conduct = intro_conduct(owner, timezone.localdate())
    return {
        "nav": "intros",
        **context,
        "conduct": {
            "mine": conduct["mine"],
            "dropped": [r for r in conduct["theirs"] if r["dropped"]][:5],
        },
        "propose_form": bound.get("propose") or ProposeForm(prefix="propose"),
        "ask_form": bound.get("ask") or AskForm(prefix="ask"),
        "offered_form": bound.get("offered") or OfferedForm(prefix="offered"),
        "propose_done": bound.get("propose_done", ""),
        "ask_done": bound.get("ask_done", ""),
        "offered_done": bound.get("offered_done", ""),
        "outcomes": flow.OUTCOMES,
        "people_names": suggested_names(owner),
    }


def who_they_are(owner, ids: list[int]) -> dict[int, str]:
    """A few words telling people apart: current company and title, and how you met
    ("Acme, CTO; met at PyCon"); only the owner's rows."""
    jobs: dict[int, str] = {}
    for pid, org, title in (
        Employment.objects.filter(owner=owner, person_id__in=ids, is_current=True)
        .order_by("-started_on", "-id")
        .values_list("person_id", "organization__name", "title")
    ):
        jobs.setdefault(pid, ", ".join(x for x in (org, title) if x))
    met = dict(
        Relationship.objects.filter(owner=owner, person_id__in=ids)
        .exclude(met_how="")
        .values_list("person_id", "met_how")
    )
    out = {}
    for pid in ids:
        parts = [jobs.get(pid, "")] + ([f"met {met[pid]}"] if met.get(pid) else [])
        out[pid] = "; ".join(p for p in parts if p)
    return out


def suggested_names(owner) -> list[dict[str, str]]:
    """The strongest ties by the cached trust scores (suggestions only: any name or #id
    can be typed), for the name fields' datalist. Each says who they are; a name shared
    with someone else in the network carries its #id, so choosing it is unambiguous."""
    rows = list(
        TrustScore.objects.filter(owner=owner, person__is_me=False)
        .exclude(tier="stranger")
        .order_by("-score", "person_id")
        .values_list("person_id", "person__full_name", "person__name_key")[:SUGGESTED_NAMES]
    )
    keys = {key for _pid, _name, key in rows}
    shared = set(
        people_for(owner)
        .filter(name_key__in=keys)
        .values("name_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name_key", flat=True)
    )
    about = who_they_are(owner, [pid for pid, _name, _key in rows])
    out = []
    for pid, name, key in rows:
        label = about[pid]
        if key in shared:
            value = f"{name} (#{pid}{', ' + label.split(';')[0] if label else ''})"
        else:
            value = name
        out.append({"value": value, "label": label or "no company recorded"})
    return out


@require_GET
def intros_page(request: HttpRequest) -> HttpResponse:
    bound: dict[str, Any] = {}
    # From a person's page: "Bernard offered to introduce you" fills in who offered.
    offered_by = request.GET.get("offered_by", "")
    if is_number(offered_by):
        person = people_for(owner_of(request)).filter(id=int(offered_by), is_me=False).first()
        if person is not None:
            initial = {"c": f"{person.full_name} (#{person.id})"}
            bound["offered"] = OfferedForm(prefix="offered", initial=initial)
    return render(request, "web/intros.html", _context(request, **bound))


def _back(request: HttpRequest) -> HttpResponse:
    query = Filters(request.GET).query
    return redirect(reverse("web:intros") + (f"?{query}" if query else ""))


@require_POST
def step(request: HttpRequest, intro_id: int) -> HttpResponse:
    """Move one introduction one legal step on; an illegal one is a 400 that changes nothing."""
    owner = owner_of(request)
    intro = access_intro(owner, intro_id)
    form = StepForm(request.POST)
    error, done = "", ""
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        if "step" in form.errors:
            legal = flow.words(flow.next_states(intro.role, intro.state)) or ["nothing"]
            errors = [f"not a step; from {flow.word(intro.state)} next is {' or '.join(legal)}"]
        error = errors[0]
    else:
        d = form.cleaned_data
        try:
            with transaction.atomic():
                do_step(
                    owner,
                    intro,
                    d["step"],
                    d.get("note") or "",
                    outcome=(d.get("outcome") or "") if d["step"] == flow.OUTCOME else "",
                )
            done = STEP_DONE.get(d["step"], "Step recorded.")
            if d["step"] == flow.AGREED and intro.role == flow.CONNECTOR:
                done = "Both said yes: introduce them."
            elif d["step"] == flow.AGREED and intro.offered:
                done = "Thanked, with the note to forward: now it is theirs to do."
        except TrothError as exc:
            error = web_text(exc)
    return _board_response(request, intro, error, done)


def _board_response(request: HttpRequest, intro: Introduction, error: str, done: str):
    """After a step or a nudge: the board with the card's message (htmx), or back to it."""
    if not is_htmx(request) and not error:
        messages.success(request, f"{_title(intro)}: {done}")
        return _back(request)
    context = _context(request, card_messages={intro.id: {"error": error, "done": done}})
    return page(
        request,
        "web/intros.html",
        context,
        partial="web/_intro_board.html",
        status=400 if error else 200,
    )


@require_POST
def nudge(request: HttpRequest, intro_id: int) -> HttpResponse:
    """The one gentle nudge a step gone quiet gets (sent by you; recorded here)."""
    owner = owner_of(request)
    intro = access_intro(owner, intro_id)
    error, done = "", ""
    try:
        with transaction.atomic():
            do_nudge(owner, intro)
        done = "Nudged, once. If it stays quiet, close it quietly."
    except TrothError as exc:
        error = web_text(exc)
    return _board_response(request, intro, error, done)


@require_POST
def start(request: HttpRequest, kind: str) -> HttpResponse:
    """Propose an introduction (connector) or ask for one (requester)."""
    if kind not in FORMS:
        raise Http404("no such form")
    owner = owner_of(request)
    form = FORMS[kind](request.POST, prefix=kind)
    done = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                if kind == "propose":
                    a, b = _people(form, owner, "a", "b")
                    i = do_propose(owner, a, b, d["why"], a_asked=d["a_asked"], anyway=d["anyway"])
                    done = f"Proposed: {_title(i)}. Next: {waiting(i).step}."  # type: ignore[union-attr]
                elif kind == "ask":
                    c, b = _people(form, owner, "c", "b")
                    i = do_ask(owner, c, b, d["why"], blurb=d["blurb"], anyway=d["anyway"])
                    done = f"Asked: {_title(i)}. Send {c.given_name or c.full_name} the note."
                else:
                    c, b = _people(form, owner, "c", "b")
                    i = do_offered(owner, c, b, d["why"], due=d["due"], blurb=d["blurb"])
                    done = (
                        f"Recorded {c.given_name or c.full_name}'s offer, due {i.due_on:%-d %B}."
                        " Next: thank them today, with the note to forward (its draft is on the card)."
                    )
        except _FieldError:
            pass  # already on the form, next to the name
        except TrothError as exc:
            form.add_error(None, web_words(web_text(exc)))
    if not form.errors:
        if not is_htmx(request):
            messages.success(request, done)
            return _back(request)
        fresh = FORMS[kind](prefix=kind)
        context = _context(request, **{kind: fresh, f"{kind}_done": done})
        context["oob"] = True
        return render(request, f"web/_intro_{kind}.html", context)
    context = _context(request, **{kind: form})
    return page(request, "web/intros.html", context, partial=f"web/_intro_{kind}.html", status=400)


class _FieldError(Exception):
    pass


# A suggestion as the datalist offers it: "Sarah White (#97, Acme)".
_CHOSEN = re.compile(r"^(?P<name>.*?)\s*\(#(?P<id>\d+)(?:,[^)]*)?\)\s*$")


def _people(form: Form, owner, *fields: str) -> list:
    """Each named field resolved; every field's error is shown at once (with its close
    matches), not only the first one's."""
    found, failed = [], False
    for field in fields:
        try:
            found.append(_person(form, owner, field))
        except _FieldError:
            failed = True
    if failed:
        raise _FieldError
    return found


def _person(form: Form, owner, field: str):
    """Resolve a typed name as the command line does, or a chosen suggestion by its id;
    its error goes next to the field, in words for someone without a terminal."""
    text = form.cleaned_data[field]
    chosen = _CHOSEN.match(text)
    try:
        if chosen:
            person = resolve_person(owner, f"#{chosen['id']}")
            if chosen["name"] and fold(chosen["name"]) != person.name_key:
                raise NotFound(f"#{person.id} is {person.full_name}, not {chosen['name']}")
            return person
        return resolve_person(owner, text)
    except Ambiguous as exc:
        ids = [pid for pid, _name in exc.candidates[:8]]
        about = who_they_are(owner, ids)
        names = dict(exc.candidates)
        shown = "; ".join(
            f"{names[pid]} (#{pid}{', ' + about[pid] if about[pid] else ''})" for pid in ids
        )
        more = f" and {len(exc.candidates) - 8} more" if len(exc.candidates) > 8 else ""
        form.add_error(
            field,
            f"More than one person matches {text!r}: {shown}{more}. Choose the one you mean "
            "from the suggestions as you type, or type the name with its number as shown, "
            f"e.g. {names[ids[0]]} (#{ids[0]}).",
        )
    except TrothError as exc:
        form.add_error(field, _ADD_THEM.sub(" Add them first, on the People page.", web_text(exc)))
    raise _FieldError


@require_GET
def draft(request: HttpRequest, intro_id: int) -> HttpResponse:
    """The message this introduction's step calls for, to copy or open in the mail app."""
    owner = owner_of(request)
    try:
        with transaction.atomic():
            intro = access_intro(owner, intro_id)
            result = drafts.render_intro_draft(owner, intro)
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
        "item": {"id": f"i{intro.id}"},
        "intro": card(intro, timezone.localdate()),
        "draft": result,
        "recipients": recipients,
        "mailto": mailto(emails, result.subject, result.body) if emails else "",
        "nav": "intros",
    }
    return page(request, "web/intro_draft.html", context, partial="web/_draft.html")
