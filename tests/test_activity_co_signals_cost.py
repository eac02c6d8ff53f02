"""What an address's writes re-score (the second attacker's review of 2026-12-07):
a contact point moved to another person re-scores the one it left; removing one
holder's copy of an address that stays shared re-scores nobody (it dropped the whole
network's scores); deleting many people or an account does not ask each contact
point's holders one by one."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from troth.importers.models import MessageParticipant
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person, do_edit_person
from troth.people.models import ContactPoint, Person
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores
from troth.trust.summary import load_scores


def _tie(owner: Owner, person: Person, days_ago: int = 60) -> None:
    Interaction.objects.create(
        owner=owner,
        person=person,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        channel="email",
        initiated_by="them",
    )


def _copy(owner: Owner, address: str, ext: str, days_ago: int = 3) -> None:
    MessageParticipant.objects.create(
        owner=owner,
        source="mail",
        external_id=ext,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        address=address,
        role=MessageParticipant.TO,
        owner_role=MessageParticipant.CC,
    )


def _cached_is_fresh(owner: Owner, person: Person) -> bool:
    ids, now = load_scores(owner, timezone.localdate())
    k = list(ids).index(person.id)
    cached = TrustScore.objects.get(owner=owner, person=person).activity
    return cached is not None and abs(cached - float(now[0].activity[k])) < 1e-9


def test_a_moved_address_re_scores_the_person_it_left(alice: Owner, fixed_day: dt.date) -> None:
    cy = do_add_person(alice, "Cy", emails=["cy@x.org"])
    dee = do_add_person(alice, "Dee")
    _tie(alice, cy)
    _tie(alice, dee)
    _copy(alice, "cy@x.org", "m1")
    fresh_scores(alice)
    cp = ContactPoint.objects.get(owner=alice, value="cy@x.org")
    cp.person = dee
    cp.save()
    assert _cached_is_fresh(alice, cy)
    assert _cached_is_fresh(alice, dee)


def test_one_holder_less_of_a_shared_address_keeps_the_network(
    alice: Owner, fixed_day: dt.date
) -> None:
    holders = [do_add_person(alice, f"Office {i}", emails=[]) for i in range(25)]
    for p in holders:
        ContactPoint.objects.create(
            owner=alice, person=p, kind=ContactPoint.EMAIL, value="info@acme.org"
        )
    others = [do_add_person(alice, f"Other {i}") for i in range(50)]
    for p in holders + others:
        _tie(alice, p)
    _copy(alice, "info@acme.org", "m1")
    fresh_scores(alice)
    scored = TrustScore.objects.filter(owner=alice).count()
    do_edit_person(alice, holders[0], remove_contacts=["info@acme.org"])
    # 24 still share it: it counted for no one before and counts for no one after
    assert TrustScore.objects.filter(owner=alice).count() == scored
    assert _cached_is_fresh(alice, holders[0]) and _cached_is_fresh(alice, holders[1])
    # down to the last two, then one: the last one's copies become theirs
    for p in holders[1:24]:
        do_edit_person(alice, p, remove_contacts=["info@acme.org"])
    assert _cached_is_fresh(alice, holders[24])
    ids, now = load_scores(alice, timezone.localdate())
    alone = TrustScore.objects.get(owner=alice, person=holders[24]).activity
    shared = TrustScore.objects.get(owner=alice, person=holders[0]).activity
    assert alone != shared  # the copy now counts for the last holder


def _people_with_mail(owner: Owner, n: int) -> None:
    people = Person.objects.bulk_create(
        [Person(owner=owner, full_name=f"P {i}", name_key=f"p {i}") for i in range(n)]
    )
    ContactPoint.objects.bulk_create(
        [
            ContactPoint(owner=owner, person=p, kind=ContactPoint.EMAIL, value=f"p{i}@x.org")
            for i, p in enumerate(people)
        ]
    )
    fresh_scores(owner)


def test_deleting_many_people_or_an_account_is_not_a_query_per_address(
    alice: Owner, bob: Owner, fixed_day: dt.date
) -> None:
    _people_with_mail(alice, 300)
    _people_with_mail(bob, 300)
    with CaptureQueriesContext(connection) as ctx:
        Person.objects.filter(owner=alice, is_me=False).delete()
    holders = [
        q
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and "contactpoint" in q["sql"]
    ]
    assert len(holders) < 50, len(holders)  # was one per contact point (300)
    assert not TrustScore.objects.filter(owner=alice).exists()
    assert TrustScore.objects.filter(owner=bob).count() == 300  # bob's untouched
    with CaptureQueriesContext(connection) as ctx:
        get_user_model().objects.filter(pk=bob.pk).delete()
    holders = [
        q
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and "contactpoint" in q["sql"]
    ]
    assert len(holders) < 10, len(holders)
