from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "frontdesk.intake"
    label = "intake"
