"""Logging phone calls: the only writer of `CallerNumber` and `CallLog` rows.

A call is logged through the ticket actions, so SLA, routing, triggers and notifications
apply as for any other channel (origin channel `phone`):

- on an existing ticket: an internal note by the agent (`add_note`) with the direction,
  number, duration, optional recording link and the agent's notes;
- otherwise a new ticket (`create_ticket`) for the caller, who is found by the number
  (a number logged before) or by the email address given (an existing customer, or a new
  contact).

The number is remembered for the caller, so the next call from it is matched.
"""

from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid
from frontdesk.phone.choices import Direction
from frontdesk.phone.models import CallerNumber, CallLog
from frontdesk.phone.numbers import format_duration, normalize_number
from frontdesk.tickets.access import access_ticket
from frontdesk.tickets.actions import add_note, create_ticket
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket


def caller_for(number: str) -> User | None:
    """The person this number was logged for, if any (and still active)."""
    try:
        normalized = normalize_number(number)
    except ValueError:
        return None
    known = CallerNumber.objects.filter(number=normalized).select_related("user").first()
    return known.user if known is not None and known.user.is_active else None


def log_call(
    *,
    actor: User,
    ip_address: str | None = None,
    direction: str,
    number: str,
    duration_seconds: int = 0,
    notes: str = "",
    subject: str = "",
    caller_email: str = "",
    caller_name: str = "",
    ticket_number: int | None = None,
    recording_url: str = "",
    priority: str = "normal",
    now: datetime | None = None,
) -> CallLog:
    now = now or clock.now()
    if direction not in Direction.values:
        raise Invalid("unknown_direction", f"direction is one of {Direction.values}.")
    try:
        normalized = normalize_number(number)
    except ValueError as exc:
        raise Invalid("invalid_number", str(exc)) from None
    if recording_url and urlsplit(recording_url).scheme not in ("http", "https"):
        raise Invalid("invalid_recording_url", "The recording link must be http or https.")
    origin = Origin(channel=Channel.PHONE, ip_address=ip_address)
    summary = _summary(direction, number.strip(), duration_seconds, recording_url, notes)
    with transaction.atomic():
        message: Message | None
        if ticket_number is not None:
            ticket = access_ticket(actor, ticket_number)  # 404 for a ticket not seen
            message = add_note(
                actor=actor, origin=origin, number=ticket.number, body=summary, now=now
            )
            caller = caller_for(normalized) or _customer(ticket.requester)
        else:
            caller = caller_for(normalized)
            email = caller.email if caller is not None else caller_email.strip().lower()
            if not email:
                raise Invalid(
                    "caller_unknown",
                    "This number is not known yet: give the caller's email address.",
                )
            ticket = create_ticket(
                actor=actor,
                origin=origin,
                subject=subject.strip() or f"Phone call from {number.strip()}",
                body=summary,
                requester_email=email,
                requester_name=caller_name,
                priority=priority,
                now=now,
            )
            message = Message.objects.filter(ticket=ticket).order_by("pk").first()
            caller = _customer(ticket.requester)
        if caller is not None:
            _remember(normalized, caller, now)
        return CallLog.objects.create(
            ticket=ticket,
            message=message,
            agent=actor,
            caller=caller,
            direction=direction,
            number=normalized,
            duration_seconds=duration_seconds,
            recording_url=recording_url,
            created_at=now,
        )


def open_tickets_of(user: User, viewer: User) -> list[Ticket]:
    """The caller's active tickets the agent may see, newest first (the call banner)."""
    from frontdesk.tickets.access import visible_to
    from frontdesk.tickets.choices import ACTIVE_CATEGORIES

    tickets = visible_to(viewer).filter(requester=user, status_category__in=ACTIVE_CATEGORIES)
    return list(tickets.order_by("-updated_at")[:10])


def _customer(user: User) -> User | None:
    return user if user.is_customer and user.is_active else None


def _remember(number: str, caller: User, now: datetime) -> None:
    if CallerNumber.objects.filter(number=number).exists():
        return
    try:
        with transaction.atomic():
            CallerNumber.objects.create(number=number, user=caller, created_at=now)
    except IntegrityError:
        pass  # logged concurrently: the first one stands


def _summary(direction: str, number: str, seconds: int, recording_url: str, notes: str) -> str:
    head = "Inbound call from" if direction == Direction.INBOUND else "Outbound call to"
    lines = [f"{head} {number} ({format_duration(seconds)})."]
    if recording_url:
        lines.append(f"Recording: {recording_url}")
    if notes.strip():
        lines += ["", notes.strip()]
    return "\n".join(lines)
