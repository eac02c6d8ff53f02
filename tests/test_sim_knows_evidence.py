"""The simulator's evidence of who knows whom (issue 12's quality study): messages and
meetings several contacts were on with me, loaded as groups of interactions sharing
an external_id, from which troth's own inference finds the true ties (and some
false ones: the noise is deliberate)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.models import Knows, Person
from troth.sim.generate import STRANGER, Network, generate_network
from troth.sim.knows_evidence import EvidenceSettings, with_knows_evidence
from troth.sim.load import load_network
from troth.warmpaths.actions import do_infer_links
from troth.warmpaths.models import Link

TODAY = dt.date(2030, 3, 1)


def _groups(net: Network) -> dict[int, set[int]]:
    assert net.ix_group is not None
    out: dict[int, set[int]] = defaultdict(set)
    for g, p in zip(net.ix_group.tolist(), net.ix_person.tolist(), strict=True):
        if g >= 0:
            out[g].add(p)
    return out


def test_evidence_is_added_beside_the_truth_and_never_names_a_stranger() -> None:
    net = generate_network(people=400, seed=3, today=TODAY)
    out = with_knows_evidence(net, seed=1)
    assert net.ix_group is None  # the plain network is untouched
    assert out.ix_group is not None
    added = len(out.ix_person) - len(net.ix_person)
    assert added > 0 and len(out.ix_group) == len(out.ix_person)
    assert int(np.count_nonzero(out.ix_group == -1)) == len(net.ix_person)
    assert np.all(np.diff(out.ix_at.astype(np.int64)) >= 0)  # still in time order
    np.testing.assert_array_equal(out.knows_a, net.knows_a)  # the truth is unchanged
    groups = _groups(out)
    assert all(len(members) >= 2 for members in groups.values())
    strangers = set(np.flatnonzero(out.layer == STRANGER).tolist())
    assert not strangers & set().union(*groups.values())
    assert max(len(m) for m in groups.values()) > 10  # list blasts, for troth to ignore
    # evidence follows the truth: true pairs are together far more often than others
    truth = set(zip(net.knows_a.tolist(), net.knows_b.tolist(), strict=True))
    together: dict[tuple[int, int], int] = defaultdict(int)
    for members in groups.values():
        if len(members) <= 10:
            ms = sorted(members)
            for i, a in enumerate(ms):
                for b in ms[i + 1 :]:
                    together[(a, b)] += 1
    true_mean = np.mean([together[k] for k in truth if k in together])
    false = [c for k, c in together.items() if k not in truth]
    assert false, "the noise puts people who do not know each other together"
    assert true_mean > 1.5 * np.mean(false)


def test_the_same_seed_gives_the_same_evidence_and_more_evidence_scales() -> None:
    net = generate_network(people=200, seed=5, today=TODAY)
    a, b = with_knows_evidence(net, seed=2), with_knows_evidence(net, seed=2)
    np.testing.assert_array_equal(a.ix_person, b.ix_person)
    np.testing.assert_array_equal(a.ix_group, b.ix_group)
    more = with_knows_evidence(net, seed=2, settings=EvidenceSettings(mail_per_tie=24.0))
    assert len(more.ix_person) > len(a.ix_person)


def test_loaded_groups_share_an_external_id_and_troth_infers_true_ties(alice: Owner) -> None:
    net = with_knows_evidence(generate_network(people=120, seed=7, today=TODAY), seed=3)
    load_network(alice, net)
    Knows.objects.filter(owner=alice).delete()  # troth must find the ties itself
    rows = Interaction.objects.filter(owner=alice).exclude(external_id="")
    assert net.ix_group is not None
    assert rows.count() == int(np.count_nonzero(net.ix_group >= 0))
    assert rows.values("external_id").distinct().count() == len(_groups(net))
    do_infer_links(alice, full=True, today=TODAY)
    ids = list(
        Person.objects.filter(owner=alice, is_me=False).order_by("id").values_list("id", flat=True)
    )
    index = {pid: i for i, pid in enumerate(ids)}
    truth = set(zip(net.knows_a.tolist(), net.knows_b.tolist(), strict=True))
    found = {
        tuple(sorted((index[a], index[b])))
        for a, b in Link.objects.filter(owner=alice, usable=True, strength__gte=0.2).values_list(
            "person_a_id", "person_b_id"
        )
    }
    right = len(found & truth)
    assert right >= 10 and right / len(found) > 0.4
