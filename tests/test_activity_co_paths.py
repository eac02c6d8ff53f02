"""The contact beyond the tie (co_since_contact, issue 16) through every path the app
scores by: the full recompute (`load_scores`), the one-tie update after a write
(`do_update_trust`) and the person page (`trust_detail`) all read the copies the mail
import keeps (importers.MessageParticipant) as `troth eval persistence` reads the
same mail from a log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone

from troth.importers.models import MessageParticipant
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.people.models import Person
from troth.trust.actions import do_update_trust
from troth.trust.activity import APP_FEATURES, activity, app_inputs, features
from troth.trust.history import day_number
from troth.trust.models import TrustScore
from troth.trust.persistence import pairs_as_of, read_log
from troth.trust.queries import trust_detail
from troth.trust.summary import EPOCH_UTC, TREND_DAYS, load_scores

ME = "me@troth.test"
TIES = 24


def _mail(
    alice: Owner, tmp_path: Path, end: float
) -> tuple[list[Person], list[str], np.ndarray, Path]:
    """Ties with contact and, some of them, copies of others' mail after it: the
    database's rows and the same mail as a log. Returns the people, their
    addresses, the days of each one's last copy (nan: none) and the log."""
    rng = np.random.default_rng(1616)
    addresses = [f"t{k}@x.test" for k in range(TIES)]
    people = [do_add_person(alice, f"Tie Number{k}", emails=[a]) for k, a in enumerate(addresses)]
    contacts: list[tuple[int, float, bool]] = []
    for k in range(TIES):
        for ago in np.round(rng.uniform(40.0, 40.0 + 30 * k, int(rng.integers(1, 12))), 4):
            contacts.append((k, float(end - ago), bool(rng.random() < 0.5)))
    # someone else's message to the owner and 2-4 ties: contact with its sender (a
    # tie too), a copy for the others; the later ones after most ties' last contact
    copies: list[tuple[float, int, list[int]]] = []
    for _ in range(30):
        sender, *others = (int(i) for i in rng.choice(TIES, int(rng.integers(3, 6)), False))
        copies.append((float(end - np.round(rng.uniform(0.3, 300.0), 4)), sender, others))
    last_copy = np.full(TIES, np.nan)
    with transaction.atomic():
        Interaction.objects.bulk_create(
            Interaction(
                owner=alice,
                person=people[k],
                occurred_at=EPOCH_UTC + dt.timedelta(days=day),
                channel="email",
                initiated_by="them" if theirs else "me",
            )
            for k, day, theirs in contacts + [(sender, day, True) for day, sender, _o in copies]
        )
        rows = []
        for m, (day, sender, others) in enumerate(copies):
            at = EPOCH_UTC + dt.timedelta(days=day)
            for k, role in [(sender, MessageParticipant.FROM)] + [
                (o, MessageParticipant.TO) for o in others
            ]:
                rows.append(
                    MessageParticipant(
                        owner=alice,
                        source="mail",
                        external_id=f"m{m}",
                        occurred_at=at,
                        address=addresses[k],
                        role=role,
                        owner_role=MessageParticipant.TO,
                    )
                )
            for o in others:
                last_copy[o] = np.fmax(last_copy[o], day)
        MessageParticipant.objects.bulk_create(rows)
    lines = ["timestamp,sender,recipients,channel"]
    stamped = [
        (day, addresses[k] if t else ME, ME if t else addresses[k]) for k, day, t in contacts
    ]
    stamped += [
        (day, addresses[s], ";".join([ME, *(addresses[o] for o in others)]))
        for day, s, others in copies
    ]
    for day, frm, to in sorted(stamped):
        stamp = (EPOCH_UTC + dt.timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        lines.append(f"{stamp},{frm},{to},email")
    log = tmp_path / "log.csv"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return people, addresses, last_copy, log


def test_every_path_reads_the_copies_as_the_log_does(
    alice: Owner, fixed_day: dt.date, tmp_path: Path
) -> None:
    today = timezone.localdate()
    end = day_number(today)
    people, addresses, last_copy, log = _mail(alice, tmp_path, end)
    parsed = read_log(log)
    ids, results = load_scores(alice, today)
    by_id = {int(i): k for k, i in enumerate(ids)}
    row = np.asarray([by_id[p.id] for p in people])
    # some ties were copied after their last contact, some not: the feature varies
    now = results[0].features
    later = np.nan_to_num(now.co_last_day[row] - now.last_day[row], nan=0.0) > 0
    assert 3 <= int(later.sum()) < TIES
    np.testing.assert_allclose(now.co_last_day[row], last_copy, atol=1e-6)
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
        pa = pairs_as_of(parsed, today - dt.timedelta(days=back) + dt.timedelta(days=1), full=False)
        mine = pa.owner == parsed.names.index(ME)
        at = np.asarray([row[addresses.index(parsed.names[j])] for j in pa.person[mine]])
        assert len(at) == int((f.n_total[row] > 0).sum()) > 15
        from_log = features(pa.inputs, pa.as_of_day, APP_FEATURES)[mine]
        np.testing.assert_allclose(app[at], from_log, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(
            r.activity[at], np.round(100 * activity(pa.inputs, pa.as_of_day)[mine], 1), atol=0.051
        )

    # the one-tie update after a write, and the person page, give the full recompute's
    for k in np.flatnonzero(later)[:3].tolist() + np.flatnonzero(~later)[:2].tolist():
        do_update_trust(alice, people[k])
        cached = TrustScore.objects.get(owner=alice, person=people[k])
        assert cached.activity == float(results[0].activity[row[k]])
        assert cached.activity_trend_30 == float(
            results[0].activity[row[k]] - results[1].activity[row[k]]
        )
        detail = trust_detail(alice, people[k])
        assert detail["activity"] == float(results[0].activity[row[k]])
        said = [s for s in detail["activity_reasons"] if "others' mail" in s]
        if later[k]:
            assert said and said[0].startswith("On others' mail with you")
        else:
            assert all(s.startswith("Not on others' mail") for s in said)
