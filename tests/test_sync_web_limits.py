"""Sync now is bounded: a source already syncing says so (409), and this process runs
only a few syncs in threads at once (503 past them), so one member's slow sources
cannot hold every thread and database connection (a security review's H2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from troth.owned import Owner
from troth.sync.models import Source
from troth.web.views import sources

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def test_a_source_syncing_already_is_not_started_twice(web: Client, alice: Owner) -> None:
    busy = Source.objects.create(
        owner=alice, kind="ics", label="busy", lease_until=timezone.now() + dt.timedelta(minutes=5)
    )
    answer = web.post(f"/settings/sources/{busy.pk}/sync", **HX)
    assert answer.status_code == 409 and b"syncing already" in answer.content


def test_past_the_threads_each_click_is_told_to_try_again(
    web: Client, alice: Owner, settings: Settings
) -> None:
    settings.TROTH_IMPORT_THREAD = True
    idle = Source.objects.create(owner=alice, kind="ics", label="idle")
    taken = 0
    while sources._threads.acquire(blocking=False):  # as if SYNC_THREADS were running
        taken += 1
    try:
        assert taken == sources.SYNC_THREADS
        answer = web.post(f"/settings/sources/{idle.pk}/sync", **HX)
        assert answer.status_code == 503 and b"try again in a minute" in answer.content
    finally:
        for _ in range(taken):
            sources._threads.release()
