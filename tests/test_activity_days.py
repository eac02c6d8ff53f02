"""The activity rhythm counts days with contact, not messages (issue 16): five messages
on one day are one contact in a tie's rhythm, the app and a message log count the days
alike, and a day never counts twice across the summary's periods."""

from __future__ import annotations

import numpy as np

from troth.trust.activity import features, from_events, shipped_model
from troth.trust.engine import History, compute, summarize

DAY0 = 20_000.0  # a midnight, as the app's cuts are


def history(person: list[int], day: list[float], n: int) -> History:
    k = len(day)
    return History(
        n_people=n,
        ix_person=np.asarray(person, np.int64),
        ix_day=np.asarray(day, np.float64),
        ix_channel=np.full(k, 2, np.int64),  # e-mail
        ix_initiator=np.zeros(k, np.int64),
        ix_minutes=np.zeros(k),
    )


def test_five_messages_on_one_day_are_one_day_of_rhythm() -> None:
    # tie 0: five messages one afternoon, 40 days ago, and one 10 days ago; tie 1: the
    # same two days with one message each. Their rhythm is the same.
    afternoon = [DAY0 - 40 + 0.50 + 0.01 * k for k in range(5)]
    h = history([0] * 5 + [0, 1, 1], afternoon + [DAY0 - 9.5, DAY0 - 39.5, DAY0 - 9.5], 2)
    r = compute(h, DAY0)
    assert r.features.n_total.tolist() == [6.0, 2.0]
    assert r.features.days_active.tolist() == [2.0, 2.0]
    m = shipped_model()
    from troth.trust.activity import app_inputs

    f = r.features
    x = app_inputs(
        f.n_total, f.first_day, f.last_day, f.recent, f.lasting, f.months_active,
        f.spans_active, f.days_active,
    )  # fmt: skip
    rhythm = features(x, DAY0, ["rhythm_odds"], m.rhythm)[:, 0]
    # same first and last contact, same days with contact: the same rhythm
    assert abs(f.first_day[0] - f.first_day[1]) < 0.1
    assert rhythm[0] == rhythm[1]


def test_days_are_calendar_days_and_add_up_across_the_periods() -> None:
    # 23:59 and 00:01 are two days; a message exactly at a cut belongs to the day (and
    # the period) before it, so no day is counted in two periods.
    cuts = [DAY0 - 90, DAY0 - 30, DAY0]
    day = [
        DAY0 - 91 + 0.999,  # 23:59 the day before the first cut
        DAY0 - 90,  # midnight: the first cut, the same day
        DAY0 - 90 + 0.001,  # 00:01 the next day, in the second period
        DAY0 - 90 + 0.5,
        DAY0 - 30 - 0.2,
        DAY0 - 0.3,
        DAY0 - 0.2,
    ]
    h = history([0] * len(day), day, 1)
    c = summarize(h, cuts)
    assert c.days[0].tolist() == [1.0, 2.0, 1.0]
    for cut, expected in zip(cuts, [1.0, 3.0, 4.0], strict=True):
        assert compute(h, cut, contacts=c).features.days_active[0] == expected
        # a message log counts the same days (events strictly before the as-of day:
        # the midnight message is on the cut, which the log reads as the day before)
        x = from_events(np.zeros(len(day), np.int64), np.asarray(day), np.zeros(
            len(day), np.int64), 1, cut + 1e-9)  # fmt: skip
        assert x.days_active[0] == expected, cut
