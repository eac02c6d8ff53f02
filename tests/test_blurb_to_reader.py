"""The forwardable note to B speaks to B (issue 18 item 11): the reason to meet Ralph,
"learn how he scaled finance at his company", reads "learn how you scaled finance at
your company" in the note Bernard forwards to Ralph, in the offer's thank-you and the
ask alike; a reason that names the introducer keeps its pronouns (they may be his)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from troth.agenda import drafts
from troth.agenda.draft_grammar import to_reader
from troth.interactions.actions import do_log_interaction
from troth.intros.actions import do_ask, do_offered
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_edit_person, do_set_job
from troth.people.models import Person


@dataclass
class P:
    full_name: str
    given_name: str = ""
    nickname: str = ""


RALPH = P("Ralph Okonkwo", "Ralph")
BERNARD = P("Bernard Biggs", "Bernard")


def test_the_reason_is_said_to_the_reader() -> None:
    assert (
        to_reader("learn how he scaled finance at his company and what he would do next", RALPH)
        == "learn how you scaled finance at your company and what you would do next"
    )
    assert to_reader("hear how Ralph runs his board", RALPH) == "hear how you run your board"
    assert to_reader("ask her about her move to Lisbon", P("Wren Halvorsen", "Wren")) == (
        "ask you about your move to Lisbon"
    )
    # the introducer named: "he" may be Bernard, so only Ralph's name changes
    assert (
        to_reader("Bernard says he knows Ralph's team", RALPH, (BERNARD,))
        == "Bernard says he knows your team"
    )


def _story(alice: Owner) -> tuple[Person, Person]:
    bernard = do_add_person(alice, "Bernard Biggs", company="Biggs Capital")
    ralph = do_add_person(alice, "Ralph Okonkwo", company="Ledgerline", title="CFO")
    me = me_person(alice)
    do_edit_person(alice, me, name="Alex Morgan")
    do_set_job(alice, me, "Quarry", "Data Engineer")
    return bernard, ralph


def _note(body: str) -> str:
    return body.split("-----")[1]


def test_the_offer_thank_you_carries_a_note_that_speaks_to_ralph(alice: Owner) -> None:
    bernard, ralph = _story(alice)
    why = "learn how he scaled finance at his company and what he would do differently"
    intro = do_offered(alice, bernard, ralph, why)
    note = _note(drafts.render_intro_draft(alice, intro).body)
    assert "to learn how you scaled finance at your company and what you would do" in note
    assert " he " not in note and " his " not in note


def test_the_ask_carries_the_same_note(alice: Owner) -> None:
    bernard, ralph = _story(alice)
    for days in (200, 100, 30):
        when = timezone.now() - dt.timedelta(days=days)
        do_log_interaction(alice, bernard, "meeting", minutes=60, when=when)
    intro = do_ask(alice, bernard, ralph, "hear how he built his team", anyway="he offered")
    body = drafts.render_intro_draft(alice, intro).body
    assert "to hear how you built your team" in body
