from typing import Any

from django.apps import AppConfig


def on_event(sender: Any, **kwargs: Any) -> None:
    """troth.webhooks.record.on_event, imported at the first event: a command that
    writes nothing (`troth agenda`) starts without it and what it imports (issue 20)."""
    from troth.webhooks.record import on_event as record

    record(sender, **kwargs)


class WebhooksConfig(AppConfig):
    name = "troth.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        # The domain apps emit troth.events; this turns them into deliveries.
        from troth.events import happened

        happened.connect(on_event, dispatch_uid="troth.webhooks.on_event")
