from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "frontdesk.outbox"
    label = "outbox"
