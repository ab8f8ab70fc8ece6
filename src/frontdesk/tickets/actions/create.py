"""Creating tickets (with idempotent retries) from any channel."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from frontdesk.accounts.models import User
from frontdesk.ai.actions import plan_triage, record_triage
from frontdesk.approvals import actions as approval_actions
from frontdesk.core import clock
from frontdesk.core.errors import Forbidden, Invalid
from frontdesk.customers.models import Organization
from frontdesk.notifications.actions import notify_assigned
from frontdesk.routing.actions import (
    assign_automatically,
    record_auto_assignment,
    record_routing,
    route_new_ticket,
)
from frontdesk.tickets.actions._common import (
    default_status,
    field_specs,
    next_ticket_number,
    save_ticket,
)
from frontdesk.tickets.actions.resolve import (
    resolve_assignment,
    resolve_category,
    resolve_priority,
    resolve_requester,
    resolve_tags,
)
from frontdesk.tickets.choices import EventAction, MessageKind, StatusCategory, TicketType
from frontdesk.tickets.content import clean_text, sanitize_html, text_to_html
from frontdesk.tickets.errors import TicketErrorCode
from frontdesk.tickets.events import Origin, record_event
from frontdesk.tickets.fields import FieldValueError, merge_values, missing_required
from frontdesk.tickets.models import IdempotencyKey, Message, Ticket, TicketTag
from frontdesk.triggers.hooks import ticket_event


def create_ticket(
    *,
    actor: User,
    origin: Origin,
    subject: str,
    body: str,
    body_html: str | None = None,
    requester_email: str | None = None,
    requester_name: str = "",
    organization_id: int | None = None,
    type: str = TicketType.QUESTION,
    priority: str = "normal",
    category: str | None = None,
    tags: Sequence[str] = (),
    team_id: int | None = None,
    assignee_id: int | None = None,
    custom_fields: Mapping[str, Any] | None = None,
    default_team_id: int | None = None,
    default_category: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Create a ticket and its first message; customers always create for themselves.

    Staff may raise a ticket for any requester (a contact is created for a new address)
    and set triage fields; customers' triage fields are ignored by the caller's schema.
    `default_team_id` is the channel's team (an email mailbox's), used when neither the
    creator nor a routing rule chose one; it is configuration, so customers may pass it.
    `default_category` likewise (a portal request form's category).
    """
    now = now or clock.now()
    subject = clean_text(subject).strip()[:500]
    if not subject:
        raise Invalid("empty_subject", "A ticket needs a subject.")
    if not clean_text(body).strip() and not body_html:
        raise Invalid(TicketErrorCode.EMPTY_BODY, "A ticket needs a description.")
    if type not in TicketType.values:
        raise Invalid("unknown_type", f"Unknown ticket type {type!r}.")
    if actor.is_customer and (team_id or assignee_id or tags or category or organization_id):
        raise Forbidden("field_not_allowed", "Customers cannot set triage fields.")
    # Everything that only reads or validates happens before the write transaction, so
    # the database's write lock (SQLite) and the counter row lock are held only for the
    # inserts; concurrent creators then queue for milliseconds, not for the whole request.
    team, assignee = resolve_assignment(team_id, assignee_id)
    ticket = Ticket(
        subject=subject,
        channel=origin.channel,
        type=type,
        priority=resolve_priority(priority),
        category=resolve_category(category),
        custom_fields=_custom_fields(custom_fields or {}),
        team=team,
        assignee=assignee,
        created_at=now,
        updated_at=now,
        awaiting_agent_since=now,
    )
    status = default_status(StatusCategory.OPEN if assignee else StatusCategory.NEW)
    ticket.status, ticket.status_category = status, status.category
    tag_rows = resolve_tags(tags)
    html = sanitize_html(body_html) if body_html else text_to_html(body)
    # Last, as it may add a contact (idempotent by address): nothing after it can fail on input.
    ticket.requester = resolve_requester(actor, requester_email, requester_name)
    ticket.organization = _organization_for(ticket.requester, organization_id)
    # Routing rules fill in what the creator left open, before the team's assignment.
    routed = route_new_ticket(ticket, tags=tag_rows, body=clean_text(body), now=now)
    tag_rows = routed.tags
    if ticket.team_id is None and default_team_id is not None:
        ticket.team = resolve_assignment(default_team_id, None)[0]
    if ticket.category_id is None and default_category:
        ticket.category = resolve_category(default_category)
    # The triage model fills only what the creator, the rules and the channel left open.
    triage = plan_triage(ticket, tags=tag_rows, body=clean_text(body), routed=routed, now=now)
    tag_rows = [*tag_rows, *triage.added_tags]
    with transaction.atomic():
        ticket.number = next_ticket_number()
        auto = assign_automatically(ticket, now=now, tag_names=[tag.name for tag in tag_rows])
        if auto and auto.agent_id:
            status = default_status(StatusCategory.OPEN)  # created assigned, as above
            ticket.status, ticket.status_category = status, status.category
        save_ticket(ticket, now, tags=[tag.name for tag in tag_rows])
        TicketTag.objects.bulk_create(TicketTag(ticket=ticket, tag=tag) for tag in tag_rows)
        Message.objects.create(
            ticket=ticket,
            kind=MessageKind.REPLY,
            is_public=True,
            author=ticket.requester,
            body_text=clean_text(body),
            body_html=html,
            channel=origin.channel,
            created_at=now,
        )
        record_event(
            ticket,
            EventAction.CREATED,
            actor=actor,
            origin=origin,
            now=now,
            new={"number": ticket.number, "subject": subject},
        )
        record_routing(ticket, routed, now=now)
        record_triage(ticket, triage)
        record_auto_assignment(ticket, auto, now=now)
        approval_actions.on_ticket_created(ticket, now)
        if ticket.assignee_id:
            notify_assigned(ticket, actor=actor, now=now)
        ticket_event(ticket, "created", actor=actor, now=now, body=clean_text(body))
    return ticket


def create_ticket_idempotent(
    *, idempotency_key: str, actor: User, payload: Mapping[str, Any], **kwargs: Any
) -> tuple[Ticket, bool]:
    """create_ticket unless this actor already used `idempotency_key`.

    Returns (ticket, created). The same key with a different payload is an error, so a
    client bug cannot silently return the wrong ticket.
    """
    request_hash = hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode()
    ).hexdigest()
    existing = _replayed(actor, idempotency_key, request_hash)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            ticket = create_ticket(actor=actor, **payload, **kwargs)
            IdempotencyKey.objects.create(
                user=actor,
                key=idempotency_key,
                request_hash=request_hash,
                ticket=ticket,
                created_at=ticket.created_at,
            )
    except IntegrityError:
        # A concurrent request with the same key won the race; answer with its ticket.
        existing = _replayed(actor, idempotency_key, request_hash)
        if existing is None:
            raise
        return existing, False
    return ticket, True


def _replayed(actor: User, key: str, request_hash: str) -> Ticket | None:
    record = IdempotencyKey.objects.filter(user=actor, key=key).select_related("ticket").first()
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise Invalid(
            TicketErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was used with a different request body.",
        )
    return record.ticket


def _organization_for(requester: User, organization_id: int | None) -> Organization | None:
    memberships = requester.organizations.order_by("-membership__is_primary", "pk")
    if organization_id is None:
        return memberships.first()
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Invalid(TicketErrorCode.INVALID_ORGANIZATION, "No such organisation.")
    return organization


def _custom_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    specs = field_specs()
    try:
        merged = merge_values(specs, {}, values)
    except FieldValueError as exc:
        raise Invalid(TicketErrorCode.INVALID_CUSTOM_FIELD, str(exc), {"field": exc.key}) from exc
    missing = missing_required(specs, merged)
    if missing:
        raise Invalid(
            TicketErrorCode.INVALID_CUSTOM_FIELD,
            f"{missing[0]}: this field is required",
            {"field": missing[0]},
        )
    return merged
