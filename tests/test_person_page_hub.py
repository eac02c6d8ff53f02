"""A hub's Person page (the attacker's review of 2026-12-07): "Who they know" reads
only the strongest KNOWS_ROWS of a person's links whole (17,000 links rescored cost
3.9 s of CPU a page), never names every link in SQL, and still shows the strongest
first. (It reads the stored links `troth knows` reads, warmpaths' `known_links`.)"""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Knows, Person
from troth.web.views.person import KNOWS_ROWS


def test_a_hubs_page_reads_only_the_strongest_links(web: Client, alice: Owner) -> None:
    hub = do_add_person(alice, "Hub Person")
    many = 4 * KNOWS_ROWS + 150
    others = Person.objects.bulk_create(
        Person(owner=alice, full_name=f"Contact {i:04d}") for i in range(many)
    )
    # strengths from 0.01 up: the strongest are the last ones made
    Knows.objects.bulk_create(
        Knows(
            owner=alice,
            person_a=min(hub, p, key=lambda x: x.id),
            person_b=max(hub, p, key=lambda x: x.id),
            source="manual",
            strength=round(0.01 + 0.98 * i / many, 4),
        )
        for i, p in enumerate(others)
    )
    web.get(f"/people/{hub.id}/")
    with CaptureQueriesContext(connection) as ctx:
        page = web.get(f"/people/{hub.id}/").content.decode()
    ids = {str(p.id) for p in others}
    # no statement lists more of the hub's contacts than are shown
    for sql in (q["sql"] for q in ctx.captured_queries):
        named = ids.intersection(re.findall(r"\b\d+\b", sql))
        assert len(named) <= KNOWS_ROWS + 5, sql[:200]  # (+ the owner, LIMITs: numbers alike)
    # the strongest link first, and KNOWS_ROWS of them shown
    strongest = others[-1].full_name
    section = page[page.index('id="knows-h"') :]
    section = section[: section.index("</section>")]
    assert strongest in section
    assert others[-(KNOWS_ROWS + 1)].full_name not in section
    assert section.index(strongest) < section.index(others[-2].full_name)
