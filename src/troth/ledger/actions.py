"""Writes to the ledger: favours, promises and needs. Callers own the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Model
from django.utils import timezone

from troth.errors import Conflict, FieldError, TrothError
from troth.events import emit
from troth.ledger.models import FAVOR_KINDS, Commitment, Favor, Need
from troth.owned import Owner
from troth.people.actions import check_length, clean_tag
from troth.people.models import Person, Tag

# "What two things do you need in the next 30-60 days?" (the seeds): the default horizon.
DEFAULT_NEED_DAYS = 60


def _text(what: str, field: str = "what") -> str:
    what = what.strip()
    if not what:
        raise TrothError(f"{field} must not be empty: say what it is")
    check_length(what, field)
    return what


def do_record_favor(
    owner: Owner,
    giver: Person,
    receiver: Person,
    kind: str,
    what: str,
    *,
    on: dt.date | None = None,
    need: Need | None = None,
) -> Favor:
    if kind not in FAVOR_KINDS:
        raise TrothError(f"unknown favour kind {kind!r}; use one of {', '.join(FAVOR_KINDS)}")
    if giver.id == receiver.id:
        raise TrothError("a favour needs two different people")
    what = _text(what)  # a favour with no words is no record of what was done
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise FieldError("when", f"{on} is in the future; record favours once given")
    if need is not None:
        if need.person_id != receiver.id:
            raise TrothError(
                f"need #{need.id} belongs to {need.person.full_name}, not {receiver.full_name}"
            )
        do_close_need(owner, need, Need.MET, met_by=giver)
    favor = Favor.objects.create(
        owner=owner,
        giver=giver,
        receiver=receiver,
        kind=kind,
        what=what,
        given_on=on,
        need=need,
    )
    emit(owner, "favour.recorded", favor)
    return favor


def do_make_promise(
    owner: Owner,
    debtor: Person,
    creditor: Person,
    what: str,
    *,
    due: dt.date | None = None,
    made_on: dt.date | None = None,
) -> Commitment:
    if debtor.id == creditor.id:
        raise TrothError("a promise needs two different people")
    today = timezone.localdate()
    made_on = made_on or today
    if due is not None and due < made_on:
        raise FieldError("due", f"{due} is before the promise was made ({made_on})")
    promise = Commitment.objects.create(
        owner=owner, debtor=debtor, creditor=creditor, what=_text(what), made_on=made_on, due_on=due
    )
    emit(owner, "promise.made", promise)
    return promise


def do_set_promise_status(owner: Owner, promise: Commitment, status: str) -> Commitment:
    if status not in {Commitment.KEPT, Commitment.BROKEN, Commitment.RELEASED}:
        raise TrothError(f"unknown promise status {status!r}")
    if promise.status != Commitment.OPEN:
        raise Conflict(
            f"promise #{promise.id} is already {promise.status}; only open promises change"
        )
    promise.status = status
    promise.status_changed_at = timezone.now()
    promise.save(update_fields=["status", "status_changed_at"])
    emit(owner, f"promise.{status}", promise)
    return promise


def do_reopen_promise(
    owner: Owner, promise: Commitment, *, was: str, changed_at: dt.datetime | None = None
) -> Commitment:
    """Undo a keep, break or release: the promise is open again, with the time of its
    last change as it was (`changed_at`). `was` is the status being undone; anything
    else means the promise changed since, and nothing is touched."""
    if promise.status == Commitment.OPEN or promise.status != was:
        raise TrothError(
            f"promise #{promise.id} is {promise.status} now, not {was}; nothing to undo"
        )
    promise.status = Commitment.OPEN
    promise.status_changed_at = changed_at
    promise.save(update_fields=["status", "status_changed_at"])
    return promise


def do_add_need(
    owner: Owner,
    person: Person,
    what: str,
    *,
    days: int = DEFAULT_NEED_DAYS,
    tags: Iterable[str] = (),
    noted_on: dt.date | None = None,
) -> Need:
    if not 1 <= days <= 3650:
        raise FieldError("for", f"must be between 1 day and 10 years, got {days} days")
    noted_on = noted_on or timezone.localdate()
    need = Need.objects.create(
        owner=owner,
        person=person,
        what=_text(what),
        noted_on=noted_on,
        expires_on=noted_on + dt.timedelta(days=days),
    )
    for name in tags:
        tag, _ = Tag.objects.get_or_create(owner=owner, name=clean_tag(name))
        need.tags.add(tag)
    emit(owner, "need.opened", need)
    return need


def do_close_need(owner: Owner, need: Need, status: str, *, met_by: Person | None = None) -> Need:
    if status not in {Need.MET, Need.WITHDRAWN, Need.EXPIRED}:
        raise TrothError(f"unknown need status {status!r}")
    if need.status != Need.OPEN:
        raise Conflict(f"need #{need.id} is already {need.status}")
    if met_by is not None and met_by.id == need.person_id:
        raise TrothError(
            "someone meeting their own need is not help to record; use --by for who helped"
        )
    need.status = status
    need.met_by = met_by
    need.closed_at = timezone.now()
    need.save(update_fields=["status", "met_by", "closed_at"])
    emit(owner, "need.met" if status == Need.MET else "need.closed", need)
    return need


def do_delete(owner: Owner, model: type[Model], object_id: int, label: str) -> None:
    deleted, _ = model._default_manager.filter(owner=owner, id=object_id).delete()
    if not deleted:
        raise TrothError(f"no {label} with id {object_id}")
