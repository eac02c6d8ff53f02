"""The path search's cached graph (warmpaths.network): built once per owner and
reused while nothing changed, rebuilt when the links change (by hand, a new pass, a
merge) or the trust scores do, and never serving someone deleted since."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from troth.identity.actions import do_merge
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.warmpaths import network
from troth.warmpaths.actions import do_forget, do_knows
from troth.warmpaths.queries import find_paths


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _tie(owner: Owner, person: Person) -> None:
    for i in range(12):
        do_log_interaction(
            owner, person, "meeting", when=_ago(3 + 9 * i), minutes=60, they_started=i % 2 == 1
        )


def _firsts(owner: Owner, target: Person) -> list[int]:
    return [p["hops"][0]["id"] for p in find_paths(owner, target)["paths"]]


def test_the_graph_is_reused_and_rebuilt_when_links_change(alice: Owner) -> None:
    cleo, dan = do_add_person(alice, "Cleo Cole"), do_add_person(alice, "Dan Dee")
    tess = do_add_person(alice, "Tess Target")
    _tie(alice, cleo)
    _tie(alice, dan)
    do_knows(alice, cleo, tess, strength=4)
    assert _firsts(alice, tess) == [cleo.id]
    built = network._CACHE[alice.pk]
    assert _firsts(alice, tess) == [cleo.id]
    assert network._CACHE[alice.pk] is built  # nothing changed: the same arrays
    do_knows(alice, dan, tess, strength=3)  # by hand: a new version
    assert _firsts(alice, tess) == [cleo.id, dan.id]
    assert network._CACHE[alice.pk] is not built
    do_forget(alice, cleo, tess)
    assert _firsts(alice, tess) == [dan.id]
    # new mail between Cleo and Tess: the next pass changes the links
    for i in range(3):
        for p in (cleo, tess):
            do_log_interaction(
                p.owner, p, "email", when=_ago(2 + i), source="mail", external_id=f"m{i}"
            )
    assert _firsts(alice, tess) == [dan.id]  # (Cleo-Tess stays forgotten)
    eve = do_add_person(alice, "Eve East")
    _tie(alice, eve)
    for i in range(3):
        for p in (eve, tess):
            do_log_interaction(
                alice, p, "email", when=_ago(2 + i), source="mail", external_id=f"e{i}"
            )
    assert eve.id in _firsts(alice, tess)


def test_a_deleted_connector_and_a_merge_never_come_from_the_cache(alice: Owner) -> None:
    cleo, dan = do_add_person(alice, "Cleo Cole"), do_add_person(alice, "Dan Dee")
    dan2 = do_add_person(alice, "Daniel Dee")
    tess = do_add_person(alice, "Tess Target")
    _tie(alice, cleo)
    _tie(alice, dan)
    do_knows(alice, cleo, tess, strength=4)
    do_knows(alice, dan2, tess, strength=5)
    assert _firsts(alice, tess) == [cleo.id]  # Daniel is no tie of mine
    with transaction.atomic():
        do_merge(alice, dan, dan2)  # Daniel was Dan: his link to Tess is Dan's now
    assert _firsts(alice, tess) == [dan.id, cleo.id]
    Person.objects.filter(pk=cleo.pk).delete()
    assert _firsts(alice, tess) == [dan.id]
