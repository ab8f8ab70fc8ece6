from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "frontdesk.approvals"
    label = "approvals"
    verbose_name = "Approvals"
