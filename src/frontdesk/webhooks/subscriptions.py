"""Which active webhooks want which event type, kept per process.

Every ticket write asks whether anyone subscribed to its event, so the answer is cached
for `CACHE_SECONDS` (as `sla/policies.py` keeps policies) and dropped at once in the process
that changes a webhook, after commit. With no subscriptions a write costs a dictionary
lookup; another process sees a change within `CACHE_SECONDS`.
"""

import threading
import time
from collections.abc import Mapping

from django.db import transaction

from frontdesk.webhooks.models import Webhook

CACHE_SECONDS = 10.0

_lock = threading.Lock()
_cached: tuple[float, Mapping[str, tuple[int, ...]]] | None = None


def subscribed() -> Mapping[str, tuple[int, ...]]:
    """Event type -> the ids of the active webhooks subscribed to it."""
    global _cached
    with _lock:
        if _cached is not None and time.monotonic() - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    table = _load()
    with _lock:
        _cached = (time.monotonic(), table)
    return table


def subscribers(event_type: str) -> tuple[int, ...]:
    return subscribed().get(event_type, ())


def forget_webhooks() -> None:
    """Drop the cache now (tests) ..."""
    global _cached
    with _lock:
        _cached = None


def forget_webhooks_after_commit() -> None:
    """... or once the transaction that changed a webhook commits (actions)."""
    transaction.on_commit(forget_webhooks)


def _load() -> dict[str, tuple[int, ...]]:
    table: dict[str, list[int]] = {}
    for pk, types in Webhook.objects.filter(is_active=True).values_list("pk", "event_types"):
        for event_type in types if isinstance(types, list) else []:
            table.setdefault(str(event_type), []).append(pk)
    return {key: tuple(ids) for key, ids in table.items()}
