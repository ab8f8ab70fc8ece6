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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesHeaderParser
from io import BytesIO
from pathlib import Path
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
from frontdesk.mail.parse import (
    Addr,
    Limits,
    ParsedMail,
    Rejected,
    clean_header,
    first_msgid,
    header_text,
    parse,
)
from frontdesk.mail.store import Stored, open_raw, raw_path, store_raw
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


@contextmanager
def ingest_run() -> Iterator[None]:
    """A batch of messages (one `ingest-email` run, one IMAP poll): the mailbox addresses
    and the organisations' email domains are read once for the whole batch, not once per
    message. A change made during the batch is seen by the next one."""
    token = _run_cache.set({})
    try:
        yield
    finally:
        _run_cache.reset(token)


_run_cache: ContextVar[dict[str, Any] | None] = ContextVar("mail_ingest_run", default=None)


def _cached(key: str, load: Callable[[], Any]) -> Any:
    store = _run_cache.get()
    if store is None:
        return load()
    if key not in store:
        store[key] = load()
    return store[key]


def receive(
    *,
    raw: bytes | IO[bytes],
    source: str,
    mailbox: Mailbox | None = None,
    source_ref: str = "",
    now: datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Store the bytes durably and record them, without processing; (row, created). The
    same bytes again, by any path, return the existing row."""
    now = now or clock.now()
    stored = store_raw(BytesIO(raw) if isinstance(raw, bytes) else raw)
    existing = _by_sha(stored.sha256)
    if existing is not None:
        return existing, False
    row = _new_row(stored, source, mailbox, source_ref, now)
    _fill_from_head(row, stored.path)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return InboundMessage.objects.get(sha256=stored.sha256), False
    return row, True


def _by_sha(sha256: str) -> InboundMessage | None:
    return InboundMessage.objects.filter(sha256=sha256).order_by().first()


def _new_row(
    stored: Stored, source: str, mailbox: Mailbox | None, source_ref: str, now: datetime
) -> InboundMessage:
    message_id = f"<{stored.sha256}@{SYNTHETIC_DOMAIN}>"
    row = InboundMessage(
        mailbox=mailbox,
        source=source,
        source_ref=source_ref[:255],
        sha256=stored.sha256,
        size=stored.size,
        message_id=message_id,
        message_id_hash=id_hash(message_id),
        received_at=now,
    )
    if stored.truncated:
        row.state, row.reason = State.QUARANTINED, "too_large"
        row.detail = (
            f"{stored.size} bytes, over the limit of {settings.FRONTDESK_MAIL_MAX_BYTES}; "
            "the first bytes are kept"
        )
    return row


def _fill_from_head(row: InboundMessage, path: Path) -> None:
    """Message-ID, From and Subject for the list pages, from the first 64 KiB: for a
    message that is not (or cannot be) parsed."""
    head = _head(path)
    if head.get("message_id"):
        row.message_id = head["message_id"][:998]
        row.message_id_hash = id_hash(row.message_id)
    row.from_address = head.get("from", "")[:320]
    row.subject = head.get("subject", "")[:500]


def _head(path: Path) -> dict[str, str]:
    try:
        with path.open("rb") as source:
            data = source.read(1 << 16)
        headers = BytesHeaderParser(policy=policy.default).parsebytes(data)
        return {
            "message_id": first_msgid(header_text(headers, "message-id") or ""),
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
    """Receive and process a message; see `accept`."""
    stored = store_raw(BytesIO(raw) if isinstance(raw, bytes) else raw)
    return accept(
        stored, source=source, mailbox=mailbox, source_ref=source_ref, acknowledge=acknowledge
    )[0]


def accept(
    stored: Stored,
    *,
    source: str,
    mailbox: Mailbox | None = None,
    source_ref: str = "",
    acknowledge: bool = True,
) -> tuple[InboundMessage, bool]:
    """What every intake path calls once the bytes are durably stored (`store_raw`, or
    a batch made durable by `sync_store`): record and process them in one transaction;
    (row, created).

    The row and what the message became commit together. That keeps RPO 0 because nothing
    is acknowledged to the sender before the commit: a crash before it leaves the message
    with its sender (unflagged on the IMAP server, no 2xx to the HTTP client, a failed exit
    status to the MTA), which delivers it again, and the stored bytes are found again by
    their sha256. Processing runs in a savepoint, so a failure inside it still commits the
    row, quarantined with the reason. The same bytes again return the existing row.
    """
    now = clock.now()
    acks: list[tuple[Ticket, InboundMessage]] = []
    row: InboundMessage | None = None
    try:
        with transaction.atomic():
            existing = _by_sha(stored.sha256)
            if existing is None:
                row = _new_row(stored, source, mailbox, source_ref, now)
                if row.state == State.RECEIVED:
                    _process_new(row, now, acks, acknowledge=acknowledge)
                else:
                    _fill_from_head(row, stored.path)
                    row.save(force_insert=True)
    except IntegrityError:
        # The same bytes were recorded by a concurrent path: that row is the message.
        existing = InboundMessage.objects.get(sha256=stored.sha256)
    if existing is not None:
        if existing.state == State.RECEIVED:
            existing = process(existing.pk, acknowledge=acknowledge)
        return existing, False
    assert row is not None
    for ticket, inbound in acks:
        _acknowledge(ticket, inbound)
    return row, True


def _process_new(row: InboundMessage, now: datetime, acks: list[Any], *, acknowledge: bool) -> None:
    """Process a new row and insert it; inside the caller's transaction."""
    row.attempts = 1
    row.processed_at = now
    try:
        with transaction.atomic():
            _process(row, now, acks, acknowledge=acknowledge)
            row.save(force_insert=True)
        return
    except IntegrityError:
        if InboundMessage.objects.filter(sha256=row.sha256).exists():
            raise  # the same bytes, recorded concurrently (see accept)
        # The same Message-ID was applied by a concurrent worker: one message, not two.
        _unapply(row)
        _set(row, State.IGNORED, "duplicate", "the same Message-ID arrived twice")
    except Exception as exc:
        log.exception("inbound message %s could not be processed", row.sha256[:12])
        _unapply(row)
        _set(row, State.QUARANTINED, "internal_error", type(exc).__name__)
    acks.clear()
    row.save(force_insert=True)


def _unapply(row: InboundMessage) -> None:
    """Forget what a rolled-back attempt pointed the row at."""
    row.ticket = None
    row.ticket_message = None
    row.signal = Signal.NONE
    row.needs_review = False
    row.applied_key = None
    if not row.subject and not row.from_address:
        _fill_from_head(row, raw_path(row.sha256))


# --- process ------------------------------------------------------------------------------


def process(
    inbound_id: int, *, acknowledge: bool = True, now: datetime | None = None
) -> InboundMessage:
    """Parse, filter, thread and apply one recorded message (a retry, or one recorded
    without processing), once. Every outcome is recorded on the row; nothing escapes as an
    exception."""
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
            _process(row, now, acks, acknowledge=acknowledge)
            row.processed_at = now
            row.save()
    except IntegrityError:
        # The same Message-ID was applied by a concurrent worker: one message, not two.
        _finish(inbound_id, State.IGNORED, "duplicate", "the same Message-ID arrived twice", now)
    except Exception as exc:
        log.exception("inbound message %s could not be processed", inbound_id)
        _finish(inbound_id, State.QUARANTINED, "internal_error", type(exc).__name__, now)
    row = InboundMessage.objects.get(pk=inbound_id)
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


def _process(row: InboundMessage, now: datetime, acks: list[Any], *, acknowledge: bool) -> None:
    if row.size > settings.FRONTDESK_MAIL_MAX_BYTES:
        return _set(row, State.QUARANTINED, "too_large", f"{row.size} bytes")
    try:
        with open_raw(row.sha256) as raw:
            mail = parse(raw, limits())
    except OSError as exc:
        return _set(row, State.QUARANTINED, "raw_missing", type(exc).__name__)
    except Rejected as exc:
        if not row.subject and not row.from_address:
            _fill_from_head(row, raw_path(row.sha256))
        return _set(row, State.QUARANTINED, exc.reason, exc.detail)
    if mail.message_id and mail.message_id != row.message_id:
        row.message_id, row.message_id_hash = mail.message_id[:998], id_hash(mail.message_id)
    row.subject = mail.subject[:500]
    row.from_address = mail.sender.email if mail.sender else row.from_address
    verdict = filters.classify(mail, own_addresses())
    row.classification = verdict.kind
    if verdict.kind == "loop":
        return _set(row, State.IGNORED, "loop", verdict.reason)
    if mail.sender is None:
        return _set(row, State.QUARANTINED, "no_sender", "no usable From or Sender address")
    duplicate = _duplicate_of(row)
    if duplicate:
        return _set(row, State.IGNORED, "duplicate", duplicate)
    # Claim the Message-ID: the row's save fails (unique) for a concurrent worker applying
    # the same one, which rolls its work back.
    row.applied_key = row.message_id_hash
    found = threading.candidates(mail)
    sender = User.objects.filter(email=mail.sender.email).order_by().first()
    numbers = [*found.token_numbers, *found.subject_numbers]
    matched = threading.match(
        found,
        numbers_by_message_id=_known_message_ids(found.message_ids),
        existing_numbers=(
            Ticket.objects.filter(number__in=numbers).order_by().values_list("number", flat=True)
            if numbers
            else ()
        ),
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
    sender = sender or contact_for(mail.sender, known_new=True)
    return _new_ticket(row, mail, verdict, sender, now, acks, acknowledge=acknowledge)


def _duplicate_of(row: InboundMessage) -> str:
    earlier = InboundMessage.objects.filter(applied_key=row.message_id_hash).order_by()
    if row.pk is not None:
        earlier = earlier.exclude(pk=row.pk)
    earlier_pk = earlier.values_list("pk", flat=True).first()
    if earlier_pk is not None:
        return f"the same Message-ID was processed as inbound message {earlier_pk}"
    if Message.objects.filter(email_message_id=row.message_id).order_by().exists():
        return "a conversation message already has this Message-ID"
    return ""


def _known_message_ids(ids: list[str]) -> dict[str, int]:
    """Ticket numbers of the Message-IDs we received or sent, among `ids`."""
    if not ids:
        return {}
    found: dict[str, int] = {}
    received = (
        InboundMessage.objects.filter(
            message_id_hash__in=[id_hash(i) for i in ids], ticket__isnull=False
        )
        .order_by()
        .values_list("message_id", "ticket__number")
    )
    found.update(dict(received))
    missing = [i for i in ids if i not in found]
    if missing:
        sent = (
            Message.objects.filter(email_message_id__in=missing)
            .order_by()
            .values_list("email_message_id", "ticket__number")
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
    rows = OutboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False).order_by()
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
    """Our mailbox addresses and the default From address (once per `ingest_run`)."""
    return set(_cached("own_addresses", _load_own_addresses))


def _load_own_addresses() -> frozenset[str]:
    own = {a.lower() for a in Mailbox.objects.order_by().values_list("address", flat=True)}
    own.add(settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(">").lower())
    return frozenset(own)


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
    *,
    acknowledge: bool,
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
    message = Message.objects.filter(ticket=ticket).order_by().get()
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
    if not (acknowledge and verdict.acknowledge) or sender.is_staff:
        return None
    if not _sender_flooding(sender, now):
        acks.append((ticket, row))
    else:
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


def contact_for(address: Addr, *, known_new: bool = False) -> User:
    """The user with this address, or a new contact (in the organisation whose email
    domains include the address's domain). No password: no portal sign-in. `known_new`:
    the caller just looked the address up and found nobody."""
    if not known_new:
        user = User.objects.filter(email=address.email).order_by().first()
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
    organization_id = _cached("domains", _load_domains).get(domain)
    if organization_id is not None:
        Membership.objects.get_or_create(
            organization_id=organization_id, user=user, defaults={"is_primary": True}
        )
    return user


def _load_domains() -> dict[str, int]:
    """Email domain -> the first organisation (by id) that lists it."""
    domains: dict[str, int] = {}
    rows = Organization.objects.exclude(email_domains=[]).order_by("pk")
    for pk, listed in rows.values_list("pk", "email_domains"):
        for domain in listed or []:
            domains.setdefault(str(domain).lower(), pk)
    return domains


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
        # Unique addresses are the database's to check (below), as a race would be.
        mailbox.full_clean(
            exclude=["created_at", "updated_at", *SECRET_FIELDS], validate_unique=False
        )
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
