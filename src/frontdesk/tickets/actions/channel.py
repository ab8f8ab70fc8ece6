"""Conversation writes that a channel makes on someone's behalf (the email channel):
notes from people who may not write on the ticket, the Message-ID of a received message,
files that came with a message, and CC'd followers.

Called by `mail.actions` inside its transaction; the people here are not the actor of a
staff action (the mail pipeline is), so the usual role checks do not apply: these
writes never make anything public that its author could not already see.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from django.conf import settings

from frontdesk.accounts.models import User
from frontdesk.tickets.choices import EventAction, MessageKind
from frontdesk.tickets.content import clean_text, sanitize_html
from frontdesk.tickets.events import Origin, record_event
from frontdesk.tickets.files import safe_file_name, sniff_content_type
from frontdesk.tickets.models import Attachment, Message, Ticket, TicketFollower


@dataclass(frozen=True)
class IncomingFile:
    id: UUID  # chosen before the message is written, so cid: images can point at it
    file_name: str
    data: bytes


def record_channel_note(
    *,
    ticket: Ticket,
    author: User | None,
    origin: Origin,
    body: str,
    body_html: str,
    now: datetime,
) -> Message:
    """An internal note written for `author` (mail from someone outside the ticket, an
    auto-reply, a bounce): staff see it, the customer never does, and it changes neither
    the status nor any SLA clock."""
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.NOTE,
        is_public=False,
        author=author,
        body_text=clean_text(body),
        body_html=sanitize_html(body_html),
        channel=origin.channel,
        created_at=now,
    )
    Ticket.objects.filter(pk=ticket.pk).update(version=ticket.version + 1, updated_at=now)
    record_event(
        ticket,
        EventAction.NOTED,
        actor=author,
        origin=origin,
        now=now,
        new={"message_id": message.pk},
    )
    return message


def set_email_message_id(message: Message, message_id: str) -> None:
    Message.objects.filter(pk=message.pk).update(email_message_id=message_id[:998])
    message.email_message_id = message_id[:998]


def store_message_files(
    *, message: Message, author: User | None, files: Iterable[IncomingFile], now: datetime
) -> tuple[list[Attachment], list[str]]:
    """Store each file (random storage name, sniffed type, safe display name) and attach it
    to `message` with its visibility. Returns the attachments and the names of files over
    the attachment size limit, which are left out (the raw message keeps them)."""
    stored, refused = [], []
    for incoming in files:
        name = safe_file_name(incoming.file_name)
        if len(incoming.data) > settings.FRONTDESK_MAX_ATTACHMENT_BYTES:
            refused.append(name)
            continue
        storage_name, size, digest, head = _store_bytes(incoming.data)
        stored.append(
            Attachment(
                id=incoming.id,
                ticket_id=message.ticket_id,
                message=message,
                uploaded_by=author,
                is_public=message.is_public,
                file_name=name,
                storage_name=storage_name,
                size=size,
                sha256=digest,
                content_type=sniff_content_type(head, name),
                created_at=now,
            )
        )
    Attachment.objects.bulk_create(stored)
    return stored, refused


def _store_bytes(data: bytes) -> tuple[str, int, str, bytes]:
    """Write to a random name (0640) where `attachment_path` finds it."""
    storage_name = secrets.token_hex(16)
    path = Path(settings.ATTACHMENTS_DIR) / storage_name[:2] / storage_name[2:4] / storage_name
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    with path.open("xb") as out:
        path.chmod(0o640)
        out.write(data)
    return storage_name, len(data), hashlib.sha256(data).hexdigest(), data[:512]


def add_followers(
    *, ticket: Ticket, users: Iterable[User], origin: Origin, now: datetime
) -> list[User]:
    """CC'd people follow the ticket (they see it and get its replies); no portal login is
    created for them. Returns those newly added."""
    added = []
    for user in users:
        if user.pk == ticket.requester_id:
            continue
        _, created = TicketFollower.objects.get_or_create(
            ticket=ticket, user=user, defaults={"created_at": now}
        )
        if created:
            added.append(user)
            record_event(
                ticket,
                EventAction.FOLLOWED,
                actor=None,
                origin=origin,
                now=now,
                new=user.pk,
            )
    return added
