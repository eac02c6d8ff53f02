"""An introduction to the target I asked for and is still under way: `troth path` and
the Person page's "Find a way in" say so (`open_ask` in --json) and the web offers no
"Ask" that the introduction workflow would refuse (a newcomer's review, 2026-12-07:
the button was offered, then a 400). Dates are built from today."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.test import Client
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.intros.models import Introduction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def _network(me: Owner) -> tuple[Person, Person]:
    """Cleo, a close tie, on eight small messages with Tess."""
    cleo, tess = do_add_person(me, "Cleo Cole"), do_add_person(me, "Tess Target")
    now = timezone.now()
    for i in range(12):
        do_log_interaction(me, cleo, "meeting", when=now - dt.timedelta(days=3 + 9 * i))
    for i in range(8):
        for p in (cleo, tess):
            do_log_interaction(
                me,
                p,
                "email",
                when=now - dt.timedelta(days=5 + i),
                source="mail",
                external_id=f"ct{i}",
            )
    return cleo, tess


def test_the_cli_says_the_ask_is_under_way(cli: Cli) -> None:
    from troth.owners import local_owner

    cleo, tess = _network(local_owner())
    assert "open_ask" not in cli.json("path", "Tess Target")
    cli("path", "Tess Target", "--ask", "--why", "she runs the design team", "--anyway", "a test")
    intro = Introduction.objects.get(person_b=tess)
    data = cli.json("path", "Tess Target")
    assert data["open_ask"] == {
        "id": intro.id,
        "connector": {"id": cleo.id, "name": "Cleo Cole"},
        "state": "asked",
    }
    text = " ".join(cli("path", "Tess Target").stdout.split())
    assert (
        f"You already asked Cleo Cole to introduce you to Tess Target (introduction #{intro.id}, asked)"
        in text
    )
    cli("path", "Tess Target", "--ask", "--why", "again", code=2)  # refused, as the page says
    # nor a check-in "then ask" for an ask that would be refused
    refused = cli("path", "Tess Target", "--plan", code=2)
    assert (
        f"you already asked Cleo Cole for this introduction (#{intro.id}, asked)" in refused.stderr
    )
    Introduction.objects.filter(id=intro.id).update(state="withdrawn")
    assert "open_ask" not in cli.json("path", "Tess Target")


def test_the_page_offers_no_ask_while_one_is_under_way(web: Client, alice: Owner) -> None:
    cleo, tess = _network(alice)
    page = web.get(f"/people/{tess.id}/paths").content.decode()
    assert "Ask Cleo Cole" in page and "You already asked" not in page
    me = Person.objects.get(owner=alice, is_me=True)
    now = timezone.now()
    Introduction.objects.create(
        owner=alice,
        role=Introduction.REQUESTER,
        introducer=cleo,
        person_a=me,
        person_b=tess,
        why="an ask",
        state="asked",
        created_at=now,
        updated_at=now,
    )
    page = web.get(f"/people/{tess.id}/paths").content.decode()
    assert "Ask Cleo Cole" not in page and "/paths/ask?" not in page
    assert "You already asked" in page and "Cleo Cole" in page
