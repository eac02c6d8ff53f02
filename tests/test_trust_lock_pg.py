"""Two writers of one owner's trust rows at once, on PostgreSQL (on SQLite a writing
transaction holds the database's only write lock, so they cannot interleave): the
second waits for the first instead of breaking a unique key (an interaction logged
into a tie's summed past answered 409), and a stale cache read by two requests
together is recomputed once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.utils import timezone

from troth.interactions.actions import do_log_interaction
from troth.owned import Owner
from troth.people.actions import do_add_person
from troth.trust.actions import do_recompute_trust
from troth.trust.history import day_number
from troth.trust.locking import lock_trust
from troth.trust.models import TiePast, TrustScore
from troth.trust.past import build_past, refresh_past
from troth.trust.queries import fresh_scores

pytestmark = pytest.mark.django_db(transaction=True)


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions itself (IMMEDIATE)")


def _in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _second_waits_for_first(
    first: Callable[[], None],
    second: Callable[[], None],
    ready: threading.Event,
    release: threading.Event,
    who: str,
) -> None:
    """Run both, each in a thread of its own: once `first` has set `ready` (and holds
    its lock), `second` must still be waiting half a second later; then `first` is
    released, and neither may fail."""
    errors: list[BaseException] = []
    a, b = _in_thread(first, errors), _in_thread(second, errors)
    assert ready.wait(10)
    time.sleep(0.5)
    assert b.is_alive(), f"{who} did not wait for the first"
    release.set()
    a.join(10)
    b.join(10)
    assert errors == []


def test_two_refreshes_of_one_ties_past_wait_for_each_other(alice: Owner) -> None:
    _postgres_only()
    today = timezone.localdate()
    wren = do_add_person(alice, "Wren Halvorsen")
    long_ago = timezone.now() - dt.timedelta(days=200)
    do_log_interaction(alice, wren, "call", when=long_ago)
    build_past(alice, int(day_number(today - dt.timedelta(days=120))))
    first_wrote, release = threading.Event(), threading.Event()

    def first() -> None:
        with transaction.atomic():
            refresh_past(alice.id, [wren.id])
            first_wrote.set()
            release.wait(10)

    def second() -> None:
        first_wrote.wait(10)
        with transaction.atomic():
            refresh_past(alice.id, [wren.id])

    _second_waits_for_first(first, second, first_wrote, release, "the second refresh")
    assert TiePast.objects.filter(owner=alice, person=wren).count() == 1


def test_a_stale_cache_read_together_is_recomputed_once(alice: Owner) -> None:
    _postgres_only()
    for n in range(5):
        do_add_person(alice, f"Person {n}")
    holding, release = threading.Event(), threading.Event()
    finished: list[dt.datetime] = []

    def first() -> None:  # a recompute under way, holding the owner's trust lock
        with transaction.atomic():
            lock_trust(alice.id)
            holding.set()
            release.wait(10)
            do_recompute_trust(alice)
            finished.append(timezone.now())

    def second() -> None:  # a page reading the same stale cache meanwhile
        holding.wait(10)
        fresh_scores(alice)

    _second_waits_for_first(first, second, holding, release, "the read")
    computed = set(TrustScore.objects.filter(owner=alice).values_list("computed_at", flat=True))
    assert len(computed) == 1 and max(computed) <= finished[0]  # the second did not redo it
