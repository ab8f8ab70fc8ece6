"""Where Slack plugs into ticket events (connected by `apps.py`): an agent's public reply
on a ticket that came from Slack is queued for its thread."""

from collections.abc import Sequence
from datetime import datetime

from frontdesk.accounts.models import User
from frontdesk.tickets.events import FieldChange
from frontdesk.tickets.models import Ticket


def wants(kind: str) -> bool:
    from frontdesk.slack.conf import slack_settings

    return kind == "agent_replied" and bool(slack_settings().bot_token)


def on_ticket_event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    changes: Sequence[FieldChange],
    body: str,
) -> None:
    from frontdesk.slack.actions import queue_agent_reply
    from frontdesk.tickets.choices import Channel

    if ticket.channel == Channel.SLACK:
        queue_agent_reply(ticket, actor=actor, body=body, now=now)


def connect() -> None:
    from frontdesk.triggers.hooks import EventListener, add_listener

    add_listener(EventListener("slack", wants=wants, on_event=on_ticket_event))
