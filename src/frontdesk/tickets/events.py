"""Audit-trail writers. Called only from actions, inside their transaction.

Writing an event also announces the change to live subscribers after commit
(docs/adr/0006-live-updates.md): one message per ticket and transaction, however many
events the action wrote.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from frontdesk.accounts.models import User
from frontdesk.core import live
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
    announce_change(ticket, action, actor=actor)
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
    created = TicketEvent.objects.bulk_create(events)
    if created:
        announce_change(ticket, EventAction.CHANGED, actor=actor)
    return created


@dataclass(eq=False)
class _Announcement:
    """The pending live message of one ticket: the latest change wins, and the first
    on_commit callback to run sends it; the others find it sent."""

    ticket: Ticket
    action: str
    actor: User | None
    sent: bool = False

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True
        pending = _pending()
        if pending.get(self.ticket.pk) is self:
            del pending[self.ticket.pk]
        publish_change(self.ticket, self.action, self.actor)


_local = threading.local()
MAX_PENDING = 10_000  # unsent announcements kept per thread (rolled back, or not yet sent)


def _pending() -> dict[int, _Announcement]:
    pending: dict[int, _Announcement] | None = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = {}
    return pending


def announce_change(ticket: Ticket, action: str, *, actor: User | None) -> None:
    """Tell live subscribers that `ticket` changed, once the transaction commits.

    Every event registers an on_commit callback, but all of them share the ticket's one
    unsent announcement (carrying the latest version, actor and action), so a commit sends
    one message per ticket however many events and actions the transaction held. A rolled
    back announcement stays unsent and is taken over by the ticket's next change."""
    pending = _pending()
    announcement = pending.get(ticket.pk)
    if announcement is None or announcement.sent:
        if len(pending) >= MAX_PENDING:
            del pending[next(iter(pending))]
        announcement = pending[ticket.pk] = _Announcement(ticket, action, actor)
    else:
        announcement.ticket, announcement.action, announcement.actor = ticket, action, actor
    transaction.on_commit(announcement.send, robust=True)


def publish_change(ticket: Ticket, action: str, actor: User | None) -> None:
    live.publish(
        f"ticket:{ticket.number}",
        {
            "kind": "changed",
            "number": ticket.number,
            "version": ticket.version,
            "actor_id": actor.pk if actor else None,
            "actor_name": str(actor) if actor else "",
            "action": str(action),
        },
    )
    live.publish("tickets", {"kind": "changed", "number": ticket.number})
