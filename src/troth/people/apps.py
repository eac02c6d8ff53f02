from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search_index(sender, using, **kwargs) -> None:
    # A migration that alters a people table on SQLite rebuilds it and drops its
    # triggers: put them back (and refill the index) after every migrate.
    from django.db import connections

    from troth.people.search import ensure_index

    ensure_index(connections[using])


class PeopleConfig(AppConfig):
    name = "troth.people"
    label = "people"

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_index, sender=self)
        from troth.people import card_changes

        card_changes.connect()
