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
