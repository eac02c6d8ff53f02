"""The record of what an import run wrote (ImportChange rows), kept with the rows it
wrote so that troth.importers.undo can take them back exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models

from troth.importers.models import ImportChange, ImportRun


class Journal:
    """What a run writes, recorded with it (ImportChange rows) so that it can be undone.

    `created` notes the ids of new rows of a table, `changed` one existing row's
    fields before and after; `flush` writes them, inside the transaction that wrote
    the rows (see _batch)."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.pending: list[ImportChange] = []

    def created(self, model: type[models.Model], ids: Iterable[int]) -> None:
        ids = [int(i) for i in ids]
        if ids:
            self.pending.append(ImportChange(run=self.run, table=model._meta.label_lower, ids=ids))

    def changed(
        self, model: type[models.Model], row: int, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        self.pending.append(
            ImportChange(
                run=self.run,
                table=model._meta.label_lower,
                row=row,
                before=_jsonable(before),
                after=_jsonable(after),
            )
        )

    def flush(self) -> None:
        if self.pending:
            ImportChange.objects.bulk_create(self.pending)
            self.pending = []


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Field values as JSON keeps them (the undo reads them back with the field's
    to_python). Bytes (a photo) are never kept: only whether there was one."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, dt.datetime | dt.date):
            out[name] = value.isoformat()
        elif isinstance(value, bytes | memoryview):
            out[name] = True
        else:
            out[name] = value
    return out
