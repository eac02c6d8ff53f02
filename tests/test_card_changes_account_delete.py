"""Deleting a whole account does not stamp each of its people's cards one by one on
the way out (an UPDATE per contact point, note, job and date: a minute of SQLite's
write lock for a large network, with every other member's writes waiting)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from troth.owned import Owner
from troth.people.actions import do_add_note, do_add_person
from troth.people.models import Person

pytestmark = pytest.mark.django_db


def test_an_account_goes_without_an_update_per_row(bob: Owner) -> None:
    user = get_user_model().objects.create_user("leaving", password="x" * 12)
    for n in range(30):
        person = do_add_person(user, f"Person {n}", emails=[f"p{n}@example.org"])
        do_add_note(user, person, "met at the fair")
    keep = do_add_person(bob, "Wren Halvorsen")
    user_id = user.pk
    with CaptureQueriesContext(connection) as seen:
        user.delete()
    stamps = [
        q["sql"] for q in seen.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")
    ]
    stamps = [sql for sql in stamps if Person._meta.db_table in sql and "updated_at" in sql]
    assert stamps == []
    assert not Person.objects.filter(owner_id=user_id).exists()
    assert Person.objects.filter(pk=keep.pk).exists()
