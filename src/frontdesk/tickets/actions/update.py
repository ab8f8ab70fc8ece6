"""Changing ticket fields: update (with optimistic locking), claim and reopen."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Invalid
from frontdesk.notifications.actions import notify_assigned
from frontdesk.routing.actions import assign_automatically, record_auto_assignment
from frontdesk.tickets.access import access_ticket, require_can_work
from frontdesk.tickets.actions._common import (
    default_status,
    field_specs,
    require_not_closed,
    require_version,
    save_ticket,
    set_status,
    touch,
    user_ref,
)
from frontdesk.tickets.actions.resolve import (
    resolve_assignee,
    resolve_category,
    resolve_priority,
    resolve_status,
    resolve_tags,
    resolve_team,
)
from frontdesk.tickets.choices import EventAction, Priority, StatusCategory, TicketType
from frontdesk.tickets.content import clean_text
from frontdesk.tickets.errors import TicketErrorCode
from frontdesk.tickets.events import FieldChange, Origin, record_changes, record_event
from frontdesk.tickets.fields import FieldValueError, merge_values
from frontdesk.tickets.models import Ticket, TicketTag
from frontdesk.triggers.hooks import ticket_event, update_event

UPDATABLE_FIELDS = frozenset(
    {
        "subject",
        "status",
        "priority",
        "type",
        "category",
        "team_id",
        "assignee_id",
        "tags",
        "custom_fields",
    }
)

type Applier = Callable[[Ticket, Any, datetime], FieldChange | None]


def update_ticket(
    *,
    actor: User,
    origin: Origin,
    number: int,
    changes: Mapping[str, Any],
    expected_version: int | None,
    now: datetime | None = None,
) -> Ticket:
    """Apply `changes` (only the keys present change) in one transaction.

    A stale `expected_version` is a Conflict (HTTP 409). Each changed field becomes one
    audit event. The first change by an agent moves a new ticket to open.
    """
    now = now or clock.now()
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise Invalid("unknown_field", f"Cannot update {sorted(unknown)}.")
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)  # unseen: 404 before any 403
        require_can_work(actor)
        require_version(ticket, expected_version)
        require_not_closed(ticket)
        assignee_before = ticket.assignee_id
        applied = [
            change
            for field in sorted(changes, key=_apply_order)
            if (change := APPLIERS[field](ticket, changes[field], now))
            and change.field != "assignee"
        ]
        # Moved to another team with no assignee named: the new team's strategy decides.
        moved = "assignee_id" not in changes and any(c.field == "team" for c in applied)
        auto = assign_automatically(ticket, now=now) if moved else None
        if ticket.assignee_id != assignee_before:
            # One event whether the assignee was set or dropped by a move to another team.
            applied.append(FieldChange("assignee", assignee_before, ticket.assignee_id))
        if "status" not in changes and ticket.status_category == StatusCategory.NEW and applied:
            opened = set_status(ticket, default_status(StatusCategory.OPEN), now)
            applied += [opened] if opened else []
        if applied:
            touch(ticket, now)
            save_ticket(ticket, now)
            record_changes(ticket, applied, actor=actor, origin=origin, now=now)
            record_auto_assignment(ticket, auto, now=now)
            if ticket.assignee_id not in (None, assignee_before):
                notify_assigned(ticket, actor=actor, now=now)
            update_event(ticket, applied, actor=actor, now=now, requested=list(changes))
    return ticket


def claim_ticket(
    *, actor: User, origin: Origin, number: int, now: datetime | None = None
) -> Ticket:
    """Take an unassigned ticket. Safe under concurrency: the row lock makes the second
    claimant see the first one's assignment and get a Conflict."""
    now = now or clock.now()
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)
        require_can_work(actor)
        require_not_closed(ticket)
        if ticket.assignee_id == actor.pk:
            return ticket
        if ticket.assignee_id is not None:
            raise Conflict(TicketErrorCode.ALREADY_ASSIGNED, "Someone else has this ticket.")
        changes = [_apply_assignee(ticket, actor.pk, now)]
        if ticket.status_category == StatusCategory.NEW:
            changes.append(set_status(ticket, default_status(StatusCategory.OPEN), now))
        touch(ticket, now)
        save_ticket(ticket, now)
        made = [c for c in changes if c]
        record_changes(ticket, made, actor=actor, origin=origin, now=now)
        ticket_event(ticket, "assigned", actor=actor, now=now, changes=made)
    return ticket


def reopen_ticket(
    *, actor: User, origin: Origin, number: int, now: datetime | None = None
) -> Ticket:
    """Move a solved or closed ticket back to open (staff); customers reopen solved ones."""
    now = now or clock.now()
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)
        reopenable = (
            (StatusCategory.SOLVED,)
            if actor.is_customer
            else (StatusCategory.SOLVED, StatusCategory.CLOSED)
        )
        if not actor.is_customer:
            require_can_work(actor)
        if ticket.status_category not in reopenable:
            raise Conflict(TicketErrorCode.NOT_REOPENABLE, "Only solved tickets can be reopened.")
        change = set_status(ticket, default_status(StatusCategory.OPEN), now)
        ticket.closed_at = None
        touch(ticket, now)
        save_ticket(ticket, now)
        record_event(ticket, EventAction.REOPENED, actor=actor, origin=origin, now=now)
        record_changes(ticket, [change] if change else [], actor=actor, origin=origin, now=now)
        ticket_event(
            ticket, "status_changed", actor=actor, now=now, changes=[change] if change else []
        )
    return ticket


def _apply_order(field: str) -> int:
    # The team must be known before the assignee is checked against it.
    return 0 if field == "team_id" else 1


def _apply_subject(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    subject = clean_text(str(value)).strip()[:500]
    if not subject:
        raise Invalid("empty_subject", "A ticket needs a subject.")
    if subject == ticket.subject:
        return None
    old, ticket.subject = ticket.subject, subject
    return FieldChange("subject", old, subject)


def _apply_status(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    status = resolve_status(str(value))
    if status.category == StatusCategory.NEW and ticket.status_category != StatusCategory.NEW:
        raise Invalid(TicketErrorCode.STATUS_NOT_ALLOWED, "A ticket cannot go back to new.")
    return set_status(ticket, status, now)


def _apply_priority(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    priority = resolve_priority(str(value))
    if priority == ticket.priority:
        return None
    old, ticket.priority = Priority(ticket.priority).label, priority
    return FieldChange("priority", old, priority.label)


def _apply_type(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    if value not in TicketType.values:
        raise Invalid("unknown_type", f"Unknown ticket type {value!r}.")
    if value == ticket.type:
        return None
    old, ticket.type = ticket.type, value
    return FieldChange("type", old, value)


def _apply_category(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    category = resolve_category(value)
    if category == ticket.category:
        return None
    old = ticket.category.slug if ticket.category else None
    ticket.category = category
    return FieldChange("category", old, category.slug if category else None)


def _apply_team(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    team = resolve_team(value)
    if ticket.team_id == (team.pk if team else None):
        return None
    old, ticket.team = ticket.team_id, team
    if ticket.assignee_id and team and not team.members.filter(pk=ticket.assignee_id).exists():
        ticket.assignee = None  # the old assignee is not in the new team: back to the queue
    return FieldChange("team", old, team.pk if team else None)


def _apply_assignee(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    assignee = resolve_assignee(value, ticket.team)
    if ticket.assignee_id == user_ref(assignee):
        return None
    old, ticket.assignee = ticket.assignee_id, assignee
    return FieldChange("assignee", old, user_ref(assignee))


def _apply_tags(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    tags = resolve_tags(list(value))
    old = sorted(ticket.tags.values_list("name", flat=True))
    new = [t.name for t in tags]
    if old == new:
        return None
    TicketTag.objects.filter(ticket=ticket).exclude(tag__in=tags).delete()
    TicketTag.objects.bulk_create(
        [TicketTag(ticket=ticket, tag=t) for t in tags], ignore_conflicts=True
    )
    return FieldChange("tags", old, new)


def _apply_custom_fields(ticket: Ticket, value: Any, now: datetime) -> FieldChange | None:
    try:
        merged = merge_values(field_specs(), ticket.custom_fields, dict(value))
    except FieldValueError as exc:
        raise Invalid(TicketErrorCode.INVALID_CUSTOM_FIELD, str(exc), {"field": exc.key}) from exc
    if merged == ticket.custom_fields:
        return None
    old, ticket.custom_fields = ticket.custom_fields, merged
    return FieldChange("custom_fields", old, merged)


APPLIERS: dict[str, Applier] = {
    "subject": _apply_subject,
    "status": _apply_status,
    "priority": _apply_priority,
    "type": _apply_type,
    "category": _apply_category,
    "team_id": _apply_team,
    "assignee_id": _apply_assignee,
    "tags": _apply_tags,
    "custom_fields": _apply_custom_fields,
}
