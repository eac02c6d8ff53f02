"""The network simulator: realistic rhythms, kept truth, and a fast, owner-safe load."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import numpy as np
import phonenumbers
import pytest
from django.db import connection, transaction

from troth.interactions.models import Interaction
from troth.intros.models import Introduction
from troth.ledger.models import FAVOR_KINDS as LEDGER_FAVOR_KINDS
from troth.ledger.models import Commitment, Favor, Need
from troth.lib.text import fold
from troth.owned import Owner
from troth.people.models import (
    ContactPoint,
    Employment,
    Knows,
    Note,
    Organization,
    Person,
    Relationship,
    Tag,
)
from troth.sim import load as sim_load
from troth.sim import names as words
from troth.sim.generate import (
    ACQUAINTANCE,
    CHANNELS,
    CLOSE,
    FAVOR_KINDS,
    INNER,
    INTRO_STATES,
    LAYERS,
    ME,
    MEETING,
    NEED_STATUSES,
    NETWORK,
    NONE,
    PROMISE_STATUSES,
    STRANGER,
    Network,
    generate_network,
    layer_of,
    layer_sizes,
)
from troth.sim.load import load_network
from troth.sim.models import SimTruth

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def net() -> Network:
    return generate_network(people=500, seed=11, today=TODAY)


def _counts(net: Network, index: np.ndarray) -> np.ndarray:
    return np.bincount(index, minlength=net.people)


def _rank(x: np.ndarray) -> np.ndarray:
    """Ranks with ties sharing their mean rank (as Spearman's rho wants)."""
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    del values
    upper = np.cumsum(counts)
    return ((upper - counts + upper - 1) / 2)[inverse]


# -- generation (no database) ------------------------------------------------------


def test_same_seed_same_network_and_another_seed_differs() -> None:
    a = generate_network(people=120, seed=3, today=TODAY)
    b = generate_network(people=120, seed=3, today=TODAY)
    c = generate_network(people=120, seed=4, today=TODAY)
    for name, value in vars(a).items():
        other = getattr(b, name)
        if isinstance(value, np.ndarray):
            assert np.array_equal(value, other, equal_nan=value.dtype.kind in "fmM"), name
        else:
            assert value == other, name
    assert a.full_name != c.full_name
    assert not np.array_equal(a.strength, c.strength)


def test_layers_follow_dunbar_at_500_and_scale_for_small_networks(net: Network) -> None:
    # anchors.md: 5 / 15 / 50 / 150 cumulative, i.e. 5, 10, 35, 100 per layer
    assert layer_sizes(500)[:4] == [5, 10, 35, 100]
    assert np.bincount(net.layer, minlength=len(LAYERS)).tolist() == layer_sizes(500)
    assert layer_sizes(500)[STRANGER] == 50
    for people in (30, 100, 200, 300):
        sizes = layer_sizes(people)
        assert sum(sizes) == people
        assert all(size >= 2 for size in sizes[:4]), (people, sizes)
        assert sizes[ACQUAINTANCE] >= sum(sizes[:4])  # most contacts are loose
    big = layer_sizes(30_000)
    assert big[INNER] == 300 and big[NETWORK] == 6000
    # the layer is derived from the strength, strongest first
    assert np.array_equal(layer_of(net.strength), net.layer)
    assert net.strength.min() >= 0 and net.strength.max() <= 1


def test_cold_and_stranger_shares(net: Network) -> None:
    assert 0.10 <= net.went_cold.mean() <= 0.15
    assert not net.went_cold[net.layer == STRANGER].any()
    # "were strong once": most cold ties come from the named layers
    assert (net.layer[net.went_cold] <= NETWORK).mean() > 0.5


def test_strong_ties_have_more_interactions_and_more_meetings(net: Network) -> None:
    per_person = _counts(net, net.ix_person)
    meetings = _counts(net, net.ix_person[net.ix_channel == MEETING])
    warm = ~net.went_cold
    means = [per_person[(net.layer == k) & warm].mean() for k in range(ACQUAINTANCE + 1)]
    meeting_means = [meetings[(net.layer == k) & warm].mean() for k in range(ACQUAINTANCE + 1)]
    assert means == sorted(means, reverse=True), means
    assert meeting_means == sorted(meeting_means, reverse=True), meeting_means
    # cadences (anchors.md): inner about weekly or more, network about yearly
    days = net.days
    assert means[INNER] >= days / 14
    assert days / 1000 <= means[NETWORK] <= days / 150
    # and person by person within the named layers (acquaintances are mostly 0 or 1)
    named = warm & (net.layer <= NETWORK)
    x, y = _rank(net.strength[named]), _rank(per_person[named])
    assert np.corrcoef(x, y)[0, 1] > 0.55
    # strong ties meet and call, weak ones write
    share = [
        np.isin(
            net.ix_channel[np.isin(net.ix_person, np.flatnonzero(net.layer == k))], [0, 1]
        ).mean()
        for k in (INNER, ACQUAINTANCE)
    ]
    assert share[0] > share[1] + 0.2


def test_meetings_and_calls_have_plausible_durations(net: Network) -> None:
    talk = np.isin(net.ix_channel, [0, 1])
    assert ((net.ix_duration[talk] >= 20) & (net.ix_duration[talk] <= 120)).all()
    written = np.isin(net.ix_channel, [2, 3])
    assert (net.ix_duration[written] == 0).all()
    assert set(np.unique(net.ix_initiator).tolist()) <= {0, 1, 2}
    assert "" in net.summaries and all(len(s) < 120 for s in net.summaries)


def test_cold_ties_go_quiet_at_their_cold_date(net: Network) -> None:
    cold = np.flatnonzero(net.went_cold)
    assert len(cold)
    at_day = net.ix_at.astype("datetime64[D]")
    for p in cold:
        mine = at_day[net.ix_person == p]
        assert (mine < net.cold_on[p]).all()
        assert net.cold_on[p] <= np.datetime64(TODAY) - np.timedelta64(45, "D")
    assert np.isnat(net.cold_on[~net.went_cold]).all()
    # the ties were real: most cold ties did talk before going quiet
    assert (_counts(net, net.ix_person)[cold] > 0).mean() > 0.5


def test_strangers_have_no_history(net: Network) -> None:
    strangers = set(np.flatnonzero(net.layer == STRANGER).tolist())
    assert len(strangers) == 50
    assert not strangers & set(net.ix_person.tolist())
    assert not strangers & (set(net.favor_giver.tolist()) | set(net.favor_receiver.tolist()))
    assert not strangers & (set(net.promise_debtor.tolist()) | set(net.promise_creditor.tolist()))


def test_everything_happens_inside_the_window(net: Network) -> None:
    start = np.datetime64(TODAY) - np.timedelta64(net.days, "D")
    today = np.datetime64(TODAY)
    assert (net.ix_at >= start).all() and (net.ix_at < today).all()
    assert (net.favor_on < today).all()
    assert (net.promise_made < today).all()
    assert (net.note_at < today).all()
    assert np.all(np.diff(net.ix_at.astype(np.int64)) >= 0)  # sorted by time


def test_knows_links_are_undirected_without_self_links_or_duplicates(net: Network) -> None:
    a, b = net.knows_a, net.knows_b
    assert len(a) > net.people  # a connected-looking graph
    assert (a < b).all()
    assert (a >= 0).all() and (b < net.people).all()
    assert len(set(zip(a.tolist(), b.tolist(), strict=True))) == len(a)
    assert ((net.knows_strength > 0) & (net.knows_strength <= 1)).all()
    # strong ties know each other more (overlapping neighbourhoods)
    degree = _counts(net, np.concatenate([a, b]))
    assert degree[net.layer <= CLOSE].mean() > degree[net.layer == ACQUAINTANCE].mean()
    # colleagues know each other
    same = net.company[a] == net.company[b]
    assert (same & (net.company[a] >= 0)).sum() > 0.1 * len(a)
    # whoever introduced someone knows them
    via = np.flatnonzero(net.met_through != NONE)
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    for i in via.tolist():
        j = int(net.met_through[i])
        assert (min(i, j), max(i, j)) in pairs


def test_people_look_real(net: Network) -> None:
    assert len(set(net.full_name)) < net.people  # some share a full name
    firsts = Counter(net.given_name)
    assert firsts.most_common(1)[0][1] >= 3  # several share a first name
    assert any(fold(n) != n.lower() for n in net.full_name)  # accents are present
    emails = [e for e in net.email if e]
    assert 0.75 < len(emails) / net.people < 0.95
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.[a-z]+", e) for e in emails)
    phones = [p for p in net.phone if p]
    assert len(set(phones)) == len(phones) > 0.2 * net.people
    for p in phones:
        assert re.fullmatch(r"\+1\d{3}55501\d\d", p)
        assert phonenumbers.is_valid_number(phonenumbers.parse(p))
    rated = net.closeness[net.closeness > 0]
    assert 0.2 < len(rated) / net.people < 0.4 and rated.max() <= 5
    # ratings are noisy but track the truth
    who = net.closeness > 0
    assert np.corrcoef(net.closeness[who], net.strength[who])[0, 1] > 0.6
    assert Counter(net.company.tolist()).most_common(1)[0][1] >= 5  # people share companies
    assert len(set(fold(o) for o in net.org_names)) == len(net.org_names)
    per_person = _counts(net, net.person_tag_person)
    assert per_person.max() <= 3 and (per_person == 0).any()
    assert any(m.startswith("introduced by ") for m in net.met_how)
    assert len(net.note_person) > 0


def test_vocabularies_match_the_models() -> None:
    assert tuple(LEDGER_FAVOR_KINDS) == FAVOR_KINDS
    assert set(NEED_STATUSES) == {s for s, _ in Need.STATUSES}
    assert set(PROMISE_STATUSES) == {s for s, _ in Commitment.STATUSES}
    assert set(INTRO_STATES) <= {s for s, _ in Introduction.STATES}
    assert set(CHANNELS) == {c for c, _ in Interaction.CHANNELS}
    tags = set(words.TAGS)
    for _, ts, kind in words.NEEDS + words.MY_NEEDS:
        assert set(ts) <= tags and kind in FAVOR_KINDS
    assert {t for _, t in words.TITLES if t} <= tags
    assert {t for _, t in words.ORG_SECOND + words.CLASSIC_ORGS} <= tags


def test_the_ledger_is_lively_and_consistent(net: Network) -> None:
    today = np.datetime64(TODAY)
    status = net.promise_status
    mine = net.promise_debtor == ME
    theirs = net.promise_creditor == ME
    assert (mine | theirs).all() and mine.any() and theirs.any()
    is_open = status == PROMISE_STATUSES.index("open")
    due = net.promise_due
    assert (is_open & (due >= today)).sum() >= 3  # due soon
    assert (is_open & (due < today)).sum() >= 2  # overdue
    assert np.isnat(net.promise_changed_at[is_open]).all()
    assert not np.isnat(net.promise_changed_at[~is_open]).any()
    # the owner keeps about 90% of settled promises; flaky people fewer
    settled = ~is_open
    kept = status == PROMISE_STATUSES.index("kept")
    assert kept[mine & settled].mean() > 0.75
    dated = ~np.isnat(due)
    assert (due[dated] >= net.promise_made[dated]).all()

    # favours run both ways and rise with strength
    assert (net.favor_giver == ME).any() and (net.favor_receiver == ME).any()
    assert ((net.favor_giver == ME) | (net.favor_receiver == ME)).all()
    other = np.where(net.favor_giver == ME, net.favor_receiver, net.favor_giver)
    per_person = _counts(net, other)
    assert per_person[net.layer <= CLOSE].mean() > per_person[net.layer == ACQUAINTANCE].mean()

    # needs: ~15% of contacts have an open one, inside a 30-60 day horizon
    open_need = net.need_status == NEED_STATUSES.index("open")
    owners_open = (net.need_person == ME) & open_need
    assert 1 <= owners_open.sum() <= 2
    contacts_open = open_need & (net.need_person >= 0)
    assert 0.10 * net.people <= contacts_open.sum() <= 0.16 * net.people
    horizon = (net.need_expires - net.need_noted).astype(int)
    assert ((horizon >= 30) & (horizon <= 60)).all()
    assert (net.need_noted[open_need] >= today - np.timedelta64(40, "D")).all()
    assert (net.need_expires[open_need] > today).all()
    assert (net.need_status != 0).any()  # some past needs
    met = net.need_status == NEED_STATUSES.index("met")
    assert (net.need_met_by[met] != NONE).all()
    linked = net.favor_need[net.favor_need != NONE]
    assert len(linked) and (net.need_status[linked] == NEED_STATUSES.index("met")).all()
    assert len(net.need_tag_need) > 0

    # introductions: a few, never a person to themselves
    assert 2 <= len(net.intro_role) <= 40
    assert (net.intro_a != net.intro_b).all()
    assert (net.intro_updated >= net.intro_created).all()


def test_interactions_per_person_hits_a_total() -> None:
    net = generate_network(people=400, seed=5, today=TODAY, interactions_per_person=20)
    assert abs(len(net.ix_person) - 8000) < 400
    assert not set(np.flatnonzero(net.layer == STRANGER).tolist()) & set(net.ix_person.tolist())


@pytest.mark.parametrize("people", [1, 2, 3, 10, 31])
def test_tiny_networks_still_generate(people: int) -> None:
    net = generate_network(people=people, seed=1, today=TODAY)
    assert net.people == people
    assert (net.knows_a < net.knows_b).all()


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="people must be at least 1, got 0"):
        generate_network(people=0)
    with pytest.raises(ValueError, match="interactions_per_person must not be negative"):
        generate_network(people=10, interactions_per_person=-1)


# -- loading (database) ------------------------------------------------------------


def _db_counts(owner: Owner) -> dict[str, int]:
    return {
        "people": Person.objects.filter(owner=owner, is_me=False).count(),
        "relationships": Relationship.objects.filter(owner=owner).count(),
        "organizations": Organization.objects.filter(owner=owner).count(),
        "tags": Tag.objects.filter(owner=owner).count(),
        "employments": Employment.objects.filter(owner=owner).count(),
        "contact_points": ContactPoint.objects.filter(owner=owner).count(),
        "person_tags": Person.tags.through.objects.filter(person__owner=owner).count(),
        "sim_truth": SimTruth.objects.filter(owner=owner).count(),
        "notes": Note.objects.filter(owner=owner).count(),
        "knows": Knows.objects.filter(owner=owner).count(),
        "interactions": Interaction.objects.filter(owner=owner).count(),
        "needs": Need.objects.filter(owner=owner).count(),
        "need_tags": Need.tags.through.objects.filter(need__owner=owner).count(),
        "favors": Favor.objects.filter(owner=owner).count(),
        "commitments": Commitment.objects.filter(owner=owner).count(),
        "introductions": Introduction.objects.filter(owner=owner).count(),
    }


def _expected(net: Network) -> dict[str, int]:
    counts = net.counts()
    return {
        "people": net.people,
        "relationships": net.people,
        "organizations": len(net.org_names),
        "tags": len(net.tags),
        "employments": int((net.company >= 0).sum()),
        "contact_points": sum(1 for e in net.email if e) + sum(1 for p in net.phone if p),
        "person_tags": counts["person_tags"],
        "sim_truth": net.people,
        "notes": counts["notes"],
        "knows": counts["knows"],
        "interactions": counts["interactions"],
        "needs": counts["needs"],
        "need_tags": counts["need_tags"],
        "favors": counts["favors"],
        "commitments": counts["commitments"],
        "introductions": counts["introductions"],
    }


def _assert_owned_by(owner: Owner) -> None:
    """No row of this owner points at a person of someone else."""
    people = Person.objects.filter(owner=owner)
    checks = [
        Relationship.objects.filter(owner=owner).exclude(person__in=people),
        Relationship.objects.filter(owner=owner, met_through__isnull=False).exclude(
            met_through__in=people
        ),
        Employment.objects.filter(owner=owner).exclude(organization__owner=owner),
        ContactPoint.objects.filter(owner=owner).exclude(person__in=people),
        SimTruth.objects.filter(owner=owner).exclude(person__in=people),
        Knows.objects.filter(owner=owner).exclude(person_a__in=people),
        Knows.objects.filter(owner=owner).exclude(person_b__in=people),
        Interaction.objects.filter(owner=owner).exclude(person__in=people),
        Favor.objects.filter(owner=owner).exclude(giver__in=people),
        Favor.objects.filter(owner=owner).exclude(receiver__in=people),
        Commitment.objects.filter(owner=owner).exclude(debtor__in=people),
        Commitment.objects.filter(owner=owner).exclude(creditor__in=people),
        Need.objects.filter(owner=owner).exclude(person__in=people),
        Introduction.objects.filter(owner=owner).exclude(introducer__in=people),
        Note.objects.filter(owner=owner).exclude(person__in=people),
        Person.tags.through.objects.filter(person__owner=owner).exclude(tag__owner=owner),
        Need.tags.through.objects.filter(need__owner=owner).exclude(tag__owner=owner),
    ]
    for query in checks:
        assert not query.exists(), query.query


@pytest.mark.django_db
def test_load_200_people_matches_counts_and_roundtrips_values(alice: Owner) -> None:
    net = generate_network(people=200, seed=2, today=TODAY)
    stages: list[str] = []
    with transaction.atomic():
        counts = load_network(alice, net, progress=lambda s, d, t: stages.append(s))
    expected = _expected(net)
    assert _db_counts(alice) == expected
    assert {k: counts[k] for k in expected} == expected
    assert "interactions" in stages and "people" in stages
    _assert_owned_by(alice)

    people = list(Person.objects.filter(owner=alice, is_me=False).order_by("id"))
    me = Person.objects.get(owner=alice, is_me=True)
    for i in (0, 57, 199):
        p = people[i]
        assert p.full_name == net.full_name[i]
        assert p.name_key == fold(net.full_name[i])
        assert (p.given_name, p.family_name) == (net.given_name[i], net.family_name[i])
        truth = p.sim_truth
        assert truth.layer == LAYERS[net.layer[i]]
        assert truth.went_cold == bool(net.went_cold[i])
        assert truth.strength == pytest.approx(float(net.strength[i]))
        rel = p.relationship
        assert rel.closeness == (int(net.closeness[i]) or None)
        assert rel.met_how == net.met_how[i]

    # instants come back as the same aware UTC datetimes, dates as dates
    first = Interaction.objects.filter(owner=alice).order_by("occurred_at", "id").first()
    assert first is not None
    assert first.source == "sim"
    stamp = net.ix_at[0].astype("datetime64[s]").astype(dt.datetime).replace(tzinfo=dt.UTC)
    assert first.occurred_at == stamp
    assert Interaction.objects.filter(owner=alice, occurred_at__lt=stamp).count() == 0
    last_day = net.ix_at.max().astype("datetime64[D]").astype(dt.date)
    assert Interaction.objects.filter(owner=alice, occurred_at__date__gt=last_day).count() == 0
    dated = Commitment.objects.filter(owner=alice, due_on__isnull=False)
    assert dated.count() == int((~np.isnat(net.promise_due)).sum())
    assert all(isinstance(c.due_on, dt.date) for c in dated[:5])
    assert Commitment.objects.filter(owner=alice, debtor=me).count() == int(
        (net.promise_debtor == ME).sum()
    )
    assert Need.objects.filter(owner=alice, person=me, status="open").count() == int(
        ((net.need_person == ME) & (net.need_status == 0)).sum()
    )
    assert Favor.objects.filter(owner=alice, need__isnull=False).count() == int(
        (net.favor_need != NONE).sum()
    )
    # contact points are normalised
    for value in ContactPoint.objects.filter(owner=alice, kind="email").values_list(
        "value", flat=True
    ):
        assert value == value.lower()
    assert (
        ContactPoint.objects.filter(owner=alice, kind="phone")
        .exclude(value__startswith="+1")
        .count()
        == 0
    )
    # a person's tags came through the M2M table
    tagged = int(net.person_tag_person[0])
    assert sorted(people[tagged].tags.values_list("name", flat=True)) == sorted(
        net.tags[t] for t in net.person_tag_tag[net.person_tag_person == tagged]
    )


@pytest.mark.django_db
def test_two_owners_stay_separate(alice: Owner, bob: Owner) -> None:
    a = generate_network(people=60, seed=1, today=TODAY)
    b = generate_network(people=90, seed=2, today=TODAY)
    with transaction.atomic():
        load_network(alice, a)
    with transaction.atomic():
        load_network(bob, b)
    assert _db_counts(alice) == _expected(a)
    assert _db_counts(bob) == _expected(b)
    _assert_owned_by(alice)
    _assert_owned_by(bob)
    # both have their own tag rows of the same names
    assert Tag.objects.filter(name="fintech").count() == 2


@pytest.mark.django_db
def test_loading_twice_reuses_tags_and_organizations(alice: Owner) -> None:
    net = generate_network(people=40, seed=9, today=TODAY)
    load_network(alice, net)
    again = load_network(alice, net)
    assert again["tags"] == 0 and again["organizations"] == 0
    assert Person.objects.filter(owner=alice, is_me=False).count() == 80
    assert Organization.objects.filter(owner=alice).count() == len(net.org_names)
    _assert_owned_by(alice)


@pytest.mark.django_db
def test_bulk_path_rebuilds_the_interaction_indexes(
    alice: Owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big loads drop and rebuild the interaction indexes on SQLite; they must come back."""

    def index_names() -> set[str]:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(
                cursor, Interaction._meta.db_table
            )
        return {name for name, c in constraints.items() if c["index"] or c["unique"]}

    before = index_names()
    monkeypatch.setattr(sim_load, "BULK_INDEX_ROWS", 10)
    net = generate_network(people=80, seed=4, today=TODAY)
    with transaction.atomic():
        counts = load_network(alice, net)
    assert counts["interactions"] == len(net.ix_person) > 10
    assert index_names() == before
    assert Interaction.objects.filter(owner=alice).count() == len(net.ix_person)


@pytest.mark.django_db
def test_a_failed_load_leaves_nothing_behind(alice: Owner) -> None:
    net = generate_network(people=30, seed=9, today=TODAY)
    net.knows_b[0] = net.knows_a[0]  # a self-link violates the Knows check constraint
    # the backends raise different errors
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        load_network(alice, net)
    assert not Person.objects.filter(owner=alice, is_me=False).exists()
    assert not Interaction.objects.filter(owner=alice).exists()


def test_simulated_introductions_carry_their_legal_steps(alice: Owner) -> None:
    from troth.intros import flow
    from troth.intros.models import Introduction, IntroStep

    load_network(alice, generate_network(people=200, seed=2, today=TODAY))
    intros = list(Introduction.objects.filter(owner=alice))
    assert intros
    for intro in intros:
        steps = list(IntroStep.objects.filter(intro=intro).order_by("at", "id"))
        assert steps[0].state == flow.START[intro.role] and steps[-1].state == intro.state
        for old, new in zip(steps, steps[1:], strict=False):
            flow.check_step(intro.role, old.state, new.state)  # every step legal
            assert new.from_state == old.state and new.at >= old.at
