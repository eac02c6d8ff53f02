"""A person's updated_at (the vCard's REV, the API's `updated_at`) moves with every
change to their card, including the rows beside the Person row: contact points,
jobs, notes, dates and tags; and nobody else's moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from troth.backup.vcard_out import person_card
from troth.owned import Owner
from troth.people.actions import (
    do_add_note,
    do_add_person,
    do_edit_person,
    do_leave_job,
    do_set_job,
    do_tag,
)
from troth.people.dates import do_forget_date, do_set_date
from troth.people.models import Note, Person

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)


def _rev(owner: Owner, person: Person) -> str:
    person.refresh_from_db()
    return str(person_card(owner, person).rev.value)


def test_every_card_edit_moves_updated_at_and_rev(alice: Owner) -> None:
    wren = do_add_person(alice, "Wren Halvorsen", emails=["wren@example.org"])
    other = do_add_person(alice, "Pat Ng")
    steps: dict[str, Callable[[], object]] = {
        "phone": lambda: do_edit_person(alice, wren, phones=["+1 312 555 0100"]),
        "job": lambda: do_set_job(alice, wren, "Larkspur Labs", "CTO"),
        "leave job": lambda: do_leave_job(alice, wren),
        "tag": lambda: do_tag(alice, wren, add=["fintech"]),
        "untag": lambda: do_tag(alice, wren, remove=["fintech"]),
        "date": lambda: do_set_date(alice, wren, "birthday", "03-14"),
        "forget date": lambda: do_forget_date(alice, wren, "birthday"),
        "note": lambda: do_add_note(alice, wren, "prefers morning calls"),
        "note deleted": lambda: Note.objects.filter(person=wren).delete(),
    }
    for name, step in steps.items():
        Person.objects.filter(pk__in=[wren.pk, other.pk]).update(updated_at=LONG_AGO)
        old_rev = _rev(alice, wren)
        step()
        wren.refresh_from_db()
        other.refresh_from_db()
        assert wren.updated_at > LONG_AGO, name
        assert _rev(alice, wren) != old_rev, name
        assert other.updated_at == LONG_AGO, f"{name}: someone else's card moved"
