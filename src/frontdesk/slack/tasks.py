"""Posting agent replies into Slack threads: at once by its own task, and every minute
whatever is still pending (a failed attempt, a lost task), up to five attempts."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.slack.actions import send_pending, send_reply


@task()
def post_slack_reply(reply_id: int) -> bool:
    return send_reply(reply_id)


@every(seconds=60)
@task()
def post_slack_replies() -> int:
    return send_pending()
