"""Delivering webhooks: claim due deliveries, POST them, record what happened.

- Claiming marks a batch `sending` in a short transaction; on PostgreSQL the batch is read
  `FOR UPDATE SKIP LOCKED`, so several workers take different deliveries. A worker that
  dies mid-send leaves its deliveries `sending`; after `SENDING_LEASE` they are pending
  again (a receiver may, rarely, see one twice: it dedupes on `X-Frontdesk-Delivery`).
- Every attempt re-checks the URL with the SSRF guard, resolving the host once and
  connecting to the address it judged (`guard.py`, `client.py`).
- Outcomes: a 2xx is delivered. A 5xx, 408, 429, a timeout or a connection failure is
  retried after FRONTDESK_WEBHOOK_RETRY_SECONDS * 2^(attempt-1) (at most an hour), up to
  FRONTDESK_WEBHOOK_MAX_ATTEMPTS attempts. Any other answer (a 3xx: redirects are not
  followed; a 4xx) and a refused URL fail the delivery at once.
- No retry storm: attempts and backoff are bounded, and within one pass a webhook that
  just failed gets no further attempts (its other due deliveries wait for the next pass).
- Each failed attempt counts against the webhook; FRONTDESK_WEBHOOK_DISABLE_AFTER
  consecutive failures turn it off (its pending deliveries fail, administrators are told
  in the app). A success resets the count.
"""

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.webhooks import client, guard
from frontdesk.webhooks.choices import DeliveryState
from frontdesk.webhooks.models import (
    MAX_ERROR_LENGTH,
    MAX_LOGGED_BODY,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from frontdesk.webhooks.signing import signature_header

log = logging.getLogger(__name__)

BATCH = 50
SENDING_LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "Frontdesk-Webhooks/1"
RETRIED_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class Result:
    succeeded: bool
    retry: bool
    status: int | None = None
    error: str = ""
    body: str = ""
    duration_ms: int = 0


def send_due(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Attempt every due delivery (at most `limit`); returns how many were attempted."""
    now = now or clock.now()
    _release_stale(now)
    failing: set[int] = set()
    attempted = 0
    for delivery in _claim(WebhookDelivery.objects.due(now), now, limit):
        if delivery.webhook_id in failing:
            _release(delivery)
            continue
        if not attempt(delivery).succeeded:
            failing.add(delivery.webhook_id)
        attempted += 1
    return attempted


def send_one(delivery_id: int, *, now: datetime | None = None) -> bool:
    """Attempt one delivery if it is due (idempotent: a finished one is left alone)."""
    now = now or clock.now()
    claimed = _claim(WebhookDelivery.objects.due(now).filter(pk=delivery_id), now, 1)
    return bool(claimed) and attempt(claimed[0]).succeeded


def _claim(queryset: QuerySet[WebhookDelivery], now: datetime, limit: int) -> list[WebhookDelivery]:
    with transaction.atomic():
        rows = queryset.order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claimed = list(rows.select_related("webhook")[:limit])
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
            state=DeliveryState.SENDING, claimed_at=now
        )
    return claimed


def _release(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.PENDING, claimed_at=None
    )


def _release_stale(now: datetime) -> None:
    WebhookDelivery.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(state=DeliveryState.PENDING, claimed_at=None)


def attempt(delivery: WebhookDelivery) -> Result:
    """One HTTP attempt of a claimed delivery, recorded."""
    webhook = delivery.webhook
    if not webhook.is_active and delivery.event_type != "ping":
        result = Result(succeeded=False, retry=False, error="the webhook is disabled")
        _finish(delivery, result, clock.now(), counts=False)
        return result
    result = _post(webhook, delivery)
    _finish(delivery, result, clock.now(), counts=True)
    return result


def request_headers(webhook: Webhook, delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Frontdesk-Event": delivery.event_type,
        "X-Frontdesk-Delivery": str(delivery.uid),
        "X-Frontdesk-Webhook-Id": str(webhook.pk),
        "X-Frontdesk-Signature": signature_header(webhook.secret, int(time.time()), body),
    }


def encode(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _post(webhook: Webhook, delivery: WebhookDelivery) -> Result:
    from frontdesk.webhooks.actions import resolver

    try:
        target = guard.resolve_target(
            webhook.url, allowed_hosts=settings.FRONTDESK_WEBHOOK_ALLOWED_HOSTS, resolve=resolver()
        )
    except guard.Refused as exc:
        return Result(succeeded=False, retry=False, error=f"refused: {exc.reason}")
    body = encode(delivery.payload)
    try:
        answer = client.post(
            target,
            body,
            request_headers(webhook, delivery, body),
            timeout=settings.FRONTDESK_WEBHOOK_TIMEOUT_SECONDS,
            max_bytes=MAX_RESPONSE_BYTES,
        )
    except client.DeliveryError as exc:
        return Result(succeeded=False, retry=True, error=exc.text, duration_ms=exc.duration_ms)
    text = answer.body[:MAX_LOGGED_BODY].decode("utf-8", "replace")
    status = answer.status
    if 200 <= status < 300:
        return Result(
            succeeded=True, retry=False, status=status, body=text, duration_ms=answer.duration_ms
        )
    retry = status >= 500 or status in RETRIED_STATUSES
    error = f"HTTP {status}"
    if 300 <= status < 400:
        error += " (redirects are not followed)"
    return Result(
        succeeded=False,
        retry=retry,
        status=status,
        error=error,
        body=text,
        duration_ms=answer.duration_ms,
    )


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: doubling, at most MAX_BACKOFF."""
    base = timedelta(seconds=settings.FRONTDESK_WEBHOOK_RETRY_SECONDS)
    wait: timedelta = base * 2 ** min(max(attempts - 1, 0), 20)
    return min(wait, MAX_BACKOFF)


def _finish(delivery: WebhookDelivery, result: Result, now: datetime, *, counts: bool) -> None:
    number = delivery.attempts + 1
    more = number < settings.FRONTDESK_WEBHOOK_MAX_ATTEMPTS
    if result.succeeded:
        state, next_at, finished = DeliveryState.SUCCEEDED, None, now
    elif result.retry and more:
        state, next_at, finished = DeliveryState.PENDING, now + backoff(number), None
    else:
        state, next_at, finished = DeliveryState.FAILED, None, now
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            status_code=result.status,
            error=result.error[:MAX_ERROR_LENGTH],
            response_body=result.body[:MAX_LOGGED_BODY],
            duration_ms=result.duration_ms,
            succeeded=result.succeeded,
            created_at=now,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=state,
            attempts=number,
            next_attempt_at=next_at,
            claimed_at=None,
            last_status=result.status,
            last_error=result.error[:MAX_ERROR_LENGTH],
            last_duration_ms=result.duration_ms,
            finished_at=finished,
        )
        if counts and delivery.event_type != "ping":
            _count(delivery.webhook_id, result, now)
    delivery.state, delivery.attempts, delivery.next_attempt_at = state, number, next_at


def _count(webhook_id: int, result: Result, now: datetime) -> None:
    """Keep the webhook's run of failures; turn it off at FRONTDESK_WEBHOOK_DISABLE_AFTER."""
    if result.succeeded:
        Webhook.objects.filter(pk=webhook_id).exclude(consecutive_failures=0).update(
            consecutive_failures=0
        )
        return
    Webhook.objects.filter(pk=webhook_id).update(consecutive_failures=F("consecutive_failures") + 1)
    webhook = Webhook.objects.select_for_update().get(pk=webhook_id)
    limit = settings.FRONTDESK_WEBHOOK_DISABLE_AFTER
    if not webhook.is_active or webhook.consecutive_failures < limit:
        return
    webhook.is_active = False
    webhook.disabled_at = now
    webhook.disabled_reason = (
        f"turned off after {webhook.consecutive_failures} failed attempts in a row "
        f"(last: {result.error})"
    )[:MAX_ERROR_LENGTH]
    webhook.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    WebhookDelivery.objects.filter(webhook_id=webhook_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED,
        next_attempt_at=None,
        last_error="the webhook was turned off",
        finished_at=now,
    )
    _tell_admins(webhook, now)
    from frontdesk.webhooks.subscriptions import forget_webhooks_after_commit

    forget_webhooks_after_commit()
    log.warning("webhook %s turned off: %s", webhook.pk, webhook.disabled_reason)


def _tell_admins(webhook: Webhook, now: datetime) -> None:
    from frontdesk.notifications.actions import notify
    from frontdesk.notifications.choices import NotificationKind

    admins = User.objects.filter(is_active=True, role=Role.ADMIN)
    notify(
        admins,
        kind=NotificationKind.SYSTEM,
        text=f"Webhook “{webhook.name}” was turned off after repeated failures."[:300],
        now=now,
        dedupe_key=f"webhook-off:{webhook.pk}:{int(now.timestamp())}",
    )
