"""The first recompute of a new day (trust.actions._rewrite on SQLite: the scores staged
and every kept row UPDATEd from them in one statement, the summed past reused) gives
the cache a recompute from nothing gives: no summed past, no cached scores.

The clock is pinned (`fixed_day`) and the recompute moved one day forward (the past
kept) and forty days forward (past the past's REBUILD_DAYS: summed again); before it,
a newcomer's score is missing, a row of someone no longer scored is left behind and
one row carries another engine's version, so the rewrite must add, remove and
re-version rows as well as update them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.actions import VALUES, do_recompute_trust
from troth.trust.constants import ENGINE_VERSION
from troth.trust.models import PastBase, TrustScore
from troth.trust.past import REBUILD_DAYS, drop_past
from troth.trust.queries import is_stale

Rows = dict[int, tuple[Any, ...]]


def cached(owner: Owner) -> Rows:
    return {
        row[0]: row[1:]
        for row in TrustScore.objects.filter(owner=owner).values_list("person_id", *VALUES)
    }


def from_nothing(owner: Owner, day: dt.date) -> Rows:
    """The cache as a recompute with no summed past and no scores writes it (undone)."""
    with transaction.atomic():
        TrustScore.objects.filter(owner=owner).delete()
        drop_past(owner)
        do_recompute_trust(owner, day)
        rows = cached(owner)
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def net(alice: Owner, bob: Owner, fixed_day: dt.date) -> Owner:
    with transaction.atomic():
        load_network(alice, generate_network(people=50, seed=3, today=fixed_day))
        load_network(bob, generate_network(people=10, seed=4, today=fixed_day))
    do_recompute_trust(alice, fixed_day)
    do_recompute_trust(bob, fixed_day)
    return alice


@pytest.mark.parametrize("ahead", [1, 40])
def test_a_new_day_gives_the_scores_of_a_recompute_from_nothing(
    net: Owner, bob: Owner, fixed_day: dt.date, ahead: int
) -> None:
    day = fixed_day + dt.timedelta(days=ahead)
    base = PastBase.objects.get(owner=net).day
    bobs = cached(bob)
    newcomer = do_add_person(net, "Nora Newcomer")
    TrustScore.objects.filter(person=newcomer).delete()
    me = me_person(net)
    TrustScore.objects.create(
        owner=net, person=me, score=50.0, tier="close", as_of=fixed_day, computed_at=timezone.now()
    )
    versioned = TrustScore.objects.filter(owner=net).exclude(person=me).order_by("id")[3]
    TrustScore.objects.filter(pk=versioned.pk).update(engine_version="an older engine")
    newest = TrustScore.objects.filter(owner=net).aggregate(m=Max("computed_at"))["m"]

    do_recompute_trust(net, day)

    rows = cached(net)
    assert newcomer.id in rows and me.id not in rows
    assert {values[VALUES.index("as_of")] for values in rows.values()} == {day}
    assert {values[VALUES.index("engine_version")] for values in rows.values()} == {ENGINE_VERSION}
    # one day on, the summed past is the same one; forty days on, summed again
    assert (PastBase.objects.get(owner=net).day == base) == (ahead <= REBUILD_DAYS)
    assert rows == from_nothing(net, day)
    assert TrustScore.objects.filter(owner=net).aggregate(m=Max("computed_at"))["m"] > newest
    assert not is_stale(net, day)
    assert cached(bob) == bobs
