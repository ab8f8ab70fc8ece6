"""Generic inbound webhooks: the only writer of `IntakeSource` and `IntakeRecord` rows.

A post is mapped (`mapping.extract`) and then, through the ticket actions as the
source's actor (so routing, SLA, triggers and notifications apply):

- with an `external_id` this source has seen: the post threads onto that ticket, as a
  public reply by the requester when the mapped requester is the ticket's requester and a
  customer (`post_reply`: reopens a pending or solved ticket, a closed one gets a linked
  follow-up), otherwise as an internal note by the source's actor (`add_note`);
- otherwise a new ticket (`create_ticket`; with an `Idempotency-Key`,
  `create_ticket_idempotent` under a key private to the source), remembered under its
  external id when it has one.

The contact is matched by email address, the same person whichever channel they used.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from frontdesk.accounts.access import can_work_tickets, require_admin
from frontdesk.accounts.actions import hash_token
from frontdesk.accounts.models import Team, User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, DomainError, Forbidden, Invalid
from frontdesk.intake.mapping import Extracted, MappingError, validate_mapping
from frontdesk.intake.models import IntakeRecord, IntakeSource
from frontdesk.tickets.actions import (
    add_note,
    create_ticket,
    create_ticket_idempotent,
    post_reply,
)
from frontdesk.tickets.actions.channel import record_channel_note
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import text_to_html
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket

TOKEN_PREFIX = "fdi_"  # noqa: S105 - a label, not a secret


@dataclass(frozen=True)
class Outcome:
    ticket: Ticket
    result: str  # created | replayed | replied | noted


def create_source(
    *,
    actor: User | None,
    name: str,
    as_user_id: int,
    mapping: Any = None,
    channel: str = Channel.API,
    default_team_id: int | None = None,
    now: datetime | None = None,
) -> tuple[IntakeSource, str]:
    """Create a source and its token (returned once; only its hash is kept).
    `actor=None` is the command line."""
    if actor is not None:
        require_admin(actor)
    name = name.strip()[:200]
    if not name:
        raise Invalid("empty_name", "A source needs a name.")
    try:
        clean = validate_mapping(mapping or {})
    except MappingError as exc:
        raise Invalid("invalid_mapping", str(exc), {"field": exc.field}) from None
    if channel not in Channel.values or channel == Channel.SYSTEM:
        raise Invalid("unknown_channel", f"Unknown channel {channel!r}.")
    acting = User.objects.filter(pk=as_user_id).first()
    if acting is None or not can_work_tickets(acting):
        raise Invalid("unknown_user", "A source acts as an active agent, supervisor or admin.")
    team = None
    if default_team_id is not None:
        team = Team.objects.filter(pk=default_team_id).first()
        if team is None:
            raise Invalid("unknown_team", f"No team with id {default_team_id}.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            source = IntakeSource.objects.create(
                name=name,
                token_hash=hash_token(token),
                token_hint=token[:10],
                actor=acting,
                mapping=clean,
                channel=channel,
                default_team=team,
                created_at=now or clock.now(),
            )
    except IntegrityError:
        raise Conflict("duplicate_name", "A source with this name exists.") from None
    return source, token


def authenticate(token: str) -> IntakeSource | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return (
        IntakeSource.objects.filter(token_hash=hash_token(token), is_active=True)
        .select_related("actor")
        .first()
    )


def receive(
    *,
    source: IntakeSource,
    data: Extracted,
    idempotency_key: str | None = None,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> Outcome:
    now = now or clock.now()
    if not can_work_tickets(source.actor):
        raise Forbidden(
            "source_misconfigured", "The account this source acts as may not work on tickets."
        )
    origin = Origin(channel=source.channel, ip_address=ip_address)
    if not data.external_id:
        return _create(source, data, idempotency_key, origin, now)
    for _attempt in range(2):  # a lost race for a new external id retries as an update
        try:
            with transaction.atomic():
                record = (
                    IntakeRecord.objects.select_for_update()
                    .filter(source=source, external_id=data.external_id)
                    .select_related("ticket")
                    .first()
                )
                if record is not None:
                    return _update(source, record.ticket, data, origin, now)
                outcome = _create(source, data, idempotency_key, origin, now)
                IntakeRecord.objects.create(
                    source=source,
                    external_id=data.external_id,
                    ticket=outcome.ticket,
                    created_at=now,
                )
                return outcome
        except IntegrityError:
            continue
    raise Conflict("intake_race", "The record changed concurrently; retry.")


def _create(
    source: IntakeSource,
    data: Extracted,
    idempotency_key: str | None,
    origin: Origin,
    now: datetime,
) -> Outcome:
    fields: dict[str, Any] = {
        "subject": data.subject,
        "body": data.body,
        "requester_email": data.requester_email or None,
        "requester_name": data.requester_name,
        "priority": data.priority or "normal",
        "type": data.type or "question",
        "tags": list(data.tags),
        "custom_fields": dict(data.custom_fields),
    }
    if idempotency_key:
        ticket, created = create_ticket_idempotent(
            idempotency_key=f"intake:{source.pk}:{idempotency_key}"[:255],
            actor=source.actor,
            payload=fields,
            origin=origin,
            default_team_id=source.default_team_id,
            now=now,
        )
        return Outcome(ticket, "created" if created else "replayed")
    ticket = create_ticket(
        actor=source.actor,
        origin=origin,
        default_team_id=source.default_team_id,
        now=now,
        **fields,
    )
    return Outcome(ticket, "created")


def _update(
    source: IntakeSource, ticket: Ticket, data: Extracted, origin: Origin, now: datetime
) -> Outcome:
    requester = ticket.requester
    message: Message
    if (
        requester.is_customer
        and requester.is_active
        and data.requester_email
        and data.requester_email.lower() == requester.email
    ):
        message = post_reply(
            actor=requester, origin=origin, number=ticket.number, body=data.body, now=now
        )
        return Outcome(message.ticket, "replied")
    text = f"Update from {source.name}:\n\n{data.body}"
    try:
        with transaction.atomic():
            message = add_note(
                actor=source.actor, origin=origin, number=ticket.number, body=text, now=now
            )
    except DomainError:  # moved out of the actor's sight: written on its behalf all the same
        message = record_channel_note(
            ticket=ticket,
            author=source.actor,
            origin=origin,
            body=text,
            body_html=text_to_html(text),
            now=now,
        )
    return Outcome(message.ticket, "noted")
