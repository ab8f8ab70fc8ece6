from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "frontdesk.reports"
    label = "reports"
