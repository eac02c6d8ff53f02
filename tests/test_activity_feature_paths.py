"""The shipped activity model's features are the same numbers whether `troth eval
persistence` computes them from a message log or the app computes them from its
database summary (issue 16: the figures the README reports are the app's score)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust.activity import APP_FEATURES, activity, app_inputs, features, shipped_model
from troth.trust.history import day_number
from troth.trust.persistence import pairs_as_of, read_log
from troth.trust.summary import EPOCH_UTC, TREND_DAYS, load_scores

ME = "me@troth.test"


def test_the_log_and_the_database_give_the_same_features(
    alice: Owner, fixed_day: dt.date, tmp_path: Path
) -> None:
    assert set(shipped_model().names) <= set(APP_FEATURES)
    today = timezone.localdate()
    end = day_number(today)  # the end of today, as engine days
    rng = np.random.default_rng(16)
    people = [do_add_person(alice, f"Tie Number{k}") for k in range(30)]
    rows = []
    for k, person in enumerate(people):
        # bursts, steady rhythms and long silences, up to two years back; never on a
        # midnight (the app counts a contact at the cut, a log from the next day on)
        n = int(rng.integers(1, 40))
        ago = rng.uniform(0.01, 20 + 25 * k, n) + rng.choice([0.0, 200.0], n, p=[0.8, 0.2])
        for a in np.round(ago, 4):
            rows.append((person, float(end - a), rng.random() < 0.5))
    with transaction.atomic():
        Interaction.objects.bulk_create(
            Interaction(
                owner=alice,
                person=person,
                occurred_at=EPOCH_UTC + dt.timedelta(days=day),
                channel="email",
                initiated_by="them" if theirs else "me",
            )
            for person, day, theirs in rows
        )
    # The same contacts as a message log: each e-mail one row, its sender one side.
    log = tmp_path / "log.csv"
    lines = ["timestamp,sender,recipients,channel"]
    for person, day, theirs in sorted(rows, key=lambda r: r[1]):
        stamp = (EPOCH_UTC + dt.timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        who = f"p{person.id}@x.test"
        lines.append(f"{stamp},{who if theirs else ME},{ME if theirs else who},email")
    # a second sender, as the log reader asks for, who never writes to these people
    lines.append(f"{(today + dt.timedelta(days=1)).isoformat()}T12:00:00Z,other@x.test,{ME},email")
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = read_log(log)

    ids, results = load_scores(alice, today)
    by_id = {int(i): k for k, i in enumerate(ids)}
    for back, r in zip(TREND_DAYS, results, strict=True):
        f = r.features
        app = features(
            app_inputs(
                f.n_total,
                f.first_day,
                f.last_day,
                f.recent,
                f.lasting,
                f.months_active,
                f.spans_active,
                f.days_active,
                co_last_day=f.co_last_day,
            ),
            r.as_of_day,
            APP_FEATURES,
        )
        as_of = today - dt.timedelta(days=back) + dt.timedelta(days=1)
        assert day_number(as_of - dt.timedelta(days=1)) == r.as_of_day
        pa = pairs_as_of(parsed, as_of, full=False)
        mine = pa.owner == parsed.names.index(ME)
        person_ids = [int(parsed.names[j][1:].split("@")[0]) for j in pa.person[mine]]
        at = np.asarray([by_id[p] for p in person_ids])
        assert len(at) == int((f.n_total > 0).sum()) > 20
        from_log = features(pa.inputs, pa.as_of_day, APP_FEATURES)[mine]
        # counts of spans are exact; decayed sums agree to rounding (SQLite's julianday
        # keeps milliseconds, the log's timestamps microseconds)
        np.testing.assert_allclose(app[at], from_log, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(
            r.activity[at], np.round(100 * activity(pa.inputs, pa.as_of_day)[mine], 1), atol=0.051
        )
