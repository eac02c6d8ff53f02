"""Warm paths on the web: the Person page's "Find a way in" (a chain of people with
each hop's evidence as a tooltip and as text), the company search, "Ask" opening the
introduction ask with a draft, owner isolation and bad input as 4xx, never a 500."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.intros.models import Introduction
from troth.ledger.actions import do_add_need
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.warmpaths.actions import do_knows


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _tie(owner: Owner, person: Person, n: int = 12) -> None:
    for i in range(n):
        do_log_interaction(
            owner, person, "meeting", when=_ago(3 + 9 * i), minutes=60, they_started=i % 2 == 1
        )


def _net(owner: Owner) -> dict[str, Person]:
    """Cleo (a close tie) wrote to Tess six times with me in copy, more or less;
    Dan (a close tie) knows Rob, who knows Tess: a longer path. Tess works at Acme."""
    cleo, dan = do_add_person(owner, "Cleo Cole"), do_add_person(owner, "Dan Dee")
    rob = do_add_person(owner, "Rob Roe")
    tess = do_add_person(owner, "Tess Target", company="Acme")
    _tie(owner, cleo)
    _tie(owner, dan)
    _tie(owner, rob, n=1)
    for i in range(6):
        for p in (cleo, tess):
            do_log_interaction(
                owner, p, "email", when=_ago(5 + i), source="mail", external_id=f"ct{i}"
            )
    do_knows(owner, dan, rob, how="same climbing gym", strength=5)
    do_knows(owner, rob, tess, strength=3)
    do_add_need(owner, cleo, "a designer for the spring launch")
    return {"cleo": cleo, "dan": dan, "rob": rob, "tess": tess}


def test_person_page_offers_find_a_way_in(web: Client, alice: Owner) -> None:
    net = _net(alice)
    page = web.get(f"/people/{net['tess'].id}/").content.decode()
    assert "Find a way in" in page
    assert f'hx-get="/people/{net["tess"].id}/paths?panel=1"' in page


def test_the_paths_of_a_person_as_chains_with_evidence(web: Client, alice: Owner) -> None:
    net = _net(alice)
    response = web.get(f"/people/{net['tess'].id}/paths")
    assert response.status_code == 200
    html = response.content.decode()
    chains = re.findall(r'<ol class="chain".*?</ol>', html, re.S)
    assert len(chains) == 2  # distinct first hops: Cleo, and Dan through Rob
    assert "Cleo Cole" in chains[0] and "Tess Target" in chains[0]
    assert "Dan Dee" in chains[1] and "Rob Roe" in chains[1]
    # evidence on hover (title) and as text
    assert re.search(r'title="[^"]*Cc&#x27;d together on 6 messages', chains[0])
    assert "same climbing gym" in chains[1]
    assert "Give first: Cleo Cole needs a designer for the spring launch." in html
    ask = re.findall(r'href="(/paths/ask\?via=\d+&amp;to=\d+)"', html)
    assert len(ask) == 2
    # the panel the Person page loads is the same, without the page around it
    panel = web.get(f"/people/{net['tess'].id}/paths?panel=1").content.decode()
    assert "<html" not in panel and 'class="chain"' in panel


def test_ask_opens_the_introduction_ask_with_a_draft(web: Client, alice: Owner) -> None:
    net = _net(alice)
    dan, rob, tess = net["dan"], net["rob"], net["tess"]
    response = web.get(f"/paths/ask?via={dan.id}&to={tess.id}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="Dan Dee (#{dan.id})"' in html and f'value="Tess Target (#{tess.id})"' in html
    # a longer path never commits the second connector
    assert "Would you be comfortable asking Rob Roe whether" in html
    assert 'action="/intros/start/ask' in html
    # asking with the draft, as the form sends it: the requester workflow starts
    sent = web.post(
        "/intros/start/ask",
        {
            "ask-c": f"Dan Dee (#{dan.id})",
            "ask-b": f"Tess Target (#{tess.id})",
            "ask-why": "I would like to meet Tess about the Acme design team.",
            "ask-blurb": "",
            # (the workflow's own guard: nothing given to Dan yet)
            "ask-anyway": "we climb together every week",
        },
    )
    assert sent.status_code == 302
    intro = Introduction.objects.get(owner=alice)
    assert (intro.role, intro.introducer_id, intro.person_b_id) == (
        Introduction.REQUESTER,
        dan.id,
        tess.id,
    )
    assert rob.id  # (the second connector is only named in the words)


def test_company_search(web: Client, alice: Owner) -> None:
    net = _net(alice)
    empty = web.get("/paths/")
    assert empty.status_code == 200 and 'name="company"' in empty.content.decode()
    html = web.get("/paths/?company=acme").content.decode()
    assert 'class="chain"' in html and "Tess Target" in html
    nobody = web.get("/paths/?company=Initech")
    assert nobody.status_code == 400
    assert "nobody at &#x27;Initech&#x27; in your network" in nobody.content.decode()
    assert net


def test_bad_input_is_a_4xx_and_a_close_tie_is_just_asked(web: Client, alice: Owner) -> None:
    net = _net(alice)
    tess = net["tess"].id
    for url in (
        f"/people/{tess}/paths?hops=0",
        f"/people/{tess}/paths?hops=9",
        f"/people/{tess}/paths?hops=x",
        f"/people/{tess}/paths?floor=stranger",
        "/paths/?company=" + "a" * 300,
        f"/paths/ask?via=x&to={tess}",
        f"/paths/ask?via={net['rob'].id}&to={tess}",  # Rob is no first hop
    ):
        assert web.get(url).status_code == 400, url
    me = Person.objects.get(owner=alice, is_me=True)
    assert web.get(f"/people/{me.id}/paths").status_code == 400
    close = web.get(f"/people/{net['cleo'].id}/paths").content.decode()
    assert "just ask them" in close


def test_another_owners_people_are_not_found(web: Client, alice: Owner, bob: Owner) -> None:
    _net(alice)
    theirs = _net(bob)
    assert web.get(f"/people/{theirs['tess'].id}/paths").status_code == 404
    assert web.get(f"/paths/ask?via={theirs['cleo'].id}&to={theirs['tess'].id}").status_code == 404


def test_a_loaded_connector_says_why_on_the_page(web: Client, alice: Owner) -> None:
    from troth.ledger.actions import do_record_favor

    net = _net(alice)
    mine = Person.objects.get(owner=alice, is_me=True)
    do_record_favor(alice, net["cleo"], mine, "advice", "the portfolio review")
    html = web.get(f"/people/{net['tess'].id}/paths").content.decode()
    assert "Ranked lower: you still owe Cleo a thank-you for the portfolio review" in html


def test_check_in_first_with_a_cooling_connector(web: Client, alice: Owner) -> None:
    from troth.warmpaths.models import PlannedAsk

    cleo, tess = do_add_person(alice, "Cleo Cole"), do_add_person(alice, "Tess Target")
    for i in range(12):  # a close tie, but the last contact was 50 days ago
        do_log_interaction(
            alice, cleo, "meeting", when=_ago(50 + 9 * i), minutes=60, they_started=i % 2 == 1
        )
    do_knows(alice, cleo, tess, strength=4)
    html = web.get(f"/people/{tess.id}/paths").content.decode()
    assert "Your tie with Cleo Cole is cooling" in html
    assert 'action="/paths/plan"' in html
    done = web.post("/paths/plan", {"via": cleo.id, "to": tess.id}, follow=True)
    assert done.status_code == 200
    assert "A check-in with Cleo Cole is on Today&#x27;s agenda" in done.content.decode()
    plan = PlannedAsk.objects.get(owner=alice)
    assert (plan.connector_id, plan.target_id) == (cleo.id, tess.id)
    assert web.post("/paths/plan", {"via": "x", "to": tess.id}).status_code == 400
    assert web.get(f"/paths/plan?via={cleo.id}&to={tess.id}").status_code == 405
    assert PlannedAsk.objects.filter(owner=alice).count() == 1
