"""The few Slack Web API calls we make, against `FRONTDESK_SLACK_API_URL` (Slack's, or a
stand-in in tests): `chat.postMessage` into a thread and `users.info` for an address."""

import json
import urllib.parse
import urllib.request
from typing import Any

from frontdesk.slack.conf import SlackSettings

TIMEOUT_SECONDS = 10
MAX_RESPONSE = 1 << 20


class SlackApiError(Exception):
    pass


def _call(
    conf: SlackSettings,
    method: str,
    *,
    data: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    if not conf.bot_token:
        raise SlackApiError("no bot token configured")
    url = f"{conf.api_url}/{method}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - an administrator's https URL
        url,
        data=body,
        method="POST" if body is not None else "GET",
        headers={
            "Authorization": f"Bearer {conf.bot_token}",
            "Content-Type": "application/json; charset=utf-8",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read(MAX_RESPONSE))
    except (OSError, ValueError) as exc:
        raise SlackApiError(f"{method}: {exc}") from exc
    if not isinstance(answer, dict) or not answer.get("ok"):
        error = answer.get("error", "unknown") if isinstance(answer, dict) else "bad answer"
        raise SlackApiError(f"{method}: {error}")
    return answer


def post_message(conf: SlackSettings, *, channel: str, thread_ts: str, text: str) -> str:
    answer = _call(
        conf, "chat.postMessage", data={"channel": channel, "thread_ts": thread_ts, "text": text}
    )
    return str(answer.get("ts", ""))


def user_profile(conf: SlackSettings, user_id: str) -> tuple[str, str]:
    """The user's email address (lower-cased, may be empty) and display name."""
    answer = _call(conf, "users.info", query={"user": user_id})
    found = answer.get("user")
    user: dict[str, Any] = found if isinstance(found, dict) else {}
    found = user.get("profile")
    profile: dict[str, Any] = found if isinstance(found, dict) else {}
    email = str(profile.get("email") or "").strip().lower()
    name = str(profile.get("real_name") or user.get("real_name") or user.get("name") or "")
    return email, name[:200]
