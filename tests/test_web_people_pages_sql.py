"""The People list in name order (or a search's order) is paged by the database: a
count and one page read with a LIMIT, not every id listed first (issue 20: 80 ms at
30,000 people to show fifty). Same people, same order as find_people, either way."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from troth.interactions.actions import do_log_interaction
from troth.lib.text import fold
from troth.people.actions import do_add_person, do_edit_person
from troth.people.queries import find_people
from troth.trust.models import TrustScore

if TYPE_CHECKING:
    from troth.owned import Owner


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="ids" value="(\d+)"', page)]


def test_pages_by_name_are_find_peoples_order(web: Client, alice: Owner, bob: Owner) -> None:
    for i in range(111):
        do_add_person(alice, f"Person {(i * 41) % 111:03d}")
    do_add_person(bob, "Person 000 of bob's")
    archived = do_add_person(alice, "Person 999 archived")
    do_edit_person(alice, archived, archived=True)
    web.get("/people/")  # the first look brings the trust cache up to date
    for params, order in (
        ({}, find_people(alice)),
        ({"sort": "-name"}, find_people(alice)[::-1]),
        ({"q": "person 0"}, find_people(alice, query="person 0")),
        ({"q": "person 0", "sort": "-name"}, find_people(alice, query="person 0")[::-1]),
        ({"archived": "1"}, find_people(alice, include_archived=True)),
    ):
        shown = []
        for number in range(1, (len(order) + 49) // 50 + 1):
            page = web.get("/people/", {**params, "page": str(number)}).content.decode()
            shown += _ids(page)
        assert shown == order, params
    assert archived.id not in find_people(alice)


def test_the_first_page_reads_fifty_not_everyone(web: Client, alice: Owner) -> None:
    for i in range(60):
        do_add_person(alice, f"Person {i:03d}")
    web.get("/people/")
    with CaptureQueriesContext(connection) as seen:
        page = web.get("/people/").content.decode()
    assert len(_ids(page)) == 50
    listing = [q["sql"] for q in seen.captured_queries if "LIMIT 50" in q["sql"]]
    assert listing, "the page is read with a LIMIT"


def test_sorted_and_filtered_by_trust_in_the_database_as_in_python(
    web: Client, alice: Owner
) -> None:
    """Sorting by trust or last contact, a tier, the cooling ties: paged by the database
    now, in the order the ids were sorted in Python before (which a search still does:
    every name here starts with the word searched, so its order is the names')."""
    now = dt.datetime.now(dt.UTC)
    for i in range(75):
        person = do_add_person(alice, f"Person {(i * 41) % 111:03d}")
        for k in range(i % 5):  # ties: a fifth never in touch, others alike in pairs
            when = now - dt.timedelta(days=(300 if i % 2 else 5) + 20 * k)
            do_log_interaction(alice, person, "meeting", when=when, minutes=30)
    web.get("/people/")
    tiers = {r for r in TrustScore.objects.filter(owner=alice).values_list("tier", flat=True)}
    assert len(tiers) > 1
    cases: list[dict[str, str]] = [
        {"sort": "score"},
        {"sort": "-score"},
        {"sort": "last"},
        {"sort": "-last"},
        {"cooling": "1"},
        {"cooling": "1", "sort": "score"},
        *({"tier": t, "sort": "last"} for t in sorted(tiers)),
    ]
    for params in cases:
        in_db, in_python = [], []
        for number in (1, 2):
            in_db += _ids(web.get("/people/", {**params, "page": str(number)}).content.decode())
            page = web.get("/people/", {**params, "q": "person", "page": str(number)})
            in_python += _ids(page.content.decode())
        assert in_db == in_python, params
        assert in_db or params.get("cooling"), params


def test_sorted_by_company_in_the_database_as_in_python(web: Client, alice: Owner) -> None:
    """By the company the row shows (the newest current job's), folded as names are
    ("Ébène" among the e's, not after "zeta": a newcomer's finding), people with no
    company last either way and each company's people in name order: the database's
    page is the order the search still sorts in Python, and it is read with a LIMIT."""
    from troth.people.actions import do_get_or_create_organization
    from troth.people.models import Employment

    companies = ["Acme", "Ébène", "Zeta", "ábaco", "Beta", "Øresund", "eclair", None]
    for i in range(70):
        company = companies[i % len(companies)]
        do_add_person(alice, f"Person {(i * 41) % 111:03d}", company=company)
    # two current jobs: the newest one is shown, and sorted by
    two = do_add_person(alice, "Person two jobs", company="Zeta")
    Employment.objects.filter(person=two).update(started_on=dt.date(2020, 1, 1))
    Employment.objects.create(
        owner=alice,
        person=two,
        organization=do_get_or_create_organization(alice, "Aardvark"),
        is_current=True,
        started_on=dt.date(2024, 1, 1),
    )
    web.get("/people/")
    for params in ({"sort": "company"}, {"sort": "-company"}):
        in_db, in_python = [], []
        for number in (1, 2):
            in_db += _ids(web.get("/people/", {**params, "page": str(number)}).content.decode())
            page = web.get("/people/", {**params, "q": "person", "page": str(number)})
            in_python += _ids(page.content.decode())
        assert len(in_db) == 71 and in_db == in_python, params
        shown = [_company_of(web, pid) for pid in in_db]
        named = [c for c in shown if c]
        assert shown[len(named) :] == [None] * (len(shown) - len(named))  # nobody's last
        order = [fold(c) for c in dict.fromkeys(named)]
        assert order == sorted(order, reverse=params["sort"] == "-company"), order
        if params["sort"] == "company":
            assert in_db[0] == two.id  # "aardvark", its newest job, before "abaco"
            assert order[:3] == ["aardvark", "abaco", "acme"] and "ebene" in order[4:6]
    with CaptureQueriesContext(connection) as seen:
        web.get("/people/", {"sort": "company"})
    assert [q for q in seen.captured_queries if "LIMIT 50" in q["sql"]]


def _company_of(web: Client, pid: int) -> str | None:
    """The company the Person page shows as the current job's (None: no job)."""
    from troth.people.models import Employment

    job = (
        Employment.objects.filter(person_id=pid, is_current=True)
        .order_by("-started_on", "-id")
        .select_related("organization")
        .first()
    )
    return job.organization.name if job and job.organization else None
