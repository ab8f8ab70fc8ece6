"""Audit-trail writers. Called only from actions, inside their transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontdesk.accounts.models import User
from frontdesk.tickets.choices import (
    PUBLIC_CHANGED_FIELDS,
    PUBLIC_EVENT_ACTIONS,
    Channel,
    EventAction,
)
from frontdesk.tickets.models import Ticket, TicketEvent


@dataclass(frozen=True)
class Origin:
    """Where a change came from: the channel and, for HTTP, the client address."""

    channel: str = Channel.API
    ip_address: str | None = None


SYSTEM_ORIGIN = Origin(channel=Channel.SYSTEM)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def is_public_event(action: str, field: str = "") -> bool:
    if action == EventAction.CHANGED:
        return field in PUBLIC_CHANGED_FIELDS
    return action in PUBLIC_EVENT_ACTIONS


def build_event(
    ticket: Ticket,
    action: EventAction,
    *,
    actor: User | None,
    origin: Origin,
    now: datetime,
    field: str = "",
    old: Any = None,
    new: Any = None,
    public: bool = True,
) -> TicketEvent:
    """`public=False` keeps an otherwise public action internal (an internal upload)."""
    return TicketEvent(
        ticket=ticket,
        actor=actor,
        action=action,
        field=field,
        old_value=old,
        new_value=new,
        channel=origin.channel,
        ip_address=origin.ip_address,
        is_public=public and is_public_event(action, field),
        created_at=now,
    )


def record_event(
    ticket: Ticket,
    action: EventAction,
    *,
    actor: User | None,
    origin: Origin,
    now: datetime,
    field: str = "",
    old: Any = None,
    new: Any = None,
    public: bool = True,
) -> TicketEvent:
    event = build_event(
        ticket,
        action,
        actor=actor,
        origin=origin,
        now=now,
        field=field,
        old=old,
        new=new,
        public=public,
    )
    event.save()
    return event


def record_changes(
    ticket: Ticket,
    changes: Iterable[FieldChange],
    *,
    actor: User | None,
    origin: Origin,
    now: datetime,
) -> list[TicketEvent]:
    events = [
        build_event(
            ticket,
            EventAction.CHANGED,
            actor=actor,
            origin=origin,
            now=now,
            field=change.field,
            old=change.old,
            new=change.new,
        )
        for change in changes
    ]
    return TicketEvent.objects.bulk_create(events)
