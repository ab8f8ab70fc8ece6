from django.apps import AppConfig


class SlackConfig(AppConfig):
    name = "frontdesk.slack"
    label = "slack"

    def ready(self) -> None:
        # Agents' public replies on Slack tickets are posted back into the Slack thread.
        from frontdesk.slack.hooks import connect

        connect()
