"""In-app notifications: one row per recipient and thing worth telling them.

Only `notifications.actions` writes these rows. `text` is short plain text, rendered
escaped like any other string; it never carries HTML.
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.notifications.choices import NotificationKind

MAX_TEXT_LENGTH = 300


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    # No index of its own: both composite indexes below start with the recipient.
    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=MAX_TEXT_LENGTH)
    # Set by producers that must tell someone once only (the SLA sweep runs every minute).
    dedupe_key = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe",
            ),
        ]
        indexes: ClassVar = [
            # The unread count and the unread list, newest first.
            models.Index(
                fields=["recipient", "read_at", "created_at", "id"], name="notification_inbox"
            ),
            # Everything of one recipient, newest first.
            models.Index(fields=["recipient", "created_at", "id"], name="notification_all"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
