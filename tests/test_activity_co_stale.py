"""The trust cache follows the copies activity reads (co_since_contact, issue 16): an
import that stores only copies of others' mail drops the cached scores, and an email
address added to a person re-scores them at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from troth.importers.models import MessageParticipant
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_contact_points, do_add_person
from troth.people.models import ContactPoint
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores, is_stale
from troth.trust.summary import load_scores

if TYPE_CHECKING:
    from conftest import Cli

# Alice wrote to Daniel with Bob (the owner) and Charles in copy.
BROKEN_CC = ("maildir", "notmuch_corpora", "broken", "broken-cc")


def test_an_import_of_copies_only_makes_the_scores_stale(realdata: Path, cli: Cli) -> None:
    from troth.owners import local_owner

    owner = local_owner()
    daniel = do_add_person(owner, "Daniel", emails=["daniel@example.org"])
    Interaction.objects.create(
        owner=owner,
        person=daniel,
        occurred_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        channel="email",
        initiated_by="them",
    )
    fresh_scores(owner)
    assert not is_stale(owner, timezone.localdate())
    cli("import", str(realdata.joinpath(*BROKEN_CC)), "--me", "bob@example.org")
    assert MessageParticipant.objects.filter(owner=owner, address="daniel@example.org").exists()
    assert not Interaction.objects.filter(owner=owner).exclude(person=daniel).exists()
    assert is_stale(owner, timezone.localdate())
    fresh_scores(owner)
    ids, now = load_scores(owner, timezone.localdate())
    k = list(ids).index(daniel.id)
    assert now[0].features.co_last_day[k] > now[0].features.last_day[k]
    assert TrustScore.objects.get(owner=owner, person=daniel).activity == now[0].activity[k]


def test_an_address_added_or_shared_re_scores_its_holders(alice: Owner, fixed_day: dt.date) -> None:
    today = timezone.localdate()
    cy = do_add_person(alice, "Cy Tie")
    twin = do_add_person(alice, "Cy Twin")
    for person in (cy, twin):
        Interaction.objects.create(
            owner=alice,
            person=person,
            occurred_at=timezone.now() - dt.timedelta(days=60),
            channel="email",
            initiated_by="them",
        )
    MessageParticipant.objects.create(
        owner=alice,
        source="mail",
        external_id="m1",
        occurred_at=timezone.now() - dt.timedelta(days=3),
        address="cy@x.org",
        role=MessageParticipant.TO,
        owner_role=MessageParticipant.CC,
    )
    fresh_scores(alice)
    before = TrustScore.objects.get(owner=alice, person=cy).activity
    assert before is not None

    def cached_is_fresh() -> float:
        ids, now = load_scores(alice, today)
        for person in (cy, twin):
            k = list(ids).index(person.id)
            cached = TrustScore.objects.get(owner=alice, person=person).activity
            assert cached == float(now[0].activity[k]), person.full_name
        return float(now[0].activity[list(ids).index(cy.id)])

    do_add_contact_points(alice, cy, [(ContactPoint.EMAIL, "cy@x.org")])
    assert not is_stale(alice, today)  # re-scored at once, not dropped
    seen = cached_is_fresh()
    assert seen > before  # on mail with the owner 3 days ago, after 60 days of silence
    # the same address on a second person: it says nothing of which one was there
    shared = ContactPoint.objects.create(
        owner=alice, person=twin, kind=ContactPoint.EMAIL, value="cy@x.org"
    )
    assert cached_is_fresh() == before
    # the twin's copy changed to an address of its own: cy's copies are cy's again
    shared.value = "twin@x.org"
    shared.save()
    assert cached_is_fresh() == seen
