"""The JSON sent to webhooks: a stable, versioned shape (docs/automation.md, "Payload").

Version 1. New keys may be added to version 1; renaming or removing one, or changing its
meaning, makes version 2. Built from plain values at the moment of the event, inside its
transaction, so a retry sends exactly what was first sent.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings

from frontdesk.accounts.models import User
from frontdesk.tickets.choices import Priority
from frontdesk.tickets.events import FieldChange
from frontdesk.tickets.models import Ticket

PAYLOAD_VERSION = 1
MAX_BODY = 20_000  # characters of a message's text


def envelope(event_type: str, data: Mapping[str, Any], *, now: datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "version": PAYLOAD_VERSION,
        "occurred_at": now.isoformat(),
        "data": dict(data),
    }


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name, "email": user.email}


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    team, organization = ticket.team, ticket.organization
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status.slug,
        "status_category": ticket.status_category,
        "priority": Priority(ticket.priority).label,
        "type": ticket.type,
        "channel": ticket.channel,
        "category": ticket.category.slug if ticket.category else None,
        "team": {"id": team.pk, "name": team.name} if team else None,
        "assignee": _person(ticket.assignee),
        "requester": _person(ticket.requester),
        "organization": (
            {"id": organization.pk, "name": organization.name} if organization else None
        ),
        "tags": sorted(ticket.tags.values_list("name", flat=True)),
        "custom_fields": ticket.custom_fields,
        "created_at": _when(ticket.created_at),
        "updated_at": _when(ticket.updated_at),
        "version": ticket.version,
        "url": f"{settings.FRONTDESK_PUBLIC_URL.rstrip('/')}/desk/tickets/{ticket.number}/",
    }


def actor_data(actor: User | None) -> dict[str, Any] | None:
    """Who did it; None for the system (a trigger, the scheduler)."""
    if actor is None:
        return None
    return {"id": actor.pk, "name": actor.name, "role": actor.role}


def changes_data(changes: Iterable[FieldChange]) -> list[dict[str, Any]]:
    return [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)} for c in changes]


def _plain(value: Any) -> Any:
    """A change's value as JSON (they are ids, slugs, labels, lists and dicts already)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def message_data(body: str, *, author: User | None, public: bool) -> dict[str, Any]:
    return {
        "public": public,
        "author": actor_data(author),
        "body_text": body[:MAX_BODY],
        "truncated": len(body) > MAX_BODY,
    }
