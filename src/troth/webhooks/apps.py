from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "troth.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        # The domain apps emit troth.events; this turns them into deliveries.
        from troth.events import happened
        from troth.webhooks.record import on_event

        happened.connect(on_event, dispatch_uid="troth.webhooks.on_event")
