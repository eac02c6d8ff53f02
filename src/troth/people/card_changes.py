"""A person's `updated_at` moves when anything on their card changes, not only the
Person row: a contact point, a job, a note, a date or a tag.

CardDAV clients show the card's REV (`troth.backup.vcard_out`), and an import's undo
keeps the people edited since the import; both mean "the card", and the writers of
those rows need not know about either.
Rows an import writes past the ORM are not seen here, on purpose: an import leaves
the updated_at of people already there alone, so that its undo puts the database
back exactly (the CardDAV ETag, a hash of the card, moves all the same).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from troth.people.models import ContactPoint, Employment, Note, Person, PersonDate

CARD_PARTS: tuple[type[models.Model], ...] = (ContactPoint, Employment, Note, PersonDate)


def do_touch(person_ids: Iterable[int]) -> None:
    """Stamp these people as changed now (an UPDATE, not save(): no other field moves,
    and no signal of Person's fires)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), 900):
        Person.objects.filter(id__in=ids[start : start + 900]).update(updated_at=timezone.now())


def _part_changed(
    sender: Any, instance: Any, raw: bool = False, origin: Any = None, **_: Any
) -> None:
    if raw:  # loaddata: rows as stored, nothing happened
        return
    going = type(origin) if isinstance(origin, models.Model) else getattr(origin, "model", None)
    if going is Person or going is get_user_model():
        # the person (or their owner's whole account) is going: no card to stamp, and
        # an account's thousands of rows must not each run an UPDATE
        return
    if instance.person_id is not None:
        do_touch([instance.person_id])


def _tags_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any = None, **_: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # person.tags.add(...)
        do_touch([instance.pk])
    elif pk_set:  # tag.people.add(...)
        do_touch(pk_set)


def connect() -> None:
    """Called once from PeopleConfig.ready()."""
    for model in CARD_PARTS:
        uid = f"card-{model.__name__}"
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}-deleted")
    m2m_changed.connect(_tags_changed, sender=Person.tags.through, dispatch_uid="card-tags")
