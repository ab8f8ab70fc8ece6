from django.apps import AppConfig


class TriggersConfig(AppConfig):
    name = "frontdesk.triggers"
    label = "triggers"
