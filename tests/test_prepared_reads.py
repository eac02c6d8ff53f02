"""troth.prepared: a read composed once gives, for each call's ids and dates, the rows
the ORM gives for them (converted the same: datetimes, dates, booleans), and refuses
a query an argument never reaches."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext

from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.ledger.actions import do_add_need
from troth.ledger.models import Need
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.prepared import Prepared

DAY = dt.date(2026, 3, 2)


def _interactions(owner_id: int, person_id: int) -> QuerySet[Interaction, Any]:
    return (
        Interaction.objects.filter(owner_id=owner_id, person_id=person_id)
        .order_by("-occurred_at", "-id")
        .values("id", "occurred_at", "channel", "person__is_me", "summary")
    )


def _open_from(owner_id: int, day: dt.date) -> QuerySet[Need, Any]:
    return (
        Need.objects.filter(owner_id=owner_id, expires_on__gte=day)
        .order_by("expires_on", "id")
        .values_list("what", flat=True)
    )


def test_each_call_reads_its_own_rows_as_the_orm_does(alice: Owner, bob: Owner) -> None:
    ana = do_add_person(alice, "Ana")
    ben = do_add_person(alice, "Ben")
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    for k in range(3):
        do_log_interaction(alice, ana, "call", summary=f"ana {k}", when=when + dt.timedelta(k))
    do_log_interaction(alice, ben, "email", summary="ben", when=when)
    read: Prepared[dict[str, Any]] = Prepared(_interactions)
    for person in (ana, ben, ana):
        rows = read(alice.id, person.id)
        assert rows == list(_interactions(alice.id, person.id))
    assert [r["summary"] for r in read(alice.id, ana.id)] == ["ana 2", "ana 1", "ana 0"]
    first = read(alice.id, ana.id)[0]
    assert first["occurred_at"] == when + dt.timedelta(2)  # an aware datetime, as the ORM's
    assert first["person__is_me"] is False
    assert read(bob.id, ana.id) == []  # another owner's: nothing


def test_a_date_argument_moves_with_each_call(alice: Owner, fixed_day: dt.date) -> None:
    ana = do_add_person(alice, "Ana")
    do_add_need(alice, ana, "soon", days=5)
    do_add_need(alice, ana, "later", days=40)
    read: Prepared[str] = Prepared(_open_from)
    assert read(alice.id, fixed_day) == ["soon", "later"]
    assert read(alice.id, fixed_day + dt.timedelta(days=10)) == ["later"]
    assert read(alice.id, fixed_day + dt.timedelta(days=100)) == []
    with CaptureQueriesContext(connection) as ctx:
        read(alice.id, fixed_day)
    assert len(ctx.captured_queries) == 1  # it runs, and is seen running


def test_an_argument_the_query_never_reads_is_refused(alice: Owner) -> None:
    read: Prepared[dict[str, Any]] = Prepared(
        lambda owner_id, person_id: _interactions(owner_id, 1)
    )
    with pytest.raises(ValueError, match="not parameters"):
        read(alice.id, 2)
    with pytest.raises(TypeError):
        Prepared(_interactions)(alice.id, "2")  # type: ignore[arg-type]


def test_an_id_no_database_holds_finds_nobody(web: Client, alice: Owner) -> None:
    # Django's own lookups find nothing for it; passed as it is, SQLite would refuse it
    assert web.get("/people/99999999999999999999/").status_code == 404
    read: Prepared[dict[str, Any]] = Prepared(_interactions)
    assert read(alice.id, 2**64) == []
