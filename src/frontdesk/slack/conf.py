"""The Slack settings (docs/channels.md), read when used so tests can override them."""

from dataclasses import dataclass

from django.conf import settings

DEFAULT_API_URL = "https://slack.com/api"


@dataclass(frozen=True)
class SlackSettings:
    signing_secret: str
    bot_token: str
    api_url: str
    channels: frozenset[str]
    team_id: int | None

    @property
    def enabled(self) -> bool:
        return bool(self.signing_secret)


def slack_settings() -> SlackSettings:
    channels = getattr(settings, "FRONTDESK_SLACK_CHANNELS", ())
    team = getattr(settings, "FRONTDESK_SLACK_TEAM_ID", None)
    return SlackSettings(
        signing_secret=getattr(settings, "FRONTDESK_SLACK_SIGNING_SECRET", ""),
        bot_token=getattr(settings, "FRONTDESK_SLACK_BOT_TOKEN", ""),
        api_url=(getattr(settings, "FRONTDESK_SLACK_API_URL", "") or DEFAULT_API_URL).rstrip("/"),
        channels=frozenset(c.strip() for c in channels if c.strip()),
        team_id=int(team) if team else None,
    )
