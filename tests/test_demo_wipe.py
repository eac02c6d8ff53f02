"""`troth demo --reset` removes the earlier demo in bulk (no per-row signals): every
row of it goes, nothing is left pointing at a deleted row, the trust cache is dropped
once and what it then shows is the truth, and another owner's rows are untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owned import Owned, Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_edit_person
from troth.people.models import Person, Relationship
from troth.sim.actions import do_wipe_demo
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.models import TrustScore
from troth.trust.queries import trust_list
from troth.trust.summary import load_scores


def _owned_counts(owner: Owner) -> dict[str, int]:
    return {
        m._meta.label: m._base_manager.filter(owner=owner).count()
        for m in apps.get_models()
        if issubclass(m, Owned)
    }


@pytest.fixture
def demo(fixed_day: dt.date, alice: Owner) -> Owner:
    network = generate_network(people=60, seed=5, today=fixed_day)
    with transaction.atomic():
        load_network(alice, network)
    trust_list(alice)  # the cache is full, as after any use of troth
    assert TrustScore.objects.filter(owner=alice).count() == 60
    return alice


def test_the_wipe_leaves_only_me(demo: Owner, bob: Owner) -> None:
    alice = demo
    ben = do_add_person(bob, "Ben Other")
    do_log_interaction(bob, ben, "meeting", when=timezone.now(), minutes=30)
    trust_list(bob)
    bobs = _owned_counts(bob)
    # "me" met someone of the demo through another: the link is forgotten, not "me"
    first, second = Person.objects.filter(owner=alice, is_me=False).order_by("id")[:2]
    me = me_person(alice)
    Relationship.objects.update_or_create(
        owner=alice, person=me, defaults={"met_through": first, "met_how": "at work"}
    )
    do_edit_person(alice, second, closeness=4)
    with transaction.atomic():
        do_wipe_demo(alice)
    left = {label: n for label, n in _owned_counts(alice).items() if n}
    assert left == {"people.Person": 1, "people.Relationship": 1}, left
    assert Person.objects.get(owner=alice).is_me
    assert Relationship.objects.get(owner=alice).met_through is None
    assert _owned_counts(bob) == bobs  # bob's rows, scores included, untouched
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA foreign_key_check").fetchall() == []


def test_after_a_reset_the_scores_are_the_truth(demo: Owner, fixed_day: dt.date) -> None:
    alice = demo
    with transaction.atomic():
        do_wipe_demo(alice)
        load_network(alice, generate_network(people=30, seed=9, today=fixed_day))
    assert not TrustScore.objects.filter(owner=alice).exists()  # dropped once, not rescored
    shown = {r["id"]: r["score"] for r in trust_list(alice)}
    ids, (now, _d30, _d90) = load_scores(alice, timezone.localdate())
    truth = {int(i): float(s) for i, s in zip(ids.tolist(), now.score.tolist(), strict=True)}
    assert len(shown) == 30 and shown == pytest.approx(truth, abs=0.051)
