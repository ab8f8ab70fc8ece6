from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "frontdesk.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        # The triggers' `webhook` action and the ticket events' on-commit dispatch.
        from frontdesk.webhooks.hooks import connect

        connect()
