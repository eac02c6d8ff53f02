from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AgendaConfig(AppConfig):
    name = "troth.agenda"
    label = "agenda"

    def ready(self) -> None:
        # The snapshot's triggers are remade after every migrate: SQLite drops a
        # table's triggers whenever Django rebuilds that table (troth.agenda.snapshot).
        from troth.agenda import snapshot

        post_migrate.connect(
            snapshot._post_migrate, sender=self, dispatch_uid="agenda-snapshot-triggers"
        )
