"""Issue 12, "Warm paths" quality: explaining away (a pair on a message weighs by how
much each one's other pairs there explain them) and the path score (the expected
strength of the weakest hop: every pair on the path must know each other)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.warmpaths import graph, infer
from troth.warmpaths.queries import find_paths

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


# -- pure: the path score --------------------------------------------------------------


def test_two_uncertain_hops_rank_below_one_path_of_certain_ones() -> None:
    # me -> 0 -> 1 -> 4: expected strengths 0.4 and 0.4, each pair knows each
    # other with a chance of one half (0.8 if they do): 0.25 * 0.8 = 0.2 expected
    # me -> 2 -> 3 -> 4: 0.3 and 0.35, both certain: 0.3
    a, b = [0, 1, 2, 3], [1, 4, 3, 4]
    w = [0.4, 0.4, 0.3, 0.35]
    firsts = [(0, 0.9), (2, 0.9)]
    plain = graph.search(graph.build(5, a, b, w), firsts, [(4, 0)])
    assert [f.nodes for f in plain] == [(0, 1, 4), (2, 3, 4)]
    g = graph.build(5, a, b, w, [0.5, 0.5, 1.0, 1.0])
    found = graph.search(g, firsts, [(4, 0)])
    assert [f.nodes for f in found] == [(2, 3, 4), (0, 1, 4)]
    assert found[0].score == pytest.approx(0.3)
    assert found[1].score == pytest.approx(0.25 * 0.8)
    assert found[1].weakest == pytest.approx(0.4)  # the hops as stored
    # no chances: the score is the weakest hop
    assert plain[0].score == pytest.approx(plain[0].weakest)


def test_build_keeps_each_links_chance_with_its_weight() -> None:
    rng = np.random.default_rng(3)
    n = 60
    pairs = np.unique(np.sort(rng.integers(0, n, (300, 2)), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    w = rng.uniform(0.1, 0.9, len(pairs))
    c = rng.uniform(0.2, 1.0, len(pairs))
    g = graph.build(n, pairs[:, 0], pairs[:, 1], w, c)
    assert g.chances is not None
    want = {}
    for (x, y), wi, ci in zip(pairs.tolist(), w.tolist(), c.tolist(), strict=True):
        want[(x, y)] = want[(y, x)] = (wi, ci)
    for node in range(n):
        lo, hi = int(g.indptr[node]), int(g.indptr[node + 1])
        for j, wj, cj in zip(
            g.indices[lo:hi].tolist(),
            g.weights[lo:hi].tolist(),
            g.chances[lo:hi].tolist(),
            strict=True,
        ):
            assert (wj, cj) == pytest.approx(want[(node, j)], rel=1e-6)


def test_the_chance_of_a_link_is_the_models_or_one_when_said_outright() -> None:
    one = np.array([1.0])
    zero = np.array([0.0])
    got = infer.chances(
        mail=np.array([1.0, 1.0]),
        mail_cc=np.zeros(2),
        meetings=np.zeros(2),
        mail_weight=np.array([0.5, 0.5]),
        meeting_weight=np.zeros(2),
        days=np.array([1.0, 1.0]),
        employer=np.array([False, False]),
        certain=np.array([False, True]),
    )
    assert got[0] == pytest.approx(infer.MODEL.chance(0.5, 0.0, 0, 1))
    assert got[1] == 1.0
    # a link's strength is its chance times its tie: the tie is what remains
    tie = infer.strength(mail=1, mail_weight=0.5, days=1) / got[0]
    assert tie == pytest.approx(infer.MODEL.tie(0.5, 0.0, 0, 1))
    # counts stored before weights were read as two-person messages, as strength does
    old = infer.chances(
        mail=one * 3,
        mail_cc=zero,
        meetings=zero,
        mail_weight=zero,
        meeting_weight=zero,
        days=zero,
        employer=np.array([False]),
        certain=np.array([False]),
    )
    assert old[0] == pytest.approx(infer.MODEL.chance(3.0, 0.0, 0, 3))


# -- through the database --------------------------------------------------------------


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _message(owner: Owner, people: list[Person], ext: str, days: float) -> None:
    for p in people:
        do_log_interaction(owner, p, "email", when=_ago(days), source="mail", external_id=ext)


def test_a_path_says_its_score(alice: Owner) -> None:
    cleo, tess = do_add_person(alice, "Cleo Cole"), do_add_person(alice, "Tess Target")
    for i in range(12):
        do_log_interaction(alice, cleo, "meeting", when=_ago(3 + 9 * i), minutes=60)
    for i in range(4):
        _message(alice, [cleo, tess], f"ct{i}", days=5 + i)
    found = find_paths(alice, tess)
    assert found["paths"]
    best = found["paths"][0]
    link = best["hops"][1]["strength"]
    # one inferred hop: the chance of it times its tie, weaker than the stored strength
    # only where the tie is, and never above the weakest hop
    assert 0 < best["score"] <= best["weakest"] + 1e-9
    assert best["weakest"] == pytest.approx(min(h["strength"] for h in best["hops"]), abs=1e-3)
    assert link > 0
