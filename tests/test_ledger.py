from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.errors import NotFound, TrothError
from troth.interactions.actions import do_log_interaction
from troth.ledger import actions
from troth.ledger.models import Commitment, Favor, Need
from troth.ledger.queries import access_need, access_promise, need_status, open_needs, promises
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.people.models import Person

if TYPE_CHECKING:
    from conftest import Cli


@pytest.fixture
def dana(alice: Owner) -> Person:
    return do_add_person(alice, "Dana Whitfield")


def test_promises_both_ways(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    today = timezone.localdate()
    mine = actions.do_make_promise(alice, me, dana, "send the salary survey", due=today)
    theirs = actions.do_make_promise(alice, dana, me, "intro me to Ralph")
    assert [c.id for c in promises(alice, mine=True)] == [mine.id]
    assert [c.id for c in promises(alice, mine=False)] == [theirs.id]
    # undated promises sort after dated ones on every database
    assert [c.id for c in promises(alice)] == [mine.id, theirs.id]
    actions.do_set_promise_status(alice, mine, Commitment.KEPT)
    mine.refresh_from_db()
    assert mine.status == "kept" and mine.status_changed_at is not None
    with pytest.raises(TrothError, match="already kept"):
        actions.do_set_promise_status(alice, mine, Commitment.BROKEN)
    actions.do_set_promise_status(alice, theirs, Commitment.RELEASED)
    assert list(promises(alice)) == []


def test_promise_validation(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    with pytest.raises(TrothError, match="two different people"):
        actions.do_make_promise(alice, me, me, "x")
    with pytest.raises(TrothError, match="must not be empty"):
        actions.do_make_promise(alice, me, dana, "  ")
    with pytest.raises(TrothError, match="before the promise was made"):
        actions.do_make_promise(
            alice, me, dana, "x", due=timezone.localdate() - dt.timedelta(days=1)
        )


def test_other_owner_cannot_reach_promises_or_needs(alice: Owner, bob: Owner, dana: Person) -> None:
    c = actions.do_make_promise(alice, me_person(alice), dana, "x")
    n = actions.do_add_need(alice, dana, "a CPA")
    with pytest.raises(NotFound):
        access_promise(bob, c.id)
    with pytest.raises(NotFound):
        access_need(bob, n.id)
    assert list(promises(bob)) == []
    assert list(open_needs(bob, timezone.localdate())) == []


def test_needs_expire_at_their_horizon(alice: Owner, dana: Person) -> None:
    today = timezone.localdate()
    n = actions.do_add_need(alice, dana, "a CPA who knows startups", days=45, tags=["CPA"])
    assert n.expires_on == today + dt.timedelta(days=45)
    assert [t.name for t in n.tags.all()] == ["cpa"]
    assert list(open_needs(alice, today)) == [n]
    later = today + dt.timedelta(days=46)
    assert list(open_needs(alice, later)) == []
    assert need_status(n, later) == "expired"
    old = actions.do_add_need(alice, dana, "old", noted_on=today - dt.timedelta(days=90))
    assert need_status(old, today) == "expired"
    with pytest.raises(TrothError, match="--for must be between"):
        actions.do_add_need(alice, dana, "x", days=0)


def test_favour_answering_a_need_closes_it(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    n = actions.do_add_need(alice, dana, "a CPA")
    f = actions.do_record_favor(alice, me, dana, "intro", "introduced Pat the CPA", need=n)
    n.refresh_from_db()
    assert (n.status, n.met_by_id, f.need_id) == (Need.MET, me.id, n.id)
    other = do_add_person(alice, "Sam Ortiz")
    n2 = actions.do_add_need(alice, dana, "another")
    with pytest.raises(TrothError, match="belongs to Dana"):
        actions.do_record_favor(alice, me, other, "lead", "x", need=n2)
    with pytest.raises(TrothError, match="unknown favour kind"):
        actions.do_record_favor(alice, me, dana, "bribe", "x")
    with pytest.raises(TrothError, match="in the future"):
        actions.do_record_favor(
            alice, me, dana, "lead", "x", on=timezone.localdate() + dt.timedelta(days=2)
        )


def test_a_favour_needs_words_saying_what_it_was(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    for blank in ("", "   "):
        with pytest.raises(TrothError, match="what must not be empty"):
            actions.do_record_favor(alice, me, dana, "intro", blank)
    assert not Favor.objects.exists()
    f = actions.do_record_favor(alice, me, dana, "intro", "  to Pat the CPA ")
    assert f.what == "to Pat the CPA"


def test_the_cli_refuses_a_favour_without_words(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    for command in ("gave", "got"):
        for blank in ((), ("  ",)):
            # one line, exit 2, nothing written; the command again, with what it lacks
            result = cli(command, "Dana", "intro", *blank, code=2)
            assert result.stderr == (
                f"troth: error: say what the favour was, after its kind: troth {command} Dana"
                ' intro "WHAT", e.g. "an intro to a hiring manager"\n'
            )
    assert cli("gave", "Dana Whitfield", "lead", code=2).stderr.startswith(
        "troth: error: say what the favour was, after its kind: troth gave 'Dana Whitfield' lead"
    )
    assert not Favor.objects.exists()


def test_a_promise_with_nobody_asks_for_someone(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    said = cli("promise", "send the deck", code=2).stderr
    assert said == "troth: error: say who: --to NAME (your promise) or --from NAME (theirs)\n"
    said = cli("promise", "send the deck", "--to", "Dana", "--from", "Dana", code=2).stderr
    assert said.rstrip().endswith("(theirs), not both")
    assert not Commitment.objects.exists()


def test_log_interaction_validation(alice: Owner, dana: Person) -> None:
    i = do_log_interaction(
        alice, dana, "meeting", minutes=45, they_started=True, summary=" coffee "
    )
    assert (i.channel, i.duration_minutes, i.initiated_by, i.summary) == (
        "meeting",
        45,
        "them",
        "coffee",
    )
    with pytest.raises(TrothError, match="unknown channel"):
        do_log_interaction(alice, dana, "telepathy")
    with pytest.raises(TrothError, match="--minutes"):
        do_log_interaction(alice, dana, "call", minutes=0)
    with pytest.raises(TrothError, match="in the future"):
        do_log_interaction(alice, dana, "call", when=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(TrothError, match="yourself"):
        do_log_interaction(alice, me_person(alice), "call")
