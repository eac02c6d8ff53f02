"""The pure parts of warm paths (no database): path ranking on small hand-built graphs,
co-occurrence counting, employment overlap and link strength."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from troth.warmpaths import graph, infer

if TYPE_CHECKING:
    from collections.abc import Sequence


def _graph(n: int, edges: Sequence[tuple[int, int, float]]) -> graph.Graph:
    a, b, w = zip(*edges, strict=True) if edges else ((), (), ())
    return graph.build(n, a, b, w)


def test_the_weakest_hop_decides_not_the_total() -> None:
    # me -> 0 (0.9) -> 1 (0.95) -> 4: total high, weakest 0.3 on 1-4
    # me -> 2 (0.6) -> 3 (0.6) -> 4: weakest 0.6, lower total
    g = _graph(5, [(0, 1, 0.95), (1, 4, 0.3), (2, 3, 0.6), (3, 4, 0.6)])
    found = graph.search(g, [(0, 0.9), (2, 0.6)], [(4, 0)], max_hops=3)
    assert [f.nodes for f in found] == [(2, 3, 4), (0, 1, 4)]
    assert found[0].weakest == pytest.approx(0.6)
    assert found[1].weakest == pytest.approx(0.3)


def test_fewer_hops_break_a_tie_on_the_weakest_hop_then_the_total() -> None:
    # both weakest 0.5; the two-hop path wins over the three-hop one with a higher total
    g = _graph(6, [(0, 5, 0.5), (1, 2, 0.9), (2, 5, 0.9)])
    found = graph.search(g, [(0, 0.5), (1, 0.5)], [(5, 0)], max_hops=3)
    assert [f.nodes for f in found] == [(0, 5), (1, 2, 5)]
    # same weakest, same length: the higher total first
    g = _graph(4, [(0, 3, 0.5), (1, 3, 0.5)])
    found = graph.search(g, [(0, 0.5), (1, 0.9)], [(3, 0)])
    assert [f.nodes[0] for f in found] == [1, 0]


def test_one_path_per_first_hop_and_at_most_five() -> None:
    # first hop 0 reaches the target through 7 people; only its best path is kept
    edges = [(0, k, 0.5 + k / 100) for k in range(1, 8)] + [(k, 9, 0.8) for k in range(1, 8)]
    g = _graph(10, edges)
    found = graph.search(g, [(0, 0.9)], [(9, 0)])
    assert len(found) == 1 and found[0].nodes == (0, 7, 9)
    # eight possible connectors: the best five, each a different first hop
    edges = [(k, 9, 0.1 * (k + 1)) for k in range(8)]
    g = _graph(10, edges)
    found = graph.search(g, [(k, 0.95) for k in range(8)], [(9, 0)])
    assert [f.nodes[0] for f in found] == [7, 6, 5, 4, 3]
    assert len({f.nodes[0] for f in found}) == 5


def test_the_hop_bound_counts_my_own_edge() -> None:
    g = _graph(5, [(0, 1, 0.9), (1, 2, 0.9), (2, 3, 0.9)])
    assert graph.search(g, [(0, 0.9)], [(3, 0)], max_hops=3) == []
    assert graph.search(g, [(0, 0.9)], [(3, 0)], max_hops=4)[0].nodes == (0, 1, 2, 3)
    with pytest.raises(ValueError, match="max_hops"):
        graph.search(g, [(0, 0.9)], [(3, 0)], max_hops=5)


def test_never_through_someone_not_passable() -> None:
    # 1 is a stranger to me: the strong path through 1 is not taken, the weak one is
    g = _graph(4, [(0, 1, 0.9), (1, 3, 0.9), (0, 2, 0.3), (2, 3, 0.3)])
    passable = [True, False, True, False]
    import numpy as np

    found = graph.search(
        g, [(0, 0.9)], [(3, 0)], max_hops=3, passable=np.array(passable, dtype=bool)
    )
    assert [f.nodes for f in found] == [(0, 2, 3)]
    # and the target itself need not be passable (it usually is a stranger to me)
    assert found[0].nodes[-1] == 3


def test_current_employees_before_alumni() -> None:
    # target 3 is an alumnus reachable strongly, target 4 a current employee reachable weakly
    g = _graph(5, [(0, 3, 0.9), (1, 4, 0.3)])
    found = graph.search(g, [(0, 0.9), (1, 0.9)], [(3, 1), (4, 0)])
    assert [f.nodes[-1] for f in found] == [4, 3]


def test_no_first_hop_or_no_target_is_no_path() -> None:
    g = _graph(3, [(0, 1, 0.9)])
    assert graph.search(g, [], [(1, 0)]) == []
    assert graph.search(g, [(0, 0.9)], []) == []
    assert graph.search(g, [(2, 0.9)], [(1, 0)]) == []


def test_co_occurrences_count_each_group_once_and_skip_blasts() -> None:
    # group 1: people 10, 11 (11 twice); group 2: 10, 11, 12; group 3: twelve people
    groups = [1, 1, 1, 2, 2, 2] + [3] * 12
    people = [10, 11, 11, 10, 11, 12] + list(range(100, 112))
    when = [5.0, 5.0, 5.0, 9.0, 9.0, 9.0] + [1.0] * 12
    found = infer.co_occurrences(groups, people, when)
    assert set(found) == {(10, 11), (10, 12), (11, 12)}
    assert found[(10, 11)].count == 2
    assert (found[(10, 11)].first, found[(10, 11)].last) == (5.0, 9.0)
    assert found[(10, 12)].count == 1
    # exactly ten is still evidence, eleven is not
    assert len(infer.co_occurrences([7] * 10, range(10), [0.0] * 10)) == 45
    assert infer.co_occurrences([7] * 11, range(11), [0.0] * 11) == {}
    # an incremental pass keeps the pairs touching the given people only
    only = infer.co_occurrences(groups, people, when, only={12})
    assert set(only) == {(10, 12), (11, 12)}


def test_employer_overlaps() -> None:
    d = dt.date
    jobs = [
        (1, 7, d(2019, 1, 1), d(2021, 6, 30), False),
        (2, 7, d(2020, 3, 1), None, True),
        (3, 7, d(2022, 1, 1), None, True),  # joined after 1 left: no overlap with 1
        (4, 8, None, None, True),
        (5, 8, None, None, True),  # both at org 8 now, dates unknown
        (6, 8, None, None, False),  # a past job without dates: unknowable
    ]
    found = infer.employer_overlaps(jobs)
    assert found[(1, 2)] == infer.Overlap(7, d(2020, 3, 1), d(2021, 6, 30))
    assert found[(2, 3)] == infer.Overlap(7, d(2022, 1, 1), None)
    assert (1, 3) not in found
    assert found[(4, 5)] == infer.Overlap(8, None, None)
    assert (4, 6) not in found and (5, 6) not in found
    many = [(p, 9, None, None, True) for p in range(infer.MAX_EMPLOYER_GROUP + 1)]
    assert infer.employer_overlaps(many) == {}


def test_strength_decays_by_recency_but_keeps_a_floor() -> None:
    fresh = infer.strength(mail=10, days_since_last=0)
    half = infer.strength(mail=10, days_since_last=infer.HALF_LIFE_DAYS)
    old = infer.strength(mail=10, days_since_last=10_000)
    assert fresh > half > old > 0
    assert half == pytest.approx(fresh * (infer.DECAY_FLOOR + (1 - infer.DECAY_FLOOR) / 2))
    assert old == pytest.approx(fresh * infer.DECAY_FLOOR, rel=1e-3)
    # more evidence, more strength; a copy-in exchange counts more than a co-recipient
    assert infer.strength(mail=1) < infer.strength(mail=5)
    assert infer.strength(mail=1) < infer.strength(mail_cc=1)
    # an employer overlap alone is weak and not enough for a hop
    assert infer.strength(employer=True) == pytest.approx(infer.EMPLOYER)
    assert not infer.confirmed(mail=0, mail_cc=0, meetings=0, records=0, knows=False, manual=False)
    # what the user said wins
    assert infer.strength(mail=50, manual=1) == pytest.approx(0.2)
    assert infer.strength(manual=5) == 1.0
