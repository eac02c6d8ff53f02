"""`troth help` for "a tax accountant" puts an actual CPA in the top three on the demo
network (issue 18 item 7: he ranked 15th, behind controllers and analysts tagged cpa,
because a tag and a title weighed the same). A current job title that is what the need
asks for now counts for more than the same word as a tag."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from troth.helping import who_can_help
from troth.ledger.actions import do_add_need
from troth.matching.keywords import KeywordMatcher, NeedText, Profile
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.sim.generate import generate_network
from troth.sim.load import load_network


def test_a_cpa_by_title_is_in_the_top_three_for_a_tax_accountant(
    fixed_day: dt.date, alice: Owner
) -> None:
    with transaction.atomic():
        load_network(alice, generate_network(people=300, seed=7, today=fixed_day))
        nora = do_add_person(alice, "Nora Needham")
        sam = do_add_person(alice, "Sam Okafor", company="Bellwether Accounting", title="CPA")
        need = do_add_need(alice, nora, "a tax accountant for her side business", days=45)
    helpers = who_can_help(alice, need, k=30).helpers
    ids = [h.person_id for h in helpers]
    assert sam.id in ids[:3], [(h.name, h.tier, h.reasons) for h in helpers[:4]]
    # never scored, never met: still marked as a stranger, not hidden
    assert helpers[ids.index(sam.id)].stranger


def test_the_job_title_outweighs_the_same_word_as_a_tag() -> None:
    matcher = KeywordMatcher()
    pool = [
        Profile(id=1, name="Tag Only", titles=("Controller",), tags=("cpa",)),
        Profile(id=2, name="Title Only", titles=("CPA",)),
        Profile(id=3, name="Someone Else", titles=("Designer",)),
    ]
    found = matcher.rank(NeedText("a tax accountant"), pool, 3)
    assert [m.person_id for m in found] == [2, 1]
    assert found[0].score > 1.2 * found[1].score
    # the same when the need names the credential itself
    plain = matcher.rank(NeedText("a CPA"), pool, 3)
    assert [m.person_id for m in plain] == [2, 1]
