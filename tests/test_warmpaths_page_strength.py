"""One strength per pair (brief of 2026-12-07): the Person page's "Who they know",
`troth knows` and the path search show the same strength for two people, the Knows
row's with the other evidence troth has (here an employer overlap: 0.68 alone, 0.73
with it), and a Knows row saved after a pass reaches `troth knows` at once."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from troth.owned import Owner
from troth.people.actions import do_add_person, do_link_knows
from troth.warmpaths import infer
from troth.warmpaths.queries import fresh_links, link_strengths, whom_knows


def _shown(web: Client, person_id: int) -> str:
    page = web.get(f"/people/{person_id}/").content.decode()
    section = page[page.index('id="knows-h"') :]
    return section[: section.index("</section>")]


def test_the_page_and_troth_knows_show_one_strength(
    fixed_day: dt.date, web: Client, alice: Owner
) -> None:
    ana = do_add_person(alice, "Ana Costa", company="Acme", title="CTO")
    ben = do_add_person(alice, "Ben Ode", company="Acme", title="CFO")
    kim = do_add_person(alice, "Kim Lund", company="Initech")
    fresh_links(alice)  # a pass before the Knows rows: they must still reach it
    do_link_knows(alice, ana, ben, strength=0.68)
    do_link_knows(alice, ana, kim, strength=0.40)
    with_employer = infer.strength(knows=0.68, employer=True)
    assert round(with_employer, 2) == 0.73
    rows = {r["id"]: r for r in whom_knows(alice, ana)}
    assert rows[ben.id]["strength"] == round(with_employer, 3)
    assert rows[kim.id]["strength"] == 0.4  # no other evidence: the Knows row's own
    assert link_strengths(alice, ana, [ben.id, kim.id]) == {
        ben.id: with_employer,
        kim.id: 0.4,
    }
    section = _shown(web, ana.id)
    assert "you recorded it, strength 0.73" in section
    assert "strength 0.68" not in section
    assert "you recorded it, strength 0.40" in section
    # strongest first, by the strength shown
    assert section.index("Ben Ode") < section.index("Kim Lund")


def test_a_changed_knows_row_moves_every_view_together(
    fixed_day: dt.date, web: Client, alice: Owner
) -> None:
    ana = do_add_person(alice, "Ana Costa", company="Acme")
    ben = do_add_person(alice, "Ben Ode", company="Acme")
    knows = do_link_knows(alice, ana, ben, strength=0.68)
    fresh_links(alice)
    knows.strength = 0.2
    knows.save()
    expected = infer.strength(knows=0.2, employer=True)
    assert [r["strength"] for r in whom_knows(alice, ana)] == [round(expected, 3)]
    assert f"strength {expected:.2f}" in _shown(web, ana.id)
