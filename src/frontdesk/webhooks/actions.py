"""Writers for webhooks: saving and deleting subscriptions (administrators), and queueing
deliveries for ticket events, trigger actions and tests.

Deliveries are rows written inside the transaction of the event that caused them (so an
event that rolls back sends nothing and a committed one is never lost); their tasks are
enqueued after commit (`sending.py` does the HTTP).
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.tickets.models import Ticket
from frontdesk.webhooks import guard, payloads
from frontdesk.webhooks.access import require_webhook_admin
from frontdesk.webhooks.choices import SUBSCRIBABLE, DeliveryState, EventType
from frontdesk.webhooks.errors import WebhookErrorCode
from frontdesk.webhooks.models import Webhook, WebhookDelivery
from frontdesk.webhooks.signing import new_secret
from frontdesk.webhooks.subscriptions import forget_webhooks_after_commit

log = logging.getLogger(__name__)

MAX_NAME = 100


# --- administration -----------------------------------------------------------------------


def check_url(url: str) -> str:
    """A URL's form and, unless its host is allowed, that it is not an internal address
    now (checked again at every delivery). Invalid with the reason otherwise."""
    url = (url or "").strip()
    try:
        guard.resolve_target(
            url, allowed_hosts=settings.FRONTDESK_WEBHOOK_ALLOWED_HOSTS, resolve=resolver()
        )
    except guard.Refused as exc:
        raise Invalid(WebhookErrorCode.URL_REFUSED, exc.reason, {"field": "url"}) from exc
    return url


def resolver() -> guard.Resolver:
    """The name lookup deliveries use (tests replace `RESOLVER`)."""
    return RESOLVER


RESOLVER: guard.Resolver = guard.system_resolver


def check_events(event_types: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    unknown = [e for e in chosen if e not in SUBSCRIBABLE]
    if unknown:
        raise Invalid(
            WebhookErrorCode.INVALID_EVENTS,
            f"Unknown event type {unknown[0]!r}; use {', '.join(SUBSCRIBABLE)}.",
            {"field": "event_types"},
        )
    return [e for e in SUBSCRIBABLE if e in chosen]


def save_webhook(
    *,
    actor: User,
    webhook_id: int | None = None,
    name: str,
    url: str,
    event_types: Sequence[str],
    is_active: bool = True,
    rotate_secret: bool = False,
    now: datetime | None = None,
) -> Webhook:
    """Create a webhook (with a new signing secret) or replace one. Turning an inactive
    webhook back on clears its failure count."""
    require_webhook_admin(actor)
    now = now or clock.now()
    name = (name or "").strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise Invalid(
            WebhookErrorCode.INVALID_NAME,
            f"A webhook needs a name of 1-{MAX_NAME} characters.",
            {"field": "name"},
        )
    url = check_url(url)
    types = check_events(event_types)
    with transaction.atomic():
        if webhook_id is None:
            webhook = Webhook(secret=new_secret(), created_by=actor, created_at=now)
        else:
            webhook = _locked(webhook_id)
            if rotate_secret:
                webhook.secret = new_secret()
        if is_active and not webhook.is_active:
            webhook.consecutive_failures = 0
            webhook.disabled_at = None
            webhook.disabled_reason = ""
        webhook.name, webhook.url, webhook.event_types = name, url, types
        webhook.is_active = is_active
        webhook.updated_at = now
        webhook.save()
        forget_webhooks_after_commit()
    return webhook


def delete_webhook(*, actor: User, webhook_id: int) -> None:
    """Delete a webhook with its delivery log."""
    require_webhook_admin(actor)
    with transaction.atomic():
        _locked(webhook_id).delete()
        forget_webhooks_after_commit()


def _locked(webhook_id: int) -> Webhook:
    webhook = Webhook.objects.select_for_update().filter(pk=webhook_id).first()
    if webhook is None:
        raise NotFound("No such webhook.")
    return webhook


def send_test(*, actor: User, webhook_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Queue a `ping` delivery to the webhook (even an inactive one: the test is how an
    administrator checks the endpoint before turning it back on)."""
    require_webhook_admin(actor)
    now = now or clock.now()
    with transaction.atomic():
        webhook = _locked(webhook_id)
        data = {"webhook": {"id": webhook.pk, "name": webhook.name}, "actor": None}
        data["actor"] = payloads.actor_data(actor)
        (delivery,) = _queue([webhook.pk], EventType.PING, data, ticket=None, now=now)
    return delivery


# --- deliveries ---------------------------------------------------------------------------


def queue_ticket_event(
    ticket: Ticket,
    event_type: str,
    *,
    now: datetime,
    webhook_ids: Sequence[int] | None = None,
    extra: Mapping[str, Any] | None = None,
    actor: User | None = None,
) -> list[WebhookDelivery]:
    """Queue one delivery of `event_type` about `ticket` to each subscribed webhook (or to
    `webhook_ids`), in the caller's transaction."""
    from frontdesk.webhooks.subscriptions import subscribers

    ids = list(webhook_ids) if webhook_ids is not None else list(subscribers(event_type))
    if not ids:
        return []
    data = {"ticket": payloads.ticket_data(ticket), "actor": payloads.actor_data(actor)}
    data.update(extra or {})
    return _queue(ids, event_type, data, ticket=ticket, now=now)


def _queue(
    webhook_ids: Sequence[int],
    event_type: str,
    data: Mapping[str, Any],
    *,
    ticket: Ticket | None,
    now: datetime,
) -> list[WebhookDelivery]:
    # The webhooks may have been deleted or disabled since the cache was read.
    live = list(
        Webhook.objects.filter(pk__in=webhook_ids).values_list("pk", flat=True).order_by("pk")
    )
    event = payloads.envelope(event_type, data, now=now)  # one event id for every webhook
    deliveries = []
    for webhook_id in live:
        payload = {**event, "webhook_id": webhook_id}
        deliveries.append(
            WebhookDelivery(
                webhook_id=webhook_id,
                event_type=event_type,
                ticket=ticket,
                payload=payload,
                state=DeliveryState.PENDING,
                next_attempt_at=now,
                created_at=now,
            )
        )
    created = WebhookDelivery.objects.bulk_create(deliveries)
    if created:
        transaction.on_commit(partial(_enqueue, [d.pk for d in created]), robust=True)
    return created


def _enqueue(delivery_ids: list[int]) -> None:
    from frontdesk.webhooks.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        try:
            deliver_webhook.enqueue(delivery_id)
        except Exception:  # the periodic pass sends it instead
            log.exception("could not enqueue webhook delivery %s", delivery_id)
