"""Introductions: the double-opt-in state machine, the handoff guard, crickets, the agenda."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.agenda import actions as agenda_actions
from troth.agenda.queries import access_item, agenda
from troth.errors import NotFound, TrothError
from troth.interactions.actions import do_log_interaction
from troth.intros import flow
from troth.intros.actions import do_ask, do_nudge, do_propose, do_step
from troth.intros.models import Introduction, IntroStep
from troth.intros.queries import access_intro, intros
from troth.ledger.actions import do_record_favor
from troth.ledger.models import Favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_link_knows

if TYPE_CHECKING:
    from conftest import Cli
    from troth.people.models import Person

# -- the pure state machine ---------------------------------------------------------------


@pytest.mark.parametrize(
    "role, old, new",
    [
        (role, old, new)
        for role in flow.ROLES
        for old, new in itertools.product(flow.STATES, flow.STATES)
    ],
)
def test_every_transition_is_legal_or_refused_with_the_way_forward(
    role: str, old: str, new: str
) -> None:
    legal = flow.TRANSITIONS[role].get(old, ())
    if new in legal:
        flow.check_step(role, old, new)
        return
    with pytest.raises(flow.IllegalStep) as caught:
        flow.check_step(role, old, new)
    message = str(caught.value)
    if legal:
        assert f"cannot go from {flow.word(old)} to {flow.word(new)}" in message
        for step in legal:
            assert flow.word(step) in message
    else:
        assert f"has ended ({flow.word(old)})" in message


def test_both_roles_reach_thanks_and_every_end_is_final() -> None:
    for role in flow.ROLES:
        seen, todo = set(), [flow.START[role]]
        while todo:
            state = todo.pop()
            if state in seen:
                continue
            seen.add(state)
            todo += flow.next_states(role, state)
        assert flow.THANKED in seen and flow.NO_ANSWER in seen
        for end in flow.ENDED:
            assert flow.next_states(role, end) == ()
    with pytest.raises(flow.IllegalStep, match="unknown step 'sent'"):
        flow.check_step(flow.CONNECTOR, flow.PROPOSED, "sent")


def test_conduct_credits_responding_and_blames_silence() -> None:
    c, r = flow.CONNECTOR, flow.REQUESTER
    assert flow.conduct(c, flow.ASKED, flow.DECLINED) == flow.Conduct("b", True)
    assert flow.conduct(c, flow.ASKED, flow.NO_ANSWER) == flow.Conduct("b", False)
    assert flow.conduct(c, flow.INTRODUCED, flow.NOT_MET) == flow.Conduct("a", False)
    assert flow.conduct(r, flow.ASKED, flow.AGREED) == flow.Conduct("introducer", True)
    assert flow.conduct(r, flow.AGREED, flow.NO_ANSWER) == flow.Conduct("b", False)
    assert flow.conduct(r, flow.INTRODUCED, flow.NOT_MET) == flow.Conduct("me", False)
    assert flow.conduct(r, flow.OUTCOME, flow.THANKED) == flow.Conduct("me", True)
    assert flow.conduct(c, flow.PROPOSED, flow.ASKED) is None


# -- with the database ----------------------------------------------------------------------


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _tie(owner: Owner, person: Person, meetings: int = 6) -> Person:
    """A real, months-long tie with giving both ways."""
    for k in range(meetings):
        do_log_interaction(
            owner, person, "meeting", when=_ago(20 + 25 * k), minutes=60, they_started=k % 2 == 0
        )
    me = me_person(owner)
    do_record_favor(owner, me, person, "advice", "on their deck", on=timezone.localdate())
    return person


@pytest.fixture
def people(alice: Owner) -> dict[str, Person]:
    return {
        name.split()[0].lower(): do_add_person(alice, name)
        for name in ("Dana Whitfield", "Wren Halvorsen", "Kim Stranger", "Pat Close")
    }


def test_connector_walks_the_whole_loop(alice: Owner, people: dict[str, Person]) -> None:
    dana, wren = _tie(alice, people["dana"]), _tie(alice, people["wren"])
    intro = do_propose(alice, dana, wren, "both hiring data engineers")
    assert intro.state == flow.PROPOSED and intro.role == flow.CONNECTOR
    # Dana did not ask: after Wren's yes, Dana is asked and says yes too
    for step in (flow.ASKED, flow.ACCEPTED, flow.ASKED_A, flow.AGREED, flow.INTRODUCED, flow.MET):
        intro = do_step(alice, intro, step)
    assert intro.favor_id is not None
    favor = Favor.objects.get(id=intro.favor_id)  # the introduction is a favour I gave Dana
    assert favor.giver.is_me and favor.receiver_id == dana.id and favor.kind == "intro"
    with pytest.raises(TrothError, match="outcome must be one of lead"):
        do_step(alice, intro, "outcome", outcome="fame")
    intro = do_step(alice, intro, "outcome", "Dana got an interview", outcome="interview")
    intro = do_step(alice, intro, "thanked")
    steps = list(IntroStep.objects.filter(intro=intro).values_list("state", "person_id", "good"))
    assert [s for s, _, _ in steps] == [
        "proposed",
        "asked",
        "accepted",
        "asked_a",
        "agreed",
        "introduced",
        "met",
        "outcome",
        "thanked",
    ]
    # responding (Wren), following up and thanking (Dana) count for them
    assert (flow.ACCEPTED, wren.id, True) in steps and (flow.MET, dana.id, True) in steps
    assert intro.outcome == "interview"


def test_illegal_steps_change_nothing(alice: Owner, people: dict[str, Person]) -> None:
    dana, wren = _tie(alice, people["dana"]), _tie(alice, people["wren"])
    intro = do_propose(alice, dana, wren, "why")
    before = IntroStep.objects.count()
    with pytest.raises(
        TrothError, match=r"#\d+: cannot go from proposed to thanked; next is asked"
    ):
        do_step(alice, intro, "thanked")
    do_step(alice, intro, "asked")
    do_step(alice, intro, "declined")
    with pytest.raises(TrothError, match="has ended \\(declined\\)"):
        do_step(alice, access_intro(alice, intro.id), "accepted")
    intro.refresh_from_db()
    assert intro.state == flow.DECLINED and IntroStep.objects.count() == before + 2


def test_handoff_guard_refuses_weak_ties_unless_told_why(
    alice: Owner, people: dict[str, Person]
) -> None:
    dana, kim = _tie(alice, people["dana"]), people["kim"]
    with pytest.raises(TrothError, match="your tie to Kim Stranger is stranger .*handoff"):
        do_propose(alice, dana, kim, "Kim wants a job")
    assert not Introduction.objects.exists()
    intro = do_propose(alice, dana, kim, "Kim wants a job", anyway="Kim is my cousin")
    assert intro.anyway == "Kim is my cousin"
    with pytest.raises(TrothError, match="already proposed"):
        do_propose(alice, kim, dana, "again", anyway="x")
    with pytest.raises(TrothError, match="themselves"):
        do_propose(alice, dana, dana, "x")
    with pytest.raises(TrothError, match="you are neither side"):
        do_propose(alice, me_person(alice), dana, "x")


def test_asking_a_weak_tie_points_to_someone_closer(
    alice: Owner, people: dict[str, Person]
) -> None:
    dana, kim, pat = people["dana"], people["kim"], _tie(alice, people["pat"])
    wren = people["wren"]
    do_link_knows(alice, kim, wren)
    do_link_knows(alice, pat, wren)
    with pytest.raises(TrothError, match=r"Find someone closer: Pat Close \(\w+\) also knows Wren"):
        do_ask(alice, kim, wren, "learn about her team")
    # a real tie that is not ready yet (never given anything, met twice) gets the ready
    # check; known for months, so it is no new tie (troth.trust.warmth)
    do_log_interaction(alice, dana, "meeting", when=_ago(100), minutes=30)
    do_log_interaction(alice, dana, "message", when=_ago(2), they_started=True)
    with pytest.raises(TrothError, match="not ready to ask Dana Whitfield for an introduction"):
        do_ask(alice, dana, wren, "learn about her team")
    intro = do_ask(alice, pat, wren, "learn about her team", blurb="Alex builds data tools")
    assert intro.role == flow.REQUESTER and intro.state == flow.ASKED
    assert intro.person_a.is_me and intro.blurb == "Alex builds data tools"


def test_requester_thanks_close_the_favour(alice: Owner, people: dict[str, Person]) -> None:
    pat, wren = _tie(alice, people["pat"]), people["wren"]
    intro = do_ask(alice, pat, wren, "her team")
    for step in (flow.AGREED, flow.ACCEPTED, flow.INTRODUCED):
        intro = do_step(alice, intro, step)
    assert intro.favor_id is not None
    favor = Favor.objects.get(id=intro.favor_id)
    assert favor.giver_id == pat.id and favor.receiver.is_me and favor.thanked_on is None
    # the introduction's own workflow asks for the thank-you, not a second agenda item
    assert [i.id for i in agenda(alice).items if i.candidate.kind == "thanks"] == []
    intro = do_step(alice, intro, "followed-up", "wrote to Wren")
    intro = do_step(alice, intro, "thanked")
    favor.refresh_from_db()
    assert favor.thanked_on == timezone.localdate()


def test_crickets_one_nudge_then_a_quiet_close(alice: Owner, people: dict[str, Person]) -> None:
    dana, wren = _tie(alice, people["dana"]), _tie(alice, people["wren"])
    intro = do_propose(alice, dana, wren, "why")
    item = access_item(alice, f"i{intro.id}")
    assert "ask Wren Halvorsen whether they would like to meet Dana Whitfield" in item.reason
    agenda_actions.do_done(alice, item)
    intro.refresh_from_db()
    assert intro.state == flow.ASKED

    def ids(day: dt.date) -> list[str]:
        return [i.id for i in agenda(alice, today=day).items]

    today = timezone.localdate()
    assert f"i{intro.id}" not in ids(today + dt.timedelta(days=4))
    later = today + dt.timedelta(days=5)
    nudge = access_item(alice, f"i{intro.id}", today=later)
    assert "waiting 5 days for Wren Halvorsen to answer" in nudge.reason
    assert "one gentle nudge" in nudge.reason
    logged = agenda_actions.do_done(alice, nudge)
    assert logged is not None and logged.person_id == wren.id
    with pytest.raises(TrothError, match="one nudge is enough"):
        do_nudge(alice, access_intro(alice, intro.id))
    # the nudge was today: the quiet close waits as long again
    assert f"i{intro.id}" not in ids(today + dt.timedelta(days=4))
    close = access_item(alice, f"i{intro.id}", today=today + dt.timedelta(days=5))
    assert "close it quietly as no-answer" in close.reason
    agenda_actions.do_done(alice, close)
    intro.refresh_from_db()
    assert intro.state == flow.NO_ANSWER
    last = IntroStep.objects.filter(intro=intro).last()
    assert last is not None and last.person_id == wren.id and last.good is False


def test_lists_and_owners(alice: Owner, bob: Owner, people: dict[str, Person]) -> None:
    dana, wren = _tie(alice, people["dana"]), _tie(alice, people["wren"])
    intro = do_propose(alice, dana, wren, "why")
    assert [i.id for i in intros(alice, waiting_on_me=True)] == [intro.id]
    do_step(alice, intro, "asked")
    assert intros(alice, waiting_on_me=True) == []
    assert intros(alice, stalled=True) == []
    later = timezone.localdate() + dt.timedelta(days=6)
    assert [i.id for i in intros(alice, stalled=True, today=later)] == [intro.id]
    assert intros(bob) == []
    with pytest.raises(NotFound):
        access_intro(bob, intro.id)


def test_intro_commands(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    cli("add", "Wren Halvorsen")
    err = cli("intro", "propose", "Dana", "Wren", "both hire", code=2).stderr
    assert err.startswith("troth: error: your tie to Dana Whitfield is stranger")
    out = cli.json("intro", "propose", "Dana", "Wren", "both hire", "--anyway", "old friends")
    assert out["state"] == "proposed" and out["waiting_on"] == "me"
    assert out["legal_next"] == ["asked", "withdrawn"]
    ident = str(out["id"])
    bad = cli("intro", ident, "thanked", code=2).stderr
    assert "cannot go from proposed to thanked; next is asked or withdrawn" in bad
    assert bad.count("\n") == 1
    story = cli("intro", ident, "asked", "emailed Wren").stdout
    assert "asked: emailed Wren" in story and "Next (them)" in story
    listed = cli.json("intros")
    assert [r["state"] for r in listed] == ["asked"]
    assert cli.json("intros", "--waiting-on-me") == []
    assert "no introduction with id 999" in cli("intro", "999", code=2).stderr
    assert "usage: troth intro ask" in cli("intro", "ask", "Dana", "x", code=2).stderr
    assert "usage: troth intro propose" in cli("intro", "propose", "Dana", code=2).stderr


def test_closing_the_loop_feeds_trust_and_reliability(
    alice: Owner, people: dict[str, Person], cli: Cli
) -> None:
    from troth.trust.queries import trust_detail

    dana, wren = _tie(alice, people["dana"]), _tie(alice, people["wren"])
    before = trust_detail(alice, wren)["parts"]["reliability"]
    intro = do_propose(alice, dana, wren, "why")
    do_step(alice, do_step(alice, intro, "asked"), "no-answer")
    after = trust_detail(alice, wren)
    assert after["parts"]["reliability"] < before
    assert any("let 1 drop" in r for r in after["reasons"])
    # Dana answers and follows up on the next one: her reliability rises
    other = _tie(alice, people["pat"])
    before_dana = trust_detail(alice, dana)["parts"]["reliability"]
    intro = do_propose(alice, dana, other, "why again", a_asked=True)
    for step in ("asked", "accepted", "introduced", "met"):
        intro = do_step(alice, intro, step)
    assert trust_detail(alice, dana)["parts"]["reliability"] > before_dana


def test_reliability_lists_introduction_conduct(cli: Cli) -> None:
    from troth.owners import local_owner

    owner = local_owner()
    dana = _tie(owner, do_add_person(owner, "Dana Whitfield"))
    wren = do_add_person(owner, "Wren Halvorsen")  # someone I do not know yet
    intro = do_ask(owner, dana, wren, "her team")
    do_step(owner, intro, "no-answer")
    data = cli.json("reliability")
    assert data["introductions"]["theirs"] == [
        {"id": dana.id, "name": "Dana Whitfield", "closed": 0, "dropped": 1}
    ]
    assert "How contacts handled introductions" in cli("reliability").stdout
    assert cli.json("reliability", "Wren")["introductions"]["theirs"] == []


def test_asking_to_meet_someone_i_know_well_is_refused(
    alice: Owner, people: dict[str, Person]
) -> None:
    pat, wren = _tie(alice, people["pat"]), _tie(alice, people["wren"])
    with pytest.raises(TrothError, match="you already know Wren Halvorsen .*talk to Wren directly"):
        do_ask(alice, pat, wren, "her team")
    intro = do_ask(alice, pat, wren, "her team", anyway="a formal reference")
    assert intro.anyway == "a formal reference"


def test_anyway_is_kept_only_past_the_guard_and_outcome_only_on_its_step(
    alice: Owner, people: dict[str, Person], cli: Cli
) -> None:
    dana, wren = _tie(alice, people["dana"]), _tie(alice, people["wren"])
    intro = do_propose(alice, dana, wren, "why", anyway="no guard needed")
    assert intro.anyway == ""
    with pytest.raises(TrothError, match="--outcome goes with the outcome step, not asked"):
        do_step(alice, intro, "asked", outcome="hire")
    assert access_intro(alice, intro.id).state == flow.PROPOSED
    err = cli("intro", "propose", "Dana", "Wren", "x", "--anyway", " ", code=2).stderr
    assert "--anyway needs a reason" in err
