"""Handling agenda items and setting rhythms. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from troth.agenda.intro_items import intro_action
from troth.agenda.models import AgendaMark
from troth.agenda.plan import Candidate
from troth.agenda.queries import (
    CADENCE_TIERS,
    MAX_TIER_CADENCE,
    MIN_TIER_CADENCE,
    default_tier_cadences,
)
from troth.errors import Conflict, FieldError, TrothError
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.intros import flow
from troth.intros.actions import do_nudge, do_step
from troth.intros.models import Introduction, IntroStep
from troth.intros.queries import access_intro
from troth.ledger.actions import do_reopen_promise, do_set_promise_status
from troth.ledger.models import Commitment, Favor
from troth.owned import Owner, rows_rewritten
from troth.people.models import Person, Relationship
from troth.trust.models import TierCadence

# What handling an item changed, as JSON (it travels through the Undo form and back):
# `before`'s keys plus the mark's; values are JSON scalars or, for an intro, a dict.
UndoRecord = dict[str, Any]

# Doing one of these means getting in touch, so it is logged as an interaction
# (which also restarts the person's cadence).
CONTACT_KINDS = ("thanks", "checkin", "reconnect", "nudge", "date")
SUMMARY = {
    "date": "Sent my good wishes",
    "thanks": "Said thank you",
    "checkin": "Checked in",
    "reconnect": "Reconnected",
    "nudge": "Gently reminded them of their promise",
}


def _mark(owner: Owner, item: Candidate, status: str, until: dt.date | None = None) -> AgendaMark:
    existing = AgendaMark.objects.filter(owner=owner, key=item.key).first()
    if existing is not None and existing.status != AgendaMark.SNOOZED:
        raise Conflict(f"agenda item {item.id} is already {existing.status}")
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
    owner: Owner, item: Candidate, *, channel: str = "message", notes: str = "", log: bool = True
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


def _intro_done(
    owner: Owner, item: Candidate, *, channel: str, notes: str, log: bool
) -> Interaction | None:
    """Done on an introduction item takes its step, or records its one nudge. Each is a
    message to the item's person (asking, introducing, the thank-you after an offer,
    the nudge, the graceful release), so it is logged as contact with them, as done
    on a check-in is, and the tie's activity and trust see it; a quiet close (no
    answer, never followed up) is no contact and logs nothing."""
    intro = access_intro(owner, item.ref)
    what, state = intro_action(item.key)
    if what == "tell":  # A heard that it is not happening: a message to A, no step
        if not log:
            return None
        summary = notes.strip() or f"Told them introduction #{intro.id} is not happening"
    elif what == "step":
        do_step(owner, intro, state, notes)
        quiet_close = item.key.split(":")[3] == "close" and state != flow.RELEASED
        if quiet_close or not log:
            return None
        summary = notes.strip() or f"Introduction #{intro.id}: {flow.word(state)}"
    else:
        do_nudge(owner, intro)
        if not log:
            return None
        summary = notes.strip() or f"Gently nudged about introduction #{intro.id}"
    person = Person.objects.get(owner=owner, id=item.person_id)
    return do_log_interaction(owner, person, channel, summary=summary)


def _promise(owner: Owner, promise_id: int) -> Commitment:
    return Commitment.objects.select_related("debtor", "creditor").get(owner=owner, id=promise_id)


def do_snooze(owner: Owner, item: Candidate, until: dt.date) -> AgendaMark:
    today = timezone.localdate()
    if until <= today:
        raise FieldError("until", f"{until} is not after today ({today}); snooze into the future")
    return _mark(owner, item, AgendaMark.SNOOZED, until)


def do_skip(owner: Owner, item: Candidate) -> AgendaMark:
    return _mark(owner, item, AgendaMark.SKIPPED)


# -- undo -----------------------------------------------------------------------------
# Handling an item changes a few rows; `before` reads them first and `do_undo` puts
# them back exactly. The record is plain JSON (the web app signs it into the Undo
# button). An introduction's step is undone by putting back its fields, deleting the
# step it recorded and the favour an "introduced" step made.


def _when(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def undoable(item: Candidate, action: str) -> bool:
    return True


def before(owner: Owner, item: Candidate) -> UndoRecord:
    """What handling `item` may change, as it is now."""
    mark = AgendaMark.objects.filter(owner=owner, key=item.key).first()
    record: UndoRecord = {
        "key": item.key,
        "id": item.id,
        "kind": item.kind,
        "ref": item.ref,
        "person": item.person_id,
        "mark": None
        if mark is None
        else {
            "status": mark.status,
            "until": _when(mark.until),
            "marked_at": _when(mark.marked_at),
            "kind": mark.kind,
            "ref": mark.ref,
        },
    }
    if item.kind in ("promise", "release"):
        promise = _promise(owner, item.ref)
        record["promise_changed_at"] = _when(promise.status_changed_at)
    if item.kind == "intro":
        intro = Introduction.objects.get(owner=owner, id=item.ref)
        record["intro"] = {
            "state": intro.state,
            "outcome": intro.outcome,
            "nudged_at": _when(intro.nudged_at),
            "updated_at": _when(intro.updated_at),
            "favor": intro.favor_id,
            "thanked_on": _when(
                Favor.objects.filter(owner=owner, id=intro.favor_id)
                .values_list("thanked_on", flat=True)
                .first()
            )
            if intro.favor_id
            else None,
            "last_step": IntroStep.objects.filter(owner=owner, intro=intro)
            .order_by("-id")
            .values_list("id", flat=True)
            .first(),
        }
    if item.kind == "thanks":
        record["thanked_on"] = _when(
            Favor.objects.filter(owner=owner, id=item.ref)
            .values_list("thanked_on", flat=True)
            .first()
        )
    return record


def mark_set_at(owner: Owner, item: Candidate) -> str | None:
    """When the item's mark was set, as an undo record keeps it (see do_undo)."""
    mark = AgendaMark.objects.filter(owner=owner, key=item.key).first()
    return None if mark is None else _when(mark.marked_at)


def do_undo(owner: Owner, record: UndoRecord) -> None:
    """Put back what handling an item changed (`record`: `before`'s, plus `status`, the
    mark it set, `set_at`, when it set it, and `interaction`, the id of the contact it
    logged). Refuses, changing nothing, when the item was handled again since: an old
    Undo (another tab, the back button) must not undo a later Done, whose contact it
    does not know."""
    mark = AgendaMark.objects.select_for_update().filter(owner=owner, key=record["key"]).first()
    if (
        mark is None
        or mark.status != record["status"]
        or ("set_at" in record and _when(mark.marked_at) != record["set_at"])
    ):
        raise TrothError("that was changed since; there is nothing to undo")
    done = record["status"] == AgendaMark.DONE
    if done and record["kind"] in ("promise", "release"):
        was = Commitment.KEPT if record["kind"] == "promise" else Commitment.RELEASED
        changed = record.get("promise_changed_at")
        do_reopen_promise(
            owner,
            _promise(owner, record["ref"]),
            was=was,
            changed_at=dt.datetime.fromisoformat(changed) if changed else None,
        )
    if done and record["kind"] == "thanks":
        thanked = record.get("thanked_on")
        Favor.objects.filter(owner=owner, id=record["ref"]).update(
            thanked_on=dt.date.fromisoformat(thanked) if thanked else None
        )
    if done and record.get("intro"):
        _undo_intro(owner, record["ref"], record["intro"])
    if record.get("interaction"):
        Interaction.objects.filter(owner=owner, id=record["interaction"]).delete()
    old = record["mark"]
    if old is None:
        mark.delete()
        return
    mark.status = old["status"]
    mark.until = dt.date.fromisoformat(old["until"]) if old["until"] else None
    mark.marked_at = dt.datetime.fromisoformat(old["marked_at"])
    mark.kind, mark.ref = old["kind"], old["ref"]
    mark.save()


def _undo_intro(owner: Owner, intro_id: int, was: UndoRecord) -> None:
    """An introduction as it was before done took its step or its nudge."""
    intro = Introduction.objects.select_related("introducer", "person_a", "person_b").get(
        owner=owner, id=intro_id
    )
    made = intro.favor_id if intro.favor_id != was["favor"] else None
    intro.state, intro.outcome = was["state"], was["outcome"]
    intro.nudged_at = dt.datetime.fromisoformat(was["nudged_at"]) if was["nudged_at"] else None
    intro.updated_at = dt.datetime.fromisoformat(was["updated_at"])
    intro.favor_id = was["favor"]
    intro.save()
    steps = IntroStep.objects.filter(owner=owner, intro=intro)
    if was["last_step"] is not None:
        steps = steps.filter(id__gt=was["last_step"])
    steps.delete()
    if made is not None:  # the favour an "introduced" step recorded
        Favor.objects.filter(owner=owner, id=made).delete()
    if was["favor"] is not None:
        thanked = was["thanked_on"]
        Favor.objects.filter(owner=owner, id=was["favor"]).update(
            thanked_on=dt.date.fromisoformat(thanked) if thanked else None
        )
    # a queryset update sends no signal: the trust cache hears of it this way
    people = [p.id for p in (intro.introducer, intro.person_a, intro.person_b) if not p.is_me]
    rows_rewritten.send(Introduction, owner=owner, person_ids=people)


def do_set_cadence(owner: Owner, person: Person, days: int | None) -> Relationship:
    """A person's own keep-in-touch rhythm: days, 0 for never, None for the tier's default."""
    if person.is_me:
        raise TrothError("a cadence is for someone else, not yourself")
    if days is not None and days < 0:
        raise TrothError(f"a cadence must be positive, got {days} days")
    rel, _ = Relationship.objects.get_or_create(owner=owner, person=person)
    rel.cadence_days = days
    rel.save(update_fields=["cadence_days"])
    return rel


def check_tier_cadence(tier: str, days: object) -> int:
    """A tier's rhythm as whole days within the bounds, or one clear error naming the tier."""
    if tier not in CADENCE_TIERS:
        raise TrothError(f"{tier!r} has no check-in rhythm (tiers: {', '.join(CADENCE_TIERS)})")
    if isinstance(days, bool) or not isinstance(days, int):
        raise TrothError(f"{tier}: {days!r} is not a whole number of days")
    if not MIN_TIER_CADENCE <= days <= MAX_TIER_CADENCE:
        raise TrothError(
            f"{tier}: {days} days is out of range"
            f" (from {MIN_TIER_CADENCE} to {MAX_TIER_CADENCE} days, two years)"
        )
    return days


def do_set_tier_cadence(owner: Owner, tier: str, days: int) -> None:
    """The owner's own check-in rhythm for a tier; the default's value clears the
    override, so a later change of the defaults still reaches it."""
    days = check_tier_cadence(tier, days)
    if days == default_tier_cadences()[tier]:
        TierCadence.objects.filter(owner=owner, tier=tier).delete()
        return
    TierCadence.objects.update_or_create(owner=owner, tier=tier, defaults={"days": days})


def do_reset_tier_cadences(owner: Owner) -> int:
    """Back to the built-in rhythms for every tier; how many had been changed."""
    deleted, _ = TierCadence.objects.filter(owner=owner).delete()
    return deleted
