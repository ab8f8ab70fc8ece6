"""API shapes of the email channel. Passwords are write-only: inputs take them, outputs
only say whether one is set. Inputs forbid unknown fields."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.mail.models import AfterFetch, InboundMessage, Mailbox, Security

Text = Annotated[str, Field(max_length=255)]
Port = Annotated[int, Field(ge=1, le=65535)]
Pem = Annotated[str, Field(max_length=100_000, description="A CA certificate (PEM) to trust.")]
Password = Annotated[
    str | None,
    Field(
        max_length=255,
        description='Write-only. Left out or null keeps the stored one; "" removes it.',
    ),
]


class MailboxIn(InputSchema):
    """The whole mailbox (PUT replaces every setting; passwords left out are kept)."""

    address: Annotated[str, Field(min_length=3, max_length=254)]
    display_name: Annotated[str, Field(max_length=100)] = ""
    is_active: bool = True
    default_team_id: int | None = None
    imap_host: Text = ""
    imap_port: Port = 993
    imap_security: Security = Security.TLS
    imap_username: Text = ""
    imap_password: Password = None
    imap_ca_cert: Pem = ""
    imap_folder: Annotated[str, Field(min_length=1, max_length=255)] = "INBOX"
    poll_interval_seconds: Annotated[int, Field(ge=10, le=86_400)] = 60
    after_fetch: AfterFetch = AfterFetch.MARK_SEEN
    move_to_folder: Text = ""
    cc_as_followers: bool = False
    smtp_host: Text = ""
    smtp_port: Port = 587
    smtp_security: Security = Security.STARTTLS
    smtp_username: Text = ""
    smtp_password: Password = None
    smtp_ca_cert: Pem = ""


class MailboxOut(Schema):
    id: int
    address: str
    display_name: str
    is_active: bool
    default_team_id: int | None
    imap_host: str
    imap_port: int
    imap_security: str
    imap_username: str
    imap_password_set: bool
    imap_ca_cert: str
    imap_folder: str
    poll_interval_seconds: int
    after_fetch: str
    move_to_folder: str
    cc_as_followers: bool
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_username: str
    smtp_password_set: bool
    smtp_ca_cert: str
    uid_validity: int | None
    last_uid: int
    last_polled_at: datetime | None
    next_poll_at: datetime | None
    consecutive_failures: int
    last_error: str = Field(description="The poller's last failure, without any secret.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(mailbox: Mailbox) -> "MailboxOut":
        return MailboxOut(
            id=mailbox.pk,
            address=mailbox.address,
            display_name=mailbox.display_name,
            is_active=mailbox.is_active,
            default_team_id=mailbox.default_team_id,
            imap_host=mailbox.imap_host,
            imap_port=mailbox.imap_port,
            imap_security=mailbox.imap_security,
            imap_username=mailbox.imap_username,
            imap_password_set=bool(mailbox.imap_password),
            imap_ca_cert=mailbox.imap_ca_cert,
            imap_folder=mailbox.imap_folder,
            poll_interval_seconds=mailbox.poll_interval_seconds,
            after_fetch=mailbox.after_fetch,
            move_to_folder=mailbox.move_to_folder,
            cc_as_followers=mailbox.cc_as_followers,
            smtp_host=mailbox.smtp_host,
            smtp_port=mailbox.smtp_port,
            smtp_security=mailbox.smtp_security,
            smtp_username=mailbox.smtp_username,
            smtp_password_set=bool(mailbox.smtp_password),
            smtp_ca_cert=mailbox.smtp_ca_cert,
            uid_validity=mailbox.uid_validity,
            last_uid=mailbox.last_uid,
            last_polled_at=mailbox.last_polled_at,
            next_poll_at=mailbox.next_poll_at,
            consecutive_failures=mailbox.consecutive_failures,
            last_error=mailbox.last_error,
            created_at=mailbox.created_at,
            updated_at=mailbox.updated_at,
        )


class InboundOut(Schema):
    """What became of one received message."""

    id: int
    source: str = Field(description="imap, cli, http or webhook")
    source_ref: str
    mailbox: str | None = Field(description="The mailbox's address, if known.")
    state: str = Field(description="received, processed, quarantined or ignored")
    reason: str = Field(description="Why it was quarantined or ignored (a stable code).")
    detail: str
    classification: str = Field(description="normal, list, auto_reply, bounce, bulk or loop")
    signal: str = Field(
        description="The threading signal that matched: reply_token, in_reply_to, "
        'references, subject_tag, or "" (a new ticket).'
    )
    message_id: str
    from_address: str
    subject: str
    size: int
    sha256: str
    attempts: int
    needs_review: bool
    ticket_number: int | None
    received_at: datetime
    processed_at: datetime | None

    @staticmethod
    def of(row: InboundMessage) -> "InboundOut":
        return InboundOut(
            id=row.pk,
            source=row.source,
            source_ref=row.source_ref,
            mailbox=row.mailbox.address if row.mailbox else None,
            state=row.state,
            reason=row.reason,
            detail=row.detail,
            classification=row.classification,
            signal=row.signal,
            message_id=row.message_id,
            from_address=row.from_address,
            subject=row.subject,
            size=row.size,
            sha256=row.sha256,
            attempts=row.attempts,
            needs_review=row.needs_review,
            ticket_number=row.ticket.number if row.ticket else None,
            received_at=row.received_at,
            processed_at=row.processed_at,
        )


class InboundPage(Schema):
    items: list[InboundOut]
    next_cursor: str | None
