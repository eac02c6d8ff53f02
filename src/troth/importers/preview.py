"""A dry run's surroundings: the scratch copy of an SQLite database it runs on, and
the few examples of each thing it did that the preview shows."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from filelock import FileLock

from troth.importers.summary import EXAMPLES_SHOWN, ImportSummary
from troth.people.models import Person

# A dry run's copy of the database lives in a folder named so beside it.
SCRATCH_PREFIX = ".troth-dry-run-"


@contextlib.contextmanager
def _scratch_copy() -> Iterator[None]:
    """On an SQLite file, this thread's connection is pointed at a copy of the
    database while the block runs, then back.

    A dry run is one transaction (rolled back), and on SQLite a transaction that
    writes holds the only write lock until it ends: a preview of a big file would
    keep every other writer waiting for as long as the import itself (issue 17
    item 7). The copy is made with SQLite's backup API (one consistent snapshot,
    readers and writers carry on) beside the database, and deleted afterwards.
    Elsewhere (PostgreSQL, an in-memory database, inside a caller's transaction)
    the rolled-back transaction runs where it is."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    name = str(wrapper.settings_dict.get("NAME") or "")
    if (
        wrapper.vendor != "sqlite"
        or wrapper.in_atomic_block
        or not name
        or name == ":memory:"
        or "mode=memory" in name
        or not Path(name).is_file()
    ):
        yield
        return
    folder = tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=Path(name).parent)
    copy = Path(folder) / "copy.sqlite3"
    # held while the copy is in use: a start-up clean-up (tasks.do_remove_stale_scratch)
    # deletes only copies whose lock nobody holds, i.e. left by a process that died
    held = FileLock(Path(folder) / "lock", timeout=0)
    held.acquire()
    source = sqlite3.connect(name, timeout=20)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    scratch = type(wrapper)({**wrapper.settings_dict, "NAME": str(copy)}, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = scratch
    try:
        yield
    finally:
        scratch.close()
        connections[DEFAULT_DB_ALIAS] = wrapper
        held.release()
        shutil.rmtree(folder, ignore_errors=True)


def _preview(owner, summary: ImportSummary) -> dict[str, Any]:
    """A few examples of each thing the (dry) run did, read before it is rolled back."""

    def people(ids: list[int]) -> list[dict[str, Any]]:
        shown = ids[:EXAMPLES_SHOWN]
        rows = {
            p.id: p
            for p in Person.objects.filter(owner=owner, id__in=shown).prefetch_related(
                "contact_points", "employments__organization", "tags"
            )
        }
        out = []
        for pid in shown:
            p = rows.get(pid)
            if p is None:
                continue
            points = [c.value for c in p.contact_points.all()][:3]
            jobs = [e for e in p.employments.all() if e.is_current]
            out.append(
                {
                    "name": p.full_name,
                    "contact": points,
                    "company": jobs[0].company if jobs else "",
                    "title": jobs[0].title if jobs else "",
                    "tags": [t.name for t in p.tags.all()][:5],
                }
            )
        return out

    from troth.identity.models import MergeRecord

    merges = [
        {"merged": r.merged_name, "into": r.kept.full_name}
        for r in MergeRecord.objects.filter(
            owner=owner, id__in=summary.merge_ids[:EXAMPLES_SHOWN]
        ).select_related("kept")
    ]
    return {
        "created": people(summary.created_ids),
        "updated": people(summary.updated_ids),
        "merged": merges,
        "skipped": [
            {"where": p.where, "reason": p.reason} for p in summary.problems[:EXAMPLES_SHOWN]
        ],
        "reasons": list(summary.reasons().items())[:EXAMPLES_SHOWN],
    }
