from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.webhooks.choices import SUBSCRIBABLE
from frontdesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

EventName = Literal[
    "ticket.created",
    "ticket.updated",
    "ticket.replied",
    "ticket.note_added",
    "ticket.sla_warning",
    "ticket.sla_breach",
]
assert set(EventName.__args__) == {str(e) for e in SUBSCRIBABLE}  # type: ignore[attr-defined]


class WebhookIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(
        max_length=2000,
        description="http(s). Loopback, private, link-local and metadata addresses are "
        "refused unless the host is in FRONTDESK_WEBHOOK_ALLOWED_HOSTS.",
    )
    event_types: list[EventName] = Field(default_factory=list, max_length=10)
    is_active: bool = True
    rotate_secret: bool = Field(default=False, description="On a PUT: issue a new signing secret.")


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str
    secret: str | None = Field(
        None, description="The signing secret: only in the answer that created or rotated it."
    )
    secret_hint: str = Field(description="The secret's last four characters.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(webhook: Webhook, *, with_secret: bool = False) -> "WebhookOut":
        return WebhookOut(
            id=webhook.pk,
            name=webhook.name,
            url=webhook.url,
            event_types=list(webhook.event_types),
            is_active=webhook.is_active,
            consecutive_failures=webhook.consecutive_failures,
            disabled_at=webhook.disabled_at,
            disabled_reason=webhook.disabled_reason,
            secret=webhook.secret if with_secret else None,
            secret_hint=webhook.secret[-4:],
            created_at=webhook.created_at,
            updated_at=webhook.updated_at,
        )


class AttemptOut(Schema):
    number: int
    status_code: int | None
    error: str
    duration_ms: int
    succeeded: bool
    created_at: datetime

    @staticmethod
    def of(attempt: WebhookAttempt) -> "AttemptOut":
        return AttemptOut(
            number=attempt.number,
            status_code=attempt.status_code,
            error=attempt.error,
            duration_ms=attempt.duration_ms,
            succeeded=attempt.succeeded,
            created_at=attempt.created_at,
        )


class DeliveryOut(Schema):
    id: int
    delivery_id: str = Field(description="As sent in X-Frontdesk-Delivery.")
    event_type: str
    ticket: int | None = Field(description="The ticket's number.")
    state: Literal["pending", "sending", "succeeded", "failed"]
    attempts: list[AttemptOut]
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    last_duration_ms: int | None
    payload: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def of(delivery: WebhookDelivery) -> "DeliveryOut":
        return DeliveryOut(
            id=delivery.pk,
            delivery_id=str(delivery.uid),
            event_type=delivery.event_type,
            ticket=delivery.ticket.number if delivery.ticket else None,
            state=delivery.state,  # type: ignore[arg-type]
            attempts=[
                AttemptOut.of(a) for a in sorted(delivery.attempt_log.all(), key=lambda a: a.number)
            ],
            next_attempt_at=delivery.next_attempt_at,
            last_status=delivery.last_status,
            last_error=delivery.last_error,
            last_duration_ms=delivery.last_duration_ms,
            payload=delivery.payload,
            created_at=delivery.created_at,
            finished_at=delivery.finished_at,
        )
