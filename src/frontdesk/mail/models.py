"""The email channel: mailboxes we receive at and send from.

Passwords are stored as given (the server needs them to log in) and never leave: no API
response, page, log line or error message shows them (`docs/email.md`).
"""

from typing import ClassVar

from django.db import models


class Security(models.TextChoices):
    TLS = "tls", "TLS (implicit)"
    STARTTLS = "starttls", "STARTTLS"
    NONE = "none", "None (loopback testing only)"


class AfterFetch(models.TextChoices):
    MARK_SEEN = "mark_seen", "Mark as seen"
    MOVE = "move", "Move to a folder"


class Mailbox(models.Model):
    """An address the desk receives mail at (IMAP polling, the ingest command, or HTTP) and
    sends from (SMTP). TLS certificates are verified by default; `*_ca_cert` adds a CA (PEM)
    for a server with a private certificate."""

    address = models.EmailField(unique=True)
    display_name = models.CharField(max_length=100, blank=True, default="")
    is_active = models.BooleanField(default=True)
    default_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    imap_host = models.CharField(max_length=255, blank=True, default="")
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(max_length=10, choices=Security.choices, default=Security.TLS)
    imap_username = models.CharField(max_length=255, blank=True, default="")
    imap_password = models.CharField(max_length=255, blank=True, default="")
    imap_ca_cert = models.TextField(blank=True, default="")
    imap_folder = models.CharField(max_length=255, default="INBOX")
    poll_interval_seconds = models.PositiveIntegerField(default=60)
    after_fetch = models.CharField(
        max_length=10, choices=AfterFetch.choices, default=AfterFetch.MARK_SEEN
    )
    move_to_folder = models.CharField(max_length=255, blank=True, default="")
    # CC'd addresses of a new ticket's mail become its followers (contacts, no portal login).
    cc_as_followers = models.BooleanField(default=False)

    smtp_host = models.CharField(max_length=255, blank=True, default="")
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(
        max_length=10, choices=Security.choices, default=Security.STARTTLS
    )
    smtp_username = models.CharField(max_length=255, blank=True, default="")
    smtp_password = models.CharField(max_length=255, blank=True, default="")
    smtp_ca_cert = models.TextField(blank=True, default="")

    # IMAP position and health, kept by the poller.
    uid_validity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["address"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address

    @property
    def from_header(self) -> str:
        return f"{self.display_name} <{self.address}>" if self.display_name else self.address


class Source(models.TextChoices):
    IMAP = "imap", "IMAP polling"
    CLI = "cli", "ingest-email command"
    HTTP = "http", "Raw MIME over HTTP"
    WEBHOOK = "webhook", "Provider webhook"


class State(models.TextChoices):
    RECEIVED = "received", "Received, not yet processed"
    PROCESSED = "processed", "Processed"
    QUARANTINED = "quarantined", "Quarantined"
    IGNORED = "ignored", "Ignored"


class Signal(models.TextChoices):
    """Which threading signal put the message on its ticket (docs/email.md)."""

    NONE = "", "None (a new ticket)"
    REPLY_TOKEN = "reply_token", "Reply token in a recipient address"
    IN_REPLY_TO = "in_reply_to", "In-Reply-To"
    REFERENCES = "references", "References"
    SUBJECT_TAG = "subject_tag", "Ticket number in the subject"


class InboundMessageQuerySet(models.QuerySet["InboundMessage"]):
    def quarantined(self) -> "InboundMessageQuerySet":
        return self.filter(state=State.QUARANTINED)


class InboundMessage(models.Model):
    """One received email, stored before anything else happens (RPO 0).

    The raw bytes live in a content-addressed file under `MAIL_RAW_DIR` named by their
    sha256 (written, fsynced and renamed into place before this row is inserted), so the
    same bytes from any path are one row. The pipeline then records what became of the
    message: the ticket and conversation message it made, or why it was quarantined or
    ignored, and which threading signal matched. `applied_key` (the Message-ID's hash,
    set when a message is applied) is unique, so one Message-ID arriving by two paths or
    at two of our addresses gives one conversation message.
    """

    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    source_ref = models.CharField(max_length=255, blank=True, default="")
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    message_id = models.CharField(max_length=998, blank=True, default="")
    message_id_hash = models.CharField(max_length=64, db_index=True)
    from_address = models.CharField(max_length=320, blank=True, default="")
    subject = models.CharField(max_length=500, blank=True, default="")
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    reason = models.CharField(max_length=40, blank=True, default="")
    detail = models.TextField(blank=True, default="")
    classification = models.CharField(max_length=20, blank=True, default="")
    signal = models.CharField(max_length=20, choices=Signal.choices, blank=True, default="")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Not `message`: `message_id` is the Message-ID header.
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    needs_review = models.BooleanField(default=False)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["state", "-received_at"], name="inbound_by_state"),
            # New tickets per sender and hour (the acknowledgment's flood check).
            models.Index(fields=["from_address", "received_at"], name="inbound_by_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id or self.sha256[:12]} ({self.state})"

    @property
    def is_automatic(self) -> bool:
        """Sent by a machine (auto-reply, bounce, bulk, our own loop): never answered."""
        return self.classification in AUTOMATIC_KINDS


AUTOMATIC_KINDS = frozenset({"auto_reply", "bounce", "bulk", "loop"})
