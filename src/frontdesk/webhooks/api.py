"""REST endpoints for outbound webhooks (administrators; changes need the admin scope)."""

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.webhooks import actions, queries
from frontdesk.webhooks.schemas import DeliveryOut, WebhookIn, WebhookOut

router = Router(tags=["webhooks"])


class LogFilter(Schema):
    limit: int = NinjaField(50, ge=1, le=200)


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS})
def list_webhooks(request: HttpRequest) -> list[WebhookOut]:
    return [WebhookOut.of(w) for w in queries.webhooks(actor(request))]


@router.post("/webhooks", response={201: WebhookOut, **ERRORS})
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[WebhookOut]:
    """Subscribe a URL to event types. The answer carries the signing secret, once."""
    data = payload.model_dump(exclude={"rotate_secret"})
    webhook = actions.save_webhook(actor=admin_actor(request), **data)
    return Status(201, WebhookOut.of(webhook, with_secret=True))


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def get_webhook(request: HttpRequest, webhook_id: int) -> WebhookOut:
    return WebhookOut.of(queries.webhook(actor(request), webhook_id))


@router.put("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def put_webhook(request: HttpRequest, webhook_id: int, payload: WebhookIn) -> WebhookOut:
    """Replace a webhook; `is_active: true` turns a disabled one back on (clearing its
    failure count); `rotate_secret: true` issues a new secret, returned once."""
    user = admin_actor(request)
    queries.webhook(user, webhook_id)
    webhook = actions.save_webhook(actor=user, webhook_id=webhook_id, **payload.model_dump())
    return WebhookOut.of(webhook, with_secret=payload.rotate_secret)


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS})
def delete_webhook(request: HttpRequest, webhook_id: int) -> Status[None]:
    """Delete a webhook and its delivery log."""
    actions.delete_webhook(actor=admin_actor(request), webhook_id=webhook_id)
    return Status(204, None)


@router.get("/webhooks/{webhook_id}/deliveries", response={200: list[DeliveryOut], **ERRORS})
def list_deliveries(
    request: HttpRequest, webhook_id: int, filters: Query[LogFilter]
) -> list[DeliveryOut]:
    """The delivery log, newest first: each delivery's state and attempts with their
    response codes and durations."""
    rows = queries.deliveries(actor(request), webhook_id)[: filters.limit]
    return [DeliveryOut.of(d) for d in rows]


@router.post("/webhooks/{webhook_id}/test", response={202: DeliveryOut, **ERRORS})
def test_webhook(request: HttpRequest, webhook_id: int) -> Status[DeliveryOut]:
    """Queue a `ping` delivery now (also to a disabled webhook); watch the log for the
    answer."""
    delivery = actions.send_test(actor=admin_actor(request), webhook_id=webhook_id)
    return Status(202, DeliveryOut.of(delivery))
