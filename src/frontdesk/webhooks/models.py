"""Outbound webhooks: subscriptions, the deliveries queued for them, and each attempt.

Only `webhooks.actions` and `webhooks.sending` write these rows. A delivery is composed
completely when it is queued (event type, payload), in the transaction of the ticket event
that caused it, so sending is a pure hand-over that can be retried without looking at the
ticket again (docs/automation.md, "Webhooks").
"""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.webhooks.choices import DeliveryState

MAX_ERROR_LENGTH = 500
MAX_LOGGED_BODY = 1000


class Webhook(models.Model):
    name = models.CharField(max_length=100)
    url = models.CharField(max_length=2000)
    secret = models.CharField(max_length=100, help_text="Signs every delivery (HMAC-SHA256).")
    event_types = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=MAX_ERROR_LENGTH, blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def due(self, now: object) -> "WebhookDeliveryQuerySet":
        return self.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event for one webhook; retried until it succeeds or runs out of attempts."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, help_text="X-Frontdesk-Delivery")
    event_type = models.CharField(max_length=40)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField()
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=MAX_ERROR_LENGTH, blank=True, default="")
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="webhook_delivery_state_valid"
            ),
        ]
        indexes: ClassVar = [
            # The sender's scan: only pending deliveries are in this index.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state=DeliveryState.PENDING),
                name="webhook_delivery_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=Q(state=DeliveryState.SENDING),
                name="webhook_delivery_sending",
            ),
            # The delivery log of one webhook, newest first.
            models.Index(fields=["webhook", "-created_at", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.webhook_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: the answer's status code (or the error) and how long
    it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=MAX_ERROR_LENGTH, blank=True, default="")
    response_body = models.CharField(max_length=MAX_LOGGED_BODY, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"
