"""The forwardable note about me when troth knows little (issue 18, a newcomer's
review): a title without a company left "Data engineer at.", and with no name set
for me the note did not say who was writing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from troth.agenda import drafts
from troth.interactions.actions import do_log_interaction
from troth.intros.actions import do_ask
from troth.ledger.actions import do_record_favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_edit_person, do_set_job
from troth.people.models import Person


@pytest.fixture
def dana(alice: Owner) -> Person:
    """A months-long tie with giving both ways: the handoff guard lets an ask through."""
    person = do_add_person(alice, "Dana Whitfield", company="Larkspur Labs")
    for k in range(6):
        when = timezone.now() - dt.timedelta(days=20 + 25 * k)
        do_log_interaction(alice, person, "meeting", when=when, minutes=60, they_started=k % 2 == 0)
    do_record_favor(alice, me_person(alice), person, "advice", "on a deck", on=timezone.localdate())
    return person


def test_a_title_without_a_company_has_no_dangling_at(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    do_edit_person(alice, me, name="Alex Rivera")
    do_set_job(alice, me, None, "Data engineer")
    body = drafts.render_intro_draft(
        alice, do_ask(alice, dana, do_add_person(alice, "Kim Park"), "compare notes")
    ).body
    assert "I'm Alex Rivera, Data engineer." in body
    assert " at." not in body


def test_with_no_name_the_note_says_whose_contact_i_am(alice: Owner, dana: Person) -> None:
    do_edit_person(alice, me_person(alice), name="Me")  # as a fresh install names you
    body = drafts.render_intro_draft(
        alice, do_ask(alice, dana, do_add_person(alice, "Kim Park"), "compare notes")
    ).body
    assert "I'm a friend of Dana's." in body
