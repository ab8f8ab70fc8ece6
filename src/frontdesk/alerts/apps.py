from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "frontdesk.alerts"
    label = "alerts"
