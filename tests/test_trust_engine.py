"""The pure trust engine on hand-made histories (no database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from troth.trust.engine import (
    BROKEN,
    CALL,
    DORMANT,
    EMAIL,
    INNER,
    KEPT,
    ME,
    MEETING,
    STRANGER,
    THEM,
    TIERS,
    History,
    compute,
    summarize,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

TODAY = 20_000.0  # days since 1970


def history(
    n: int,
    events: Sequence[Sequence[float]],
    favours: Sequence[Sequence[float]] = (),
    promises: Sequence[Sequence[float]] = (),
) -> History:
    """events: (person, days_ago, channel, initiator, minutes)"""
    ev = np.array(events, dtype=float).reshape(-1, 5)
    h = History(
        n_people=n,
        ix_person=ev[:, 0].astype(np.int64),
        ix_day=TODAY - ev[:, 1],
        ix_channel=ev[:, 2].astype(np.int64),
        ix_initiator=ev[:, 3].astype(np.int64),
        ix_minutes=ev[:, 4],
    )
    if favours:  # (person, days_ago, gave)
        fv = np.array(favours, dtype=float)
        h.fav_person, h.fav_day, h.fav_gave = (
            fv[:, 0].astype(np.int64),
            TODAY - fv[:, 1],
            fv[:, 2].astype(bool),
        )
    if promises:  # (person, mine, status, made_ago, due_ago, changed_ago)
        pr = np.array(promises, dtype=float)
        h.pr_person = pr[:, 0].astype(np.int64)
        h.pr_mine = pr[:, 1].astype(bool)
        h.pr_status = pr[:, 2].astype(np.int64)
        h.pr_made_day = TODAY - pr[:, 3]
        h.pr_due_day = TODAY - pr[:, 4]
        h.pr_changed_day = TODAY - pr[:, 5]
    return h


def test_empty_history_is_stranger_without_errors() -> None:
    with np.errstate(all="raise"):
        r = compute(History.empty(3), TODAY)
    assert list(r.score) == [0.0, 0.0, 0.0]
    assert all(TIERS[t] == "stranger" for t in r.tier)


def test_one_way_email_is_not_a_relationship() -> None:
    r = compute(history(1, [(0, 3, EMAIL, ME, 0), (0, 10, EMAIL, ME, 0)]), TODAY)
    assert r.tier[0] == STRANGER
    assert r.score[0] < 5


def test_more_time_together_scores_higher() -> None:
    events = [(0, d, MEETING, ME if d % 2 else THEM, 60) for d in range(5, 200, 10)]
    events += [(1, 30, CALL, THEM, 20), (1, 100, EMAIL, ME, 0)]
    r = compute(history(2, events), TODAY)
    assert r.score[0] > r.score[1] > 0


def test_as_of_ignores_what_came_later() -> None:
    events = [(0, d, MEETING, THEM, 60) for d in range(1, 60, 3)]
    h = history(1, events)
    now, before = compute(h, TODAY), compute(h, TODAY - 61)
    assert before.score[0] == 0 and before.tier[0] == STRANGER
    assert now.score[0] > 0


def test_silence_cools_a_tie_and_old_strong_ties_turn_dormant() -> None:
    recent = [(0, d, MEETING, THEM, 60) for d in range(2, 300, 7)]
    old = [(1, d, MEETING, THEM, 60) for d in range(400, 700, 7)]
    r = compute(history(2, recent + old), TODAY)
    assert r.score[0] > r.score[1]
    assert r.tier[1] == DORMANT


def test_kept_and_broken_promises_move_the_score() -> None:
    events = [(p, d, CALL, THEM, 30) for p in (0, 1) for d in (10, 40, 70)]
    kept = [(0, 0, KEPT, 50, 40, 41), (0, 0, KEPT, 30, 20, 21)]
    broken = [(1, 0, BROKEN, 50, 40, 35), (1, 0, BROKEN, 30, 20, 15)]
    r = compute(history(2, events, promises=kept + broken), TODAY)
    assert r.score[0] > r.score[1]
    assert r.features.their_kept[0] == 2 and r.features.their_broken[1] == 2


def test_inner_tier_is_capped_at_five() -> None:
    events = [
        (p, d, MEETING, THEM if d % 2 else ME, 90) for p in range(8) for d in range(1, 300, 4)
    ]
    r = compute(history(8, events), TODAY)
    assert (r.tier == INNER).sum() == 5


def test_one_summary_serves_every_cut_as_single_computes_do() -> None:
    events = [
        (p, d, (MEETING, CALL, EMAIL)[d % 3], (ME, THEM)[p % 2], 30)
        for p in range(4)
        for d in range(0, 400, 9)
    ]
    events += [(2, -5, MEETING, THEM, 60)]  # after the last cut: ignored
    h = history(5, events)
    cuts = [TODAY - 90, TODAY - 30, TODAY]
    contacts = summarize(h, cuts)
    assert contacts.n_total.shape == (5, 3)
    for cut in cuts:
        alone, shared = compute(h, cut), compute(h, cut, contacts=contacts)
        np.testing.assert_array_equal(alone.score, shared.score)
        np.testing.assert_array_equal(alone.tier, shared.tier)
        for name, part in alone.parts.items():
            np.testing.assert_allclose(part, shared.parts[name], rtol=1e-13, atol=1e-15)


def test_a_summary_answers_only_for_its_own_cuts() -> None:
    h = history(1, [(0, 3, CALL, THEM, 10)])
    contacts = summarize(h, [TODAY - 30, TODAY])
    with pytest.raises(ValueError, match="not one of the summary's cuts"):
        compute(h, TODAY - 1, contacts=contacts)
    with pytest.raises(ValueError, match="ascending"):
        summarize(h, [TODAY, TODAY - 30])
