from django.apps import AppConfig


class CsatConfig(AppConfig):
    name = "frontdesk.csat"
    label = "csat"
    verbose_name = "Customer satisfaction"

    def ready(self) -> None:
        # A survey when a ticket is solved: a listener on the ticket events.
        from frontdesk.csat.hooks import connect

        connect()
