"""Periodic sync: one django-tasks task per due source (issue 14).

`troth worker` (TROTH_TASKS=database) looks for due sources every minute
(`do_enqueue_due`) and queues one `sync_source` task for each; its db_worker runs
them, in this process or any other worker's. `troth serve` with the immediate
backend (a laptop) runs the same schedule in a thread of its own while it is open. Queuing moves the source's next sync
time forward first (a conditional UPDATE), so two schedulers looking at once queue
it once; and the sync itself takes the source's lease (troth.sync.actions), so two
workers never sync one source at the same time, whatever was queued.

A sync that fails is recorded on its source (last_error, failures) and waits longer
each time (actions.BACKOFF); the task itself ends normally, with the error as its
result, so the queue does not retry it behind the backoff's back.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks import task

from troth.errors import TrothError
from troth.sync.actions import Busy, do_sync
from troth.sync.models import Source
from troth.sync.queries import due

logger = logging.getLogger(__name__)


@task()
def sync_source(source_id: int) -> dict[str, Any]:
    source = Source.objects.filter(pk=source_id).select_related("owner").first()
    if source is None:
        return {"skipped": "the source was removed"}
    try:
        run = do_sync(source.owner, source)
    except Busy:
        return {"skipped": "being synced elsewhere"}
    except TrothError as exc:  # recorded on the source; it backs off by itself
        return {"error": str(exc)}
    except Exception as exc:  # recorded too; logged with its traceback for the admin
        logger.exception("sync of source %s failed", source_id)
        return {"error": f"{type(exc).__name__}: {exc}"}
    return dict(run.counts)


def do_enqueue_due(now: dt.datetime | None = None) -> list[int]:
    """Queue a sync for every due source; returns their ids."""
    now = now or timezone.now()
    queued = []
    for _owner_id, source_id in due(now):
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            continue
        with transaction.atomic():
            claimed = Source.objects.filter(pk=source_id, next_sync_at=source.next_sync_at).update(
                next_sync_at=now + dt.timedelta(minutes=source.every_minutes)
            )
        if claimed:
            sync_source.enqueue(source_id)
            queued.append(source_id)
    return queued


SCHEDULE_EVERY = 60.0  # seconds between two looks for due sources


def start_schedule(every: float = SCHEDULE_EVERY) -> threading.Event:
    """A daemon thread that queues the due sources' syncs every `every` seconds, for
    as long as the process runs: in `troth worker` (the tasks go to the database
    queue its db_worker runs) and in `troth serve` with the immediate backend (each
    sync then runs in this thread, while the web app is open). Set the returned
    event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                close_old_connections()
                do_enqueue_due()
            except Exception:  # a bad minute must not end the schedule
                logger.exception("could not run the due syncs")
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="troth-sync-schedule", daemon=True).start()
    return stop
