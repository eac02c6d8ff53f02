"""A troth JSON export uploaded on the Import page: restored by the importers'
background task (troth.importers.tasks), which runs what backup.apps registers
for the "json" kind, inside the run's transaction."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from troth.backup.restore import do_restore
from troth.backup.tables import user_counts
from troth.importers.models import ImportRun
from troth.importers.tasks import ProgressFile, leave_marker


def restore_upload(run: ImportRun, path: Path, progress: ProgressFile) -> dict[str, object]:
    """Restore the upload into the run's owner; the run's counts.

    A restore wants an empty account, and this run's own row is a row of it: the
    row steps aside while the export comes in, then is written again, done. Under
    its own id when the export left it free; else under a new one, and a marker
    file sends the page that polls the old id to the new one."""
    progress("restoring", 0, None)
    ImportRun.objects.filter(pk=run.pk).delete()
    restored = dict(do_restore(run.owner, path))
    done = {
        "status": ImportRun.DONE,
        "stage": "done",
        # what the page lists: "people: 12", not the tables' own names
        "counts": {"restored": user_counts(restored)},
        "problems": [],
        "finished_at": timezone.now(),
    }
    keep = {
        f.attname: getattr(run, f.attname)
        for f in ImportRun._meta.concrete_fields
        if f.attname not in done and f.attname != "id"
    }
    if ImportRun.objects.filter(pk=run.pk).exists():
        again = ImportRun.objects.create(**keep, **done)
        # (written now: should the transaction roll back, it names no run and is ignored)
        leave_marker(run.pk, again.pk)
    else:
        ImportRun.objects.create(id=run.pk, **keep, **done)
    return {"restored": restored}
