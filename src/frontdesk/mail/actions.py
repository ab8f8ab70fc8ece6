"""The email channel's writers: receive (store first), process (parse, filter, thread,
apply), retry, and mailbox settings.

`ingest` is what every intake path calls (IMAP, the `ingest-email` command, the HTTP
endpoint, provider webhooks). It stores the raw bytes and inserts the `InboundMessage` row
before anything can fail, then processes it; a message that cannot be processed is
quarantined with a reason and kept, never dropped and never an uncaught exception.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesHeaderParser
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from frontdesk.accounts.access import require_admin
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import DomainError, Invalid, NotFound
from frontdesk.customers.models import Membership, Organization
from frontdesk.mail import content, filters, threading
from frontdesk.mail.models import InboundMessage, Mailbox, Signal, State
from frontdesk.mail.parse import Addr, Limits, ParsedMail, Rejected, clean_header, parse
from frontdesk.mail.store import read_raw, store_raw
from frontdesk.tickets.actions import add_note, create_ticket, post_reply
from frontdesk.tickets.actions.channel import (
    IncomingFile,
    add_followers,
    record_channel_note,
    set_email_message_id,
    store_message_files,
)
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import html_to_text
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket, TicketFollower

log = logging.getLogger(__name__)

EMAIL = Origin(channel=Channel.EMAIL)
SYNTHETIC_DOMAIN = "frontdesk.invalid"
MAX_MERGE_HOPS = 10


def limits() -> Limits:
    return Limits(
        max_parts=settings.FRONTDESK_MAIL_MAX_PARTS,
        max_depth=settings.FRONTDESK_MAIL_MAX_DEPTH,
        max_headers=settings.FRONTDESK_MAIL_MAX_HEADERS,
        max_recipients=settings.FRONTDESK_MAIL_MAX_RECIPIENTS,
        max_html_bytes=settings.FRONTDESK_MAIL_MAX_HTML_BYTES,
    )


def id_hash(message_id: str) -> str:
    return hashlib.sha256(message_id.strip().encode("utf-8", "surrogateescape")).hexdigest()


# --- receive ------------------------------------------------------------------------------


def receive(
    *,
    raw: bytes | IO[bytes],
    source: str,
    mailbox: Mailbox | None = None,
    source_ref: str = "",
    now: datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Store the bytes durably and record them; (row, created). The same bytes again,
    by any path, return the existing row."""
    now = now or clock.now()
    stored = store_raw(BytesIO(raw) if isinstance(raw, bytes) else raw)
    existing = InboundMessage.objects.filter(sha256=stored.sha256).first()
    if existing is not None:
        return existing, False
    head = _head(stored.path)
    message_id = head.get("message_id") or f"<{stored.sha256}@{SYNTHETIC_DOMAIN}>"
    row = InboundMessage(
        mailbox=mailbox,
        source=source,
        source_ref=source_ref[:255],
        sha256=stored.sha256,
        size=stored.size,
        message_id=message_id[:998],
        message_id_hash=id_hash(message_id),
        from_address=head.get("from", "")[:320],
        subject=head.get("subject", "")[:500],
        received_at=now,
    )
    if stored.truncated:
        row.state, row.reason = State.QUARANTINED, "too_large"
        row.detail = (
            f"{stored.size} bytes, over the limit of {settings.FRONTDESK_MAIL_MAX_BYTES}; "
            "the first bytes are kept"
        )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return InboundMessage.objects.get(sha256=stored.sha256), False
    return row, True


def _head(path: Any) -> dict[str, str]:
    """Message-ID, From and Subject for the list pages, from the first 64 KiB."""
    try:
        with path.open("rb") as source:
            data = source.read(1 << 16)
        headers = BytesHeaderParser(policy=policy.default).parsebytes(data)
        from frontdesk.mail.parse import _first_msgid, header_text

        return {
            "message_id": _first_msgid(header_text(headers, "message-id") or ""),
            "from": clean_header(header_text(headers, "from") or ""),
            "subject": clean_header(header_text(headers, "subject") or ""),
        }
    except Exception:
        return {}


def ingest(
    *,
    raw: bytes | IO[bytes],
    source: str,
    mailbox: Mailbox | None = None,
    source_ref: str = "",
    acknowledge: bool = True,
) -> InboundMessage:
    """Receive, then process (unless it was processed before)."""
    row, _created = receive(raw=raw, source=source, mailbox=mailbox, source_ref=source_ref)
    if row.state == State.RECEIVED:
        row = process(row.pk, acknowledge=acknowledge)
    return row


# --- process ------------------------------------------------------------------------------


def process(
    inbound_id: int, *, acknowledge: bool = True, now: datetime | None = None
) -> InboundMessage:
    """Parse, filter, thread and apply one received message, once. Every outcome is
    recorded on the row; nothing escapes as an exception."""
    now = now or clock.now()
    acks: list[tuple[Ticket, InboundMessage]] = []
    try:
        with transaction.atomic():
            rows = InboundMessage.objects.select_for_update(of=("self",)).filter(pk=inbound_id)
            row = rows.select_related("mailbox").first()
            if row is None:
                raise NotFound("No such inbound message.")
            if row.state != State.RECEIVED:
                return row
            row.attempts += 1
            _process(row, now, acks)
            row.processed_at = now
            row.save()
    except IntegrityError:
        # The same Message-ID was applied by a concurrent worker: one message, not two.
        _finish(inbound_id, State.IGNORED, "duplicate", "the same Message-ID arrived twice", now)
    except Exception as exc:
        log.exception("inbound message %s could not be processed", inbound_id)
        _finish(inbound_id, State.QUARANTINED, "internal_error", type(exc).__name__, now)
    row = InboundMessage.objects.get(pk=inbound_id)
    if acknowledge:
        for ticket, inbound in acks:
            _acknowledge(ticket, inbound)
    return row


def _finish(inbound_id: int, state: str, reason: str, detail: str, now: datetime) -> None:
    InboundMessage.objects.filter(pk=inbound_id).update(
        state=state, reason=reason, detail=detail[:2000], processed_at=now
    )


def _set(row: InboundMessage, state: str, reason: str, detail: str = "") -> None:
    row.state, row.reason, row.detail = state, reason, detail[:2000]
    if state != State.PROCESSED:
        row.applied_key = None


def _process(row: InboundMessage, now: datetime, acks: list[Any]) -> None:
    try:
        raw = read_raw(row.sha256)
    except OSError as exc:
        return _set(row, State.QUARANTINED, "raw_missing", type(exc).__name__)
    if row.size > settings.FRONTDESK_MAIL_MAX_BYTES:
        return _set(row, State.QUARANTINED, "too_large", f"{row.size} bytes")
    try:
        mail = parse(raw, limits())
    except Rejected as exc:
        return _set(row, State.QUARANTINED, exc.reason, exc.detail)
    del raw
    if mail.message_id and mail.message_id != row.message_id:
        row.message_id, row.message_id_hash = mail.message_id[:998], id_hash(mail.message_id)
    row.subject = mail.subject[:500]
    if mail.sender:
        row.from_address = mail.sender.email
    verdict = filters.classify(mail, own_addresses())
    row.classification = verdict.kind
    if verdict.kind == "loop":
        return _set(row, State.IGNORED, "loop", verdict.reason)
    if mail.sender is None:
        return _set(row, State.QUARANTINED, "no_sender", "no usable From or Sender address")
    duplicate = _duplicate_of(row)
    if duplicate:
        return _set(row, State.IGNORED, "duplicate", duplicate)
    # Claim the Message-ID: a concurrent worker applying the same one fails here (unique).
    InboundMessage.objects.filter(pk=row.pk).update(applied_key=row.message_id_hash)
    row.applied_key = row.message_id_hash
    found = threading.candidates(mail)
    sender = User.objects.filter(email=mail.sender.email).first()
    matched = threading.match(
        found,
        numbers_by_message_id=_known_message_ids(found.message_ids),
        existing_numbers=Ticket.objects.filter(
            number__in=[*found.token_numbers, *found.subject_numbers]
        ).values_list("number", flat=True),
        is_participant=lambda number: sender is not None and _participates(sender, number),
    )
    if matched is not None:
        ticket = _follow_merges(Ticket.objects.get(number=matched.number))
        row.signal = matched.signal
        return _apply_to_ticket(row, mail, verdict, ticket, sender, now)
    if verdict.is_automatic:
        return _set(row, State.IGNORED, verdict.kind, verdict.reason + "; no ticket to note it on")
    if sender is not None and not sender.is_active:
        return _set(row, State.QUARANTINED, "sender_deactivated", "the sender is deactivated")
    sender = sender or contact_for(mail.sender)
    return _new_ticket(row, mail, verdict, sender, now, acks)


def _duplicate_of(row: InboundMessage) -> str:
    earlier = (
        InboundMessage.objects.filter(applied_key=row.message_id_hash)
        .exclude(pk=row.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if earlier is not None:
        return f"the same Message-ID was processed as inbound message {earlier}"
    if Message.objects.filter(email_message_id=row.message_id).exists():
        return "a conversation message already has this Message-ID"
    return ""


def _known_message_ids(ids: list[str]) -> dict[str, int]:
    """Ticket numbers of the Message-IDs we received or sent, among `ids`."""
    if not ids:
        return {}
    found: dict[str, int] = {}
    received = InboundMessage.objects.filter(
        message_id_hash__in=[id_hash(i) for i in ids], ticket__isnull=False
    ).values_list("message_id", "ticket__number")
    found.update(dict(received))
    missing = [i for i in ids if i not in found]
    if missing:
        sent = Message.objects.filter(email_message_id__in=missing).values_list(
            "email_message_id", "ticket__number"
        )
        found.update(dict(sent))
    missing = [i for i in ids if i not in found]
    if missing:
        found.update(_outbox_ids(missing))
    return found


def _outbox_ids(ids: list[str]) -> dict[str, int]:
    try:
        from frontdesk.outbox.models import OutboundEmail
    except ImportError:  # pragma: no cover - the outbound half is optional
        return {}
    if not any(f.name == "message_id" for f in OutboundEmail._meta.get_fields()):
        return {}  # pragma: no cover
    rows = OutboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False)
    return dict(rows.values_list("message_id", "ticket__number"))


def _participates(user: User, number: int) -> bool:
    """The requester, a follower, or staff: the people a subject tag is trusted from."""
    if not user.is_active:
        return False
    if user.is_staff:
        return True
    ticket = Ticket.objects.filter(number=number).values_list("pk", "requester_id").first()
    if ticket is None:
        return False
    return (
        ticket[1] == user.pk
        or TicketFollower.objects.filter(ticket_id=ticket[0], user=user).exists()
    )


def _follow_merges(ticket: Ticket) -> Ticket:
    for _ in range(MAX_MERGE_HOPS):
        if ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def own_addresses() -> set[str]:
    own = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    own.add(settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(">").lower())
    return own


# --- applying -----------------------------------------------------------------------------


@dataclass
class Body:
    text: str
    html: str
    files: list[IncomingFile]
    notes: list[str]


def _body(mail: ParsedMail) -> Body:
    files, cid_urls, notes = [], {}, []
    for part in mail.parts:
        file_id = uuid.uuid4()
        files.append(IncomingFile(file_id, part.file_name, part.data))
        if part.content_id:
            cid_urls[part.content_id] = f"/api/v1/attachments/{file_id}/download"
        if part.corrupt:
            notes.append(f"{part.file_name} arrived damaged (partly decoded).")
    html, text = content.display_html(mail.text, mail.html, cid_urls)
    if not text.strip() and not html_to_text(html).strip():
        text = "(no text)"
        html = "<p>(no text)</p>" if not files else "<p>(attachments only)</p>"
    if mail.lossy:
        notes.append("Some characters could not be decoded; the original message is kept.")
    return Body(text, html, files, notes)


def _store_files(
    row: InboundMessage, message: Message, author: User | None, body: Body, now: datetime
) -> None:
    set_email_message_id(message, row.message_id)
    _stored, refused = store_message_files(
        message=message, author=author, files=body.files, now=now
    )
    notes = list(body.notes)
    if refused:
        notes.append(
            "Left out, over the attachment size limit: "
            + ", ".join(refused)
            + ". The original message is kept."
        )
    row.detail = " ".join(notes)[:2000]


def _apply_to_ticket(
    row: InboundMessage,
    mail: ParsedMail,
    verdict: filters.Verdict,
    ticket: Ticket,
    sender: User | None,
    now: datetime,
) -> None:
    body = _body(mail)
    row.ticket = ticket
    author = sender
    if verdict.is_automatic:
        author = sender or contact_for(mail.sender) if mail.sender else None
        label = {"auto_reply": "Automatic reply", "bounce": "Delivery failure"}.get(
            verdict.kind, "Bulk mail"
        )
        message = record_channel_note(
            ticket=ticket,
            author=author,
            origin=EMAIL,
            body=f"[{label}: {verdict.reason}]\n\n{body.text}",
            body_html=f"<p><strong>{label}</strong> ({verdict.reason})</p>{body.html}",
            now=now,
        )
        _mark_applied(row, message, State.PROCESSED, verdict.kind)
        _store_files(row, message, author, body, now)
        return
    participant = sender is not None and sender.is_active and _participates(sender, ticket.number)
    if participant and sender is not None and not sender.is_staff:
        message = post_reply(
            actor=sender,
            origin=EMAIL,
            number=ticket.number,
            body=body.text,
            body_html=body.html,
            now=now,
        )
    elif participant and sender is not None and _staff_sees(sender, ticket):
        message = add_note(
            actor=sender,
            origin=EMAIL,
            number=ticket.number,
            body=body.text,
            body_html=body.html,
            now=now,
        )
    else:
        author = sender or contact_for(mail.sender) if mail.sender else None
        row.needs_review = True
        who = mail.sender.email if mail.sender else "an unknown sender"
        message = record_channel_note(
            ticket=ticket,
            author=author,
            origin=EMAIL,
            body=f"[Mail from {who}, who does not take part in this ticket: review it]\n\n"
            f"{body.text}",
            body_html=f"<p><strong>Needs review:</strong> mail from {who}, who does not "
            f"take part in this ticket. Nobody else sees it.</p>{body.html}",
            now=now,
        )
    row.ticket = message.ticket
    _mark_applied(row, message, State.PROCESSED, "")
    _store_files(row, message, author, body, now)


def _staff_sees(user: User, ticket: Ticket) -> bool:
    from frontdesk.tickets.access import visible_to

    return visible_to(user).filter(pk=ticket.pk).exists()


def _mark_applied(row: InboundMessage, message: Message, state: str, reason: str) -> None:
    row.ticket_message = message
    _set(row, state, reason, row.detail)


def _new_ticket(
    row: InboundMessage,
    mail: ParsedMail,
    verdict: filters.Verdict,
    sender: User,
    now: datetime,
    acks: list[Any],
) -> None:
    body = _body(mail)
    mailbox = row.mailbox
    try:
        ticket = create_ticket(
            actor=sender,
            origin=EMAIL,
            subject=mail.subject or "(no subject)",
            body=body.text,
            body_html=body.html,
            requester_email=sender.email,
            requester_name=sender.name,
            default_team_id=mailbox.default_team_id if mailbox else None,
            now=now,
        )
    except DomainError as exc:
        return _set(row, State.QUARANTINED, "rejected", f"{exc.code}: {exc.message}")
    message = ticket.messages.get()
    row.ticket = ticket
    row.signal = Signal.NONE
    _mark_applied(row, message, State.PROCESSED, "")
    _store_files(row, message, sender, body, now)
    if mailbox is not None and mailbox.cc_as_followers:
        own = own_addresses()
        people = [
            contact_for(a)
            for a in mail.cc
            if a.email not in own and a.email != sender.email and "+" not in a.email.split("@")[0]
        ]
        add_followers(
            ticket=ticket, users=[p for p in people if p.is_active], origin=EMAIL, now=now
        )
    if verdict.acknowledge and not sender.is_staff and not _sender_flooding(sender, now):
        acks.append((ticket, row))
    elif verdict.acknowledge:
        row.detail = (row.detail + " Not acknowledged (many new tickets from this sender).").strip()
    return None


def _sender_flooding(sender: User, now: datetime) -> bool:
    recent = InboundMessage.objects.filter(
        from_address=sender.email,
        signal=Signal.NONE,
        state=State.PROCESSED,
        received_at__gte=now - timedelta(hours=1),
    ).count()
    return recent >= settings.FRONTDESK_MAIL_NEW_TICKETS_PER_SENDER_HOUR


def _acknowledge(ticket: Ticket, inbound: InboundMessage) -> None:
    """The outbound half sends the acknowledgment, when it is installed."""
    try:
        from frontdesk.outbox.actions import acknowledge_new_ticket
    except ImportError:
        return
    try:
        acknowledge_new_ticket(ticket, inbound)
    except Exception:
        log.exception("acknowledging ticket %s failed", ticket.number)


# --- contacts -----------------------------------------------------------------------------


def contact_for(address: Addr) -> User:
    """The user with this address, or a new contact (in the organisation whose email
    domains include the address's domain). No password: no portal sign-in."""
    user = User.objects.filter(email=address.email).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=address.email, name=address.name[:200], role=Role.CUSTOMER
            )
    except IntegrityError:
        return User.objects.get(email=address.email)
    domain = address.email.rpartition("@")[2]
    for organization in Organization.objects.exclude(email_domains=[]).only("pk", "email_domains"):
        if domain in (organization.email_domains or []):
            Membership.objects.get_or_create(
                organization=organization, user=user, defaults={"is_primary": True}
            )
            break
    return user


# --- retry and settings -------------------------------------------------------------------


def retry_inbound(*, actor: User, inbound_id: int) -> InboundMessage:
    """Run a quarantined (or ignored) message through the pipeline again."""
    require_admin(actor)
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().filter(pk=inbound_id).first()
        if row is None:
            raise NotFound("No such inbound message.")
        if row.state == State.PROCESSED:
            raise Invalid("already_processed", "This message was processed.")
        row.state, row.reason, row.detail = State.RECEIVED, "", ""
        row.save(update_fields=["state", "reason", "detail"])
    return process(row.pk)


MAILBOX_FIELDS = (
    "address",
    "display_name",
    "is_active",
    "default_team_id",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_username",
    "imap_password",
    "imap_ca_cert",
    "imap_folder",
    "poll_interval_seconds",
    "after_fetch",
    "move_to_folder",
    "cc_as_followers",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "smtp_password",
    "smtp_ca_cert",
)
SECRET_FIELDS = ("imap_password", "smtp_password")


def save_mailbox(*, actor: User, mailbox_id: int | None = None, **fields: Any) -> Mailbox:
    """Create or change a mailbox. A password left out (or None) keeps the stored one."""
    require_admin(actor)
    now = clock.now()
    mailbox = Mailbox(created_at=now) if mailbox_id is None else _mailbox(mailbox_id)
    for name, value in fields.items():
        if name not in MAILBOX_FIELDS:
            raise Invalid("unknown_field", f"Unknown mailbox field {name!r}.")
        if name in SECRET_FIELDS and value is None:
            continue
        setattr(mailbox, name, value)
    mailbox.address = mailbox.address.strip().lower()
    if mailbox.after_fetch == "move" and not mailbox.move_to_folder.strip():
        raise Invalid("move_folder_required", "Name the folder to move fetched mail to.")
    mailbox.updated_at = now
    mailbox.next_poll_at = None
    try:
        mailbox.full_clean(exclude=["created_at", "updated_at", *SECRET_FIELDS])
    except Exception as exc:
        raise Invalid(
            "invalid_mailbox",
            "The mailbox settings are not valid.",
            getattr(exc, "message_dict", None),
        ) from exc
    try:
        with transaction.atomic():
            mailbox.save()
    except IntegrityError as exc:
        raise Invalid("mailbox_exists", "A mailbox with that address exists.") from exc
    return mailbox


def delete_mailbox(*, actor: User, mailbox_id: int) -> None:
    require_admin(actor)
    _mailbox(mailbox_id).delete()


def _mailbox(mailbox_id: int) -> Mailbox:
    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    if mailbox is None:
        raise NotFound("No such mailbox.")
    return mailbox
