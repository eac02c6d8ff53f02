"""A recompute over a summed past reads the newer rows once and sums them in numpy
(`summary._recent_rows`): it must give what summing every row gives, on and
around the past's day and the cuts, with strings the engine does not know."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust.engine import TrustParams, summarize
from troth.trust.history import day_number, load_history
from troth.trust.past import build_past, current_past
from troth.trust.summary import EPOCH_UTC, TREND_DAYS, co_last_days, load_contacts

SECOND = dt.timedelta(seconds=1)
BASE_BACK = 20  # the past ends this many days before the first cut


def instant(day: float) -> dt.datetime:
    return EPOCH_UTC + dt.timedelta(days=day)


@pytest.fixture
def network(alice: Owner, fixed_day: dt.date) -> tuple[Owner, list[float], int]:
    """A small simulated network and one person with rows a second either side of
    the past's day and of each cut, an unknown channel and initiator, and the future."""
    today = timezone.localdate()
    with transaction.atomic():
        load_network(
            alice,
            generate_network(people=80, seed=11, today=today, interactions_per_person=15),
        )
    cuts = sorted(day_number(today - dt.timedelta(days=d)) for d in TREND_DAYS)
    base = int(cuts[0]) - BASE_BACK
    edge = do_add_person(alice, "Edge Case")
    rows = [
        (at + shift, channel, initiator, minutes)
        for at in map(instant, [base, *cuts])
        for shift, channel, initiator, minutes in (
            (-SECOND, "email", "them", None),
            (dt.timedelta(0), "meeting", "me", 45),
            (SECOND, "call", "unknown", 20),
            (2 * SECOND, "pigeon", "someone", 10),
        )
    ]
    rows.append((instant(cuts[-1]) + dt.timedelta(hours=3), "meeting", "them", 60))
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
    build_past(alice, base)
    return alice, cuts, edge.id


def test_recent_rows_over_the_past_equal_every_row_summed(
    network: tuple[Owner, list[float], int],
) -> None:
    owner, cuts, edge = network
    p = TrustParams()
    past = current_past(owner, cuts[0], p, build=False)
    assert past is not None and past.day == int(cuts[0]) - BASE_BACK
    history, ids = load_history(owner)
    assert (history.ix_day > past.day).sum() > 100  # every period has newer rows
    kept = load_contacts(owner, ids, cuts, p, past)
    every = load_contacts(owner, ids, cuts, p)
    engine = summarize(history, cuts, p, co_last_days(owner, ids, cuts))
    for want in (every, engine):
        for field in dataclasses.fields(kept):
            a, b = getattr(want, field.name), getattr(kept, field.name)
            if field.name in ("frequency", "history", "recent", "lasting"):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=field.name)
            elif isinstance(a, np.ndarray):
                np.testing.assert_array_equal(a, b, err_msg=field.name)
            else:
                assert a == b, field.name
    i = int(np.searchsorted(ids, edge))
    # the cut's own row in its period, a second later the next; the unknown channel
    # a meeting, the unknown initiator "me"; the future in none
    assert kept.n_total[i].tolist() == [6.0, 4.0, 4.0]
    assert kept.n_meetings[i].tolist() == [3.0, 2.0, 2.0]
    assert kept.me_started[i].tolist() == [3.0, 2.0, 2.0]
    assert kept.minutes[i].tolist() == [120.0, 75.0, 75.0]


@pytest.mark.django_db
def test_rows_are_read_cell_by_cell_with_nulls_as_nan() -> None:
    """`history._fetch` reads the cells in one pass (np.fromiter) and falls back to
    np.array when a cell is NULL; a query of another width than asked is refused
    rather than read off by a column."""
    from troth.trust.history import _fetch

    rows = _fetch("SELECT 1, 2.5 UNION ALL SELECT 3, 4", [], 2)
    assert rows.shape == (2, 2) and rows.tolist() == [[1.0, 2.5], [3.0, 4.0]]
    with_null = _fetch("SELECT 1, NULL UNION ALL SELECT 3, 4", [], 2)
    assert with_null.shape == (2, 2) and np.isnan(with_null[0, 1]) and with_null[1, 1] == 4
    assert _fetch("SELECT 1 WHERE 1 = 0", [], 3).shape == (0, 3)
    with pytest.raises(ValueError, match="3 columns asked, 2 read"):
        _fetch("SELECT 1, 2", [], 3)
