"""The conversation: public replies, internal notes and attachments."""

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO
from uuid import UUID

from django.conf import settings
from django.db import transaction

from frontdesk.accounts.access import can_work_tickets
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Forbidden, Invalid
from frontdesk.notifications.actions import notify_customer_replied
from frontdesk.outbox.actions import queue_reply
from frontdesk.search.actions import queue_reindex
from frontdesk.tickets.access import access_ticket, require_can_note, require_can_reply
from frontdesk.tickets.actions._common import (
    closed_reply_policy,
    default_status,
    require_not_closed,
    save_ticket,
    set_status,
    touch,
)
from frontdesk.tickets.actions.mentions import mention_agents
from frontdesk.tickets.actions.resolve import resolve_status
from frontdesk.tickets.choices import EventAction, LinkKind, MessageKind, StatusCategory
from frontdesk.tickets.content import clean_text, sanitize_html, text_to_html
from frontdesk.tickets.errors import TicketErrorCode
from frontdesk.tickets.events import FieldChange, Origin, record_changes, record_event
from frontdesk.tickets.files import safe_file_name, sniff_content_type
from frontdesk.tickets.models import (
    Attachment,
    Message,
    Status,
    Ticket,
    TicketEvent,
    TicketLink,
)
from frontdesk.triggers.hooks import ticket_event

CHUNK = 1 << 16


def post_reply(
    *,
    actor: User,
    origin: Origin,
    number: int,
    body: str,
    body_html: str | None = None,
    status: str | None = None,
    attachment_ids: Sequence[UUID] = (),
    now: datetime | None = None,
) -> Message:
    """Add a public reply and apply the lifecycle rules.

    Staff: the first public reply sets first_response_at; a new ticket becomes open;
    `status` may move it on (e.g. to pending). Customers: a reply to a pending or solved
    ticket reopens it; a reply to a closed ticket opens a linked follow-up ticket (or
    reopens it, by setting). Locks the ticket row.
    """
    now = now or clock.now()
    _require_body(body, body_html)
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)  # unseen: 404 before any 403
        require_can_reply(actor)
        if actor.is_customer and ticket.status_category == StatusCategory.CLOSED:
            if closed_reply_policy() != "reopen":
                return _open_follow_up(actor, origin, ticket, body, body_html, now)
            _reopen_closed(actor, origin, ticket, now)
        require_not_closed(ticket)
        message = _add_message(ticket, actor, origin, MessageKind.REPLY, body, body_html, now)
        _claim_attachments(ticket, actor, message, attachment_ids)
        changes = []
        if can_work_tickets(actor):
            ticket.first_response_at = ticket.first_response_at or now
            ticket.last_agent_reply_at, ticket.awaiting_agent_since = now, None
            target = _status_requested(status) if status else _status_after_agent_reply(ticket)
            changes.append(set_status(ticket, target, now) if target else None)
        elif status is None:
            ticket.awaiting_agent_since = ticket.awaiting_agent_since or now
            changes.append(_reopen_on_customer_reply(ticket, actor, origin, now))
        else:
            changes.append(set_status(ticket, _status_marked_by_customer(status), now))
        touch(ticket, now)
        save_ticket(ticket, now)
        record_event(
            ticket,
            EventAction.REPLIED,
            actor=actor,
            origin=origin,
            now=now,
            new={"message_id": message.pk},
        )
        record_changes(ticket, [c for c in changes if c], actor=actor, origin=origin, now=now)
        if actor.is_customer:
            notify_customer_replied(ticket, actor=actor, now=now)
        else:
            mention_agents(ticket, actor=actor, origin=origin, body=body, now=now)
            queue_reply(message, now=now)  # emailed to the requester (docs/email.md)
        ticket_event(
            ticket,
            "customer_replied" if actor.is_customer else "agent_replied",
            actor=actor,
            now=now,
            changes=[c for c in changes if c],
            body=clean_text(body),
        )
    return message


def add_note(
    *,
    actor: User,
    origin: Origin,
    number: int,
    body: str,
    body_html: str | None = None,
    attachment_ids: Sequence[UUID] = (),
    now: datetime | None = None,
) -> Message:
    """Add an internal note (staff only, light agents included). Never public."""
    now = now or clock.now()
    _require_body(body, body_html)
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)  # unseen: 404 before any 403
        require_can_note(actor)
        message = _add_message(ticket, actor, origin, MessageKind.NOTE, body, body_html, now)
        _claim_attachments(ticket, actor, message, attachment_ids)
        touch(ticket, now)
        ticket.save(update_fields=["version", "updated_at"])
        record_event(
            ticket,
            EventAction.NOTED,
            actor=actor,
            origin=origin,
            now=now,
            new={"message_id": message.pk},
        )
        mention_agents(ticket, actor=actor, origin=origin, body=body, now=now)
        ticket_event(ticket, "updated", actor=actor, now=now, body=clean_text(body))
    return message


def attach_file(
    *,
    actor: User,
    origin: Origin,
    number: int,
    file_name: str,
    content: IO[bytes],
    internal: bool = False,
    now: datetime | None = None,
) -> Attachment:
    """Store an upload under a random name and attach it to the ticket.

    Customers' uploads are always public; staff may upload internal files (for notes),
    and light agents, who may not reply, only internal ones. A later reply or note claims
    it through `attachment_ids`. The audit event is as public as the file.
    """
    now = now or clock.now()
    if actor.is_customer:
        internal = False
    elif not can_work_tickets(actor):
        internal = True
    ticket = access_ticket(actor, number)
    if not actor.is_customer:
        require_can_note(actor)
    storage_name, size, digest, head = _store(content)
    safe_name = safe_file_name(file_name)
    with transaction.atomic():
        attachment = Attachment.objects.create(
            ticket=ticket,
            uploaded_by=actor,
            is_public=not internal,
            file_name=safe_name,
            storage_name=storage_name,
            size=size,
            sha256=digest,
            content_type=sniff_content_type(head, safe_name),
            created_at=now,
        )
        queue_reindex(ticket.pk)
        record_event(
            ticket,
            EventAction.ATTACHED,
            actor=actor,
            origin=origin,
            now=now,
            new={"attachment_id": str(attachment.pk), "file_name": safe_name},
            public=not internal,
        )
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    name = attachment.storage_name
    return Path(settings.ATTACHMENTS_DIR) / name[:2] / name[2:4] / name


def _store(content: IO[bytes]) -> tuple[str, int, str, bytes]:
    """Stream to a random file name with 0640 permissions; enforce the size limit."""
    limit = settings.FRONTDESK_MAX_ATTACHMENT_BYTES
    storage_name = secrets.token_hex(16)
    path = Path(settings.ATTACHMENTS_DIR) / storage_name[:2] / storage_name[2:4] / storage_name
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with path.open("xb") as out:
            path.chmod(0o640)
            for chunk in iter(lambda: content.read(CHUNK), b""):
                size += len(chunk)
                if size > limit:
                    raise Invalid(
                        TicketErrorCode.ATTACHMENT_TOO_LARGE,
                        f"Attachments are limited to {limit} bytes.",
                    )
                head = head or chunk[:512]
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return storage_name, size, digest.hexdigest(), head


def _require_body(body: str, body_html: str | None) -> None:
    if not clean_text(body).strip() and not (body_html and sanitize_html(body_html).strip()):
        raise Invalid(TicketErrorCode.EMPTY_BODY, "The message is empty.")


def _add_message(
    ticket: Ticket,
    actor: User,
    origin: Origin,
    kind: MessageKind,
    body: str,
    body_html: str | None,
    now: datetime,
) -> Message:
    queue_reindex(ticket.pk)  # the search document, rebuilt after commit (docs/search.md)
    return Message.objects.create(
        ticket=ticket,
        kind=kind,
        is_public=kind == MessageKind.REPLY,
        author=actor,
        body_text=clean_text(body),
        body_html=sanitize_html(body_html) if body_html else text_to_html(body),
        channel=origin.channel,
        created_at=now,
    )


def _claim_attachments(
    ticket: Ticket, actor: User, message: Message, attachment_ids: Iterable[UUID]
) -> None:
    ids = list(attachment_ids)
    if not ids:
        return
    claimed = Attachment.objects.filter(
        pk__in=ids, ticket=ticket, uploaded_by=actor, message__isnull=True
    ).update(message=message, is_public=message.is_public)
    if claimed != len(set(ids)):
        raise Invalid(
            TicketErrorCode.INVALID_ATTACHMENT,
            "Attach only your own unsent uploads on this ticket.",
        )
    # A file claimed by a note became internal: so does the record of its upload.
    TicketEvent.objects.filter(
        ticket=ticket,
        action=EventAction.ATTACHED,
        new_value__attachment_id__in=[str(i) for i in ids],
    ).update(is_public=message.is_public)


def _status_requested(slug: str) -> Status:
    status = resolve_status(slug)
    if status.category == StatusCategory.NEW:
        raise Invalid(TicketErrorCode.STATUS_NOT_ALLOWED, "A replied ticket is no longer new.")
    return status


def _status_marked_by_customer(slug: str) -> Status:
    """Customers may close the loop themselves ("this is solved"), nothing else."""
    status = resolve_status(slug)
    if status.category != StatusCategory.SOLVED:
        raise Forbidden("not_allowed", "Customers may only mark their ticket solved.")
    return status


def _status_after_agent_reply(ticket: Ticket) -> Status | None:
    if ticket.status_category == StatusCategory.NEW:
        return default_status(StatusCategory.OPEN)
    return None


def _reopen_on_customer_reply(
    ticket: Ticket, actor: User, origin: Origin, now: datetime
) -> FieldChange | None:
    if ticket.status_category not in (StatusCategory.PENDING, StatusCategory.SOLVED):
        return None
    if ticket.status_category == StatusCategory.SOLVED:
        record_event(ticket, EventAction.REOPENED, actor=actor, origin=origin, now=now)
    return set_status(ticket, default_status(StatusCategory.OPEN), now)


def _reopen_closed(actor: User, origin: Origin, ticket: Ticket, now: datetime) -> None:
    change = set_status(ticket, default_status(StatusCategory.OPEN), now)
    ticket.closed_at = None
    record_event(ticket, EventAction.REOPENED, actor=actor, origin=origin, now=now)
    record_changes(ticket, [change] if change else [], actor=actor, origin=origin, now=now)


def _open_follow_up(
    actor: User,
    origin: Origin,
    closed: Ticket,
    body: str,
    body_html: str | None,
    now: datetime,
) -> Message:
    """A customer wrote to a closed ticket: their reply opens a new, linked ticket that
    keeps the old one's organisation, team and category."""
    from frontdesk.tickets.actions.create import create_ticket

    follow_up = create_ticket(
        actor=actor,
        origin=origin,
        subject=f"Re: {closed.subject}",
        body=body,
        body_html=body_html,
        type=closed.type,
        now=now,
    )
    Ticket.objects.filter(pk=follow_up.pk).update(
        organization=closed.organization_id, team=closed.team_id, category=closed.category_id
    )
    TicketLink.objects.create(
        source=follow_up, target=closed, kind=LinkKind.RELATED, created_at=now
    )
    record_event(
        closed,
        EventAction.FOLLOW_UP_CREATED,
        actor=actor,
        origin=origin,
        now=now,
        new={"number": follow_up.number},
    )
    return follow_up.messages.get()
