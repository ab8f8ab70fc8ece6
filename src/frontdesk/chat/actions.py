"""Live chat: the only writer of `ChatWidget` and `ChatSession` rows.

The conversation is a ticket with channel `chat`, written through the ticket actions:
the visitor (a customer, matched or created by email address) opens it with
`create_ticket` and writes with `post_reply`; agents answer with `post_reply` from the
ticket page, so SLA, routing, triggers and notifications apply. Visitors hold a random
session token (only its hash is stored) that reaches exactly one conversation.

Outside the widget's working hours, or with no agent of its team online, `start_chat`
still records the request as a ticket, but answers `mode="request"`: the widget shows a
thank-you and the reply comes by email.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from django.core.cache import cache
from django.db import IntegrityError, transaction

from frontdesk.accounts.access import can_work_tickets, require_admin
from frontdesk.accounts.choices import Availability, Role
from frontdesk.accounts.models import AgentProfile, User
from frontdesk.chat.models import ChatSession, ChatWidget
from frontdesk.core import clock, live
from frontdesk.core.errors import Forbidden, Invalid, NotFound
from frontdesk.outbox.actions import queue_portal_email
from frontdesk.tickets.actions import attach_file, claim_ticket, create_ticket, post_reply
from frontdesk.tickets.choices import Channel, MessageKind
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket

MAX_MESSAGE = 5000
MAX_NAME = 200
MESSAGES_PER_MINUTE = 20
STARTS_PER_IP_HOUR = 10
TYPING_EVERY_SECONDS = 2
FILES_PER_HOUR = 10
MAX_FILE_BYTES = 5 * 1024 * 1024
TRANSCRIPTS_PER_HOUR = 5


class RateLimited(Forbidden):
    http_status = 429

    def __init__(self, message: str) -> None:
        super().__init__("rate_limited", message)


@dataclass(frozen=True)
class Started:
    session: ChatSession | None
    token: str
    ticket: Ticket
    mode: str  # live | request


def session_topic(session_id: int) -> str:
    return f"chat:{session_id}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_widget(
    *,
    actor: User | None,
    name: str,
    allowed_origins: str,
    team_id: int | None = None,
    calendar_id: int | None = None,
    identity_secret: str = "",
    now: datetime | None = None,
) -> ChatWidget:
    if actor is not None:
        require_admin(actor)
    origins = [o.strip() for o in allowed_origins.split() if o.strip()]
    if not origins or not all(o.startswith(("https://", "http://")) for o in origins):
        raise Invalid("invalid_origins", "List origins such as https://www.example.com.")
    return ChatWidget.objects.create(
        name=name.strip()[:200] or "Chat",
        key=secrets.token_urlsafe(12),
        allowed_origins="\n".join(origins),
        team_id=team_id,
        calendar_id=calendar_id,
        identity_secret=identity_secret,
        created_at=now or clock.now(),
    )


def is_open(widget: ChatWidget, now: datetime | None = None) -> bool:
    """Within the widget's working hours and with an agent of its team online."""
    now = now or clock.now()
    if widget.calendar is not None:
        from frontdesk.sla.engine import working_periods
        from frontdesk.sla.policies import calendar_from_row

        calendar = calendar_from_row(widget.calendar)
        if next(working_periods(calendar, now, now + timedelta(seconds=1)), None) is None:
            return False
    online = AgentProfile.objects.filter(
        availability=Availability.ONLINE,
        user__is_active=True,
        user__role__in=(Role.ADMIN, Role.SUPERVISOR, Role.AGENT),
    )
    if widget.team_id is not None:
        online = online.filter(user__teams=widget.team_id)
    return online.exists()


def _limit(key: str, limit: int, seconds: int, message: str) -> None:
    """A fixed-window counter in the shared cache."""
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=seconds)
        count = 1
    if count > limit:
        raise RateLimited(message)


def start_chat(
    *,
    widget: ChatWidget,
    name: str,
    email: str,
    message: str,
    ip_address: str | None,
    now: datetime | None = None,
) -> Started:
    now = now or clock.now()
    _limit(f"chat:start:{ip_address}", STARTS_PER_IP_HOUR, 3600, "Too many chats; try later.")
    text = _text(message)
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid("invalid_email", "Give an email address.")
    visitor = _visitor(email, name.strip()[:MAX_NAME])
    live_now = is_open(widget, now)
    origin = Origin(channel=Channel.CHAT, ip_address=ip_address)
    first_line = text.splitlines()[0][:80]
    with transaction.atomic():
        ticket = create_ticket(
            actor=visitor,
            origin=origin,
            subject=f"Chat: {first_line}" if live_now else first_line,
            body=text,
            default_team_id=widget.team_id,
            now=now,
        )
        if not live_now:
            return Started(None, "", ticket, "request")
        token = secrets.token_urlsafe(32)
        session = ChatSession.objects.create(
            widget=widget,
            ticket=ticket,
            visitor=visitor,
            token_hash=hash_token(token),
            created_at=now,
        )
    return Started(session, token, ticket, "live")


def _visitor(email: str, name: str) -> User:
    """The customer with this address, or a new contact (as a phone call would make)."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        if not user.is_active:
            raise Invalid("unknown_user", "This address cannot chat.")
        return user
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, name=name, role=Role.CUSTOMER)
    except IntegrityError:  # created concurrently
        return User.objects.get(email=email)


def session_for(token: str) -> ChatSession:
    if not token or len(token) > 200:
        raise NotFound("No such conversation.")
    session = (
        ChatSession.objects.filter(token_hash=hash_token(token))
        .select_related("ticket", "visitor", "widget")
        .first()
    )
    if session is None:
        raise NotFound("No such conversation.")
    return session


def visitor_message(
    *, session: ChatSession, body: str, ip_address: str | None, now: datetime | None = None
) -> Message:
    now = now or clock.now()
    _require_live(session)
    _limit(f"chat:msg:{session.pk}", MESSAGES_PER_MINUTE, 60, "Slow down a little.")
    return post_reply(
        actor=session.visitor,
        origin=Origin(channel=Channel.CHAT, ip_address=ip_address),
        number=session.ticket.number,
        body=_text(body),
        now=now,
    )


def visitor_file(
    *,
    session: ChatSession,
    file_name: str,
    content: IO[bytes],
    size: int,
    ip_address: str | None,
    now: datetime | None = None,
) -> Message:
    now = now or clock.now()
    _require_live(session)
    if size > MAX_FILE_BYTES:
        raise Invalid("file_too_large", f"Files up to {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    _limit(f"chat:file:{session.pk}", FILES_PER_HOUR, 3600, "Too many files.")
    origin = Origin(channel=Channel.CHAT, ip_address=ip_address)
    attachment = attach_file(
        actor=session.visitor,
        origin=origin,
        number=session.ticket.number,
        file_name=file_name[:200],
        content=content,
        now=now,
    )
    return post_reply(
        actor=session.visitor,
        origin=origin,
        number=session.ticket.number,
        body=f"[sent a file: {attachment.file_name}]",
        attachment_ids=[attachment.pk],
        now=now,
    )


def typing(*, session: ChatSession, who: str) -> None:
    """Tell the other side someone is typing: the visitor's stream, and for a visitor the
    ticket page too, as the workspace's own "replying" presence."""
    key = f"chat:typing:{session.pk}:{who}"
    if cache.add(key, 1, timeout=TYPING_EVERY_SECONDS):
        live.publish(session_topic(session.pk), {"kind": "typing", "who": who})
        if who == "visitor":
            visitor = session.visitor
            live.publish(
                f"ticket:{session.ticket.number}",
                {
                    "kind": "presence",
                    "user_id": visitor.pk,
                    "name": visitor.name or visitor.email,
                    "state": "replying",
                    "ttl": TYPING_EVERY_SECONDS * 3,
                },
            )


def accept_chat(*, actor: User, number: int, now: datetime | None = None) -> ChatSession:
    """An agent takes a waiting chat: it is assigned to them and the visitor is told."""
    now = now or clock.now()
    if not can_work_tickets(actor):
        raise Forbidden("not_allowed", "Your role may not answer chats.")
    with transaction.atomic():
        claim_ticket(actor=actor, origin=Origin(channel=Channel.WEB), number=number, now=now)
        session = ChatSession.objects.select_for_update().filter(ticket__number=number).first()
        if session is None:
            raise NotFound("No chat on this ticket.")
        if session.state == ChatSession.State.ENDED:
            raise Invalid("chat_ended", "The visitor has left this chat.")
        if session.state == ChatSession.State.WAITING:
            session.state, session.accepted_by, session.accepted_at = (
                ChatSession.State.ACTIVE,
                actor,
                now,
            )
            session.save(update_fields=["state", "accepted_by", "accepted_at"])
        payload = {"kind": "accepted", "agent": actor.name or "An agent"}
        topic = session_topic(session.pk)
        transaction.on_commit(lambda: live.publish(topic, payload))
    return session


def end_chat(
    *, session: ChatSession, send_transcript: bool, now: datetime | None = None
) -> ChatSession:
    now = now or clock.now()
    with transaction.atomic():
        session = (
            ChatSession.objects.select_for_update()
            .select_related("ticket", "visitor")
            .get(pk=session.pk)
        )
        if session.state != ChatSession.State.ENDED:
            session.state, session.ended_at = ChatSession.State.ENDED, now
            if send_transcript and not session.transcript_sent:
                mail = queue_portal_email(
                    to=session.visitor.email,
                    subject=f"Your chat transcript [#{session.ticket.number}]",
                    body_text=transcript(session.ticket),
                    limit_per_hour=TRANSCRIPTS_PER_HOUR,
                    now=now,
                )
                session.transcript_sent = mail is not None
            session.save(update_fields=["state", "ended_at", "transcript_sent"])
            topic = session_topic(session.pk)
            transaction.on_commit(lambda: live.publish(topic, {"kind": "ended"}))
    return session


def public_messages(ticket: Ticket, after_id: int = 0) -> list[Message]:
    """What a visitor may see: the public replies, never internal notes."""
    rows = Message.objects.filter(
        ticket=ticket, is_public=True, kind=MessageKind.REPLY, pk__gt=after_id
    ).select_related("author")
    return list(rows.order_by("pk")[:200])


def transcript(ticket: Ticket) -> str:
    lines = [f"Transcript of your chat (ticket #{ticket.number}):", ""]
    for message in public_messages(ticket):
        who = (
            "You"
            if message.author_id == ticket.requester_id
            else (message.author.name if message.author else "Support")
        )
        lines.append(f"[{message.created_at:%Y-%m-%d %H:%M} UTC] {who}: {message.body_text}")
    return "\n".join(lines)


def _require_live(session: ChatSession) -> None:
    if session.state == ChatSession.State.ENDED:
        raise Invalid("chat_ended", "This chat has ended.")


def _text(body: str) -> str:
    text = body.strip()
    if not text:
        raise Invalid("empty_message", "Write a message.")
    if len(text) > MAX_MESSAGE:
        raise Invalid("message_too_long", f"Messages up to {MAX_MESSAGE} characters.")
    return text
