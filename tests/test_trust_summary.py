"""The database's summary of interactions equals the engine's own, on real data.

`load_contacts` sums a million interactions in SQL so that scoring everyone
never fetches them; `summarize` sums the same rows in numpy. Both must agree,
field by field and in the scores they lead to, on both back ends.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.engine import TrustParams, compute, summarize
from troth.trust.history import day_number, load_history
from troth.trust.summary import EPOCH_UTC, TREND_DAYS, load_contacts, load_scores

if TYPE_CHECKING:
    from troth.people.models import Person

SECOND = dt.timedelta(seconds=1)


def instant(day: float) -> dt.datetime:
    return EPOCH_UTC + dt.timedelta(days=day)


@pytest.fixture
def simulated(alice: Owner, fixed_day: dt.date) -> tuple[Owner, list[float], Person]:
    """A small simulated network, plus rows on and around the cuts, in the future,
    with unknown initiators and no durations, and a person with no contact at all."""
    today = timezone.localdate()
    with transaction.atomic():
        load_network(
            alice,
            generate_network(people=120, seed=5, today=today, interactions_per_person=12),
        )
    cuts = sorted(day_number(today - dt.timedelta(days=d)) for d in TREND_DAYS)
    edge = do_add_person(alice, "Edge Case")
    rows = [
        (cut_at + shift, channel, initiator, minutes)
        for cut_at in map(instant, cuts)
        for shift, channel, initiator, minutes in (
            (-SECOND, "email", "them", None),
            (dt.timedelta(0), "meeting", "me", 45),
            (SECOND, "call", "unknown", 20),
        )
    ]
    rows += [
        (instant(cuts[-1]) + dt.timedelta(hours=3), "meeting", "them", 60),  # in the future
        (instant(cuts[0]) - dt.timedelta(days=400), "event", "unknown", None),
        (instant(cuts[0]) - dt.timedelta(days=3, microseconds=-250_000), "message", "me", None),
    ]
    Interaction.objects.bulk_create(
        Interaction(
            owner=alice,
            person=edge,
            occurred_at=at,
            channel=channel,
            initiated_by=initiator,
            duration_minutes=minutes,
        )
        for at, channel, initiator, minutes in rows
    )
    do_add_person(alice, "Never Met")
    return alice, cuts, edge


def test_sql_summary_equals_the_engines(simulated: tuple[Owner, list[float], Person]) -> None:
    owner, cuts, _edge = simulated
    history, ids = load_history(owner)
    assert len(history.ix_day) > 500 and (history.ix_day > cuts[-1]).any()
    mine = summarize(history, cuts)
    theirs = load_contacts(owner, ids, cuts)
    for field in dataclasses.fields(mine):
        a, b = getattr(mine, field.name), getattr(theirs, field.name)
        if field.name.startswith("n_") or field.name.endswith("_started"):
            np.testing.assert_array_equal(a, b, err_msg=field.name)
        elif isinstance(a, np.ndarray):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=field.name)
        else:
            assert a == b, field.name
    # Both paths count the same events as of each cut, so they score alike.
    only = load_history(owner, interactions=False)[0]
    for cut in cuts:
        rows, sql = compute(history, cut), compute(only, cut, contacts=theirs)
        for name in ("n_total", "hours", "frequency", "history", "last_two_way_day"):
            np.testing.assert_allclose(
                getattr(rows.features, name), getattr(sql.features, name), rtol=1e-12
            )
        np.testing.assert_allclose(rows.score, sql.score, atol=0.1 + 1e-9)
        # where the two paths give the same score they must give the same tier
        same = rows.score == sql.score
        assert same.any()
        np.testing.assert_array_equal(rows.tier[same], sql.tier[same])


def test_cut_boundaries_the_future_and_strangers(
    simulated: tuple[Owner, list[float], Person],
) -> None:
    owner, cuts, edge = simulated
    history, ids = load_history(owner)
    contacts = load_contacts(owner, ids, cuts)
    i = int(np.searchsorted(ids, edge.id))
    # A row on a cut belongs to the period ending there, a second later to the next
    # one (the call); the row after the last cut, in the future, to none.
    assert contacts.n_total[i].tolist() == [4.0, 3.0, 3.0]
    assert contacts.n_calls[i].tolist() == [0.0, 1.0, 1.0]
    assert contacts.me_started[i].tolist() == [2.0, 1.0, 1.0]  # "unknown" is not "me"
    assert contacts.them_started[i].tolist() == [1.0, 1.0, 1.0]
    assert contacts.minutes[i].tolist() == [45.0, 65.0, 65.0]
    assert contacts.last_day[i].tolist() == cuts
    assert contacts.last_two_way_day[i].tolist() == cuts  # meetings are two-way
    never = len(ids) - 1  # added last
    assert contacts.n_total[never].sum() == 0 and np.isnan(contacts.first_day[never]).all()
    assert contacts.frequency[never].sum() == 0


def test_scores_with_trends_match_the_row_by_row_path(
    simulated: tuple[Owner, list[float], Person],
) -> None:
    owner, cuts, _edge = simulated
    today = timezone.localdate()
    ids, results = load_scores(owner, today)
    history, same_ids = load_history(owner)
    np.testing.assert_array_equal(ids, same_ids)
    for days_before, got in zip(TREND_DAYS, results, strict=True):
        want = compute(history, day_number(today - dt.timedelta(days=days_before)))
        np.testing.assert_allclose(want.score, got.score, atol=0.1 + 1e-9)
        for name, part in want.parts.items():
            np.testing.assert_allclose(part, got.parts[name], rtol=1e-12, atol=1e-12)


def test_weights_and_half_lives_are_parameters(
    simulated: tuple[Owner, list[float], Person],
) -> None:
    owner, cuts, _edge = simulated
    p = TrustParams(channel_weight=(0.5, 0.5, 1.0, 1.0, 2.0), half_life_days=30.0)
    history, ids = load_history(owner)
    np.testing.assert_allclose(
        summarize(history, cuts, p).frequency, load_contacts(owner, ids, cuts, p).frequency
    )
    with pytest.raises(ValueError, match="other weights"):
        compute(history, cuts[-1], contacts=load_contacts(owner, ids, cuts, p))
