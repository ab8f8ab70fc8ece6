"""The survey's trigger: a listener on the ticket events (`triggers.hooks.add_listener`)
that queues a survey when an event moved the ticket to a solved status."""

from collections.abc import Sequence
from datetime import datetime

from frontdesk.accounts.models import User
from frontdesk.tickets.choices import StatusCategory
from frontdesk.tickets.events import FieldChange
from frontdesk.tickets.models import Ticket


def wants(kind: str) -> bool:
    return True  # cheap; the check is on the ticket's category below


def on_ticket_event(
    ticket: Ticket,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    changes: Sequence[FieldChange],
    body: str,
) -> None:
    if ticket.status_category != StatusCategory.SOLVED:
        return
    if not any(change.field == "status" for change in changes):
        return
    from frontdesk.csat.actions import ticket_solved

    ticket_solved(ticket, now=now)


def connect() -> None:
    from frontdesk.triggers.hooks import EventListener, add_listener

    add_listener(EventListener("csat", wants=wants, on_event=on_ticket_event))
