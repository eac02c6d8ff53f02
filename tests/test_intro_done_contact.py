"""`troth done` on an introduction step is contact with that person (issue 18): the
thank-you after an offered introduction, the nudge and the graceful release are each
logged as an interaction with the connector, as done on a check-in is, so the tie's
activity and trust see it; a quiet close logs nothing; Undo on Today puts it all back."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from troth.agenda import actions as agenda_actions
from troth.agenda.queries import access_item
from troth.interactions.models import Interaction
from troth.intros import flow
from troth.intros.actions import do_offered, do_propose, do_step
from troth.intros.models import Introduction, IntroStep
from troth.intros.queries import access_intro
from troth.ledger.models import Favor
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores

if TYPE_CHECKING:
    from troth.people.models import Person

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def people(alice: Owner) -> tuple[Person, Person]:
    bernard = do_add_person(alice, "Bernard Biggs", company="Biggs Capital")
    ralph = do_add_person(alice, "Ralph Okonkwo", company="Ledgerline")
    return bernard, ralph


def contacts(person: Person) -> list[str]:
    return list(Interaction.objects.filter(person=person).values_list("summary", flat=True))


def test_thanks_nudge_and_release_of_an_offer_are_each_logged(
    alice: Owner, people: tuple[Person, Person]
) -> None:
    bernard, ralph = people
    intro = do_offered(alice, bernard, ralph, "learn how Ralph scaled finance")
    fresh_scores(alice)
    before = TrustScore.objects.get(person=bernard).computed_at
    agenda_actions.do_done(alice, access_item(alice, f"i{intro.id}"))
    assert contacts(bernard) == [f"Introduction #{intro.id}: agreed"]
    fresh_scores(alice)  # the logged contact makes the cache stale: trust sees it
    assert TrustScore.objects.get(person=bernard).computed_at > before

    intro = access_intro(alice, intro.id)
    assert intro.due_on is not None
    nudge = access_item(alice, f"i{intro.id}", today=intro.due_on + dt.timedelta(days=3))
    agenda_actions.do_done(alice, nudge, channel="email")
    assert len(contacts(bernard)) == 2
    intro = access_intro(alice, intro.id)
    assert intro.nudged_at is not None
    day = timezone.localdate(intro.nudged_at) + dt.timedelta(days=flow.OFFER_RELEASE_DAYS)
    release = access_item(alice, f"i{intro.id}", today=day)
    agenda_actions.do_done(alice, release, notes="let him off the hook")
    assert access_intro(alice, intro.id).state == flow.RELEASED
    assert len(contacts(bernard)) == 3 and "let him off the hook" in contacts(bernard)
    assert not Interaction.objects.filter(person=ralph).exists()
    # a quiet close (Ralph never answered my ask) is no contact: nothing is logged
    _quiet_close(alice, bernard, ralph)


def _quiet_close(alice: Owner, bernard: Person, ralph: Person) -> None:
    logged = Interaction.objects.count()
    intro = do_propose(alice, bernard, ralph, "both in fintech", anyway="testing")
    intro = do_step(alice, intro, flow.ASKED)
    IntroStep.objects.filter(intro=intro).update(at=timezone.now() - dt.timedelta(days=30))
    Introduction.objects.filter(id=intro.id).update(
        updated_at=timezone.now() - dt.timedelta(days=30),
        nudged_at=timezone.now() - dt.timedelta(days=20),
    )
    item = access_item(alice, f"i{intro.id}")
    assert ":close:" in item.key
    agenda_actions.do_done(alice, item)
    assert access_intro(alice, intro.id).state != flow.ASKED
    assert Interaction.objects.count() == logged


def test_undo_on_today_puts_the_step_and_the_contact_back(
    client: Client, alice: Owner, people: tuple[Person, Person]
) -> None:
    client.force_login(alice)
    bernard, ralph = people
    intro = do_offered(alice, bernard, ralph, "learn how Ralph scaled finance")
    steps = IntroStep.objects.filter(intro=intro).count()
    r = client.post(f"/today/i{intro.id}/done", {"channel": "call"}, **HTMX)
    assert r.status_code == 200
    assert access_intro(alice, intro.id).state == flow.AGREED
    assert Interaction.objects.filter(person=bernard, channel="call").count() == 1
    token = re.search(r'name="undo" value="([^"]+)"', r.content.decode())
    assert token is not None
    r = client.post("/today/undo", {"undo": token.group(1)}, **HTMX)
    assert r.status_code == 200 and "Undone" in r.content.decode()
    intro = access_intro(alice, intro.id)
    assert intro.state == flow.OFFERED and intro.nudged_at is None
    assert IntroStep.objects.filter(intro=intro).count() == steps
    assert not Interaction.objects.exists()
    assert not Favor.objects.filter(owner=alice).exists()
    assert f"i{intro.id}" in client.get("/").content.decode()
