"""What every workspace page needs: the sidebar's views with counts, the audit origin."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from frontdesk.accounts.models import User
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin
from frontdesk.tickets.queues import COUNT_CAP, QUEUES, Queue, queue_counts


@dataclass(frozen=True)
class QueueItem:
    queue: Queue
    count: int

    @property
    def capped(self) -> bool:
        return self.count >= COUNT_CAP


def web_origin(request: HttpRequest) -> Origin:
    return Origin(channel=Channel.WEB, ip_address=request.META.get("REMOTE_ADDR") or None)


def desk_context(user: User, active_view: str, **extra: Any) -> dict[str, Any]:
    counts = queue_counts(user)
    return {
        "active_view": active_view,
        "sidebar_queues": [QueueItem(q, counts[q.slug]) for q in QUEUES],
        **extra,
    }
