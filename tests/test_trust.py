"""Trust on the real database: loading history, caching, as-of, and the commands."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from troth.errors import TrothError
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.ledger.actions import do_make_promise, do_record_favor, do_set_promise_status
from troth.ledger.models import Commitment, Favor
from troth.owned import Owner
from troth.owners import me_person
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.trust.history import day_number, load_history
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores, is_stale, trust_detail, trust_list

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Cli


def at(days_ago: int, hour: int = 12) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def network(alice: Owner) -> Owner:
    dana = do_add_person(alice, "Dana Whitfield")
    sam = do_add_person(alice, "Sam Ortiz")
    do_add_person(alice, "Lin Connection")  # a LinkedIn-style contact: nothing ever happened
    for days in range(10, 200, 14):
        do_log_interaction(
            alice, dana, "meeting", when=at(days), minutes=60, they_started=days % 28 == 10
        )
    do_log_interaction(alice, sam, "email", when=at(5))
    me = me_person(alice)
    do_record_favor(
        alice, me, dana, "lead", "a lead", on=timezone.localdate() - dt.timedelta(days=20)
    )
    p = do_make_promise(
        alice, dana, me, "send the deck", made_on=timezone.localdate() - dt.timedelta(days=30)
    )
    do_set_promise_status(alice, p, "kept")
    return alice


def test_history_loads_days_the_same_on_every_database(alice: Owner) -> None:
    dana = do_add_person(alice, "Dana Whitfield")
    when = timezone.make_aware(dt.datetime(2026, 3, 1, 18, 0), dt.UTC)
    do_log_interaction(alice, dana, "call", when=when, minutes=30, they_started=True)
    history, ids = load_history(alice)
    assert list(ids) == [dana.id]
    expected = (when - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() / 86400
    assert history.ix_day[0] == pytest.approx(expected, abs=1e-4)
    assert (history.ix_channel[0], history.ix_initiator[0], history.ix_minutes[0]) == (1, 1, 30)


def test_scores_tiers_and_reasons(network: Owner) -> None:
    rows = {r["name"]: r for r in trust_list(network)}
    assert (
        rows["Dana Whitfield"]["score"]
        > rows["Sam Ortiz"]["score"]
        >= rows["Lin Connection"]["score"]
    )
    assert rows["Lin Connection"]["tier"] == "stranger"
    assert rows["Sam Ortiz"]["tier"] == "stranger"  # one email from me is not a relationship
    assert rows["Dana Whitfield"]["tier"] not in ("stranger", "dormant")
    dana = trust_detail(network, network_person(network, "Dana Whitfield"))
    text = " | ".join(dana["reasons"])
    assert "You have met or spoken 14 times" in text
    assert "You have given 1 favour and received 0" in text
    assert "Dana kept 1 of 1 promise to you" in text
    assert dana["facts"]["hours_together"] == 14.0


def network_person(owner: Owner, name: str) -> Person:
    from troth.people.queries import resolve_person

    return resolve_person(owner, name)


def test_as_of_uses_only_what_was_known_then(network: Owner) -> None:
    dana = network_person(network, "Dana Whitfield")
    then = trust_detail(network, dana, timezone.localdate() - dt.timedelta(days=250))
    assert then["tier"] == "stranger" and then["score"] == 0
    half = trust_detail(network, dana, timezone.localdate() - dt.timedelta(days=100))
    assert 0 < half["score"] < trust_detail(network, dana)["score"]
    assert half["facts"]["favors_given"] == 0  # the favour came later
    with pytest.raises(TrothError, match="in the future"):
        trust_detail(network, dana, timezone.localdate() + dt.timedelta(days=1))


def test_cache_is_used_and_refreshed_when_something_happens(network: Owner) -> None:
    first = trust_list(network)
    sam = network_person(network, "Sam Ortiz")
    stamp = TrustScore.objects.get(person=sam).computed_at
    assert trust_list(network) == first  # nothing changed: served from the cache
    assert TrustScore.objects.get(person=sam).computed_at == stamp
    do_log_interaction(network, sam, "call", when=at(1), minutes=30, they_started=True)
    after = {r["name"]: r for r in trust_list(network)}
    assert after["Sam Ortiz"]["tier"] != "stranger"
    assert TrustScore.objects.get(person=sam).computed_at > stamp


def test_other_owners_scores_stay_apart(network: Owner, bob: Owner) -> None:
    assert trust_list(bob) == []
    do_add_person(bob, "Bob Contact")
    assert [r["name"] for r in trust_list(bob)] == ["Bob Contact"]
    assert TrustScore.objects.filter(owner=bob).count() == 1


def test_day_number_is_the_end_of_the_day() -> None:
    assert day_number(dt.date(1970, 1, 1)) == 1.0


def test_trust_commands(cli: Cli) -> None:
    cli("add", "Dana Whitfield")
    for days in (3, 40, 80, 120):
        when = (timezone.localdate() - dt.timedelta(days=days)).isoformat()
        cli("log", "Dana", "meeting", "--when", when, "--minutes", "60", "--they-started")
    cli("add", "Lin Connection")
    rows = cli.json("trust")
    assert [r["name"] for r in rows] == ["Dana Whitfield", "Lin Connection"]
    assert set(rows[0]) == {
        "id",
        "name",
        "score",
        "tier",
        "trend_30",
        "trend_90",
        "activity",
        "activity_trend_30",
    }
    detail = cli.json("trust", "Dana")
    assert detail["reasons"] and detail["facts"]["meetings"] == 4
    assert [r["name"] for r in cli.json("trust", "--tier", "stranger")] == ["Lin Connection"]
    assert "Dana Whitfield" in cli("trust").stdout
    verdict = cli.json("ready", "Lin", "--ask", "referral")
    assert verdict["ready"] is False and verdict["first"]
    assert cli.json("ready", "Dana", "--ask", "advice")["ready"] is True
    cli("gave", "Dana", "advice", "resume review")
    cli("got", "Dana", "lead", "a role")
    cli("got", "Dana", "intro", "an intro")
    bal = cli.json("balance")
    assert (bal["given"], bal["received"]) == (1, 2)
    assert bal["people"][0]["balance"] == -1
    cli("promise", "send the deck", "--to", "Dana")
    cli("kept", str(Commitment.objects.get().id))
    rel = cli.json("reliability")
    assert rel["mine"]["kept"] == 1 and rel["mine"]["rate"] == 1.0
    early = cli.json(
        "trust", "Dana", "--as-of", (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    )
    assert early["facts"]["meetings"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trust", "--tier", "bestie"], "unknown tier 'bestie'"),
        (["ready", "Dana", "--ask", "money"], "unknown ask 'money'"),
        (["trust", "--as-of", "in 3 days"], "in the future"),
        (["trust", "Nobody"], "nobody called 'Nobody'"),
    ],
)
def test_trust_bad_input(cli: Cli, args: list[str], message: str) -> None:
    cli("add", "Dana Whitfield")
    result = cli(*args, code=2)
    assert message in result.stderr


def test_scores_from_another_engine_version_are_recomputed(network: Owner) -> None:
    trust_list(network)
    TrustScore.objects.filter(owner=network).update(engine_version="0:old", score=-1)
    assert all(r["score"] >= 0 for r in trust_list(network))
    assert not TrustScore.objects.filter(owner=network, engine_version="0:old").exists()


def _new_interaction(owner: Owner, today: dt.date) -> None:
    dana = network_person(owner, "Dana Whitfield")
    # bulk_create: no post_save, so troth.trust.signals does not hear of it
    Interaction.objects.bulk_create(
        [Interaction(owner=owner, person=dana, occurred_at=at(1), channel="call")]
    )


def _new_favor(owner: Owner, today: dt.date) -> None:
    dana = network_person(owner, "Dana Whitfield")
    Favor.objects.bulk_create(
        [Favor(owner=owner, giver=dana, receiver=me_person(owner), kind="lead", given_on=today)]
    )


def _new_promise(owner: Owner, today: dt.date) -> None:
    sam = network_person(owner, "Sam Ortiz")
    Commitment.objects.bulk_create(
        [
            Commitment(
                owner=owner, debtor=me_person(owner), creditor=sam, what="call back", made_on=today
            )
        ]
    )


def _promise_status_changed(owner: Owner, today: dt.date) -> None:
    Commitment.objects.filter(owner=owner).update(status="broken", status_changed_at=timezone.now())


def _new_person(owner: Owner, today: dt.date) -> None:
    Person.objects.create(owner=owner, full_name="Ada Newcomer", name_key="ada newcomer")


def _older_engine(owner: Owner, today: dt.date) -> None:
    TrustScore.objects.filter(owner=owner, person=network_person(owner, "Sam Ortiz")).update(
        engine_version="0:old"
    )


def _newer_engine(owner: Owner, today: dt.date) -> None:
    TrustScore.objects.filter(owner=owner, person=network_person(owner, "Sam Ortiz")).update(
        engine_version="99:new"
    )


@pytest.mark.parametrize(
    "change",
    [
        _new_interaction,
        _new_favor,
        _new_promise,
        _promise_status_changed,
        _new_person,
        _older_engine,
        _newer_engine,
    ],
)
def test_each_change_behind_the_cache_makes_it_stale(
    network: Owner, change: Callable[[Owner, dt.date], None]
) -> None:
    # Written straight to the tables, past the signals that keep the cache current.
    today = timezone.localdate()
    fresh_scores(network)
    assert not is_stale(network, today)
    change(network, today)
    assert is_stale(network, today)
    fresh_scores(network)
    assert not is_stale(network, today)


def test_no_scores_or_a_new_day_is_stale(network: Owner, bob: Owner) -> None:
    today = timezone.localdate()
    assert is_stale(bob, today)  # nothing cached yet
    fresh_scores(network)
    assert not is_stale(network, today)
    assert is_stale(network, today + dt.timedelta(days=1))


def test_writes_keep_the_cache_current_without_a_full_recompute(network: Owner) -> None:
    trust_list(network)
    sam = network_person(network, "Sam Ortiz")
    others = TrustScore.objects.exclude(person=sam).values_list("person_id", "computed_at")
    before = dict(others)
    do_log_interaction(network, sam, "meeting", when=at(2), minutes=60, they_started=True)
    row = TrustScore.objects.get(person=sam)
    assert row.tier != "stranger" and row.score > 0
    rows = {r["name"]: r for r in trust_list(network)}
    assert rows["Sam Ortiz"]["score"] == row.score
    assert (
        dict(TrustScore.objects.exclude(person=sam).values_list("person_id", "computed_at"))
        == before
    )


def test_as_of_leaves_out_links_and_ratings_learned_later(network: Owner) -> None:
    from troth.people.actions import do_edit_person, do_link_knows

    lin = network_person(network, "Lin Connection")
    do_edit_person(network, lin, closeness=5)
    do_link_knows(network, lin, network_person(network, "Dana Whitfield"))
    today = trust_detail(network, lin)
    assert today["score"] > 0  # a 5/5 rating and a shared contact leave a trace today
    assert any("closeness 5/5" in r for r in today["reasons"])
    past = trust_detail(network, lin, timezone.localdate() - dt.timedelta(days=400))
    assert past["score"] == 0 and past["parts"]["mutual"] == 0


def test_a_long_silence_is_never_an_active_tier(alice: Owner) -> None:
    old = do_add_person(alice, "Old Colleague")
    for days in (400, 430, 460):
        do_log_interaction(alice, old, "email", when=at(days), they_started=True)
    row = trust_detail(alice, old)
    assert row["tier"] in ("acquaintance", "dormant")
    assert any("No two-way contact for" in r for r in row["reasons"])


def test_ready_verdicts_say_why(cli: Cli) -> None:
    from troth.trust.ready import readiness

    facts = {
        "days_known": 400,
        "meetings": 6,
        "calls": 2,
        "favors_given": 2,
        "favors_received": 1,
        "my_promises_broken": 0,
    }
    strong = {"score": 80.0, "tier": "close", "facts": facts, "reasons": ["You both reach out"]}
    ok = readiness("referral", "Dana", strong, [], [])
    assert ok["ready"] and "clears the 55" in ok["why"][0]
    owing = readiness("advice", "Dana", strong, [], [("send the deck", True)])
    assert not owing["ready"] and owing["first"][0] == "Keep your promise first: send the deck"
    taken = dict(facts, favors_given=0, favors_received=4)
    verdict = readiness("lead", "Dana", dict(strong, facts=taken), ["a CPA"], [])
    assert not verdict["ready"]
    assert verdict["first"] == ["Help with Dana's open need 'a CPA' first"]


def test_ready_as_of_a_past_day_sees_only_what_was_known_then(alice: Owner) -> None:
    from troth.ledger.actions import do_add_need
    from troth.trust.asking import ready_to_ask

    dana = do_add_person(alice, "Dana Whitfield")
    me = me_person(alice)
    today = timezone.localdate()
    do_add_need(alice, dana, "a CPA who knows startups")
    do_make_promise(alice, me, dana, "send the deck", made_on=today, due=today)
    now = ready_to_ask(alice, dana, "referral")
    assert any("a CPA" in f for f in now["first"]) and any("deck" in f for f in now["first"])
    before = ready_to_ask(alice, dana, "referral", today - dt.timedelta(days=30))
    assert not any("a CPA" in f or "deck" in f for f in before["first"])
