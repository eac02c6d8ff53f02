"""Handling agenda items and setting rhythms. Callers own the transaction."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from troth.agenda.intro_items import intro_action
from troth.agenda.models import AgendaMark
from troth.agenda.plan import Candidate
from troth.errors import TrothError
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.intros.actions import do_nudge, do_step
from troth.intros.queries import access_intro
from troth.ledger.actions import do_set_promise_status
from troth.ledger.models import Commitment, Favor
from troth.people.models import Person, Relationship

# Doing one of these means getting in touch, so it is logged as an interaction
# (which also restarts the person's cadence).
CONTACT_KINDS = ("thanks", "checkin", "reconnect", "nudge")
SUMMARY = {
    "thanks": "Said thank you",
    "checkin": "Checked in",
    "reconnect": "Reconnected",
    "nudge": "Gently reminded them of their promise",
}


def _mark(owner, item: Candidate, status: str, until: dt.date | None = None) -> AgendaMark:
    existing = AgendaMark.objects.filter(owner=owner, key=item.key).first()
    if existing is not None and existing.status != AgendaMark.SNOOZED:
        raise TrothError(f"agenda item {item.id} is already {existing.status}")
    fields = {
        "kind": item.kind,
        "ref": item.ref,
        "status": status,
        "until": until,
        "marked_at": timezone.now(),
    }
    if existing is None:
        return AgendaMark.objects.create(owner=owner, key=item.key, **fields)
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    return existing


def do_done(
    owner, item: Candidate, *, channel: str = "message", notes: str = "", log: bool = True
) -> Interaction | None:
    """Mark an item done and do what "done" means for it: a promise is kept, a
    favour thanked, a promise to me released; getting in touch is logged."""
    _mark(owner, item, AgendaMark.DONE)
    today = timezone.localdate()
    if item.kind == "promise":
        do_set_promise_status(owner, _promise(owner, item.ref), Commitment.KEPT)
    elif item.kind == "release":
        do_set_promise_status(owner, _promise(owner, item.ref), Commitment.RELEASED)
    elif item.kind == "thanks":
        Favor.objects.filter(owner=owner, id=item.ref).update(thanked_on=today)
    elif item.kind == "intro":
        return _intro_done(owner, item, channel=channel, notes=notes, log=log)
    if item.kind in CONTACT_KINDS and log:
        person = Person.objects.get(owner=owner, id=item.person_id)
        return do_log_interaction(
            owner, person, channel, summary=notes.strip() or SUMMARY[item.kind]
        )
    return None


def _intro_done(owner, item: Candidate, *, channel: str, notes: str, log: bool):
    """Done on an introduction item takes its step, or records its one nudge."""
    intro = access_intro(owner, item.ref)
    what, state = intro_action(item.key)
    if what == "step":
        do_step(owner, intro, state, notes)
        return None
    do_nudge(owner, intro)
    if not log:
        return None
    person = Person.objects.get(owner=owner, id=item.person_id)
    summary = notes.strip() or f"Gently nudged about introduction #{intro.id}"
    return do_log_interaction(owner, person, channel, summary=summary)


def _promise(owner, promise_id: int) -> Commitment:
    return Commitment.objects.select_related("debtor", "creditor").get(owner=owner, id=promise_id)


def do_snooze(owner, item: Candidate, until: dt.date) -> AgendaMark:
    today = timezone.localdate()
    if until <= today:
        raise TrothError(f"--until {until} is not after today ({today}); snooze into the future")
    return _mark(owner, item, AgendaMark.SNOOZED, until)


def do_skip(owner, item: Candidate) -> AgendaMark:
    return _mark(owner, item, AgendaMark.SKIPPED)


def do_set_cadence(owner, person: Person, days: int | None) -> Relationship:
    """A person's own keep-in-touch rhythm: days, 0 for never, None for the tier's default."""
    if person.is_me:
        raise TrothError("a cadence is for someone else, not yourself")
    if days is not None and days < 0:
        raise TrothError(f"a cadence must be positive, got {days} days")
    rel, _ = Relationship.objects.get_or_create(owner=owner, person=person)
    rel.cadence_days = days
    rel.save(update_fields=["cadence_days"])
    return rel
