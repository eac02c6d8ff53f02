"""The daily agenda: what shows up, in what order, and what handling an item does."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.agenda import actions, plan, snapshot
from troth.agenda.queries import access_item, agenda
from troth.errors import NotFound, TrothError
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.ledger.actions import do_add_need, do_make_promise, do_record_favor
from troth.ledger.models import Commitment
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person, do_tag
from troth.people.models import Person

if TYPE_CHECKING:
    from typing import Any

    from conftest import Cli


def _today() -> dt.date:
    return timezone.localdate()


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def ids(owner: Owner, **kw: Any) -> list[str]:
    return [i.id for i in agenda(owner, **kw).items]


@pytest.fixture
def dana(alice: Owner) -> Person:
    return do_add_person(alice, "Dana Whitfield")


@pytest.fixture
def sam(alice: Owner) -> Person:
    return do_add_person(alice, "Sam Okafor")


# -- the pure part ---------------------------------------------------------------


def test_item_ids_round_trip_and_bad_ones_name_the_forms() -> None:
    assert plan.parse_item_id("p12") == ("promise", 12)
    assert plan.parse_item_id(" C7 ") == ("checkin", 7)
    for bad in ("12", "q3", "p", "p-1", "promise"):
        with pytest.raises(ValueError, match="ids look like p"):
            plan.parse_item_id(bad)


def test_urgency_grows_with_lateness_and_saturates() -> None:
    values = [plan.urgency(x) for x in (-2, -0.5, 0, 0.5, 1, 3)]
    assert values == sorted(values)
    assert values[0] == 0.25 and values[-1] == 2.0


def _cand(
    kind: str, ref: int, person_id: int, importance: float = 0.5, lateness: float = 0.0
) -> plan.Candidate:
    return plan.Candidate(
        kind=kind,
        ref=ref,
        person_id=person_id,
        person=f"P{person_id}",
        reason="r",
        key=f"{kind}:{ref}",
        importance=importance,
        lateness=lateness,
    )


def test_rank_puts_my_promises_first_and_drops_redundant_checkins() -> None:
    items = plan.rank(
        [
            _cand("checkin", 1, 1, importance=1.0, lateness=1.0),
            _cand("promise", 5, 2, importance=0.0, lateness=-1.0),
            _cand("thanks", 6, 3, importance=1.0, lateness=1.0),
            _cand("checkin", 3, 3, importance=1.0, lateness=1.0),  # thanks covers person 3
            _cand("reconnect", 1, 1, importance=0.2),  # one contact item per person
        ]
    )
    assert [i.id for i in items] == ["p5", "t6", "c1"]


# -- gathering from the database -----------------------------------------------------


def test_overdue_promise_comes_first_and_done_keeps_it(
    alice: Owner, dana: Person, sam: Person
) -> None:
    me = me_person(alice)
    today = _today()
    late = do_make_promise(
        alice,
        me,
        dana,
        "send the deck",
        made_on=today - dt.timedelta(days=20),
        due=today - dt.timedelta(days=3),
    )
    soon = do_make_promise(alice, me, sam, "review CV", due=today + dt.timedelta(days=2))
    far = do_make_promise(alice, me, sam, "book dinner", due=today + dt.timedelta(days=30))
    do_record_favor(alice, dana, me, "lead", "the Acme opening", on=today - dt.timedelta(days=4))
    got = agenda(alice)
    assert [i.id for i in got.items][:2] == [f"p{late.id}", f"p{soon.id}"]
    assert f"p{far.id}" not in [i.id for i in got.items]  # beyond the 7-day window
    assert f"p{far.id}" in ids(alice, window=40)
    first = got.items[0].candidate
    assert "send the deck" in first.reason and "3 days late" in first.reason

    actions.do_done(alice, access_item(alice, f"p{late.id}"))
    late.refresh_from_db()
    assert late.status == Commitment.KEPT
    assert f"p{late.id}" not in ids(alice)


def test_thanks_owed_and_done_logs_the_thank_you(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    favor = do_record_favor(
        alice, dana, me, "intro", "to Acme's CTO", on=_today() - dt.timedelta(days=5)
    )
    item = next(i for i in agenda(alice).items if i.id == f"t{favor.id}")
    assert (
        "Dana Whitfield gave you an introduction (to Acme's CTO) 5 days ago"
        in item.candidate.reason
    )
    logged = actions.do_done(alice, item.candidate, channel="email", notes="thanked by email")
    favor.refresh_from_db()
    assert favor.thanked_on == _today()
    assert logged is not None and logged.channel == "email" and logged.person_id == dana.id
    assert f"t{favor.id}" not in ids(alice)
    # a favour I gave is not a thank-you I owe
    given = do_record_favor(alice, me, dana, "advice", "on pricing")
    assert f"t{given.id}" not in ids(alice)


def test_snooze_hides_until_the_day_and_refuses_the_past(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    favor = do_record_favor(alice, dana, me, "lead", "x", on=_today() - dt.timedelta(days=3))
    item = access_item(alice, f"t{favor.id}")
    with pytest.raises(TrothError, match="snooze into the future"):
        actions.do_snooze(alice, item, _today())
    actions.do_snooze(alice, item, _today() + dt.timedelta(days=2))
    assert f"t{favor.id}" not in ids(alice)
    assert f"t{favor.id}" not in ids(alice, today=_today() + dt.timedelta(days=1))
    assert f"t{favor.id}" in ids(alice, today=_today() + dt.timedelta(days=2))
    # a snoozed item can still be done; a done one cannot be handled again
    actions.do_done(alice, item, log=False)
    with pytest.raises(TrothError, match="already done"):
        actions.do_skip(alice, item)


def test_skip_never_brings_the_same_reason_back(alice: Owner, dana: Person) -> None:
    need = do_add_need(alice, dana, "a CPA", days=30)
    item = access_item(alice, f"n{need.id}")
    actions.do_skip(alice, item)
    assert f"n{need.id}" not in ids(alice)
    assert f"n{need.id}" not in ids(alice, today=_today() + dt.timedelta(days=10))


def test_needs_name_people_who_might_help(alice: Owner, dana: Person, sam: Person) -> None:
    do_tag(alice, sam, ["accounting"])
    # only a real tie counts as "someone you know"; a stranger with the tag does not
    need = do_add_need(alice, dana, "a tax adviser", days=20, tags=["accounting"])
    item = next(i for i in agenda(alice).items if i.id == f"n{need.id}")
    assert "might help" not in item.candidate.reason
    do_log_interaction(alice, sam, "meeting", when=_ago(100), minutes=45)  # known for months
    need = do_add_need(alice, dana, "a good CPA", days=20, tags=["accounting"])
    item = next(i for i in agenda(alice).items if i.id == f"n{need.id}")
    assert "Dana Whitfield needs “a good CPA” within 20 days" in item.candidate.reason
    assert "Sam Okafor might help" in item.candidate.reason
    # past its horizon a need is no longer on the agenda
    assert f"n{need.id}" not in ids(alice, today=_today() + dt.timedelta(days=21))


def test_hints_for_the_items_shown_only_leave_the_order_and_their_reasons_alone(
    alice: Owner, dana: Person, sam: Person
) -> None:
    do_tag(alice, sam, ["accounting"])
    do_log_interaction(alice, sam, "meeting", when=_ago(100), minutes=45)  # known for months
    do_add_need(alice, dana, "a good CPA", days=20, tags=["accounting"])
    do_add_need(alice, sam, "a tax adviser", days=30, tags=["accounting"])
    do_make_promise(alice, me_person(alice), dana, "the deck", due=_today())
    full = agenda(alice).items
    assert any("might help" in i.candidate.reason for i in full)
    for n in range(len(full) + 1):
        head = agenda(alice, hints_for=n or None).items
        assert [i.id for i in head] == [i.id for i in full]
        assert [i.priority for i in head] == [i.priority for i in full]
        # the stored agenda carries the hints of its first few items (snapshot.HINTED)
        shown = len(full) if n == 0 else max(n, snapshot.HINTED)
        assert [i.candidate for i in head[:shown]] == [i.candidate for i in full[:shown]]
        # past the items shown (and stored), a need reads as if no one could help
        assert all("might help" not in i.candidate.reason for i in head[shown:])
    # an action on a need finds it with its hint, as the full agenda shows it
    need_item = next(i for i in full if "might help" in i.candidate.reason)
    assert access_item(alice, need_item.id) == need_item.candidate


def test_checkin_follows_the_cadence_and_any_contact_resets_it(alice: Owner, dana: Person) -> None:
    do_log_interaction(alice, dana, "meeting", when=_ago(40), minutes=60)
    actions.do_set_cadence(alice, dana, 30)
    item = next(i for i in agenda(alice).items if i.candidate.kind == "checkin")
    assert item.id == f"c{dana.id}"
    assert "No contact with Dana Whitfield for 40 days" in item.candidate.reason
    assert "every 30 days" in item.candidate.reason
    # logging anything with Dana resets her cadence: no check-in today
    do_log_interaction(alice, dana, "message", summary="hello")
    assert f"c{dana.id}" not in ids(alice)
    # ...until the next period is up
    assert f"c{dana.id}" in ids(alice, today=_today() + dt.timedelta(days=31))
    # "off" means never
    actions.do_set_cadence(alice, dana, 0)
    assert f"c{dana.id}" not in ids(alice, today=_today() + dt.timedelta(days=400))


def test_done_on_a_checkin_logs_it_and_skip_waits_a_whole_period(
    alice: Owner, dana: Person, sam: Person
) -> None:
    do_log_interaction(alice, dana, "call", when=_ago(50), minutes=20)
    do_log_interaction(alice, sam, "call", when=_ago(50), minutes=20)
    actions.do_set_cadence(alice, dana, 30)
    actions.do_set_cadence(alice, sam, 30)
    before = Interaction.objects.filter(owner=alice, person=dana).count()
    actions.do_done(alice, access_item(alice, f"c{dana.id}"))
    assert Interaction.objects.filter(owner=alice, person=dana).count() == before + 1
    assert f"c{dana.id}" not in ids(alice)

    actions.do_skip(alice, access_item(alice, f"c{sam.id}"))
    assert f"c{sam.id}" not in ids(alice)
    assert f"c{sam.id}" not in ids(alice, today=_today() + dt.timedelta(days=5))
    # 50 days silent on a 30-day rhythm is period 1; period 2 starts at day 60
    assert f"c{sam.id}" in ids(alice, today=_today() + dt.timedelta(days=10))


def test_their_overdue_promise_gets_one_nudge_then_a_release(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    theirs = do_make_promise(
        alice,
        dana,
        me,
        "intro me to Ralph",
        made_on=_today() - dt.timedelta(days=30),
        due=_today() - dt.timedelta(days=10),
    )
    assert f"u{theirs.id}" in ids(alice)
    actions.do_done(alice, access_item(alice, f"u{theirs.id}"))
    # never a second chase
    assert f"u{theirs.id}" not in ids(alice, today=_today() + dt.timedelta(days=20))
    assert f"x{theirs.id}" not in ids(alice, today=_today() + dt.timedelta(days=13))
    later = _today() + dt.timedelta(days=14)
    assert f"x{theirs.id}" in ids(alice, today=later)
    actions.do_done(alice, access_item(alice, f"x{theirs.id}", today=later))
    theirs.refresh_from_db()
    assert theirs.status == Commitment.RELEASED


def test_owners_never_see_each_others_items(alice: Owner, bob: Owner, dana: Person) -> None:
    me = me_person(alice)
    favor = do_record_favor(alice, dana, me, "lead", "x", on=_today() - dt.timedelta(days=3))
    assert ids(bob) == []
    with pytest.raises(NotFound):
        access_item(bob, f"t{favor.id}")
    with pytest.raises(NotFound, match="ids look like"):
        access_item(alice, "zz")


# -- the commands ------------------------------------------------------------------


def test_agenda_commands_end_to_end(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    cli("got", "Dana", "intro", "to the CTO", "--when", "3 days ago")
    cli("promise", "send the deck", "--to", "Dana", "--due", "tomorrow")
    out = cli.json("agenda")
    kinds = [i["kind"] for i in out["items"]]
    assert kinds == ["promise", "thanks"]
    assert out["items"][0]["person"]["name"] == "Dana Whitfield"
    thanks = out["items"][1]["id"]

    # bad input: one line, exit 2, nothing written
    bad = cli("done", thanks, "--channel", "pigeon", code=2)
    assert "unknown channel" in bad.stderr and bad.stderr.count("\n") == 1
    assert [i["id"] for i in cli.json("agenda")["items"]][1] == thanks
    assert "not after today" in cli("snooze", thanks, "--until", "yesterday", code=2).stderr
    assert "no agenda item p999" in cli("skip", "p999", code=2).stderr
    assert "ids look like" in cli("skip", "999", code=2).stderr

    shown = cli("done", thanks, "--channel", "email")
    assert "Done" in shown.stdout and "Logged interaction" in shown.stdout
    assert [i["kind"] for i in cli.json("agenda")["items"]] == ["promise"]
    assert "already done" in cli("done", thanks, code=2).stderr

    text = cli("agenda").stdout
    assert "keep your word" in text and "send the deck" in text
    cli("cadence", "Dana", "2w")
    assert "every 14 days" in cli("cadence", "Dana", "14d").stdout
    assert "No check-in reminders" in cli("cadence", "Dana", "off").stdout
    assert "default" in cli("cadence", "Dana", "default").stdout
    assert "not a positive span" in cli("cadence", "Dana", "0d", code=2).stderr
    assert cli("cadence", "Dana", "soon", code=2).stderr.startswith("troth: error: cadence")


def test_a_weekly_checkin_handled_today_stays_handled(
    alice: Owner, dana: Person, sam: Person
) -> None:
    """Regression: a 7-day rhythm with the 7-day look-ahead used to come straight back."""
    do_log_interaction(alice, dana, "meeting", when=_ago(10), minutes=30)
    do_log_interaction(alice, sam, "meeting", when=_ago(10), minutes=30)
    actions.do_set_cadence(alice, dana, 7)
    actions.do_set_cadence(alice, sam, 7)
    assert {f"c{dana.id}", f"c{sam.id}"} <= set(ids(alice))
    actions.do_done(alice, access_item(alice, f"c{dana.id}"))
    do_log_interaction(alice, sam, "message", summary="hi")
    for day in range(0, 7):
        later = ids(alice, today=_today() + dt.timedelta(days=day))
        assert f"c{dana.id}" not in later and f"c{sam.id}" not in later, day
    with pytest.raises(TrothError, match="already done"):
        access_item(alice, f"c{dana.id}")
    assert f"c{dana.id}" in ids(alice, today=_today() + dt.timedelta(days=7))


def test_nudge_reason_says_when_it_was_due(alice: Owner, dana: Person) -> None:
    me = me_person(alice)
    theirs = do_make_promise(
        alice,
        dana,
        me,
        "intro me to Ralph",
        made_on=_today() - dt.timedelta(days=30),
        due=_today() - dt.timedelta(days=10),
    )
    item = access_item(alice, f"u{theirs.id}")
    due = _today() - dt.timedelta(days=10)
    assert f"by {due.day} {due:%B} (10 days ago)" in item.reason
