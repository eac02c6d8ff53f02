from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from troth.importers.models import ImportRun
    from troth.importers.tasks import ProgressFile


def restore_upload(run: ImportRun, path: Path, progress: ProgressFile) -> dict[str, Any]:
    """troth.backup.upload.restore_upload, imported when an export is restored: every
    command starts Django, and the restore and the importers' task runner (with what
    they import) are no part of `troth agenda`'s start-up (issue 20)."""
    from troth.backup import upload

    return upload.restore_upload(run, path, progress)


class BackupConfig(AppConfig):
    """Backup has no tables of its own; it is an app so that it can hand the Import
    page's restore of a troth export to the importers' background task, which sits a
    layer below it and so cannot import it."""

    name = "troth.backup"
    label = "backup"

    def ready(self) -> None:
        from troth.importers.runners import register_runner

        register_runner("json", restore_upload)
