"""The summed past (troth.trust.past) stays equal to summing every row, after every write.

A full recompute reads each tie's interactions before a base day from `TiePast`
and sums only the newer rows. After each kind of write (a new interaction, one
logged into the past, a date or person edited into or out of it, deletions, a
merge and its undo, an import and its undo, a restore, a person deleted, a write
no one announced, the as-of day moving past the base) the scores, features and
activity it gives must equal the engine's own sum of every row, on SQLite and
PostgreSQL; and the past must have been kept (not summed again) where the write
names its ties, dropped and summed again where it does not.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from django.db import connection, transaction
from django.utils import timezone

from calendars import weekly_meetings
from troth.backup.export import write_export
from troth.backup.restore import do_restore
from troth.backup.tables import tables
from troth.identity.actions import do_merge, do_unmerge
from troth.importers.apply import do_import
from troth.importers.models import ImportRun
from troth.importers.registry import parser
from troth.importers.undo import do_undo_import
from troth.interactions.actions import do_log_interaction
from troth.interactions.models import Interaction
from troth.owned import Owner
from troth.owners import do_ensure_me
from troth.people.actions import do_delete_person
from troth.people.models import Person
from troth.sim.generate import generate_network
from troth.sim.load import load_network
from troth.trust import signals
from troth.trust.actions import do_recompute_trust
from troth.trust.engine import compute
from troth.trust.history import day_number, load_history
from troth.trust.models import PastBase, TiePast
from troth.trust.past import REBUILD_DAYS
from troth.trust.summary import EPOCH_UTC, TREND_DAYS, load_scores

Kept = tuple[int, int]


def instant(day: float) -> dt.datetime:
    return EPOCH_UTC + dt.timedelta(days=day)


@pytest.fixture
def net(alice: Owner, bob: Owner, fixed_day: dt.date) -> Owner:
    """Alice's and Bob's simulated networks, each with its past summed by a recompute."""
    today = timezone.localdate()
    with transaction.atomic():
        load_network(alice, generate_network(people=50, seed=3, today=today))
        load_network(bob, generate_network(people=15, seed=4, today=today))
    for owner in (alice, bob):
        do_recompute_trust(owner, today)
    base = PastBase.objects.get(owner=alice).day
    assert base == day_number(today - dt.timedelta(days=max(TREND_DAYS)))
    assert TiePast.objects.filter(owner=alice).count() >= 15
    assert Interaction.objects.filter(owner=alice, occurred_at__gt=instant(base)).exists()
    # the past reaches into the 30- and 5-day spans counted back from today
    assert Interaction.objects.filter(
        owner=alice, occurred_at__lte=instant(base), occurred_at__gt=instant(base - 90)
    ).exists()
    return alice


def kept(owner: Owner) -> Kept:
    row = PastBase.objects.get(owner=owner)
    return row.pk, row.day


def base_of(owner: Owner) -> float:
    return float(PastBase.objects.get(owner=owner).day)


def past_rows(owner: Owner, person: Person | None = None) -> list[Interaction]:
    rows = Interaction.objects.filter(owner=owner, occurred_at__lte=instant(base_of(owner)))
    if person is not None:
        rows = rows.filter(person=person)
    return list(rows.order_by("id"))


def busy(owner: Owner, n: int = 1) -> list[Person]:
    """The n people with the most interactions in the past."""
    counts: dict[int, int] = {}
    for row in past_rows(owner):
        counts[row.person_id] = counts.get(row.person_id, 0) + 1
    top = sorted(counts, key=lambda pid: (-counts[pid], pid))[:n]
    return [Person.objects.get(pk=pid) for pid in top]


def same(owner: Owner, day: dt.date | None = None, was: Kept | None = None) -> None:
    """Today's recompute through the summed past equals summing every row. `was`:
    the past must still be that one (kept up to date, not summed again)."""
    day = day or timezone.localdate()
    ids, got = load_scores(owner, day, keep_past=True)
    if was is not None:
        assert kept(owner) == was, "the past was summed again instead of kept"
    assert PastBase.objects.filter(owner=owner).exists()
    history, want_ids = load_history(owner)
    assert ids.tolist() == want_ids.tolist()
    as_of = [day_number(day - dt.timedelta(days=d)) for d in TREND_DAYS]
    for result, d in zip(got, as_of, strict=True):
        want = compute(history, d)
        f, g = result.features, want.features
        for name in ("n_total", "n_calls", "n_written", "n_events", "n_meetings"):
            assert np.array_equal(getattr(f, name), getattr(g, name)), name
        for name in ("them_started", "me_started", "hours", "days_active"):
            assert np.array_equal(getattr(f, name), getattr(g, name)), name
        for name in ("months_active", "spans_active"):
            assert np.array_equal(getattr(f, name), getattr(g, name)), name
        for name in ("first_day", "last_day", "last_two_way_day"):
            assert np.array_equal(getattr(f, name), getattr(g, name), equal_nan=True), name
        for name in ("frequency", "history", "recent", "lasting"):
            np.testing.assert_allclose(getattr(f, name), getattr(g, name), rtol=1e-9, atol=1e-12)
        # scores are rounded to 0.1: a sum's last bit may tip one over
        np.testing.assert_allclose(result.score, want.score, atol=0.1 + 1e-9)
        np.testing.assert_allclose(result.activity, want.activity, atol=0.1 + 1e-9)


def test_the_kept_past_gives_todays_scores(net: Owner) -> None:
    same(net, was=kept(net))


def test_logging_now_and_into_the_past(net: Owner) -> None:
    was = kept(net)
    (person,) = busy(net)
    do_log_interaction(net, person, "call", minutes=15, they_started=True)
    same(net, was=was)
    held = TiePast.objects.get(owner=net, person=person).total
    do_log_interaction(net, person, "meeting", when=instant(base_of(net) - 12.25), minutes=30)
    assert TiePast.objects.get(owner=net, person=person).total == held + 1
    same(net, was=was)
    # on the base day's last instant: still the past
    do_log_interaction(net, person, "email", when=instant(base_of(net)))
    same(net, was=was)


def test_editing_a_date_or_a_person_into_and_out_of_the_past(net: Owner) -> None:
    was = kept(net)
    a, b = busy(net, 2)
    newer = Interaction.objects.filter(owner=net, occurred_at__gt=instant(base_of(net)))
    row = newer.order_by("id").first()
    assert row is not None
    row.occurred_at = instant(base_of(net) - 40.5)
    row.save()
    same(net, was=was)
    old = past_rows(net, a)[0]
    old.occurred_at = timezone.now() - dt.timedelta(days=2)
    old.save()
    same(net, was=was)
    moved = past_rows(net, a)[0]
    moved.person = b
    moved.save()
    same(net, was=was)
    # moved to another person and out of the past at once
    back = past_rows(net, b)[-1]
    back.person, back.occurred_at = a, timezone.now() - dt.timedelta(days=1)
    back.save()
    same(net, was=was)


def test_deleting_past_rows(net: Owner, monkeypatch: pytest.MonkeyPatch) -> None:
    was = kept(net)
    a, b, c = busy(net, 3)
    past_rows(net, a)[0].delete()
    same(net, was=was)
    Interaction.objects.filter(pk__in=[r.pk for r in past_rows(net, b)[:3]]).delete()
    same(net, was=was)
    # too many ties for one by one: the past is dropped and summed again
    monkeypatch.setattr(signals, "ONE_BY_ONE", 1)
    Interaction.objects.filter(pk__in=[past_rows(net, p)[0].pk for p in (a, b, c)]).delete()
    assert not PastBase.objects.filter(owner=net).exists()
    same(net)


def test_deleting_a_person(net: Owner) -> None:
    was = kept(net)
    (person,) = busy(net)
    do_delete_person(net, person)
    assert not TiePast.objects.filter(person_id=person.id).exists()
    same(net, was=was)


def test_a_merge_and_its_undo(net: Owner) -> None:
    was = kept(net)
    a, b = busy(net, 2)
    record = do_merge(net, a, b)
    same(net, was=was)
    do_unmerge(net, record)
    assert past_rows(net, b)
    same(net, was=was)


def _calendar(tmp_path: Path, start: dt.datetime) -> Path:
    return weekly_meetings(tmp_path, start, "past-1", "catch-up")


def test_an_import_into_the_past_and_its_undo(net: Owner, tmp_path: Path) -> None:
    was = kept(net)
    # the meetings straddle the base day: two before it, two after
    path = _calendar(tmp_path, instant(base_of(net) - 13.5))
    with transaction.atomic():
        summary = do_import(net, parser("ics"), path)
    assert summary.interactions_added == 4
    # the import names no one: the recompute finds the tie with rows added to its past
    same(net, was=was)
    kim = Person.objects.get(owner=net, full_name="Kim Stranger")
    assert TiePast.objects.get(owner=net, person=kim).total == 2
    run = ImportRun.objects.get(owner=net)
    with transaction.atomic():
        do_undo_import(net, run.pk)
    # rows removed from no one in particular: summed again
    assert not PastBase.objects.filter(owner=net).exists()
    same(net)


def test_a_sync_adding_recent_rows_keeps_the_past(net: Owner, tmp_path: Path) -> None:
    was = kept(net)
    path = _calendar(tmp_path, timezone.now() - dt.timedelta(days=25))
    with transaction.atomic():
        do_import(net, parser("ics"), path)
    same(net, was=was)


def test_a_restore_over_a_kept_past(net: Owner, tmp_path: Path) -> None:
    out = io.StringIO()
    write_export(net, out)
    path = tmp_path / "export.json"
    path.write_text(out.getvalue(), "utf-8")
    # the account emptied of its data (a restore takes only an empty one); the day
    # its past was summed up to stays, as on a fresh account after its first read
    for table in reversed(tables()):
        if table.owned:
            table.rows_of(net).delete()
    do_ensure_me(net)
    assert PastBase.objects.filter(owner=net).exists()
    do_restore(net, path)
    same(net)
    assert TiePast.objects.filter(owner=net).count() >= 15


def test_writes_no_one_announced(net: Owner) -> None:
    was = kept(net)
    a, b = busy(net, 2)
    # rows inserted in bulk: found by their created_at, their tie summed again
    Interaction.objects.bulk_create(
        [
            Interaction(
                owner=net,
                person=a,
                occurred_at=instant(base_of(net) - 3.1),
                channel="call",
                initiated_by="them",
                duration_minutes=20,
            )
        ]
    )
    same(net, was=was)
    # a row deleted behind the signals' back: the rows held no longer match the
    # table's, and the past is summed again
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Interaction._meta.db_table} WHERE id = %s", [past_rows(net, b)[0].pk]
        )
    same(net)
    assert kept(net) != was


def test_the_as_of_day_moving(net: Owner) -> None:
    today = timezone.localdate()
    was = kept(net)
    same(net, today + dt.timedelta(days=REBUILD_DAYS), was=was)
    # past REBUILD_DAYS: summed again up to the new earliest cut
    later = today + dt.timedelta(days=REBUILD_DAYS + 1)
    same(net, later)
    assert base_of(net) == day_number(later - dt.timedelta(days=max(TREND_DAYS)))
    # an earlier day than the base: summed from the rows, the past left alone
    was = kept(net)
    ids, got = load_scores(net, today - dt.timedelta(days=5))
    assert kept(net) == was
    history, _ids = load_history(net)
    want = compute(history, day_number(today - dt.timedelta(days=5)))
    np.testing.assert_allclose(got[0].score, want.score, atol=0.1 + 1e-9)


def test_bob_is_never_touched(net: Owner, bob: Owner) -> None:
    alices = sorted(TiePast.objects.filter(owner=net).values_list("person_id", "total", "days"))
    was = kept(net)
    (ben,) = busy(bob)
    row = past_rows(bob, ben)[0]
    row.occurred_at = timezone.now()
    row.save()
    do_log_interaction(bob, ben, "call", when=instant(base_of(bob) - 5))
    past_rows(bob, ben)[0].delete()
    assert sorted(TiePast.objects.filter(owner=net).values_list("person_id", "total", "days")) == (
        alices
    )
    assert kept(net) == was
    same(bob, was=kept(bob))
    same(net, was=was)
