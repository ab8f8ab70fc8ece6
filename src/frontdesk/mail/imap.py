"""IMAP polling (imapclient): fetch new mail by UID, store it, process it, then mark it seen
or move it. TLS certificates are verified (a mailbox's `imap_ca_cert` adds a private CA);
plain connections are allowed to loopback hosts only.

Position: UIDVALIDITY and the last UID fetched. A new UIDVALIDITY starts over from UID 1;
the store's sha256 and the Message-ID key absorb what was fetched before. A message that
fails is logged and skipped (its UID is passed), never blocking the ones after it. A
failing mailbox backs off exponentially (`consecutive_failures`, `next_poll_at`). Errors
are recorded without any secret: only the exception's kind and a fixed description.
"""

import ipaddress
import logging
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from imapclient import IMAPClient  # type: ignore[import-untyped]
from imapclient.exceptions import IMAPClientError, LoginError  # type: ignore[import-untyped]

from frontdesk.core import clock
from frontdesk.mail.actions import ingest, ingest_run, receive
from frontdesk.mail.models import AfterFetch, Mailbox, Security, Source, State

log = logging.getLogger(__name__)

BATCH = 200
TIMEOUT_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600


@dataclass
class PollResult:
    fetched: int = 0
    failed: int = 0
    error: str = ""


def tls_context(ca_pem: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_pem.strip():
        context.load_verify_locations(cadata=ca_pem)
    return context


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def connect(mailbox: Mailbox) -> IMAPClient:
    if mailbox.imap_security == Security.NONE and not is_loopback(mailbox.imap_host):
        raise PermissionError("plain IMAP is allowed to loopback hosts only")
    context = tls_context(mailbox.imap_ca_cert)
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=mailbox.imap_security == Security.TLS,
        ssl_context=context,
        timeout=TIMEOUT_SECONDS,
    )
    if mailbox.imap_security == Security.STARTTLS:
        client.starttls(context)
    return client


def describe(exc: BaseException) -> str:
    """A secret-free description of a polling failure."""
    if isinstance(exc, LoginError):
        return "login failed: check the username and password"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "the server's TLS certificate could not be verified"
    if isinstance(exc, ssl.SSLError):
        return "TLS error"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, (ConnectionError, socket.gaierror, OSError)) and not isinstance(
        exc, PermissionError
    ):
        return f"could not connect ({type(exc).__name__})"
    if isinstance(exc, PermissionError):
        return str(exc)
    if isinstance(exc, IMAPClientError):
        return f"IMAP error ({type(exc).__name__})"
    return f"unexpected error ({type(exc).__name__})"


def poll_mailbox(mailbox_id: int, *, now: datetime | None = None) -> PollResult:
    now = now or clock.now()
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    result = PollResult()
    try:
        with connect(mailbox) as client:
            client.login(mailbox.imap_username, mailbox.imap_password)
            with ingest_run():
                _fetch_new(client, mailbox, result)
            client.logout()
    except Exception as exc:
        result.error = describe(exc)
        failures = mailbox.consecutive_failures + 1
        delay = min(mailbox.poll_interval_seconds * 2**failures, MAX_BACKOFF_SECONDS)
        Mailbox.objects.filter(pk=mailbox.pk).update(
            consecutive_failures=failures,
            last_error=result.error,
            last_polled_at=now,
            next_poll_at=now + timedelta(seconds=delay),
        )
        log.warning("polling %s failed: %s", mailbox.address, result.error)
        return result
    Mailbox.objects.filter(pk=mailbox.pk).update(
        consecutive_failures=0,
        last_error="",
        last_polled_at=now,
        next_poll_at=now + timedelta(seconds=mailbox.poll_interval_seconds),
    )
    return result


def _fetch_new(client: IMAPClient, mailbox: Mailbox, result: PollResult) -> None:
    folder = client.select_folder(mailbox.imap_folder)
    validity = int(folder[b"UIDVALIDITY"])
    last_uid = mailbox.last_uid if mailbox.uid_validity == validity else 0
    if mailbox.uid_validity != validity:
        Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=validity, last_uid=0)
    uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)[:BATCH]
    if not uids:
        return
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    done = []
    for uid in uids:
        try:
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            ref = f"{validity}:{uid}"
            if size > settings.FRONTDESK_MAIL_MAX_BYTES:
                _record_oversized(client, mailbox, uid, size, ref)
            else:
                data = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
                ingest(raw=bytes(data), source=Source.IMAP, mailbox=mailbox, source_ref=ref)
                done.append(uid)
            result.fetched += 1
        except Exception:
            log.exception("fetching UID %s of %s failed; skipped", uid, mailbox.address)
            result.failed += 1
        Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=uid)
    if done:  # only after the rows are committed
        if mailbox.after_fetch == AfterFetch.MOVE and mailbox.move_to_folder:
            client.move(done, mailbox.move_to_folder)
        else:
            client.add_flags(done, [b"\\Seen"])


def _record_oversized(client: IMAPClient, mailbox: Mailbox, uid: int, size: int, ref: str) -> None:
    """Keep the headers and quarantine: the message stays on the server, unread."""
    header = client.fetch([uid], ["BODY.PEEK[HEADER]"])[uid][b"BODY[HEADER]"]
    row, _ = receive(raw=bytes(header), source=Source.IMAP, mailbox=mailbox, source_ref=ref)
    from frontdesk.mail.models import InboundMessage

    InboundMessage.objects.filter(pk=row.pk).update(
        state=State.QUARANTINED,
        reason="too_large",
        detail=f"{size} bytes on the server, over the limit; only the headers were fetched",
        size=size,
    )


def due_mailboxes(now: datetime) -> list[int]:
    from django.db.models import Q

    return list(
        Mailbox.objects.filter(is_active=True)
        .exclude(imap_host="")
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .values_list("pk", flat=True)
    )
