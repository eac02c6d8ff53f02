"""Issue 12, "Warm paths" quality: explaining away (a pair on a message weighs by how
much each one's other pairs there explain them), the study option of
`infer.co_occurrences` (bench/fit_links.py --explain)."""

from __future__ import annotations

import pytest

from troth.warmpaths import infer

DAY = 86400.0


# -- pure: explaining away -----------------------------------------------------------


def test_a_pair_seen_alone_explains_a_third_person_on_their_message() -> None:
    # 1 and 2 alone on three messages (days 1-3); then 1, 2 and 3 on one message
    groups = [0, 0, 1, 1, 2, 2, 3, 3, 3]
    people = [1, 2, 1, 2, 1, 2, 1, 2, 3]
    when = [1 * DAY] * 2 + [2 * DAY] * 2 + [3 * DAY] * 2 + [9 * DAY] * 3
    plain = infer.co_occurrences(groups, people, when)
    explained = infer.co_occurrences(groups, people, when, explain=True)
    # plainly, each pair on the message of three weighs 1/2
    assert plain[(1, 3)].weight == pytest.approx(0.5)
    assert plain[(1, 2)].weight == pytest.approx(3.5)
    # explained: 1 and 2 are there for each other, 3 for whichever of them
    assert explained[(1, 3)].weight < 0.5 and explained[(2, 3)].weight < 0.5
    assert explained[(1, 2)].weight > 3.5
    # counts, days and times do not change, only the weights
    assert explained[(1, 3)].count == plain[(1, 3)].count == 1
    assert explained[(1, 2)].days == plain[(1, 2)].days
    # and the model reads it: 3 looks less like a friend of 1's than plainly
    assert infer.strength(mail=1, mail_weight=explained[(1, 3)].weight, days=1) < infer.strength(
        mail=1, mail_weight=0.5, days=1
    )


def test_without_other_evidence_a_group_splits_evenly_and_two_alone_weigh_one() -> None:
    groups = [0, 0, 0, 0, 1, 1]
    people = [1, 2, 3, 4, 5, 6]
    found = infer.co_occurrences(groups, people, [0.0] * 6, explain=True)
    for key in ((1, 2), (1, 4), (3, 4)):
        assert found[key].weight == pytest.approx(1 / 3)
    assert found[(5, 6)].weight == pytest.approx(1.0)
    # a blast is still no evidence
    assert infer.co_occurrences([7] * 11, range(11), [0.0] * 11, explain=True) == {}


def test_explaining_away_counts_only_the_pairs_asked_for_but_reads_every_group() -> None:
    groups = [0, 0, 1, 1, 1]
    people = [1, 2, 1, 2, 3]
    when = [0.0, 0.0, DAY, DAY, DAY]
    full = infer.co_occurrences(groups, people, when, explain=True)
    only = infer.co_occurrences(groups, people, when, explain=True, only={3})
    assert set(only) == {(1, 3), (2, 3)}
    assert only[(1, 3)].weight == pytest.approx(full[(1, 3)].weight)
