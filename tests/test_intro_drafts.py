"""Drafts for every introduction step: the opt-in to B, the forwardable blurb, the
introduction to both, the nudge, the follow-up and the thank-you with the outcome."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.agenda import drafts
from troth.errors import TrothError
from troth.interactions.actions import do_log_interaction
from troth.intros import flow
from troth.intros.actions import do_ask, do_propose, do_step
from troth.ledger.actions import do_record_favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_edit_person, do_set_job

if TYPE_CHECKING:
    from conftest import Cli
    from troth.agenda.drafts import Draft
    from troth.intros.models import Introduction
    from troth.people.models import Person


def _tie(owner: Owner, person: Person, meetings: int = 6) -> Person:
    """A months-long tie with giving both ways, so the handoff guard lets it through."""
    for k in range(meetings):
        do_log_interaction(
            owner,
            person,
            "meeting",
            when=timezone.now() - dt.timedelta(days=20 + 25 * k),
            minutes=60,
            they_started=k % 2 == 0,
        )
    do_record_favor(owner, me_person(owner), person, "advice", "on a deck", on=timezone.localdate())
    return person


@pytest.fixture
def pair(alice: Owner) -> tuple[Person, Person]:
    dana = _tie(alice, do_add_person(alice, "Dana Whitfield", company="Larkspur Labs"))
    wren = _tie(alice, do_add_person(alice, "Wren Halvorsen"))
    do_set_job(alice, wren, "Northwind", "Head of Data")
    return dana, wren


def _clean(text: str) -> None:
    for bad in ("None", "{", "}", "  ", " ,", " .", "\n\n\n", "()"):
        assert bad not in text, f"{bad!r} in {text!r}"


def _draft(owner: Owner, intro: Introduction, kind: str | None = None) -> Draft:
    d = drafts.render_intro_draft(owner, intro, kind)
    _clean(d.subject or "")
    _clean(d.body)
    assert d.intro == intro.id
    return d


def test_connector_drafts_follow_the_steps(alice: Owner, pair: tuple[Person, Person]) -> None:
    dana, wren = pair
    intro = do_propose(alice, dana, wren, "learn how Wren's team hires data engineers")
    optin = _draft(alice, intro)
    # B is asked first, and nothing about B reaches A before B agrees
    assert optin.kind == "intro-optin" and [p.id for p in optin.to] == [wren.id]
    assert optin.body.startswith("Hi Wren,")
    assert "Dana Whitfield (Larkspur Labs)" in optin.body
    assert "to learn how your team hires data engineers" in optin.body
    assert "I won't introduce you or pass on your details unless you say yes" in optin.body

    intro = do_step(alice, intro, flow.ASKED)
    intro = do_step(alice, intro, flow.ACCEPTED)
    intro = do_step(alice, intro, flow.AGREED)  # Dana, who did not ask, said yes too
    both = _draft(alice, intro)
    assert both.kind == "intro-double" and {p.id for p in both.to} == {dana.id, wren.id}
    assert both.body.startswith("Hi Dana and Wren,")
    assert "Dana, meet Wren Halvorsen (Head of Data at Northwind)." in both.body

    intro = do_step(alice, intro, flow.INTRODUCED)
    nudge = _draft(alice, intro)
    assert nudge.kind == "intro-nudge" and [p.id for p in nudge.to] == [dana.id]
    assert "whether you two managed to connect" in nudge.body


def test_a_who_did_not_ask_opts_in_too(alice: Owner, pair: tuple[Person, Person]) -> None:
    dana, wren = pair
    intro = do_step(alice, do_propose(alice, dana, wren, "both hire in fintech"), flow.ASKED)
    intro = do_step(alice, intro, flow.ACCEPTED)
    second = _draft(alice, intro)
    assert second.kind == "intro-optin" and [p.id for p in second.to] == [dana.id]
    # true to A: B said yes, and nothing happens unless A agrees too
    assert "Wren would be glad to talk, and I'll only introduce you if you say yes too" in (
        second.body
    )
    asked = do_propose(
        alice, wren, do_add_person(alice, "Kim Park"), "x", a_asked=True, anyway="ok"
    )
    assert _draft(alice, asked).kind == "intro-optin"
    with pytest.raises(TrothError, match="waiting for"):
        drafts.render_intro_draft(alice, do_step(alice, asked, flow.ASKED))


def test_requester_drafts_carry_a_forwardable_blurb_and_the_outcome(
    alice: Owner, pair: tuple[Person, Person]
) -> None:
    dana, _ = pair
    wren = do_add_person(alice, "Wren Okafor")  # someone I do not know yet
    me = me_person(alice)
    do_edit_person(alice, me, name="Alex Morgan")
    do_set_job(alice, me, "Quarry", "Data Engineer")
    intro = do_ask(alice, dana, wren, "learn how her team works")
    ask = _draft(alice, intro)
    assert ask.kind == "intro-ask" and [p.id for p in ask.to] == [dana.id]
    assert "I'm Alex Morgan, Data Engineer at Quarry." in ask.body  # forwardable as is
    assert "-----" in ask.body and "just say so" in ask.body

    kim = do_add_person(alice, "Kim Park")
    own = do_ask(alice, dana, kim, "compare notes", blurb="Alex builds data tools.")
    assert "Alex builds data tools." in _draft(alice, own).body

    for step in (flow.AGREED, flow.ACCEPTED, flow.INTRODUCED):
        intro = do_step(alice, intro, step)
    follow = _draft(alice, intro)
    assert follow.kind == "intro-followup" and [p.id for p in follow.to] == [wren.id]
    assert "thanks to Dana for introducing us" in follow.body

    intro = do_step(alice, intro, flow.FOLLOWED_UP)
    intro = do_step(alice, intro, flow.MET)
    met = _draft(alice, intro)
    assert "Wren and I met today." in met.body and "worthwhile" not in met.body
    intro = do_step(
        alice, intro, flow.OUTCOME, "Got an interview at Northwind", outcome="interview"
    )
    thanks = _draft(alice, intro)
    assert thanks.kind == "intro-thanks" and [p.id for p in thanks.to] == [dana.id]
    assert "It led to an interview" in thanks.body
    assert "In short: got an interview at Northwind." not in thanks.body
    assert "In short: Got an interview at Northwind." in thanks.body

    with pytest.raises(TrothError, match="its draft is intro-thanks, not intro-optin"):
        drafts.render_intro_draft(alice, intro, "intro-optin")
    ended = do_step(alice, intro, flow.THANKED)
    with pytest.raises(TrothError, match="it has ended"):
        drafts.render_intro_draft(alice, ended)


def test_draft_command_takes_an_introduction_id(cli: Cli) -> None:
    from troth.owners import local_owner

    alice = local_owner()  # the CLI's owner
    dana = _tie(alice, do_add_person(alice, "Dana Whitfield", company="Larkspur Labs"))
    wren = _tie(alice, do_add_person(alice, "Wren Halvorsen"))
    intro = do_propose(alice, dana, wren, "both hire data engineers")
    out = cli("draft", f"i{intro.id}")
    assert out.stdout.startswith("Subject: Would you like to meet Dana?")
    assert f"intro-optin draft for Wren Halvorsen (introduction #{intro.id})" in out.stderr
    data = cli.json("draft", f"i{intro.id}")
    assert data["intro"] == intro.id and data["to"] == [{"id": wren.id, "name": wren.full_name}]
    # by name, the person's pressing step is the introduction's
    assert "Would you like to meet Dana?" in cli("draft", "Wren").stdout
    err = cli("draft", f"i{intro.id}", "--kind", "thanks", code=2).stderr
    assert "is an introduction; its drafts are intro-optin" in err
    assert "no introduction with id 999" in cli("draft", "i999", code=2).stderr
    err = cli("draft", "Dana", "--kind", "intro-double", code=2).stderr
    assert "no introduction is at that step with them" in err


def test_an_overridden_intro_template_is_used(
    alice: Owner, pair: tuple[Person, Person], home: Path
) -> None:
    dana, wren = pair
    (home / "drafts").mkdir()
    (home / "drafts" / "intro-optin.txt").write_text("Hi {{ first_name }}, meet {{ other }}?\n")
    d = drafts.render_intro_draft(alice, do_propose(alice, dana, wren, "why not"))
    assert d.body.strip() == "Hi Wren, meet Dana Whitfield?"
