from django.apps import AppConfig


class WarmPathsConfig(AppConfig):
    name = "troth.warmpaths"
    label = "warmpaths"

    def ready(self) -> None:
        # Links follow merges and undone imports (see signals.py).
        from troth.warmpaths import signals

        signals.connect()
