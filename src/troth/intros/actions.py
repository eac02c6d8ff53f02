"""Writes for introductions. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from troth.errors import Conflict, FieldError, TrothError
from troth.events import emit
from troth.intros import flow
from troth.intros.models import Introduction, IntroStep
from troth.intros.queries import OPEN, closer_paths, open_request, tie_of, why_not_warm_tie
from troth.ledger.models import Favor
from troth.lib.text import whole
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import check_length
from troth.people.models import Person
from troth.trust.asking import ready_to_ask
from troth.trust.warmth import COLD_TIERS

# Introducing people you barely know is the "networking handoff" the seeds warn
# about: a tie that is not warm (troth.trust.warmth, the one rule) is too weak to vouch for.
WEAK_TIERS = COLD_TIERS


def _two_contacts(x: Person, y: Person) -> None:
    if x.is_me or y.is_me:
        raise TrothError("an introduction is between two of your contacts; you are neither side")
    if x.id == y.id:
        raise TrothError(f"cannot introduce {x.full_name} to themselves")


def _guard(owner: Owner, person: Person, anyway: str, what: str, better: str) -> bool:
    """Refuse a tie that is not warm (troth.trust.warmth: a cold tier, or a tie too new
    to have been tested) unless told why; True when the guard was passed with --anyway."""
    tier, score, why = why_not_warm_tie(owner, person)
    if why:
        if not anyway.strip():
            state = (
                f"is {tier} (trust {whole(score)})"
                if tier in WEAK_TIERS
                else f"is new ({tier}, trust {whole(score)}; {why})"
            )
            raise TrothError(
                f"your tie to {person.full_name} {state}: {what}. {better},"
                ' or pass --anyway "why" to go ahead'
            )
        return True
    return False


# Ties close enough that asking a third person to introduce you would be odd.
KNOWN_TIERS = ("inner", "close", "active")


def _record(owner: Owner, intro: Introduction, old: str, note: str = "") -> IntroStep:
    conduct = flow.conduct(intro.role, old, intro.state) if old else None
    person = None
    if conduct is not None:
        person = {
            "a": intro.person_a,
            "b": intro.person_b,
            "introducer": intro.introducer,
            "me": me_person(owner),
        }[conduct.who]
    step = IntroStep.objects.create(
        owner=owner,
        intro=intro,
        from_state=old,
        state=intro.state,
        note=note.strip(),
        at=intro.updated_at,
        person=person,
        good=None if conduct is None else conduct.good,
    )
    emit(
        owner, "intro.step", intro, step={"from": old or None, "to": intro.state, "note": step.note}
    )
    return step


def _why(why: str, missing: str) -> str:
    """The reason an introduction is for, stripped; `missing`: what to say when empty."""
    why = why.strip()
    check_length(why, "why")
    if not why:
        raise TrothError(missing)
    return why


def _create(owner: Owner, note: str, **fields: Any) -> Introduction:
    """A new introduction, made and touched now, with its first step recorded."""
    now = timezone.now()
    intro = Introduction.objects.create(owner=owner, created_at=now, updated_at=now, **fields)
    _record(owner, intro, "", note)
    return intro


def do_propose(
    owner: Owner, a: Person, b: Person, why: str, *, a_asked: bool = False, anyway: str = ""
) -> Introduction:
    """As connector: propose introducing A to B (nothing is sent to anyone yet)."""
    _two_contacts(a, b)
    why = _why(why, "say why these two should meet: it is the heart of the introduction")
    check_length(anyway, "--anyway")
    same = Introduction.objects.filter(owner=owner, state__in=OPEN).filter(
        Q(person_a=a, person_b=b) | Q(person_a=b, person_b=a)
    )
    if (existing := same.first()) is not None:
        raise Conflict(
            f"introduction #{existing.id} between them is already {flow.word(existing.state)}"
        )
    guarded = [
        _guard(
            owner,
            person,
            anyway,
            "introducing people you barely know is the networking handoff, and helps nobody",
            f"Build the tie with {person.given_name or person.full_name} first",
        )
        for person in (a, b)
    ]
    # --anyway is kept only where it went past the guard: it is a reason, not a label.
    anyway = anyway if any(guarded) else ""
    return _create(
        owner,
        "proposed",
        role=Introduction.CONNECTOR,
        introducer=me_person(owner),
        person_a=a,
        person_b=b,
        why=why,
        a_asked=a_asked,
        anyway=anyway.strip(),
        state=flow.PROPOSED,
    )


def do_ask(
    owner: Owner, c: Person, b: Person, why: str, *, blurb: str = "", anyway: str = ""
) -> Introduction:
    """As requester: ask C to introduce me to B (C forwards my blurb; B opts in first)."""
    _two_contacts(c, b)
    why = _why(why, "say why you want to meet them: C needs it to ask B")
    check_length(blurb, "--blurb")
    check_length(anyway, "--anyway")
    me = me_person(owner)
    if (existing := open_request(owner, me, b)) is not None:
        raise TrothError(
            f"you already asked for an introduction to {b.full_name}"
            f" (#{existing.id}, {flow.word(existing.state)})"
        )
    paths = closer_paths(owner, b, exclude=c)
    better = (
        "Find someone closer: "
        + ", ".join(f"{name} ({tier})" for name, tier in paths[:3])
        + f" also know{'s' if len(paths) == 1 else ''} {b.full_name}"
        if paths
        else f"Build the tie with {c.given_name or c.full_name} first"
    )
    tier_b, score_b = tie_of(owner, b)
    if tier_b in KNOWN_TIERS and not anyway.strip():
        raise TrothError(
            f"you already know {b.full_name} ({tier_b} tie, trust {whole(score_b)}): talk to"
            f' {b.given_name or b.full_name} directly, or pass --anyway "why"'
        )
    guarded = _guard(
        owner, c, anyway, "asking someone you barely know to vouch for you rarely works", better
    )
    verdict = ready_to_ask(owner, c, "intro")
    if not verdict["ready"] and not anyway.strip():
        first = verdict["first"][0] if verdict["first"] else better
        raise TrothError(
            f"not ready to ask {c.full_name} for an introduction: {verdict['why'][0]}."
            f' {first[0].upper()}{first[1:]} (or pass --anyway "why")'
        )
    # --anyway is kept where it went past a guard (a weak tie, someone I already know,
    # or "not ready to ask"): it is a reason, not a label.
    if not (guarded or tier_b in KNOWN_TIERS or not verdict["ready"]):
        anyway = ""
    return _create(
        owner,
        "asked",
        role=Introduction.REQUESTER,
        introducer=c,
        person_a=me,
        person_b=b,
        why=why,
        blurb=blurb.strip(),
        anyway=anyway.strip(),
        state=flow.ASKED,
    )


# An offer with no date said is due in two weeks: the agenda's own rhythm for a
# promise to me (two weeks from the nudge to the release, agenda.queries); no
# research figure fits an introducer's promise more closely.
OFFER_DUE_DAYS = 14


def do_offered(
    owner: Owner,
    c: Person,
    b: Person,
    why: str,
    *,
    due: dt.date | None = None,
    blurb: str = "",
) -> Introduction:
    """C offered, unasked, to introduce me to B: C's promise, kept inside the
    introduction. My first step is to thank C at once with a note C can forward to
    B as is, so C has no work to do and B is free to say no."""
    _two_contacts(c, b)
    why = _why(why, "say why you would like to meet them: it goes in the note C forwards")
    check_length(blurb, "--blurb")
    today = timezone.localdate()
    if due is None:
        due = today + dt.timedelta(days=OFFER_DUE_DAYS)
    elif due < today:
        raise FieldError("due", f"{due} is before today ({today}): when should it have happened?")
    me = me_person(owner)
    if (existing := open_request(owner, me, b)) is not None:
        raise TrothError(
            f"an introduction to {b.full_name} is already under way"
            f" (#{existing.id}, {flow.word(existing.state)})"
        )
    return _create(
        owner,
        "offered",
        role=Introduction.REQUESTER,
        introducer=c,
        person_a=me,
        person_b=b,
        why=why,
        blurb=blurb.strip(),
        offered=True,
        due_on=due,
        state=flow.OFFERED,
    )


def do_step(
    owner: Owner, intro: Introduction, new: str, note: str = "", outcome: str = ""
) -> Introduction:
    """Move an introduction one legal step on, recording when and what it says about
    whoever acted (responding, following up, thanking; or not)."""
    new = flow.parse_state(new)
    try:
        flow.check_step(intro.role, intro.state, new, intro.a_asked)
    except flow.IllegalStep as exc:
        raise TrothError(f"introduction #{intro.id}: {exc}") from None
    check_length(note, "the note")
    if outcome.strip() and new != flow.OUTCOME:
        # the CLI's next command in the message, the web's and the API's field name
        raise FieldError("outcome", f"goes with the outcome step, not {flow.word(new)}")
    if new == flow.OUTCOME:
        outcome = outcome.strip().lower()
        if outcome not in flow.OUTCOMES:
            raise TrothError(f"outcome must be one of {', '.join(flow.OUTCOMES)}, got {outcome!r}")
        intro.outcome = outcome
    old = intro.state
    intro.state = new
    intro.updated_at = timezone.now()
    # A new step gets its own nudge if it stalls; an offer is one promise, so it
    # gets one nudge in all (never a second chase).
    if not intro.offered:
        intro.nudged_at = None
    if new == flow.INTRODUCED and intro.favor_id is None:
        intro.favor = _introduction_favor(owner, intro)
    if new == flow.THANKED and intro.role == Introduction.REQUESTER and intro.favor_id:
        Favor.objects.filter(owner=owner, id=intro.favor_id).update(thanked_on=timezone.localdate())
    intro.save()
    _record(owner, intro, old, note)
    return intro


def _introduction_favor(owner: Owner, intro: Introduction) -> Favor:
    """An introduction made is a favour: mine to A as connector, C's to me as requester."""
    if intro.role == Introduction.CONNECTOR:
        giver, receiver = intro.introducer, intro.person_a
        what = f"introduced {intro.person_a.full_name} to {intro.person_b.full_name}"
    else:
        giver, receiver = intro.introducer, intro.person_a
        what = f"introduced me to {intro.person_b.full_name}"
    favor = Favor.objects.create(
        owner=owner,
        giver=giver,
        receiver=receiver,
        kind="intro",
        what=what,
        given_on=timezone.localdate(),
    )
    return favor


def do_nudge(owner: Owner, intro: Introduction) -> Introduction:
    """The one gentle nudge a stalled step gets."""
    if intro.state not in OPEN:
        raise TrothError(f"introduction #{intro.id} has ended ({flow.word(intro.state)})")
    if intro.nudged_at is not None:
        raise TrothError(
            f"introduction #{intro.id} was already nudged on {intro.nudged_at:%Y-%m-%d};"
            " one nudge is enough"
        )
    intro.nudged_at = timezone.now()
    intro.save(update_fields=["nudged_at"])
    # In the story too, not only on the card: it says the one chase was spent.
    IntroStep.objects.create(
        owner=owner,
        intro=intro,
        from_state=intro.state,
        state=intro.state,
        note="nudged",
        at=intro.nudged_at,
    )
    return intro
