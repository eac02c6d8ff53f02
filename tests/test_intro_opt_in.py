"""Double opt-in in the CLI too (issue 18 item 2): when I connect two people and A did
not ask, A is asked after B's yes and nothing is sent before A agrees; a stalled
opt-in's nudge has a draft (`troth draft i8` used to say "nothing to draft")."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from troth.agenda import actions as agenda_actions
from troth.agenda import drafts
from troth.agenda.queries import access_item
from troth.errors import TrothError
from troth.interactions.actions import do_log_interaction
from troth.intros import flow
from troth.intros.actions import do_propose, do_step
from troth.intros.models import Introduction, IntroStep
from troth.ledger.actions import do_record_favor
from troth.owned import Owner
from troth.owners import local_owner, me_person
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


def _tie(owner: Owner, person: Person) -> Person:
    for k in range(6):
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


def _two(owner: Owner) -> tuple[Person, Person]:
    sarah = _tie(owner, do_add_person(owner, "Sarah Flores"))
    liz = _tie(owner, do_add_person(owner, "Elizabeth Moore"))
    return sarah, liz


def _back(intro: Introduction, days: int) -> None:
    """As if the introduction's last step was `days` ago (no clock in the test)."""
    then = timezone.now() - dt.timedelta(days=days)
    Introduction.objects.filter(id=intro.id).update(updated_at=then)


def test_a_is_asked_after_b_in_the_command_line(cli: Cli) -> None:
    owner = local_owner()
    _two(owner)
    out = cli.json("intro", "propose", "Sarah", "Elizabeth", "both run finance teams")
    ident = str(out["id"])
    assert "Sarah Flores did not ask, so is asked after" in out["next"]
    cli("intro", ident, "asked")
    story = cli("intro", ident, "accepted").stdout
    # B said yes: not yet the introduction; A is asked first
    assert "Next (you): Elizabeth Moore said yes: now ask Sarah Flores whether" in story
    assert "Steps from here: troth intro " + ident + " asked-a|agreed|declined|withdrawn" in story
    bad = cli("intro", ident, "introduced", code=2).stderr
    assert "cannot go from accepted to introduced; next is asked-a or agreed" in bad
    item = cli.json("agenda", "--all")["items"]
    mine = [i for i in item if i["id"] == f"i{ident}"]
    assert mine and "now ask Sarah Flores" in mine[0]["reason"]
    assert mine[0]["person"]["name"] == "Sarah Flores"
    drafted = cli("draft", f"i{ident}")
    assert drafted.stdout.startswith("Subject: Would you like to meet Elizabeth?")
    assert "Hi Sarah," in drafted.stdout
    assert "Elizabeth would be glad to talk, and I'll only introduce you if you say yes too" in (
        drafted.stdout
    )
    cli("done", f"i{ident}")  # asked Sarah: now it waits on her
    waits = cli.json("intro", ident)
    assert waits["state"] == "asked_a" and waits["waiting_on"]["name"] == "Sarah Flores"
    story = cli("intro", ident, "agreed", "Sarah said yes").stdout
    assert "Next (you): both said yes: introduce Sarah Flores and Elizabeth Moore" in story
    assert cli("draft", f"i{ident}").stdout.startswith("Subject: Introduction: Sarah, meet")
    intro = Introduction.objects.get(id=int(ident))
    steps = list(IntroStep.objects.filter(intro=intro).values_list("state", "person__full_name"))
    assert ("agreed", "Sarah Flores") in steps  # her answer counts for her


def test_a_who_asked_is_not_asked_again(alice: Owner) -> None:
    sarah, liz = _two(alice)
    intro = do_propose(alice, sarah, liz, "both run finance teams", a_asked=True)
    for step in (flow.ASKED, flow.ACCEPTED):
        intro = do_step(alice, intro, step)
    assert flow.next_states(intro.role, intro.state, intro.a_asked) == (
        flow.INTRODUCED,
        flow.WITHDRAWN,
    )
    assert drafts.render_intro_draft(alice, intro).kind == "intro-double"


def test_a_silent_a_gets_one_nudge_then_a_quiet_close(alice: Owner) -> None:
    sarah, liz = _two(alice)
    intro = do_propose(alice, sarah, liz, "both run finance teams")
    for step in (flow.ASKED, flow.ACCEPTED, flow.ASKED_A):
        intro = do_step(alice, intro, step)
    today = timezone.localdate()
    later = today + dt.timedelta(days=flow.OPT_IN_DAYS)
    nudge = access_item(alice, f"i{intro.id}", today=later)
    assert nudge.person_id == sarah.id and "one gentle nudge" in nudge.reason
    d = drafts.render_intro_draft(alice, intro, today=later)
    assert d.kind == "intro-optin-nudge" and [p.id for p in d.to] == [sarah.id]
    assert "would you be open to an introduction to Elizabeth Moore?" in d.body
    assert "I won't ask again" in d.body
    agenda_actions.do_done(alice, nudge)
    close = access_item(alice, f"i{intro.id}", today=later + dt.timedelta(days=flow.OPT_IN_DAYS))
    assert "close it quietly as no-answer" in close.reason
    intro.refresh_from_db()
    with pytest.raises(TrothError, match="close it quietly as no-answer, with nothing to send"):
        drafts.render_intro_draft(alice, intro, today=later + dt.timedelta(days=flow.OPT_IN_DAYS))
    agenda_actions.do_done(alice, close)
    last = IntroStep.objects.filter(intro=intro).last()
    assert last is not None and last.state == flow.NO_ANSWER
    assert last.person_id == sarah.id and last.good is False


def test_the_opt_in_nudge_has_a_draft(cli: Cli) -> None:
    """The walkthrough's crickets: `troth draft i8` on B's stalled opt-in."""
    owner = local_owner()
    melissa = _tie(owner, do_add_person(owner, "Melissa Martin"))
    kevin = _tie(owner, do_add_person(owner, "Kevin Watanabe"))
    intro = do_propose(owner, melissa, kevin, "learn how Kevin runs on-call", a_asked=True)
    intro = do_step(owner, intro, flow.ASKED)
    err = cli("draft", f"i{intro.id}", code=2).stderr  # not yet: it was just asked
    assert "nothing to draft until it is time for a nudge" in err
    _back(intro, flow.OPT_IN_DAYS)
    out = cli("draft", f"i{intro.id}")
    assert out.stdout.startswith("Subject: Re: would you like to meet Melissa?")
    assert "Hi Kevin," in out.stdout
    # spoken to Kevin: not "how Kevin runs on-call"
    assert "a conversation to learn how you run on-call" in out.stdout
    assert "Kevin" not in out.stdout.split("Hi Kevin,", 1)[1]
    assert f"intro-optin-nudge draft for Kevin Watanabe (introduction #{intro.id})" in out.stderr
    # the agenda's item and its draft agree, and the nudge is then in the story
    item = next(i for i in cli.json("agenda", "--all")["items"] if i["id"] == f"i{intro.id}")
    assert "one gentle nudge" in item["reason"]
    assert cli("draft", item["id"]).stdout == out.stdout
    cli("done", item["id"])
    assert "nudged (once)" in cli("intro", str(intro.id)).stdout
    with pytest.raises(TrothError, match="waiting for"):
        drafts.render_intro_draft(owner, Introduction.objects.get(id=intro.id))


def test_the_web_board_asks_a_too(client: Client, alice: Owner) -> None:
    sarah, liz = _two(alice)
    intro = do_propose(alice, sarah, liz, "both run finance teams")
    for step in (flow.ASKED, flow.ACCEPTED):
        intro = do_step(alice, intro, step)
    client.force_login(alice)
    page = client.get("/intros/").content.decode().replace("&#x27;", "'")
    card = page[page.index(f'id="intro-{intro.id}"') :]
    card = card[: card.index("</li>")]
    assert "now ask Sarah Flores whether they would like to meet Elizabeth Moore" in card
    assert "Draft the opt-in request to Sarah Flores" in card
    assert 'value="asked_a" class="primary">Asked the other one too' in card
    assert 'value="introduced"' not in card
    hx: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
    r = client.post(f"/intros/{intro.id}/step", {"step": "introduced"}, **hx)
    assert r.status_code == 400
    intro.refresh_from_db()
    assert intro.state == flow.ACCEPTED
    r = client.post(f"/intros/{intro.id}/step", {"step": "agreed"}, **hx)
    assert r.status_code == 200 and "Both said yes: introduce them." in r.content.decode()
    r = client.get(f"/intros/{intro.id}/draft", **hx)
    assert r.status_code == 200 and "Sarah, meet Elizabeth Moore" in r.content.decode()
