"""What every workspace page needs: the sidebar's views, the audit origin.

Pages render the sidebar without counts and the browser fetches them right after
(`home?part=sidebar`): the counts are a dozen bounded queries that would otherwise sit
in front of every page's first byte.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Value, When
from django.http import HttpRequest

from frontdesk.accounts.models import User
from frontdesk.core.errors import Invalid
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import SavedView, TicketQuerySet
from frontdesk.tickets.queries import visible_saved_views
from frontdesk.tickets.queues import COUNT_CAP, QUEUES, Queue, queue_counts
from frontdesk.tickets.view_filters import filters_to_q, parse_stored_filters

# Saved views listed in the sidebar, each with one bounded count query: the cap keeps every
# page's query budget fixed however many views a desk shares.
MAX_SIDEBAR_SAVED_VIEWS = 20


@dataclass(frozen=True)
class QueueItem:
    queue: Queue
    count: int | None  # None: not counted yet (the page's first render)

    @property
    def capped(self) -> bool:
        return self.count is not None and self.count >= COUNT_CAP


@dataclass(frozen=True)
class SavedViewItem:
    view: SavedView
    count: int | None  # None: not counted (yet), or the stored filters no longer parse

    @property
    def capped(self) -> bool:
        return self.count is not None and self.count >= COUNT_CAP

    @property
    def slug(self) -> str:
        return saved_view_slug(self.view)


def web_origin(request: HttpRequest) -> Origin:
    return Origin(channel=Channel.WEB, ip_address=request.META.get("REMOTE_ADDR") or None)


def saved_view_slug(view: SavedView) -> str:
    """The sidebar's `active_view` for a saved view's page."""
    return f"saved-{view.pk}"


def saved_view_tickets(user: User, view: SavedView) -> TicketQuerySet:
    """The tickets of a saved view as `user` sees them: its filters on top of the gate."""
    return visible_to(user).filter(filters_to_q(parse_stored_filters(view.filters), user))


def sidebar_saved_views(user: User, *, counts: bool) -> tuple[list[SavedViewItem], bool]:
    """The first MAX_SIDEBAR_SAVED_VIEWS views (own first, then by name), with bounded
    counts if asked, and whether there are more."""
    views = list(
        visible_saved_views(user)
        .select_related("team")
        .order_by(Case(When(owner=user, then=Value(0)), default=Value(1)), "name", "pk")[
            : MAX_SIDEBAR_SAVED_VIEWS + 1
        ]
    )
    items = []
    for view in views[:MAX_SIDEBAR_SAVED_VIEWS]:
        if not counts:
            items.append(SavedViewItem(view, None))
            continue
        try:
            count: int | None = saved_view_tickets(user, view).order_by()[:COUNT_CAP].count()
        except Invalid:
            count = None
        items.append(SavedViewItem(view, count))
    return items, len(views) > MAX_SIDEBAR_SAVED_VIEWS


def desk_context(
    user: User, active_view: str, *, counts: bool = False, **extra: Any
) -> dict[str, Any]:
    numbers: dict[str, int | None] = dict(queue_counts(user)) if counts else {}
    saved, more_saved = sidebar_saved_views(user, counts=counts)
    return {
        "active_view": active_view,
        "sidebar_counted": counts,
        "sidebar_queues": [QueueItem(q, numbers.get(q.slug)) for q in QUEUES],
        "sidebar_saved_views": saved,
        "more_saved_views": more_saved,
        **extra,
    }
