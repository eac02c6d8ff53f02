"""One rule for who counts as a warm tie, and tiers that agree with scores (issue 18 item 8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from troth.errors import TrothError
from troth.helping import _strongest_ties
from troth.intros.actions import do_propose
from troth.owned import Owner
from troth.people.models import Person
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.asking import ready_to_ask
from troth.trust.engine import DORMANT, STRANGER, TIERS, compute
from troth.trust.evaluate import history_from_network
from troth.trust.models import TrustScore
from troth.trust.queries import fresh_scores, tie_history
from troth.trust.ready import readiness
from troth.trust.warmth import COLD_TIERS, WARM_TIERS, is_warm

TODAY = dt.date(2025, 6, 1)
END = float((TODAY - dt.date(1970, 1, 1)).days)


def test_the_rule() -> None:
    assert WARM_TIERS == ("inner", "close", "active", "network")
    assert COLD_TIERS == ("acquaintance", "dormant", "stranger")
    # a tie known for a year counts by its tier alone (the history rule: test_warm_history)
    assert is_warm("network", 365, 1)
    assert not is_warm("acquaintance", 365, 1) and not is_warm("dormant", 365, 1)


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_tiers_are_bands_of_scores(seed: int) -> None:
    """Every tier but dormant and stranger (states, explained in the README) holds one
    band of scores: no acquaintance scores above a network tie, and so on down."""
    net = generate_network(600, seed=seed, days=720, today=TODAY)
    r = compute(history_from_network(net), END)
    banded = [t for t in range(len(TIERS)) if t not in (DORMANT, STRANGER)]
    spans = [
        (TIERS[t], r.score[r.tier == t].min(), r.score[r.tier == t].max())
        for t in banded
        if (r.tier == t).any()
    ]
    for (hi, lo_of_hi, _), (lo, _, hi_of_lo) in zip(spans, spans[1:], strict=False):
        assert hi_of_lo <= lo_of_hi, f"{lo} reaches {hi_of_lo}, above {hi}'s lowest {lo_of_hi}"
    assert {"network", "acquaintance"} <= {s[0] for s in spans}


@pytest.fixture
def network(fixed_day: dt.date, alice: Owner) -> Owner:
    with transaction.atomic():
        load_network(
            alice, generate_network(people=300, seed=11, today=timezone.localdate(), days=720)
        )
    fresh_scores(alice)
    return alice


def _someone(owner: Owner, tier: str) -> Person:
    row = TrustScore.objects.filter(owner=owner, tier=tier).order_by("-score").first()
    # the network is built on a fixed day, so it has a tie of every tier these tests ask for
    assert row is not None, f"the simulated network has no {tier} tie"
    return row.person


def test_helpers_are_only_warm_ties(network: Owner) -> None:
    """The agenda's helper pool is the handoff guard's warm ties, nobody it would refuse."""
    pool = _strongest_ties(network)
    tiers = dict(TrustScore.objects.filter(owner=network).values_list("person_id", "tier"))
    history = tie_history(network, pool)
    assert pool and all(is_warm(tiers[pid], *history[pid]) for pid in pool)
    assert any(t == "acquaintance" for t in tiers.values())


@pytest.mark.parametrize("tier", ["acquaintance", "dormant"])
def test_the_handoff_guard_refuses_what_is_not_warm(network: Owner, tier: str) -> None:
    cold = _someone(network, tier)
    warm = _someone(network, "active")
    with pytest.raises(TrothError, match=f"is {tier}"):
        do_propose(network, cold, warm, "both build dashboards")
    # told why, it goes ahead
    assert do_propose(network, cold, warm, "both build dashboards", anyway="he asked me").id


def test_readiness_for_a_big_ask_needs_a_warm_tie(network: Owner) -> None:
    person = _someone(network, "acquaintance")
    verdict = ready_to_ask(network, person, "intro")
    assert not verdict["ready"]
    assert any("not a warm tie" in w for w in verdict["why"])


def test_readiness_turns_on_the_tier_not_only_the_score() -> None:
    """An acquaintance whose single number clears the bar is still not ready to vouch."""
    facts = {
        "days_known": 400,
        "meetings": 5,
        "calls": 2,
        "favors_given": 3,
        "favors_received": 0,
        "my_promises_broken": 0,
    }
    detail: dict[str, Any] = {"tier": "acquaintance", "score": 70.0, "facts": facts, "reasons": []}
    assert not readiness("referral", "Ann", detail, [], [])["ready"]
    assert readiness("referral", "Ann", {**detail, "tier": "close"}, [], [])["ready"]
    assert np.isfinite(detail["score"])
