"""Outbound email: the outbox table, notification preferences and editable templates.

Only `outbox.actions` writes these rows. An `OutboundEmail` is composed completely when it
is queued (recipients, subject, bodies, every header), so sending is a pure hand-over to
SMTP that can be retried without looking at the ticket again (docs/email.md, "Outbound").
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.outbox.choices import AutoSubmitted, OutboundKind, OutboundState

MAX_ERROR_LENGTH = 500


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def due(self, now: object) -> "OutboundEmailQuerySet":
        return self.filter(state=OutboundState.QUEUED, next_attempt_at__lte=now)


class OutboundEmail(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_emails",
    )
    # Not `message`: `message_id` is the Message-ID header below (the inbound side matches it).
    ticket_message = models.ForeignKey(
        "tickets.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_emails",
        help_text="The reply this mail carries.",
    )
    mailbox = models.ForeignKey(
        "mail.Mailbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Sent through this mailbox's SMTP server; empty: the default transport.",
    )
    recipient = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member a notification is for.",
    )
    kind = models.CharField(max_length=20, choices=OutboundKind.choices)
    from_header = models.CharField(max_length=400)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    attachments = models.ManyToManyField("tickets.Attachment", blank=True, related_name="+")
    # Headers, generated when queued.
    message_id = models.CharField(max_length=998, db_index=True)
    in_reply_to = models.CharField(max_length=998, blank=True, default="")
    references = models.TextField(blank=True, default="")
    reply_to = models.CharField(max_length=400, blank=True, default="")
    auto_submitted = models.CharField(
        max_length=20, choices=AutoSubmitted.choices, blank=True, default=AutoSubmitted.NO
    )
    # Delivery.
    state = models.CharField(
        max_length=10, choices=OutboundState.choices, default=OutboundState.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=MAX_ERROR_LENGTH, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    # Acknowledgments are counted per address for the rate limit.
    rate_key = models.CharField(max_length=254, blank=True, default="")
    # A notification email is queued once per recipient and key (`notify`'s dedupe key).
    dedupe_key = models.CharField(max_length=250, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(state__in=OutboundState.values), name="outbound_state_valid"
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="outbound_dedupe"
            ),
        ]
        indexes: ClassVar = [
            # The sender's scan: only queued mail is in this index.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state=OutboundState.QUEUED),
                name="outbound_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=Q(state=OutboundState.SENDING),
                name="outbound_sending",
            ),
            models.Index(fields=["created_at", "id"], name="outbound_created"),
            models.Index(
                fields=["rate_key", "created_at"],
                condition=~Q(rate_key=""),
                name="outbound_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} ({self.state})"


class NotificationPreference(models.Model):
    """How one user wants to hear about one kind of notification. No row: the defaults
    (`outbox.preferences.DEFAULTS`)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class EmailTemplate(models.Model):
    """An administrator's wording of an automatic mail (`key`: a notification kind or
    `acknowledgment`). Placeholders are `{{name}}` from a fixed list (`outbox.render`);
    no template engine ever runs on this text. No row: the built-in wording."""

    key = models.CharField(max_length=32, unique=True)
    subject = models.CharField(max_length=500)
    body = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.key
