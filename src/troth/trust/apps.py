from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "troth.trust"
    label = "trust"

    def ready(self) -> None:
        # Cached scores follow every write to what they are computed from.
        from troth.trust import signals

        signals.connect()
