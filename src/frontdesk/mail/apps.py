from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "frontdesk.mail"
    label = "mail"
    verbose_name = "Email channel"

    def ready(self) -> None:
        from frontdesk.mail import webhook  # noqa: F401 - connects the anymail receiver
