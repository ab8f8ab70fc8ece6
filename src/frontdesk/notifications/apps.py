from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "frontdesk.notifications"
    label = "notifications"
