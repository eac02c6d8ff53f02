from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_triggers(using: str = "default", **_: Any) -> None:
    # Imported here: every command starts Django, few of them migrate.
    from troth.agenda.snapshot import install_triggers

    install_triggers(using)


class AgendaConfig(AppConfig):
    name = "troth.agenda"
    label = "agenda"

    def ready(self) -> None:
        # The snapshot's triggers are remade after every migrate: SQLite drops a
        # table's triggers whenever Django rebuilds that table (troth.agenda.snapshot).
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="agenda-snapshot")
        from troth.agenda import snapshot

        snapshot.connect()
