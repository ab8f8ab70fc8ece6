"""Sending the outbox: claim due mail, hand it to SMTP, record what happened.

- Claiming marks a batch `sending` in a short transaction; on PostgreSQL the batch is read
  `FOR UPDATE SKIP LOCKED`, so several workers each take different mail and every mail is
  sent once. A worker that dies mid-send leaves its mail `sending`; after
  `SENDING_LEASE` it is queued again (so a crash can, rarely, send a mail twice; a lost
  mail is worse).
- SMTP: implicit TLS or STARTTLS with certificate and host name verification (the
  mailbox's own CA added when configured); an unverified certificate is refused and the
  mail waits for the next attempt. A plaintext connection is allowed only to a loopback
  host (for tests and a local relay).
- Outcomes: a 4xx reply or a connection problem is retried with exponential backoff up to
  FRONTDESK_OUTBOX_MAX_ATTEMPTS; a 5xx reply fails the mail at once (shown on the message
  in the ticket). Error texts carry the server's reply, never a password.
"""

import ipaddress
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage as StdlibMessage
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F

from frontdesk.core import clock
from frontdesk.mail.models import Mailbox, Security
from frontdesk.outbox.choices import OutboundState
from frontdesk.outbox.models import MAX_ERROR_LENGTH, OutboundEmail
from frontdesk.tickets.actions.conversation import attachment_path

log = logging.getLogger(__name__)

BATCH = 50
SENDING_LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
SMTP_TIMEOUT = 30


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # mail.models.Security
    username: str
    password: str
    ca_cert: str  # PEM, may be empty


class SendError(Exception):
    def __init__(self, text: str, *, permanent: bool) -> None:
        super().__init__(text)
        self.text = text
        self.permanent = permanent


def smtp_server(mailbox: Mailbox | None) -> SmtpServer | None:
    """The mailbox's SMTP server, else the global one (FRONTDESK_SMTP_*), else None: Django's
    mailer (the console in development, memory in tests)."""
    if mailbox is not None and mailbox.smtp_host:
        return SmtpServer(
            host=mailbox.smtp_host,
            port=mailbox.smtp_port,
            security=mailbox.smtp_security,
            username=mailbox.smtp_username,
            password=mailbox.smtp_password,
            ca_cert=mailbox.smtp_ca_cert,
        )
    if settings.SMTP_HOST:
        ca_file = settings.FRONTDESK_SMTP_CA_CERT
        return SmtpServer(
            host=settings.SMTP_HOST,
            port=settings.FRONTDESK_SMTP_PORT,
            security=settings.FRONTDESK_SMTP_SECURITY,
            username=settings.FRONTDESK_SMTP_USER,
            password=settings.FRONTDESK_SMTP_PASSWORD,
            ca_cert=Path(ca_file).read_text() if ca_file else "",
        )
    return None


# --- claiming -------------------------------------------------------------------------------


def claim_batch(now: datetime, limit: int = BATCH) -> list[int]:
    """Mark up to `limit` due mails `sending` and return their ids (each to one worker)."""
    with transaction.atomic():
        due = OutboundEmail.objects.due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            OutboundEmail.objects.filter(pk__in=ids, state=OutboundState.QUEUED).update(
                state=OutboundState.SENDING,
                claimed_at=now,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    return ids


def claim_one(email_id: int, now: datetime) -> bool:
    """Claim one mail if it is still queued and due (a worker's task for a fresh mail)."""
    with transaction.atomic():
        due = OutboundEmail.objects.due(now).filter(pk=email_id)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        if not due.exists():
            return False
        changed = OutboundEmail.objects.filter(pk=email_id, state=OutboundState.QUEUED).update(
            state=OutboundState.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return changed == 1


def release_stale(now: datetime) -> int:
    """Queue again mail left `sending` by a worker that stopped."""
    return OutboundEmail.objects.filter(
        state=OutboundState.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(state=OutboundState.QUEUED, next_attempt_at=now, updated_at=now)


def send_due(*, now: datetime | None = None, limit: int = BATCH, batches: int = 20) -> int:
    """Send due mail, batch after batch (bounded); returns how many were attempted."""
    now = now or clock.now()
    release_stale(now)
    attempted = 0
    for _ in range(batches):
        ids = claim_batch(now, limit)
        for email_id in ids:
            deliver(email_id)
        attempted += len(ids)
        if len(ids) < limit:
            break
    return attempted


def send_one(email_id: int, *, now: datetime | None = None) -> bool:
    if not claim_one(email_id, now or clock.now()):
        return False
    deliver(email_id)
    return True


# --- one mail -------------------------------------------------------------------------------


def deliver(email_id: int) -> None:
    """Send one claimed mail and record the outcome."""
    email = (
        OutboundEmail.objects.select_related("mailbox")
        .prefetch_related("attachments")
        .get(pk=email_id)
    )
    server = smtp_server(email.mailbox)
    try:
        message = build_message(email)
        refused = _send(message, email, server)
    except SendError as exc:
        _record_failure(email, exc, server)
        return
    except Exception as exc:  # a bug or an unreadable attachment must not stop the batch
        log.exception("outbound email %s could not be sent", email.pk)
        _record_failure(email, SendError(type(exc).__name__, permanent=False), server)
        return
    now = clock.now()
    note = ""
    if refused:
        note = "Refused for " + "; ".join(
            f"{addr}: {code} {_text(text)}" for addr, (code, text) in sorted(refused.items())
        )
    OutboundEmail.objects.filter(pk=email.pk, state=OutboundState.SENDING).update(
        state=OutboundState.SENT,
        sent_at=now,
        last_error=_scrub(note, server),
        next_attempt_at=None,
        updated_at=now,
    )
    log.info("outbound email %s sent (%s)", email.pk, email.kind)


def _record_failure(email: OutboundEmail, exc: SendError, server: SmtpServer | None) -> None:
    now = clock.now()
    error = _scrub(exc.text, server)
    attempts = email.attempts
    if exc.permanent or attempts >= settings.FRONTDESK_OUTBOX_MAX_ATTEMPTS:
        if not exc.permanent:
            error = _scrub(f"Gave up after {attempts} attempts: {exc.text}", server)
        OutboundEmail.objects.filter(pk=email.pk, state=OutboundState.SENDING).update(
            state=OutboundState.FAILED, last_error=error, next_attempt_at=None, updated_at=now
        )
        log.warning("outbound email %s failed: %s", email.pk, error)
        return
    OutboundEmail.objects.filter(pk=email.pk, state=OutboundState.SENDING).update(
        state=OutboundState.QUEUED,
        last_error=error,
        next_attempt_at=now + backoff(attempts),
        updated_at=now,
    )
    log.info("outbound email %s will be retried: %s", email.pk, error)


def backoff(attempts: int) -> timedelta:
    """60 s, 2 min, 4 min... after the 1st, 2nd, 3rd attempt, at most 6 hours."""
    seconds: int = settings.FRONTDESK_OUTBOX_RETRY_SECONDS
    delay = timedelta(seconds=seconds * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": email.message_id}
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
    if email.references:
        headers["References"] = email.references
    if email.auto_submitted:
        headers["Auto-Submitted"] = email.auto_submitted
        # Ask Exchange and friends not to answer automatic mail with automatic mail.
        headers["X-Auto-Response-Suppress"] = "All"
    if email.ticket_id is not None and email.ticket is not None:
        headers["X-Frontdesk-Ticket"] = str(email.ticket.number)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_header,
        to=list(email.to),
        cc=list(email.cc),
        reply_to=[email.reply_to] if email.reply_to else [],
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(_html_document(email.body_html), "text/html")
    for attachment in email.attachments.all():
        content = attachment_path(attachment).read_bytes()
        message.attach(attachment.file_name, content, attachment.content_type)
    return message


def _html_document(body: str) -> str:
    head = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n'
    return f"{head}{body}\n</body></html>\n"


def _send(
    message: EmailMultiAlternatives, email: OutboundEmail, server: SmtpServer | None
) -> dict[str, tuple[int, bytes]]:
    if server is None:
        try:
            django_mail.mailers.default.send_messages([message])
        except Exception as exc:
            raise SendError(f"Mailer error: {type(exc).__name__}", permanent=False) from exc
        return {}
    envelope_from = parseaddr(email.from_header)[1]
    return smtp_send(server, message.message(), envelope_from, message.recipients())


def tls_context(ca_cert: str) -> ssl.SSLContext:
    """Verify the certificate and host name; `ca_cert` (PEM) adds a private CA."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_cert.strip():
        context.load_verify_locations(cadata=ca_cert)
    return context


def smtp_send(
    server: SmtpServer, message: StdlibMessage, envelope_from: str, recipients: list[str]
) -> dict[str, tuple[int, bytes]]:
    """Send over SMTP; returns the recipients the server refused while accepting others.
    Raises SendError (permanent on 5xx)."""
    try:
        context = tls_context(server.ca_cert)
        if server.security == Security.TLS:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            if server.security != Security.STARTTLS and not _is_loopback(server.host):
                raise SendError(
                    "Refusing to send without TLS to a host that is not loopback.",
                    permanent=True,
                )
            smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
        with smtp:
            if server.security == Security.STARTTLS:
                smtp.ehlo()
                smtp.starttls(context=context)  # raises unless offered: never downgrade
                smtp.ehlo()
            if server.username:
                smtp.login(server.username, server.password)
            return smtp.send_message(message, envelope_from, recipients)
    except SendError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        replies = exc.recipients.values()
        permanent = all(code >= 500 for code, _ in replies)
        text = "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in sorted(exc.recipients.items())
        )
        raise SendError(text, permanent=permanent) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendError(
            f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500
        ) from exc
    except ssl.SSLCertVerificationError as exc:
        raise SendError(
            f"TLS certificate not accepted: {exc.verify_message or exc.reason}", permanent=False
        ) from exc
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise SendError(f"Connection failed: {type(exc).__name__}: {exc}", permanent=False) from exc


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _text(value: bytes | str) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(value.split())


def _scrub(text: str, server: SmtpServer | None) -> str:
    """No secret in an error text, and it fits the column."""
    if server is not None and server.password:
        text = text.replace(server.password, "***")
    return text[:MAX_ERROR_LENGTH]
