from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "frontdesk.mail"
    label = "mail"
    verbose_name = "Email channel"
