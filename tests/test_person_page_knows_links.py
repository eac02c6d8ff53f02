"""The Person page's "Who they know" is `troth knows A` (a newcomer's findings of
2026-12-07): the links troth infers from mail reach the page, a forgotten link leaves
it as it leaves `troth knows`, and an employer-only "may know" link is there with its
"both at X now"; one read (warmpaths.queries.known_links) for both."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils.html import escape

from troth.importers.models import MessageParticipant
from troth.owned import Owner
from troth.people.actions import do_add_person, do_link_knows
from troth.warmpaths.actions import do_forget
from troth.warmpaths.queries import known_links, whom_knows
from troth.web.views.person import KNOWS_ROWS


def _shown(web: Client, person_id: int) -> str:
    page = web.get(f"/people/{person_id}/").content.decode()
    section = page[page.index('id="knows-h"') :]
    return section[: section.index("</section>")]


def test_links_from_mail_reach_the_page_as_troth_knows_says_them(
    fixed_day: dt.date, web: Client, alice: Owner
) -> None:
    bob = do_add_person(alice, "Bob Stone", emails=["bob@acme.example"])
    ann = do_add_person(alice, "Ann Ray", emails=["ann@acme.example"])
    when = dt.datetime.combine(fixed_day - dt.timedelta(days=20), dt.time(9), dt.UTC)
    # two messages to the owner with both of them in Cc, as the mail import writes them
    MessageParticipant.objects.bulk_create(
        MessageParticipant(
            owner=alice,
            source="mbox",
            external_id=f"<m{k}@acme.example>",
            occurred_at=when + dt.timedelta(days=k),
            address=address,
            role=MessageParticipant.CC,
            owner_role=MessageParticipant.TO,
        )
        for k in range(2)
        for address in ("bob@acme.example", "ann@acme.example")
    )
    rows = whom_knows(alice, bob)
    assert [r["id"] for r in rows] == [ann.id]
    said = rows[0]["evidence"][0]
    assert said.startswith("Cc'd together on 2 messages")
    section = _shown(web, bob.id)
    assert "Nobody in your network" not in section
    assert "Ann Ray" in section
    assert escape(said) in section
    assert f"strength {rows[0]['strength']:.2f}" in section
    # the other side's page says it too
    assert "Bob Stone" in _shown(web, ann.id)


def test_a_forgotten_link_leaves_both_pages(fixed_day: dt.date, web: Client, alice: Owner) -> None:
    kevin = do_add_person(alice, "Kevin Watanabe")
    dana = do_add_person(alice, "Dana Kang")
    do_link_knows(alice, kevin, dana, source="sim", strength=0.73)
    assert "from the demo network, strength 0.73" in _shown(web, dana.id)
    do_forget(alice, kevin, dana)
    assert whom_knows(alice, dana) == []
    for person, other in ((dana, kevin), (kevin, dana)):
        section = _shown(web, person.id)
        assert other.full_name not in section
        assert "Nobody in your network is known to know" in section


def test_an_employer_overlap_alone_is_a_may_know_row(
    fixed_day: dt.date, web: Client, alice: Owner
) -> None:
    ana = do_add_person(alice, "Ana Costa", company="Initrode", title="CTO")
    ben = do_add_person(alice, "Ben Ode", company="Initrode", title="CFO")
    do_link_knows(alice, ana, ben, strength=0.5)
    kim = do_add_person(alice, "Kim Lund", company="Initrode")
    rows = {r["id"]: r for r in whom_knows(alice, ana)}
    assert rows[kim.id]["evidence"] == [
        "both at Initrode now (may know each other: not enough alone for a path)"
    ]
    section = _shown(web, ana.id)
    assert "Kim Lund" in section
    assert "both at Initrode now (may know each other" in section
    # the Knows row's link: how it was recorded first, then the overlap
    assert "you recorded it, strength" in section
    assert "· both at Initrode now" in section
    assert section.index("Ben Ode") < section.index("Kim Lund")


def test_the_pages_strongest_are_troth_knows_first_ones(
    fixed_day: dt.date, web: Client, alice: Owner
) -> None:
    hub = do_add_person(alice, "Hub Person")
    many = KNOWS_ROWS + 10
    for i in range(many):
        do_link_knows(alice, hub, do_add_person(alice, f"Contact {i:03d}"), strength=i / many)
    everyone = whom_knows(alice, hub)
    assert len(everyone) == many
    shown, total = known_links(alice, hub, KNOWS_ROWS)
    assert total == many
    assert [row for _link, row in shown] == everyone[:KNOWS_ROWS]
    section = _shown(web, hub.id)
    assert f"The {KNOWS_ROWS} strongest links of {many}." in section
    assert everyone[0]["name"] in section and everyone[-1]["name"] not in section
    # fewer than the page's rows: no count needed, the same total
    assert known_links(alice, hub, many + 1)[1] == many
