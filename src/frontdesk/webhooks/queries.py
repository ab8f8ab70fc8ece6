"""The read side of webhooks (administrators only): subscriptions and delivery logs."""

from django.db.models import QuerySet

from frontdesk.accounts.models import User
from frontdesk.core.errors import NotFound
from frontdesk.webhooks.access import require_webhook_admin
from frontdesk.webhooks.models import Webhook, WebhookDelivery

LOG_SIZE = 50


def webhooks(user: User) -> QuerySet[Webhook]:
    require_webhook_admin(user)
    return Webhook.objects.order_by("name", "pk")


def webhook(user: User, webhook_id: int) -> Webhook:
    found = webhooks(user).filter(pk=webhook_id).first()
    if found is None:
        raise NotFound("No such webhook.")
    return found


def deliveries(user: User, webhook_id: int) -> QuerySet[WebhookDelivery]:
    """The webhook's delivery log, newest first, with each delivery's attempts."""
    hook = webhook(user, webhook_id)
    return (
        WebhookDelivery.objects.filter(webhook=hook)
        .select_related("ticket")
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-pk")
    )
