from django.apps import AppConfig


class MacrosConfig(AppConfig):
    name = "frontdesk.macros"
    label = "macros"

    def ready(self) -> None:
        # The triggers' `apply_macro` action.
        from frontdesk.macros.hooks import connect

        connect()
