"""Every write to a Relationship reaches the trust cache through post_save (troth.trust.
signals), including forgetting when or through whom you met, which used to be a
queryset update that no signal saw; and the cached scores stay what scoring everyone
from scratch gives after each of these writes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from troth.agenda.actions import do_set_cadence
from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person, do_edit_person, do_forget_met
from troth.people.models import Relationship
from troth.trust.models import TrustScore
from troth.trust.queries import trust_list
from troth.trust.summary import load_scores

if TYPE_CHECKING:
    from collections.abc import Iterator

    from troth.people.models import Person


def _truth(owner: Owner) -> dict[int, float]:
    ids, (now, _d30, _d90) = load_scores(owner, timezone.localdate())
    return {int(i): float(s) for i, s in zip(ids.tolist(), now.score.tolist(), strict=True)}


@pytest.fixture
def saved() -> Iterator[list[tuple[int, frozenset[str] | None]]]:
    """The Relationship rows post_save reported, as (person id, fields)."""
    seen: list[tuple[int, frozenset[str] | None]] = []

    def record(
        sender: type[Relationship],
        instance: Relationship,
        update_fields: frozenset[str] | None = None,
        **_kwargs: object,
    ) -> None:
        seen.append((instance.person_id, update_fields))

    post_save.connect(record, sender=Relationship, dispatch_uid="test-relationship-saved")
    yield seen
    post_save.disconnect(sender=Relationship, dispatch_uid="test-relationship-saved")


@pytest.fixture
def two(alice: Owner) -> tuple[Person, Person]:
    now = timezone.now()
    lee = do_add_person(alice, "Lee Chen")
    dana = do_add_person(
        alice,
        "Dana Kang",
        met_how="PyCon",
        met_on=timezone.localdate() - dt.timedelta(days=400),
        met_through=lee,
    )
    for k in range(4):
        do_log_interaction(alice, dana, "meeting", when=now - dt.timedelta(days=10 + 30 * k))
        do_log_interaction(alice, lee, "email", when=now - dt.timedelta(days=20 + 40 * k))
    trust_list(alice)  # the cache is filled
    assert TrustScore.objects.filter(owner=alice).count() == 2
    return dana, lee


def test_forgetting_how_you_met_is_a_save_the_cache_hears(
    alice: Owner, two: tuple[Person, Person], saved: list[tuple[int, frozenset[str] | None]]
) -> None:
    dana, _lee = two
    do_forget_met(alice, dana, on=True)
    do_forget_met(alice, dana, through=True)
    assert saved == [(dana.id, frozenset({"met_on"})), (dana.id, frozenset({"met_through"}))]
    rel = Relationship.objects.get(owner=alice, person=dana)
    assert (rel.met_on, rel.met_through_id, rel.met_how) == (None, None, "PyCon")
    do_forget_met(alice, dana)  # nothing asked: nothing written
    assert len(saved) == 2


def test_the_scores_stay_current_through_relationship_writes(
    alice: Owner, two: tuple[Person, Person], saved: list[tuple[int, frozenset[str] | None]]
) -> None:
    dana, lee = two
    do_edit_person(alice, dana, closeness=5)  # the one column a score reads
    do_set_cadence(alice, dana, 21)
    do_forget_met(alice, dana, on=True, through=True)
    do_set_cadence(alice, lee, None)
    assert {pid for pid, _fields in saved} == {dana.id, lee.id}
    shown = {r["id"]: r["score"] for r in trust_list(alice)}
    assert shown == pytest.approx(_truth(alice), abs=0.051)
