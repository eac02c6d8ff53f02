"""Drafts speak to their reader (issue 18 item 11): what I noted about a person
("offered to introduce me to his friend Ralph", "how Kevin runs on-call") reads, in a
message to that person, as said to them ("introduce me to your friend Ralph", "how
you run on-call")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from troth.agenda import drafts
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.people.models import Person


@pytest.fixture
def kevin(alice: Owner) -> Person:
    return do_add_person(alice, "Kevin Watanabe")


@pytest.mark.parametrize(
    "word, base",
    [
        ("runs", "run"),
        ("has", "have"),
        ("is", "are"),
        ("does", "do"),
        ("watches", "watch"),
        ("tries", "try"),
        ("hires", "hire"),
        ("uses", "use"),
        ("ran", None),
        ("will", None),
        ("boss", None),
    ],
)
def test_a_verb_agrees_with_you(word: str, base: str | None) -> None:
    assert drafts.agree(word) == base


@pytest.mark.parametrize(
    "note, said",
    [
        # the walkthrough's opt-in to Kevin
        ("learn how Kevin runs on-call", "learn how you run on-call"),
        (
            "Melissa wants to learn how Kevin runs on-call",
            "Melissa wants to learn how you run on-call",
        ),
        ("Kevin Watanabe has built two SRE teams", "you have built two SRE teams"),
        ("see how Kevin also watches costs", "see how you also watch costs"),
        ("ask Kevin questions about pagers", "ask you questions about pagers"),
        ("learn how Kevin's team hires", "learn how your team hires"),
        ("Kevin is hiring", "you are hiring"),
        ("Kevin ran the migration", "you ran the migration"),
    ],
)
def test_to_you_turns_the_name_and_its_verb(kevin: Person, note: str, said: str) -> None:
    assert drafts.to_you(note, kevin) == said


def test_to_you_leaves_pronouns_in_a_note_about_two_people(kevin: Person) -> None:
    # "her" may be Melissa: only the name is certain
    assert drafts.to_you("learn how her team hires", kevin) == "learn how her team hires"


@pytest.mark.parametrize(
    "note, deed",
    [
        ("offered to introduce me to his friend Ralph", "introduce me to your friend Ralph"),
        ("intro me to his CFO", "introduce me to your CFO"),  # the README's example
        ("he'll intro me to Ralph", "introduce me to Ralph"),
        (
            "Kevin offered to put me in touch with his old team",
            "put me in touch with your old team",
        ),
        ("said he would send me his deck", "send me your deck"),
        ("promised to review her CV", "review your CV"),
        ("send Kevin the survey", "send you the survey"),
        # "him" after someone else is named is that someone: left as written
        (
            "introduce me to Ralph and tell him about me",
            "introduce me to Ralph and tell him about me",
        ),
    ],
)
def test_a_promise_reads_as_the_deed(kevin: Person, note: str, deed: str) -> None:
    assert drafts.promised_deed(note, kevin) == deed


@pytest.mark.parametrize(
    "note, thing",
    [
        ("Kevin is looking for a CPA for her side business", "a CPA for your side business"),
        ("looking for a tax accountant", "a tax accountant"),
        ("needs a co-founder who knows his market", "a co-founder who knows your market"),
        ("a CPA who knows startups", "a CPA who knows startups"),
        ("intro to hiring managers at Larkspur", "an introduction to hiring managers at Larkspur"),
    ],
)
def test_a_need_reads_as_the_thing_looked_for(kevin: Person, note: str, thing: str) -> None:
    assert drafts.needed_thing(note, kevin) == thing


@pytest.mark.parametrize(
    "note, said",
    [
        ("He runs the Chicago chapter", "You run the Chicago chapter"),
        ("help her find a role", "help you find a role"),
        ("review her CV", "review your CV"),
        ("she's moving to Denver", "you're moving to Denver"),
        ("send him the deck", "send you the deck"),
    ],
)
def test_second_person_turns_pronouns_in_a_note_about_one_person(
    kevin: Person, note: str, said: str
) -> None:
    assert drafts.second_person(note, kevin) == said


def test_drafts_read_as_said_to_the_reader(alice: Owner, kevin: Person) -> None:
    today = timezone.localdate()
    me = me_person(alice)
    do_make_promise(
        alice,
        kevin,
        me,
        "offered to introduce me to his friend Ralph",
        made_on=today - dt.timedelta(days=30),
        due=today - dt.timedelta(days=10),
    )
    nudge = drafts.render_draft(alice, kevin, "nudge").body
    assert "A few weeks ago you kindly offered to introduce me to your friend Ralph." in nudge
    assert "offered to offered" not in nudge and "his friend" not in nudge
    release = drafts.render_draft(alice, kevin, "release").body
    assert "When you offered to introduce me to your friend Ralph, it was really kind" in release

    do_add_need(alice, kevin, "Kevin is looking for a CPA for his side business", days=45)
    give = drafts.render_draft(alice, kevin, "give")
    assert give.subject == "Your search for a CPA for your side business"
    assert "that you're looking for a CPA for your side business." in give.body

    do_record_favor(alice, kevin, me, "resource", "He sent me his pitch deck", on=today)
    thanks = drafts.render_draft(alice, kevin, "thanks").body
    assert "thank you: you sent me your pitch deck today" in thanks
