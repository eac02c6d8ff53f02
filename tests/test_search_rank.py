"""Search and matching put the best fit first (issue 18 item 7): `troth people Tom` lists
Tom before the Customer Success Managers, and `troth help` for a tax accountant puts the
CPA, the enrolled agent and the tax preparer before the controllers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from troth.helping import who_can_help
from troth.ledger.actions import do_add_need
from troth.owned import Owner
from troth.owners import local_owner
from troth.people.actions import do_add_person
from troth.people.queries import find_people
from troth.sim.generate import generate_network
from troth.sim.load import load_network

if TYPE_CHECKING:
    from conftest import Cli
    from troth.helping import Helper


def test_people_named_or_nicknamed_tom_come_before_customer_success_managers(cli: Cli) -> None:
    alice = local_owner()  # the CLI's owner
    # Alphabetically every one of these managers comes before the Toms.
    for name in ("Abigail Zielinski", "Daniel Choi", "Jessica Robinson", "Sanjay Smith"):
        do_add_person(alice, name, company="Osprey", title="Customer Success Manager")
    tomas = do_add_person(alice, "Tomás O'Neill-Ärnlöv", company="Umber")
    tomas.nickname = "Tom"
    tomas.save()
    tom = do_add_person(alice, "Tom Baker")
    tomlin = do_add_person(alice, "Ursula Tomlinson")
    atom = do_add_person(alice, "Bea Atomics")
    mail = do_add_person(alice, "Zed Zulu", emails=["tom.z@example.org"])
    ids = find_people(alice, query="Tom")
    # the whole word or the nickname, then a word's start, then inside a name, then the rest
    assert set(ids[:2]) == {tom.id, tomas.id}
    assert ids[2] == tomlin.id
    assert ids[3] == atom.id
    assert mail.id in ids[4:] and len(ids) == 9
    # the CLI and the web list use the same order
    rows = cli.json("people", "Tom")
    assert [r["id"] for r in rows] == ids
    assert {r["name"] for r in rows[:2]} == {"Tom Baker", "Tomás O'Neill-Ärnlöv"}


def test_a_tax_accountant_need_finds_the_tax_people_first_in_the_simulated_network(
    alice: Owner,
) -> None:
    with transaction.atomic():
        load_network(alice, generate_network(people=300, seed=7, today=timezone.localdate()))
        someone = do_add_person(alice, "Nora Needham")
        pros = [
            do_add_person(alice, "Sam Okafor", company="Bellwether Accounting", title="CPA"),
            do_add_person(alice, "Ed Ames", company="Lone Desk", title="Enrolled Agent"),
            do_add_person(alice, "Tina Preis", company="Tax Corner", title="Tax Preparer"),
        ]
        need = do_add_need(alice, someone, "a tax accountant for her side business", days=45)
    helpers = who_can_help(alice, need, k=60).helpers
    by_id = {h.person_id: h for h in helpers}
    assert all(p.id in by_id for p in pros)

    def only_a_title(h: Helper, title: str) -> bool:
        return all(r.startswith(f"title '{title}'") for r in h.reasons)

    controllers = [h for h in helpers if only_a_title(h, "Controller")]
    accountants = [h for h in helpers if only_a_title(h, "Senior Accountant")]
    assert controllers and accountants  # the simulated network has both
    for pro in pros:
        mine = by_id[pro.id]
        # by the words alone, a tax professional beats a controller or a plain accountant
        assert mine.match > max(h.match for h in controllers + accountants)
        # and is listed before every controller who is no closer a tie
        for h in controllers:
            if h.tier == mine.tier:
                assert helpers.index(mine) < helpers.index(h)
    sam = by_id[pros[0].id]
    assert "tax accountant ~ cpa" in sam.reasons[0]
