"""Slack to tickets and back: the only writer of the Slack rows.

Inbound (`handle_event`, one Events API `event_callback`):

- each event id is applied once (`SlackEvent`), so Slack's retries change nothing;
- messages from bots (ours included) and edits or deletions are ignored;
- a top-level message in a configured channel, or a direct message to the app, opens a
  ticket (channel `slack`) for the person who wrote it, through `create_ticket` with them
  as the actor, as the email channel does; the thread is remembered;
- a reply in a remembered thread becomes a ticket message: the requester's public reply
  (`post_reply`: a pending or solved ticket reopens), staff's internal note (`add_note`),
  and anyone else's internal note for review (`record_channel_note`).

People are matched by email address (Slack's `users.info`), so one customer's Slack and
email tickets stay together; a Slack user without a visible address becomes a contact
at `<user id>@slack.invalid` (a reserved name that is never mailed).

Outbound: an agent's public reply on a ticket with a Slack thread is queued
(`SlackReply`) in the reply's transaction and posted with `chat.postMessage` after commit.
"""

import logging
from datetime import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import DomainError
from frontdesk.slack import client
from frontdesk.slack.conf import SlackSettings, slack_settings
from frontdesk.slack.models import SlackEvent, SlackIdentity, SlackReply, SlackThread
from frontdesk.tickets.actions import add_note, create_ticket, post_reply
from frontdesk.tickets.actions.channel import record_channel_note
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import text_to_html
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

log = logging.getLogger(__name__)

SLACK = Origin(channel=Channel.SLACK)
PLACEHOLDER_DOMAIN = "slack.invalid"
MAX_TEXT = 40_000
MAX_ATTEMPTS = 5


def handle_event(payload: dict[str, Any], *, now: datetime | None = None) -> str:
    """Apply one `event_callback`; returns what happened (for the answer and the logs)."""
    now = now or clock.now()
    conf = slack_settings()
    event_id = str(payload.get("event_id") or "")[:64]
    event = payload.get("event")
    if not event_id or not isinstance(event, dict):
        return "ignored"
    try:
        with transaction.atomic():
            SlackEvent.objects.create(event_id=event_id, received_at=now)
    except IntegrityError:
        return "duplicate"
    if not _is_person_message(event):
        return "ignored"
    channel = str(event.get("channel") or "")[:32]
    ts = str(event.get("ts") or "")[:32]
    thread_ts = str(event.get("thread_ts") or "")[:32]
    text = str(event.get("text") or "").strip()[:MAX_TEXT]
    if not channel or not ts or not text:
        return "ignored"
    if thread_ts and thread_ts != ts:
        thread = SlackThread.objects.filter(channel=channel, thread_ts=thread_ts).first()
        if thread is None:
            return "ignored"
        return _thread_reply(conf, thread, str(event.get("user") or ""), text, now)
    if channel not in conf.channels and event.get("channel_type") != "im":
        return "ignored"
    return _new_ticket(conf, channel, ts, str(event.get("user") or ""), text, now)


def _is_person_message(event: dict[str, Any]) -> bool:
    if event.get("type") != "message" or event.get("bot_id") or not event.get("user"):
        return False
    return event.get("subtype") in (None, "file_share", "thread_broadcast")


def _new_ticket(
    conf: SlackSettings, channel: str, ts: str, slack_user: str, text: str, now: datetime
) -> str:
    person = person_for(conf, slack_user, now)
    first_line = text.splitlines()[0] if text else ""
    subject = first_line if len(first_line) <= 80 else first_line[:79] + "…"
    try:
        with transaction.atomic():
            ticket = create_ticket(
                actor=person,
                origin=SLACK,
                subject=subject or "Slack message",
                body=text,
                default_team_id=conf.team_id,
                now=now,
            )
            SlackThread.objects.create(channel=channel, thread_ts=ts, ticket=ticket, created_at=now)
    except DomainError as exc:
        log.warning("slack message %s/%s not taken: %s", channel, ts, exc.message)
        return "rejected"
    return "created"


def _thread_reply(
    conf: SlackSettings, thread: SlackThread, slack_user: str, text: str, now: datetime
) -> str:
    person = person_for(conf, slack_user, now)
    ticket = Ticket.objects.select_related("requester").get(pk=thread.ticket_id)
    try:
        with transaction.atomic():
            if person.pk == ticket.requester_id and person.is_customer:
                post_reply(actor=person, origin=SLACK, number=ticket.number, body=text, now=now)
                return "replied"
            if person.is_staff:
                add_note(actor=person, origin=SLACK, number=ticket.number, body=text, now=now)
                return "noted"
    except DomainError:
        pass  # a staff member who does not see the ticket, or a closed one: noted below
    who = person.name or person.email
    note = f"[Slack message from {who} in the ticket's thread]\n\n{text}"
    with transaction.atomic():
        ticket.refresh_from_db(fields=["version"])
        record_channel_note(
            ticket=ticket,
            author=person,
            origin=SLACK,
            body=note,
            body_html=text_to_html(note),
            now=now,
        )
    return "noted"


def person_for(conf: SlackSettings, slack_user: str, now: datetime) -> User:
    """The person behind a Slack user id: remembered, or matched by address, or new."""
    slack_user = slack_user[:32]
    known = SlackIdentity.objects.filter(slack_user_id=slack_user).select_related("user").first()
    if known is not None:
        return known.user
    try:
        email, name = client.user_profile(conf, slack_user)
    except client.SlackApiError as exc:
        log.warning("slack users.info %s: %s", slack_user, exc)
        email, name = "", ""
    email = email or f"{slack_user.lower()}@{PLACEHOLDER_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, name=name, role=Role.CUSTOMER)
        except IntegrityError:
            user = User.objects.get(email=email)
    try:
        with transaction.atomic():
            SlackIdentity.objects.create(slack_user_id=slack_user, user=user, created_at=now)
    except IntegrityError:
        pass
    return user


def queue_agent_reply(ticket: Ticket, *, actor: User | None, body: str, now: datetime) -> None:
    """Called inside the agent reply's transaction; posts after commit."""
    thread = SlackThread.objects.filter(ticket=ticket).order_by("pk").first()
    if thread is None or not body.strip():
        return
    name = actor.name or actor.email if actor is not None else "Support"
    reply = SlackReply.objects.create(
        thread=thread, text=f"*{name}*: {body.strip()}"[:MAX_TEXT], created_at=now
    )
    transaction.on_commit(partial(_enqueue, reply.pk), robust=True)


def _enqueue(reply_id: int) -> None:
    from frontdesk.slack.tasks import post_slack_reply

    try:
        post_slack_reply.enqueue(reply_id)
    except Exception:
        log.exception("could not enqueue slack reply %s", reply_id)


def send_reply(reply_id: int) -> bool:
    """Post one pending reply into its thread (idempotent: a sent reply is not re-sent)."""
    conf = slack_settings()
    with transaction.atomic():
        reply = (
            SlackReply.objects.select_for_update()
            .select_related("thread")
            .filter(pk=reply_id, state=SlackReply.State.PENDING)
            .first()
        )
        if reply is None:
            return False
        reply.attempts += 1
        try:
            reply.slack_ts = client.post_message(
                conf,
                channel=reply.thread.channel,
                thread_ts=reply.thread.thread_ts,
                text=reply.text,
            )
        except client.SlackApiError as exc:
            reply.error = str(exc)[:500]
            if reply.attempts >= MAX_ATTEMPTS:
                reply.state = SlackReply.State.FAILED
            reply.save()
            return False
        reply.state, reply.error = SlackReply.State.SENT, ""
        reply.save()
        return True


def send_pending(limit: int = 100) -> int:
    ids = SlackReply.objects.filter(state=SlackReply.State.PENDING).order_by("pk")
    return sum(send_reply(pk) for pk in ids.values_list("pk", flat=True)[:limit])
