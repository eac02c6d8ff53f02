"""Message drafts: one person, one message, built from what troth knows. Reads only.

A draft is a plain-text template in the Django template language (autoescape off)
rendered with facts about one person: their first name, how you met, the last
conversation, their open need, what they did for you and the open promises both
ways. The templates ship in `drafts/` next to this module; a file of the same name
in `<data dir>/drafts/` (TROTH_HOME honoured) replaces one. A first line
`Subject: ...` becomes the subject. Nothing is ever sent: the user edits and sends.

Facts troth does not have are left out rather than printed as "None": every group
of facts (`met`, `last`, `job`, `favor`, `need`, `my_promise`, `their_promise`) is
empty, so false in `{% if %}`, when unknown.

An introduction's drafts (`intro-*`) are about the introduction rather than one
person: its role and state say which draft is due and who it goes to (B, both, A
or C); the templates see each side (`a`, `b`, `c`, `other`), the `why`, the
forwardable `blurb` and the `outcome`.

This module picks the template and renders it; the facts are read in
troth.agenda.draft_facts and said in English by troth.agenda.draft_grammar (pure).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from troth.agenda.draft_facts import (
    Facts,
    _blurb,
    _favor,
    _job,
    _last,
    _met,
    _need,
    _occasion,
    _open_promise,
    _promise,
    _side,
    _why,
    my_name,
)
from troth.agenda.draft_grammar import (
    _clean,
    ago_phrase,
    due_phrase,
    first_name,
    to_reader,
    to_you,
)

# The grammar's helpers are used (and tested) as drafts.<name> too.
from troth.agenda.draft_grammar import agree as agree
from troth.agenda.draft_grammar import lower_first as lower_first
from troth.agenda.draft_grammar import met_place as met_place
from troth.agenda.draft_grammar import needed_thing as needed_thing
from troth.agenda.draft_grammar import promised_deed as promised_deed
from troth.agenda.draft_grammar import second_person as second_person
from troth.agenda.draft_grammar import topic_of as topic_of
from troth.agenda.intro_items import TELL_STATES, intro_candidates
from troth.agenda.plan import Candidate
from troth.errors import FieldError, NotFound, TrothError
from troth.intros import flow
from troth.intros.models import Introduction, IntroStep
from troth.intros.queries import OPEN, access_intro, phase, waiting
from troth.paths import data_dir
from troth.people.models import Person

# An introduction's drafts, in the order its steps come (see intro_plan).
INTRO_KINDS = (
    "intro-optin",
    "intro-optin-nudge",
    "intro-double",
    "intro-nudge",
    "intro-offered",
    "intro-ask",
    "intro-remind",
    "intro-release",
    "intro-followup",
    "intro-thanks",
    "intro-closed",
)
# The kinds of draft, in the agenda's order.
KINDS = (
    "promise-followup",
    "thanks",
    *INTRO_KINDS,
    "give",
    "checkin",
    "reconnect",
    "nudge",
    "release",
    "wishes",
)
# An agenda item's kind -> the draft it calls for.
FOR_AGENDA = {
    "promise": "promise-followup",
    "thanks": "thanks",
    "need": "give",
    "checkin": "checkin",
    "reconnect": "reconnect",
    "nudge": "nudge",
    "release": "release",
    "date": "wishes",
}
# Other words people type for --kind.
ALIASES = {
    **FOR_AGENDA,
    "followup": "promise-followup",
    "follow-up": "promise-followup",
    "intro-opt-in": "intro-optin",
    "intro-follow-up": "intro-followup",
    "intro-thank-you": "intro-thanks",
}
# Shared by every template, so a sign-off is changed in one place.
SIGNATURE = "signature.txt"
PACKAGE_DIR = Path(__file__).resolve().parent / "drafts"


def user_dir() -> Path:
    """Where the user's own templates live; a file here replaces the shipped one."""
    return data_dir() / "drafts"


def check_kind(kind: str) -> str:
    word = kind.strip().lower()
    word = ALIASES.get(word, word)
    if word not in KINDS:
        raise FieldError("kind", f": unknown draft kind {kind!r}; use one of {', '.join(KINDS)}")
    return word


def kind_for_item(item: Candidate) -> str:
    try:
        return FOR_AGENDA[item.kind]
    except KeyError:
        raise TrothError(f"agenda item {item.id} has no draft yet ({item.kind})") from None


@dataclass(frozen=True)
class Template:
    name: str  # the file name, like thanks.txt
    path: Path  # the file in use
    overridden: bool  # True when the user's own file replaces the shipped one


def templates() -> list[Template]:
    """Every template, with the file in use."""
    out = []
    for name in [f"{k}.txt" for k in KINDS] + [SIGNATURE]:
        own = user_dir() / name
        out.append(Template(name, own if own.is_file() else PACKAGE_DIR / name, own.is_file()))
    return out


def build_context(
    owner, person: Person, kind: str, item: Candidate | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Everything a template may use about one of the owner's contacts.

    `item` (an agenda item for this person) picks which promise, favour or need the
    draft is about; without it the most pressing one is used."""
    kind = check_kind(kind)
    if person.owner_id != owner.id:
        raise NotFound(f"no person with id {person.id}")
    if kind in INTRO_KINDS:
        raise TrothError(
            f"an {kind} draft is about an introduction: troth draft iN (list them: troth intros)"
        )
    if person.is_me:
        raise TrothError("a draft is for one of your contacts, not yourself")
    if item is not None and item.person_id != person.id:
        raise TrothError(f"agenda item {item.id} is about {item.person}, not {person.full_name}")
    today = today or timezone.localdate()
    # the agenda item says which promise, favour or need the draft is about
    ref: dict[str, int | None] = dict.fromkeys(
        ("promise", "nudge", "release", "thanks", "need", "date")
    )
    if item is not None and item.kind in ref:
        ref[item.kind] = item.ref
    theirs = ref["nudge"] if ref["nudge"] is not None else ref["release"]
    context = {
        "kind": kind,
        "today": today,
        "first_name": first_name(person),
        "name": person.full_name,
        "my_name": my_name(owner),
        "met": _met(owner, person),
        "last": _last(owner, person, today),
        "job": _job(person),
        "favor": _favor(owner, person, ref["thanks"], today),
        "need": _need(owner, person, ref["need"], today),
        "my_promise": _promise(_open_promise(owner, person, True, ref["promise"]), person, today),
        "their_promise": _promise(_open_promise(owner, person, False, theirs), person, today),
        "occasion": _occasion(owner, person, ref["date"], today),
        "item": item.id if item is not None else "",
    }
    _check_facts(context, person)
    return context


# A draft that rests on a fact troth does not have would say something untrue
# ("thank you for your help" to someone who gave none): refuse and say why. A
# "give" draft without a known need asks what they need, which is always true.
_NEEDS_FACT = {
    "thanks": ("favor", "nothing from {name} is recorded to thank for (troth got NAME KIND ...)"),
    "promise-followup": ("my_promise", "you have no open promise to {name}"),
    "nudge": ("their_promise", "{name} has no open promise to you"),
    "release": ("their_promise", "{name} has no open promise to you"),
    "wishes": (
        "occasion",
        "no birthday or other date of {name}'s is kept (troth date NAME birthday MM-DD)",
    ),
}
# Reconnecting is for a tie gone quiet; a contact this recent calls for a check-in.
RECONNECT_AFTER_DAYS = 14


def _check_facts(context: dict[str, Any], person: Person) -> None:
    kind = context["kind"]
    if kind in _NEEDS_FACT:
        fact, why = _NEEDS_FACT[kind]
        if not context[fact]:
            raise TrothError(f"no {kind} draft: " + why.format(name=person.full_name))
    last = context["last"]
    if (
        kind == "reconnect"
        and last
        and (context["today"] - last["date"]).days < RECONNECT_AFTER_DAYS
    ):
        raise TrothError(
            f"no reconnect draft: you were in touch with {person.full_name} {last['when']};"
            " try --kind checkin"
        )


# -- rendering -----------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    person: Person  # who it goes to (the first of them for an introduction to both)
    kind: str
    subject: str | None
    body: str
    template: Path
    item: str | None = None
    to: tuple[Person, ...] = ()  # everyone it goes to
    intro: int | None = None  # the introduction it is about


def _engine() -> Engine:
    # debug=True keeps the file and line of a template error (and skips the cache,
    # so an edited override is used at once).
    return Engine(
        dirs=[str(user_dir()), str(PACKAGE_DIR)],
        debug=True,
        autoescape=False,
        string_if_invalid="",
    )


_ON_LINE = re.compile(r" on line \d+")


def _template_error(exc: Exception, fallback: Path, message: str = "") -> TrothError:
    """One line naming the file (an included one when the error is there) and the line."""
    info = getattr(exc, "template_debug", None) or {}
    where = str(info.get("name") or fallback)
    line = f", line {info['line']}" if info.get("line") else ""
    if not message:
        message = (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip()
        message = _ON_LINE.sub("", message.removesuffix("Must be one of:")).strip().rstrip(":")
    return TrothError(f"draft template {where}{line}: {message}")


_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
_SPACE_BEFORE = re.compile(r"[ \t]+(?=[.,;:!?)])")
_BLANKS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Whitespace a template's tags leave behind: doubled spaces, a space before
    punctuation, trailing spaces and runs of blank lines."""
    lines = [_SPACE_BEFORE.sub("", _SPACES.sub(" ", line)).rstrip() for line in text.splitlines()]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def split_subject(text: str) -> tuple[str | None, str]:
    """A first line 'Subject: ...' is the subject; the rest is the body."""
    head, _, rest = text.partition("\n")
    if head.lower().startswith("subject:"):
        subject = " ".join(head.split(":", 1)[1].split())
        return subject or None, rest.strip()
    return None, text.strip()


def _render(kind: str, context: dict[str, Any]) -> tuple[str | None, str, Path]:
    """(subject, body, file used) of one kind's template; a broken template is a
    TrothError naming its file and line."""
    name = f"{kind}.txt"
    own = user_dir() / name
    path = own if own.is_file() else PACKAGE_DIR / name
    try:
        template = _engine().get_template(name)
        path = Path(template.origin.name)
        text = template.render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise _template_error(exc, path) from None
    except TemplateDoesNotExist as exc:  # an {% include %} of a file that is not there
        raise _template_error(exc, path, f"no template called {exc}") from None
    except UnicodeDecodeError:
        raise TrothError(f"draft template {path}: not UTF-8 text") from None
    except OSError as exc:
        raise TrothError(f"draft template {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # a filter that fails on its value, e.g. {{ name|date:"Y" }}
        raise _template_error(exc, path) from None
    subject, body = split_subject(tidy(text))
    return subject, body, path


def render_draft(
    owner, person: Person, kind: str, item: Candidate | None = None, today: dt.date | None = None
) -> Draft:
    """One message to one person, ready to edit; a broken template is a TrothError
    naming its file and line. An introduction's kind drafts the introduction that
    calls for it to this person (the agenda item's, when it is an introduction)."""
    kind = check_kind(kind)
    if kind in INTRO_KINDS:
        if person.owner_id != owner.id:
            raise NotFound(f"no person with id {person.id}")
        if item is not None and item.kind == "intro":
            intro = access_intro(owner, item.ref)
        else:
            intro = intro_for_person(owner, person, kind)
        draft = render_intro_draft(owner, intro, kind, today)
        if person.id not in [p.id for p in draft.to]:
            names = " and ".join(p.full_name for p in draft.to)
            raise TrothError(
                f"the {kind} draft for introduction #{intro.id} goes to {names},"
                f" not {person.full_name}"
            )
        return draft
    context = build_context(owner, person, kind, item, today)
    subject, body, path = _render(kind, context)
    return Draft(
        person=person,
        kind=kind,
        subject=subject,
        body=body,
        template=path,
        item=item.id if item is not None else None,
        to=(person,),
    )


# -- introductions -------------------------------------------------------------------


@dataclass(frozen=True)
class IntroPlan:
    """The draft an introduction's current step calls for."""

    kind: str
    to: tuple[Person, ...]  # who it goes to
    about: Person  # the other side: who the message is about


def _plan(intro: Introduction, today: dt.date | None = None) -> IntroPlan | None:
    a, b, c = intro.person_a, intro.person_b, intro.introducer
    state = intro.state
    # The agenda's nudge and release for this introduction have their own drafts.
    due = phase(intro, today or timezone.localdate())
    nudge = due is not None and due.action == "nudge"
    if intro.role == flow.CONNECTOR and intro.a_asked and state in TELL_STATES:
        return IntroPlan("intro-closed", (a,), b)  # A asked: A hears it is not happening
    if intro.role == flow.CONNECTOR:
        if state == flow.PROPOSED:  # B's opt-in first: nothing reaches B unasked
            return IntroPlan("intro-optin", (b,), a)
        if state == flow.ASKED and nudge:
            return IntroPlan("intro-optin-nudge", (b,), a)
        if state == flow.ACCEPTED and not intro.a_asked:  # A did not ask: A opts in too
            return IntroPlan("intro-optin", (a,), b)
        if state == flow.ASKED_A and nudge:
            return IntroPlan("intro-optin-nudge", (a,), b)
        if state in (flow.ACCEPTED, flow.AGREED):
            return IntroPlan("intro-double", (a, b), b)
        if state == flow.INTRODUCED:  # A has not followed up yet
            return IntroPlan("intro-nudge", (a,), b)
        return None
    if due is not None and due.action == "close" and due.close == flow.RELEASED:
        return IntroPlan("intro-release", (c,), b)
    if nudge and state in (flow.ASKED, flow.AGREED, flow.ACCEPTED):
        return IntroPlan("intro-remind", (c,), b)
    if state == flow.OFFERED:  # thank C at once, with a note C can forward as is
        return IntroPlan("intro-offered", (c,), b)
    if state == flow.ASKED:
        return IntroPlan("intro-ask", (c,), b)
    if state == flow.INTRODUCED:
        return IntroPlan("intro-followup", (b,), c)
    if state in (flow.FOLLOWED_UP, flow.MET, flow.OUTCOME):
        return IntroPlan("intro-thanks", (c,), b)
    return None


def intro_plan(intro: Introduction, today: dt.date | None = None) -> IntroPlan:
    """Which draft the introduction's step calls for and who it goes to; a
    TrothError naming the state when the step has none."""
    plan = _plan(intro, today)
    if plan is not None:
        return plan
    state = flow.word(intro.state)
    if intro.state in flow.ENDED or intro.state not in flow.STATES:
        raise TrothError(
            f"introduction #{intro.id} is {state}: it has ended, so there is nothing to draft"
        )
    w = waiting(intro)
    due = phase(intro, today or timezone.localdate())
    if due is not None and due.action == "close":
        raise TrothError(
            f"introduction #{intro.id} is {state}: time to close it quietly as"
            f" {flow.word(due.close)}, with nothing to send (troth done i{intro.id})"
        )
    if w is not None and not w.on_me:
        raise TrothError(
            f"introduction #{intro.id} is {state}: waiting for {w.step}; nothing to draft"
            " until it is time for a nudge (troth intros --stalled)"
        )
    raise TrothError(f"introduction #{intro.id} is {state}: no draft for this step")


def intro_for_person(owner, person: Person, kind: str) -> Introduction:
    """The owner's one open introduction whose step calls for this kind of draft to
    this person."""
    kind = check_kind(kind)
    rows = Introduction.objects.filter(owner=owner, state__in=OPEN).select_related(
        "introducer", "person_a", "person_b"
    )
    fits = [
        i
        for i in rows
        if (p := _plan(i)) is not None and p.kind == kind and person.id in [t.id for t in p.to]
    ]
    if not fits:
        raise TrothError(
            f"no {kind} draft for {person.full_name}: no introduction is at that step with them"
            " (see troth intros)"
        )
    if len(fits) > 1:
        ids = ", ".join(f"i{i.id}" for i in fits)
        raise TrothError(
            f"several introductions call for an {kind} draft to {person.full_name} ({ids});"
            f" name one: troth draft i{fits[0].id}"
        )
    return fits[0]


def is_intro_draft_for(intro: Introduction, person: Person, today: dt.date | None = None) -> bool:
    """Whether the introduction's step calls for a draft to this person."""
    plan = _plan(intro, today)
    return plan is not None and person.id in [p.id for p in plan.to]


def build_intro_context(
    owner, intro: Introduction, kind: str | None = None, today: dt.date | None = None
) -> tuple[IntroPlan, dict[str, Any]]:
    """The draft an introduction calls for (`kind`, when given, must be it) and
    everything its template may use."""
    if intro.owner_id != owner.id:
        raise NotFound(f"no introduction with id {intro.id} (list them with: troth intros)")
    today = today or timezone.localdate()
    plan = intro_plan(intro, today)
    if kind is not None:
        kind = check_kind(kind)
        if kind != plan.kind:
            raise TrothError(
                f"introduction #{intro.id} is {flow.word(intro.state)}: its draft is"
                f" {plan.kind}, not {kind}"
                if kind in INTRO_KINDS
                else f"introduction #{intro.id} calls for an {plan.kind} draft, not {kind}"
            )
    when: dict[str, str] = {}
    outcome_note = ""
    for step in IntroStep.objects.filter(owner=owner, intro=intro).order_by("at", "id"):
        if step.from_state == step.state:  # the nudge, not a step
            continue
        when[step.state] = ago_phrase(timezone.localdate(step.at), today)
        if step.state == flow.OUTCOME:
            outcome_note = step.note
    why_text = intro.why
    if len(plan.to) == 1:
        why_text = to_you(_clean(why_text), plan.to[0])
    names = frozenset(
        w
        for p in (intro.person_a, intro.person_b, intro.introducer)
        for w in p.full_name.split() + [first_name(p)]
    )
    why = _why(why_text, names)
    blurb = Facts()
    if plan.kind in ("intro-ask", "intro-offered", "intro-remind"):
        # the note is read by B: "he" and "his" in the reason are B's, said as "you"
        # (issue 18 item 11), unless the reason names the introducer too
        about_b = to_reader(_clean(intro.why), intro.person_b, (intro.introducer,))
        blurb = _blurb(owner, intro, _why(about_b, names))
    sides = {
        key: _side(owner, p, today)
        for key, p in (("a", intro.person_a), ("b", intro.person_b), ("c", intro.introducer))
    }
    other = next(v for v in sides.values() if v["id"] == plan.about.id)
    context = {
        "kind": plan.kind,
        "today": today,
        "intro": intro.id,
        "role": intro.role,
        "state": intro.state,
        "first_name": " and ".join(first_name(p) for p in plan.to),
        "name": " and ".join(p.full_name for p in plan.to),
        "my_name": my_name(owner),
        **sides,
        "other": other,
        "why": why,
        "blurb": blurb,
        "outcome": (
            Facts(intro.outcome, word=intro.outcome, note=_clean(outcome_note))
            if intro.outcome
            else Facts()
        ),
        # writing to A when A did not ask: B has been asked too (and named A)
        "to_a": plan.to[0].id == intro.person_a.id and len(plan.to) == 1,
        "a_asked": intro.a_asked,
        "when": when,
        # the opt-in being nudged: when this reader was asked
        "asked_when": when.get(flow.ASKED_A if intro.state == flow.ASKED_A else flow.ASKED, ""),
        "offered": intro.offered,
        "due": (
            Facts(
                due_phrase(intro.due_on, today),
                date=intro.due_on,
                phrase=due_phrase(intro.due_on, today),
            )
            if intro.due_on
            else Facts()
        ),
        "item": "",
    }
    return plan, context


def render_intro_draft(
    owner, intro: Introduction, kind: str | None = None, today: dt.date | None = None
) -> Draft:
    """The message an introduction's current step calls for (B's opt-in, the
    introduction to both, a nudge to A, the ask to C with a forwardable blurb, the
    follow-up to B, the thank-you to C)."""
    plan, context = build_intro_context(owner, intro, kind, today)
    subject, body, path = _render(plan.kind, context)
    day = context["today"]
    listed = any(c.ref == intro.id for c in intro_candidates(owner, day))
    return Draft(
        person=plan.to[0],
        kind=plan.kind,
        subject=subject,
        body=body,
        template=path,
        item=f"i{intro.id}" if listed else None,
        to=plan.to,
        intro=intro.id,
    )
