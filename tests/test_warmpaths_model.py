"""The link model (issue 12): evidence weighted by group size and distinct days, the
fitted coefficients shipped with the package, what a pass stores for it, the
first-hop memo of the search, and `troth eval knows`' weighting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.trust.persistence import read_log
from troth.warmpaths import graph, infer
from troth.warmpaths.actions import do_infer_links
from troth.warmpaths.evaluate import knows_eval
from troth.warmpaths.models import Link

DAY = 86400.0
ROOT = Path(__file__).resolve().parents[1]


# -- pure: weights, days, the model -----------------------------------------------


def test_a_group_of_n_weighs_one_over_n_minus_one_and_days_are_counted_once() -> None:
    # group 0: a and b alone; group 1: a, b and three others; group 2: a and b again,
    # the same day as group 0
    groups = [0, 0, 1, 1, 1, 1, 1, 2, 2]
    people = [1, 2, 1, 2, 3, 4, 5, 1, 2]
    when = [10 * DAY, 10 * DAY, 20 * DAY, 20 * DAY, 20 * DAY, 20 * DAY, 20 * DAY]
    when += [10 * DAY + 3600, 10 * DAY + 3600]
    found = infer.co_occurrences(groups, people, when)
    ab = found[(1, 2)]
    assert ab.count == 3
    assert ab.weight == pytest.approx(1.0 + 0.25 + 1.0)
    assert ab.days == {10, 20}
    assert found[(3, 4)].weight == pytest.approx(0.25)
    assert found[(3, 4)].days == {20}


def test_a_small_message_says_more_than_a_big_one_and_days_more_than_one_thread() -> None:
    two = infer.strength(mail=1, mail_weight=1.0, days=1)
    ten = infer.strength(mail=1, mail_weight=1 / 9, days=1)
    assert two > 3 * ten
    # four messages: on four days against in one thread on one day
    spread = infer.strength(mail=4, mail_weight=4 / 3, days=4)
    thread = infer.strength(mail=4, mail_weight=4 / 3, days=1)
    assert spread > thread
    # one wrote to the other with me in copy: stronger than being copied together
    assert infer.strength(mail_cc=1, mail_weight=0.5, days=1) > infer.strength(
        mail=1, mail_weight=0.5, days=1
    )
    # an employer overlap alone is never enough for a path hop
    assert not infer.confirmed(mail=0, mail_cc=0, meetings=0, records=0, knows=False, manual=False)
    assert infer.strength(employer=True) == pytest.approx(infer.EMPLOYER)


def test_colleagues_seen_together_are_likelier_to_know_each_other_but_never_by_employer_alone() -> (
    None
):
    seen = infer.strength(mail=1, mail_weight=0.5, days=1)
    colleagues = infer.strength(mail=1, mail_weight=0.5, days=1, employer=True)
    assert colleagues > 2 * seen
    assert colleagues == pytest.approx(infer.MODEL.expected(0.5, 0.0, 0, 1, True))
    # alone it is the weak "may know", and no path hop
    assert infer.strength(employer=True) == pytest.approx(infer.EMPLOYER)
    assert not infer.confirmed(mail=0, mail_cc=0, meetings=0, records=0, knows=False, manual=False)


def test_the_strength_is_the_chance_times_the_tie_and_decays() -> None:
    m = infer.MODEL
    for weight, days in ((0.2, 1), (1.0, 1), (3.0, 4), (10.0, 12)):
        chance, tie = m.chance(weight, 0.0, 0, days), m.tie(weight, 0.0, 0, days)
        assert 0.0 < chance < 1.0 and 0.0 <= tie <= 1.0
        assert infer.strength(mail=1, mail_weight=weight, days=days) == pytest.approx(chance * tie)
    assert m.chance(0.2, 0, 0, 1) < m.chance(1.0, 0, 0, 1) < m.chance(3.0, 0, 0, 4)
    fresh = infer.strength(mail=3, mail_weight=3.0, days=3, days_since_last=0)
    old = infer.strength(mail=3, mail_weight=3.0, days=3, days_since_last=10_000)
    assert old == pytest.approx(fresh * infer.DECAY_FLOOR, rel=1e-6)


def test_counts_without_weights_read_as_two_person_messages_on_days_of_their_own() -> None:
    """Links stored before the weights were (until the recount the migration asks for)."""
    assert infer.strength(mail=3) == pytest.approx(infer.strength(mail=3, mail_weight=3.0, days=3))


def test_the_shipped_coefficients_name_their_script_and_load() -> None:
    data = json.loads((ROOT / "src/troth/warmpaths/link_model.json").read_text())
    assert data["fitted_by"] == "bench/fit_links.py"
    assert (ROOT / data["fitted_by"]).exists()
    model = infer.load_model()
    assert model == infer.MODEL
    assert model.mail > 0 and model.meeting > 0 and model.log_days > 0 and model.employer > 0
    assert model.intercept < 0  # one faint sighting is not a tie


# -- a pass stores what the model reads ---------------------------------------------


def _message(owner: Owner, people: list[Person], ext: str, when: dt.datetime) -> None:
    for p in people:
        do_log_interaction(owner, p, "email", when=when, source="mail", external_id=ext)


def _link(owner: Owner, a: Person, b: Person) -> Link:
    lo, hi = sorted((a.id, b.id))
    return Link.objects.get(owner=owner, person_a_id=lo, person_b_id=hi)


def test_a_pass_stores_the_weights_and_days(alice: Owner) -> None:
    a, b, c, d = (
        do_add_person(alice, n) for n in ("Ann Archer", "Ben Baker", "Cleo Cole", "Dan Dee")
    )
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    # a and b alone on three messages over two days; all four on one message
    _message(alice, [a, b], "m1", noon - dt.timedelta(days=30))
    _message(alice, [a, b], "m2", noon - dt.timedelta(days=30, hours=1))
    _message(alice, [a, b], "m3", noon - dt.timedelta(days=12))
    _message(alice, [a, b, c, d], "all", noon - dt.timedelta(days=5))
    do_infer_links(alice)
    ab, cd = _link(alice, a, b), _link(alice, c, d)
    assert ab.mail_together == 4 and ab.days_seen == 3
    assert ab.mail_weight == pytest.approx(3 + 1 / 3)
    assert cd.mail_together == 1 and cd.days_seen == 1
    assert cd.mail_weight == pytest.approx(1 / 3)
    assert ab.strength > 3 * cd.strength
    assert ab.usable and ab.strength >= 0.2


# -- the search's first-hop memo ----------------------------------------------------


def _ring(n: int) -> graph.Graph:
    a = np.arange(n)
    return graph.build(n, a, (a + 1) % n, np.linspace(0.3, 0.9, n))


def test_the_first_hop_memo_gives_the_same_answers_and_stays_small() -> None:
    g = _ring(40)
    firsts = [(0, 0.8), (10, 0.6), (20, 0.9)]
    first = graph.search(g, firsts, [(3, 0)], max_hops=4)
    assert [f.nodes for f in first] == [(0, 1, 2, 3)]
    assert len(g.memo) == 1
    again = graph.search(g, list(firsts), [(3, 0)], max_hops=4)
    assert again == first and len(g.memo) == 1
    # other ties with the same people are other first hops
    other = graph.search(g, [(0, 0.1), (10, 0.6), (20, 0.9)], [(3, 0)], max_hops=4)
    assert other[0].weakest == pytest.approx(0.1) and len(g.memo) == 2
    # the scratch array is clean after every search
    assert (g.scratch == graph.FAR).all()
    for k in range(graph.MEMO_SIZE + 5):
        graph.search(g, [(k, 0.5)], [(k + 2, 0)], max_hops=3)
    assert len(g.memo) <= graph.MEMO_SIZE


def test_four_edges_find_the_same_best_path_as_brute_force() -> None:
    rng = np.random.default_rng(5)
    n = 300
    a, b = rng.integers(0, n, 1500), rng.integers(0, n, 1500)
    keep = a != b
    pairs = np.unique(np.minimum(a[keep], b[keep]) * n + np.maximum(a[keep], b[keep]))
    lo, hi = pairs // n, pairs % n
    w = rng.uniform(0.2, 1.0, len(lo))
    g = graph.build(n, lo, hi, w)
    strength: dict[tuple[int, int], float] = {}
    for x, y, s in zip(lo.tolist(), hi.tolist(), w.astype(np.float32).tolist(), strict=True):
        strength[(x, y)] = strength[(y, x)] = s
    nbrs: dict[int, list[int]] = {}
    for x, y in strength:
        nbrs.setdefault(x, []).append(y)
    firsts = [(int(c), 0.7) for c in rng.choice(n, 12, replace=False)]
    for t in rng.choice(n, 25, replace=False).tolist():
        found = graph.search(g, [f for f in firsts if f[0] != t], [(t, 0)], max_hops=4, top=1)
        best = None
        for c, tie in firsts:
            if c == t:
                continue
            stack = [([c], [tie])]
            while stack:
                path, ws = stack.pop()
                if path[-1] == t:
                    best = max(best or 0.0, min(ws))
                    continue
                if len(path) == 4:
                    continue
                for v in nbrs.get(path[-1], []):
                    if v not in path:
                        stack.append((path + [v], ws + [strength[(path[-1], v)]]))
        if best is None:
            assert found == []
        else:
            assert found[0].weakest == pytest.approx(best)


# -- troth eval knows ---------------------------------------------------------------


def test_eval_knows_weighs_a_message_by_how_many_were_on_it(tmp_path: Path) -> None:
    crowd = ";".join(f"p{i}@x.org" for i in range(6))
    log = tmp_path / "log.csv"
    log.write_text(
        "timestamp,sender,recipients\n"
        # ann, bob and cat alone (bob and cat copied together, 3 people)
        "2024-01-05T10:00:00Z,ann@x.org,bob@x.org;cat@x.org\n"
        # dan, eve and six more (eve and p0 copied together among 8 people)
        f"2024-01-05T10:00:00Z,dan@x.org,eve@x.org;{crowd}\n",
        encoding="utf-8",
    )
    result = knows_eval(read_log(log), dt.date(2024, 3, 1), 90)
    names = result.names
    got = {
        tuple(sorted((names[a], names[b]))): s
        for a, b, s in zip(result.a, result.b, result.strength, strict=True)
    }
    assert got[("bob@x.org", "cat@x.org")] > 3 * got[("eve@x.org", "p0@x.org")]
