from django.apps import AppConfig


class BackupConfig(AppConfig):
    """Backup has no tables of its own; it is an app so that it can hand the Import
    page's restore of a troth export to the importers' background task, which sits a
    layer below it and so cannot import it."""

    name = "troth.backup"
    label = "backup"

    def ready(self) -> None:
        from troth.backup.upload import restore_upload
        from troth.importers.tasks import register_runner

        register_runner("json", restore_upload)
