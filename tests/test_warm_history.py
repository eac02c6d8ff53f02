"""A tie met once today is not a warm tie (issue 18 item 8): in a small network one
meeting ranks someone into a warm tier, but the warm-tie rule (troth.trust.warmth) also
asks for a history, three months known or contact in three different weeks, and the
handoff guard, the agenda's helpers, the closer paths and readiness all apply it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from troth.errors import TrothError
from troth.helping import _strongest_ties
from troth.interactions.actions import do_log_interaction
from troth.intros.actions import do_propose
from troth.intros.queries import closer_paths, why_not_warm_tie
from troth.owned import Owner
from troth.people.actions import do_add_person, do_link_knows
from troth.people.models import Person
from troth.trust.asking import ready_to_ask
from troth.trust.queries import fresh_scores, tie_history
from troth.trust.warmth import WARM_MIN_DAYS, WARM_TIERS, has_history, is_warm, why_not_warm


def test_the_history_rule() -> None:
    assert not has_history(None, 0)
    assert not has_history(0, 1)  # met once, today
    assert not has_history(WARM_MIN_DAYS - 1, 2)
    assert has_history(WARM_MIN_DAYS, 1)  # known three months
    assert has_history(20, 3)  # a fast tie: three different weeks
    assert not is_warm("close", 0, 1) and is_warm("close", 0, 3)
    assert "today" in why_not_warm("network", 0, 1)
    assert why_not_warm("network", 400, 1) == ""


def _days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


@pytest.fixture
def small(alice: Owner) -> tuple[Owner, Person, Person, Person, Person]:
    """Three contacts: Bernard met once, today, for an hour; Wendy known for a year;
    Fay met four times within three weeks."""
    bernard = do_add_person(alice, "Bernard Biggs", company="Biggs Capital")
    wendy = do_add_person(alice, "Wendy Oldfriend")
    fay = do_add_person(alice, "Fay Quick")
    ralph = do_add_person(alice, "Ralph Okonkwo")
    do_log_interaction(alice, bernard, "meeting", minutes=60, when=_days_ago(0))
    for days in (400, 200, 60, 10):
        do_log_interaction(alice, wendy, "meeting", minutes=60, when=_days_ago(days))
    for days in (15, 14, 8, 1):
        do_log_interaction(alice, fay, "meeting", minutes=60, when=_days_ago(days))
    for x in (bernard, wendy, fay):
        do_link_knows(alice, x, ralph)
    fresh_scores(alice)
    return alice, bernard, wendy, fay, ralph


def test_a_tie_met_once_today_is_not_warm_anywhere(
    small: tuple[Owner, Person, Person, Person, Person],
) -> None:
    alice, bernard, wendy, fay, ralph = small
    tier, _score, why = why_not_warm_tie(alice, bernard)
    # the small network ranks him warm by score alone: the history is what holds him back
    assert tier in WARM_TIERS
    assert "first had contact today" in why
    history = tie_history(alice, [bernard.id, wendy.id, fay.id])
    assert history[bernard.id] == (0, 1)
    assert history[wendy.id][0] == 400
    assert history[fay.id] == (15, 3)

    # the handoff guard
    with pytest.raises(TrothError, match="Bernard Biggs is new"):
        do_propose(alice, bernard, ralph, "both fund fintech")
    assert do_propose(alice, bernard, ralph, "both fund fintech", anyway="he offered").id

    # the agenda's helper pool and the closer paths
    pool = _strongest_ties(alice)
    assert bernard.id not in pool
    paths = [name for name, _tier in closer_paths(alice, ralph)]
    assert "Bernard Biggs" not in paths

    # readiness for an introduction says so
    verdict = ready_to_ask(alice, bernard, "intro")
    assert not verdict["ready"]
    assert any("new tie" in w and "first had contact today" in w for w in verdict["why"])


def test_an_old_tie_and_a_fast_one_are_warm_when_their_tier_is(
    small: tuple[Owner, Person, Person, Person, Person],
) -> None:
    alice, _bernard, wendy, fay, ralph = small
    for person in (wendy, fay):
        tier, _score, why = why_not_warm_tie(alice, person)
        assert (why == "") == (tier in WARM_TIERS), (person.full_name, tier, why)
    pool = set(_strongest_ties(alice))
    warm = {p.id for p in (wendy, fay) if why_not_warm_tie(alice, p)[0] in WARM_TIERS}
    assert warm and warm <= pool
