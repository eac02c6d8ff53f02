"""A full recompute writes only the cached scores that changed (trust.actions.write_scores).

Each test fills the cache from a simulated network, disturbs it (a score edited by
hand, a row gone, a person added or deleted, a new day), recomputes, and compares
every row with a cache rebuilt from nothing on the same data: the rows must be the
same, and only those that differed may have been written (their computed_at moves).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person, do_delete_person
from troth.people.models import Person
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.actions import VALUES, do_recompute_trust, do_update_trust, write_scores
from troth.trust.models import TrustScore
from troth.trust.queries import is_stale

Rows = dict[int, tuple[Any, ...]]


def cached(owner: Owner) -> Rows:
    return {
        row[0]: row[1:]
        for row in TrustScore.objects.filter(owner=owner).values_list("person_id", *VALUES)
    }


def stamps(owner: Owner) -> dict[int, dt.datetime]:
    return dict(TrustScore.objects.filter(owner=owner).values_list("person_id", "computed_at"))


def from_nothing(owner: Owner, day: dt.date) -> Rows:
    """The cache as a recompute over an empty cache writes it (then put back)."""
    with transaction.atomic():
        TrustScore.objects.filter(owner=owner).delete()
        do_recompute_trust(owner, day)
        rows = cached(owner)
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def net(alice: Owner, bob: Owner, fixed_day: dt.date) -> Owner:
    with transaction.atomic():
        load_network(alice, generate_network(people=40, seed=3, interactions_per_person=12))
        load_network(bob, generate_network(people=10, seed=4, interactions_per_person=8))
    do_recompute_trust(alice, fixed_day)
    do_recompute_trust(bob, fixed_day)
    return alice


def test_a_second_recompute_writes_one_row_and_stays_fresh(net: Owner, bob: Owner) -> None:
    today = timezone.localdate()
    rows, before, bobs = cached(net), stamps(net), stamps(bob)
    newest = max(before.values())
    do_recompute_trust(net, today)
    after = stamps(net)
    assert cached(net) == rows
    # nothing changed: one row carries the new time, so the cache reads as fresh
    assert [pid for pid in after if after[pid] != before[pid]] != []
    assert len([pid for pid in after if after[pid] != before[pid]]) == 1
    assert max(after.values()) > newest
    assert not is_stale(net, today)
    assert stamps(bob) == bobs


def test_edited_and_missing_rows_are_put_back_and_no_others_written(net: Owner) -> None:
    today = timezone.localdate()
    people = sorted(cached(net))
    edited, missing = people[3], people[7]
    TrustScore.objects.filter(person_id=edited).update(score=-1.0, tier="stranger")
    TrustScore.objects.filter(person_id=missing).delete()
    before = stamps(net)
    do_recompute_trust(net, today)
    after = stamps(net)
    assert cached(net) == from_nothing(net, today)
    assert {pid for pid in after if after[pid] != before.get(pid)} == {edited, missing}


def test_new_and_deleted_people(net: Owner) -> None:
    today = timezone.localdate()
    people = sorted(cached(net))
    do_delete_person(net, Person.objects.get(owner=net, pk=people[0]))
    newcomer = do_add_person(net, "Nora Newcomer")
    assert is_stale(net, today)
    before = stamps(net)
    do_recompute_trust(net, today)
    rows = cached(net)
    assert people[0] not in rows and newcomer.id in rows
    assert rows == from_nothing(net, today)
    after = stamps(net)
    # adding the person scored them already (their Relationship row is a feed)
    assert len({pid for pid in after if after[pid] != before.get(pid)}) < len(after) // 2
    assert not is_stale(net, today)


def test_an_interaction_no_signal_saw(net: Owner) -> None:
    # A bulk write past the ORM's signals: the staleness check sees it, the recompute
    # rewrites that tie (and any whose tier it moved), nobody else.
    today = timezone.localdate()
    person = Person.objects.filter(owner=net, is_me=False).order_by("id")[5]
    Interaction.objects.bulk_create(
        [
            Interaction(
                owner=net,
                person=person,
                channel="meeting",
                initiated_by="them",
                occurred_at=timezone.now() - dt.timedelta(days=2),
                duration_minutes=90,
            )
        ]
    )
    assert is_stale(net, today)
    before = stamps(net)
    do_recompute_trust(net, today)
    after = stamps(net)
    written = {pid for pid in after if after[pid] != before[pid]}
    assert person.id in written and len(written) < len(after) // 2
    assert cached(net) == from_nothing(net, today)
    assert not is_stale(net, today)


def test_a_new_day_rewrites_every_row(net: Owner) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    newest = TrustScore.objects.filter(owner=net).aggregate(m=Max("computed_at"))["m"]
    do_recompute_trust(net, tomorrow)
    assert set(TrustScore.objects.filter(owner=net).values_list("as_of", flat=True)) == {tomorrow}
    # every row rewritten, but only the latest computed_at is read (is_stale): one
    # row says now (on SQLite the rows are UPDATEd, computed_at left alone)
    assert TrustScore.objects.filter(owner=net).aggregate(m=Max("computed_at"))["m"] > newest
    assert not is_stale(net, tomorrow)
    assert cached(net) == from_nothing(net, tomorrow)


def test_write_scores_removes_the_rows_not_given(net: Owner) -> None:
    rows = cached(net)
    people = sorted(rows)
    dated = [VALUES.index("last_contact"), VALUES.index("as_of")]
    adapt = connection.ops.adapt_datefield_value
    adapted = {
        pid: tuple(adapt(v) if k in dated else v for k, v in enumerate(values))
        for pid, values in rows.items()
        if pid != people[1]
    }
    with transaction.atomic():
        write_scores(net, adapted)
    left = cached(net)
    assert people[1] not in left
    assert left == {pid: v for pid, v in rows.items() if pid != people[1]}


def test_one_tie_rescored_on_a_new_day_leaves_the_rest_stale(net: Owner) -> None:
    # The first write of a day re-scores its tie as of that day; the other ties are
    # still yesterday's, so the cache is stale until a full recompute.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    person = Person.objects.filter(owner=net, is_me=False).order_by("id")[2]
    do_update_trust(net, person, tomorrow)
    assert is_stale(net, tomorrow)
    do_recompute_trust(net, tomorrow)
    assert not is_stale(net, tomorrow)
    assert cached(net) == from_nothing(net, tomorrow)
