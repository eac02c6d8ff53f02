"""Reads of the sync app, always scoped to the owner (but `due`, for the worker)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from troth.errors import NotFound
from troth.owned import Owner
from troth.sync.models import Source, SyncRun


def sources(owner: Owner) -> QuerySet[Source]:
    return Source.objects.filter(owner=owner).order_by("id")


def source(owner: Owner, source_id: int) -> Source:
    found = Source.objects.filter(owner=owner, pk=source_id).first()
    if found is None:
        raise NotFound(f"no source with id {source_id} (troth sources lists them)")
    return found


def purged_runs(owner: Owner, source: Source) -> list[int]:
    """The imports a source's syncs made that are not undone yet, newest first: what
    `troth sources remove --purge` undoes."""
    return [
        run_id
        for run_id in SyncRun.objects.filter(
            owner=owner,
            source=source,
            import_run__isnull=False,
            import_run__undone_at__isnull=True,
        )
        .order_by("-started_at", "-id")
        .values_list("import_run_id", flat=True)
        if run_id is not None
    ]


def purge_losses(owner: Owner, source: Source) -> list[str]:
    """What purging a source would remove besides what its imports wrote (hand-logged
    history on the people they brought), in the words a forced undo's question uses."""
    from troth.importers.undo import forced_losses

    return [loss for run_id in purged_runs(owner, source) for loss in forced_losses(owner, run_id)]


def due(now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(owner id, source id) of every source whose next sync time has come and that
    nobody is syncing: what `troth worker` runs. Across owners on purpose: the worker
    serves a whole group's server, and each sync runs as its source's owner."""
    now = now or timezone.now()
    return list(
        Source.objects.filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_sync_at", "id")
        .values_list("owner_id", "id")
    )


def failing(owner: Owner, at_least: int = 1) -> list[Source]:
    """Sources whose last `at_least` syncs in a row failed (Today names those that
    keep failing, once each, until a sync succeeds)."""
    return list(sources(owner).exclude(last_error="").filter(failures__gte=at_least))


def runs(owner: Owner, source_id: int, limit: int = 10) -> QuerySet[SyncRun]:
    return SyncRun.objects.filter(owner=owner, source_id=source_id)[:limit]


def as_row(src: Source) -> dict[str, Any]:
    """One source as the `--json` contract (README): never its secret."""
    return {
        "id": src.pk,
        "kind": src.kind,
        "label": src.label,
        "host": src.host,
        "port": src.port,
        "security": src.security if src.kind == Source.IMAP else "",
        "url": src.url,
        "username": src.username,
        "folders": list(src.folders),
        "me": list(src.me),
        "every_minutes": src.every_minutes,
        "last_sync_at": src.last_sync_at.isoformat() if src.last_sync_at else None,
        "last_ok_at": src.last_ok_at.isoformat() if src.last_ok_at else None,
        "next_sync_at": src.next_sync_at.isoformat() if src.next_sync_at else None,
        "last_added": {
            k: src.last_counts.get(k, 0) for k in ("people_created", "interactions_added")
        },
        "added_total": dict(src.added_total),
        "failures": src.failures,
        "last_error": src.last_error,
        "syncing": bool(src.lease_until and src.lease_until > timezone.now()),
    }
