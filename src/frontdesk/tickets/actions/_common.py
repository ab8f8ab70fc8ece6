"""Building blocks shared by the ticket actions (not used outside `tickets.actions`)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection

from frontdesk.accounts.models import User
from frontdesk.core.errors import Conflict, Invalid
from frontdesk.reports.actions import queue_metrics
from frontdesk.search.actions import queue_reindex
from frontdesk.sla.actions.deadlines import refresh_deadlines
from frontdesk.tickets.choices import StatusCategory
from frontdesk.tickets.errors import TicketErrorCode
from frontdesk.tickets.events import FieldChange
from frontdesk.tickets.fields import FieldSpec
from frontdesk.tickets.models import CustomFieldDefinition, Status, Ticket, TicketCounter

COUNTER_NAME = "ticket"


def next_ticket_number() -> int:
    """Take the next number from the counter row, inside the caller's transaction.

    UPDATE ... RETURNING both increments and reads under the row lock, so two concurrent
    creators can never read the same value; a rolled-back transaction returns its number.
    """
    table = TicketCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value",  # noqa: S608
            [COUNTER_NAME],
        )
        row = cursor.fetchone()
    if row is None:
        TicketCounter.objects.get_or_create(name=COUNTER_NAME)
        return next_ticket_number()
    return int(row[0])


def default_status(category: StatusCategory) -> Status:
    # The category's default status, else its first one.
    status = (
        Status.objects.filter(category=category).order_by("-is_default", "position", "pk").first()
    )
    if status is None:
        raise Invalid(TicketErrorCode.UNKNOWN_STATUS, f"No status is configured for {category}.")
    return status


def set_status(ticket: Ticket, status: Status, now: datetime) -> FieldChange | None:
    """Move `ticket` to `status`, keeping the denormalised category and timestamps right."""
    if ticket.status_id == status.pk:
        return None
    old_slug = ticket.status.slug
    ticket.status = status
    ticket.status_category = status.category
    if status.category == StatusCategory.SOLVED:
        ticket.solved_at = now
    elif status.category == StatusCategory.CLOSED:
        # Closing keeps the moment it was solved: resolution time ends there, not here.
        ticket.solved_at = ticket.solved_at or now
        ticket.closed_at = now
    else:
        ticket.solved_at = None
    return FieldChange("status", old_slug, status.slug)


def save_ticket(ticket: Ticket, now: datetime, *, tags: Iterable[str] | None = None) -> None:
    """Save the ticket row with its SLA deadlines recomputed: every action saves through
    here, so no change to what the clocks read can leave a stale due time behind."""
    refresh_deadlines(ticket, now=now, tags=tags)
    ticket.save()
    queue_reindex(ticket.pk)  # the search document, rebuilt after commit (docs/search.md)
    queue_metrics(ticket.pk)  # the metric row, rebuilt after commit (ADR 0010)


def touch(ticket: Ticket, now: datetime) -> None:
    """Every change bumps the version (optimistic locking) and the update time."""
    ticket.version += 1
    ticket.updated_at = now
    queue_metrics(ticket.pk)  # changes saved without save_ticket (notes) too


def require_version(ticket: Ticket, expected: int | None) -> None:
    if expected is not None and ticket.version != expected:
        raise Conflict(
            TicketErrorCode.VERSION_CONFLICT,
            "The ticket changed since you read it; reload and try again.",
            {"current_version": ticket.version},
        )


def require_not_closed(ticket: Ticket) -> None:
    if ticket.status_category == StatusCategory.CLOSED:
        raise Conflict(TicketErrorCode.TICKET_CLOSED, "Closed tickets cannot be changed.")


def field_specs() -> dict[str, FieldSpec]:
    return {
        d.key: FieldSpec(d.key, d.field_type, tuple(d.choices), d.required)
        for d in CustomFieldDefinition.objects.filter(is_active=True)
    }


def closed_reply_policy() -> str:
    """What a customer reply to a closed ticket does: "followup" (new linked ticket) or
    "reopen" (docs/configuration.md)."""
    return str(settings.FRONTDESK_CLOSED_REPLY)


def user_ref(user: User | None) -> Any:
    return user.pk if user else None
