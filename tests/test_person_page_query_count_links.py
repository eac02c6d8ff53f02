"""The Person page runs as many queries for someone with 500 links and hundreds of
interactions as for someone with 5 (issue 20): nothing on it is read a row at a
time, "Who they know" reads its strongest links in one statement however many there
are, and the timeline reads its newest rows and a count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Knows, Person
from troth.web.views.person import KNOWS_ROWS, TIMELINE_ROWS


def _person(owner: Owner, name: str, links: int, interactions: int) -> Person:
    """Someone who knows `links` others (simulator-style Knows rows, read into links
    by the page's inference pass) and has `interactions` with the owner."""
    person = do_add_person(owner, name, company=f"{name} Inc", emails=[f"{name[:3].lower()}@x.org"])
    others = Person.objects.bulk_create(
        Person(owner=owner, full_name=f"{name} contact {i:03d}") for i in range(links)
    )
    Knows.objects.bulk_create(
        Knows(
            owner=owner,
            person_a=min(person, other, key=lambda p: p.id),
            person_b=max(person, other, key=lambda p: p.id),
            source="sim",
            strength=round(0.1 + 0.8 * i / links, 4),
        )
        for i, other in enumerate(others)
    )
    now = timezone.now()
    Interaction.objects.bulk_create(
        Interaction(
            owner=owner,
            person=person,
            occurred_at=now - dt.timedelta(hours=k),
            channel="email",
            summary=f"{name} talk {k}",
        )
        for k in range(interactions)
    )
    return person


def _count(web: Client, person: Person) -> tuple[int, str]:
    web.get(f"/people/{person.id}/")  # the first look runs the links' pass
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(f"/people/{person.id}/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize(
    "interactions",
    # few (all of them listed, no count), and past the page's limit (listed and counted)
    [5, TIMELINE_ROWS + 20],
)
def test_500_links_cost_what_5_cost(web: Client, alice: Owner, interactions: int) -> None:
    few = _person(alice, "Fewer", links=5, interactions=interactions)
    many = _person(alice, "Manyer", links=500, interactions=interactions)
    few_queries, few_page = _count(web, few)
    many_queries, many_page = _count(web, many)
    assert many_queries == few_queries
    # and the page shows what it read: the strongest links, the cut said
    assert "Fewer contact 004" in few_page
    assert "Manyer contact 499" in many_page
    assert f"The {KNOWS_ROWS} strongest links of 500." in many_page
    assert f"Manyer talk {min(interactions, TIMELINE_ROWS) - 1}<" in many_page


def test_ten_times_the_interactions_cost_no_more_queries(web: Client, alice: Owner) -> None:
    some = _person(alice, "Somer", links=5, interactions=TIMELINE_ROWS + 1)
    lots = _person(alice, "Lotser", links=5, interactions=10 * TIMELINE_ROWS)
    some_queries, _page = _count(web, some)
    lots_queries, lots_page = _count(web, lots)
    assert lots_queries == some_queries
    assert f"The latest {TIMELINE_ROWS} of {10 * TIMELINE_ROWS} interactions." in lots_page
