"""Issue 17, item 1, re-checked as the audit's attacker: "Undo this merge" replays a
snapshot, and a snapshot whose "moved" rows name another member's row with no
"after" values passes every column check (there is nothing to check). Only the owner
scope of the update then stands between the replay and bob's rows: his note, his
friend's job and his friend's tag would move to mallory or change. The tamperings of
tests/test_restore_security.py are all refused by the column checks before that scope
is reached, so none of them failed when the scope of the moved rows was taken out."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from troth.errors import TrothError
from troth.identity.actions import do_merge, do_unmerge
from troth.identity.models import MergeRecord
from troth.owners import do_ensure_me
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Employment, Note, Person

User = get_user_model()
PersonTags: Any = Person.tags.through


@pytest.fixture
def scene(db: None) -> SimpleNamespace:
    bob = User.objects.create_user("bob", "bob@example.org", "x")
    do_ensure_me(bob, "Bob")
    friend = do_add_person(bob, "Bob's friend", company="Acme", tags=["sailing"])
    note = do_add_note(bob, friend, "Loves talking about kids and sailing")
    mallory = User.objects.create_user("mallory", "mallory@example.org", "x")
    do_ensure_me(mallory, "Mallory")
    keep = do_add_person(mallory, "Zed Park", emails=["zed@park.example"])
    other = do_add_person(
        mallory, "Zed Park", emails=["zed@work.example"], allow_duplicate_name=True
    )
    with transaction.atomic():
        record = do_merge(mallory, keep, other)
    return SimpleNamespace(
        bob=bob,
        friend=friend,
        note=note,
        job=Employment.objects.get(person=friend),
        link=PersonTags.objects.get(person=friend),
        mallory=mallory,
        record=record,
        other_id=other.pk,
    )


def bobs_rows(scene: SimpleNamespace) -> tuple[Any, ...]:
    note = Note.objects.get(pk=scene.note.pk)
    job = Employment.objects.get(pk=scene.job.pk)
    link = PersonTags.objects.get(pk=scene.link.pk)
    return (note.owner_id, note.person_id, job.person_id, job.is_current, link.person_id)


@pytest.mark.parametrize(
    ("model", "row", "before"),
    [
        ("people.note", "note", "to mallory's person"),  # the audit's takeover of a row
        ("people.employment", "job", "to mallory's person"),
        ("people.employment", "job", "no longer current"),
        ("people.person_tags", "link", "to mallory's person"),
    ],
)
def test_a_moved_row_with_nothing_after_never_reaches_another_members_row(
    scene: SimpleNamespace, model: str, row: str, before: str
) -> None:
    values: dict[str, Any] = (
        {"is_current": False} if before == "no longer current" else {"person_id": scene.other_id}
    )
    snap = copy.deepcopy(scene.record.snapshot)
    snap["moved"].append(
        {"model": model, "pk": getattr(scene, row).pk, "before": values, "after": {}}
    )
    MergeRecord.objects.filter(pk=scene.record.pk).update(snapshot=snap)
    untouched = bobs_rows(scene)
    with transaction.atomic():
        back = do_unmerge(scene.mallory, MergeRecord.objects.get(pk=scene.record.pk))
    assert back.owner_id == scene.mallory.pk  # the undo itself went through
    assert bobs_rows(scene) == untouched
    assert not Note.objects.filter(owner=scene.mallory).exists()


def test_a_complete_user_row_in_a_snapshot_never_becomes_a_superuser(
    scene: SimpleNamespace,
) -> None:
    """test_restore_security's "superuser row" names only three of auth.user's columns,
    so it was refused for the missing ones even with the check of which models a merge
    deletes taken out; a row with every column would then have made mallory-root. This
    one has every column: only that check refuses it."""
    snap = copy.deepcopy(scene.record.snapshot)
    snap["deleted"].append(
        {
            "model": "auth.user",
            "pk": 990001,
            "fields": {
                "password": "pbkdf2_sha256$1000000$salt$hash",
                "last_login": None,
                "is_superuser": True,
                "username": "mallory-root",
                "first_name": "",
                "last_name": "",
                "email": "root@example.org",
                "is_staff": True,
                "is_active": True,
                "date_joined": "2026-01-01T00:00:00+00:00",
            },
        }
    )
    MergeRecord.objects.filter(pk=scene.record.pk).update(snapshot=snap)
    with pytest.raises(TrothError, match="cannot be undone"), transaction.atomic():
        do_unmerge(scene.mallory, MergeRecord.objects.get(pk=scene.record.pk))
    assert not User.objects.filter(username="mallory-root").exists()
    assert not User.objects.filter(is_superuser=True).exists()
