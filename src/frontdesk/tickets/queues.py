"""The workspace's built-in views ("queues"): named filters over the tickets a user may see.

Each queue is a condition on top of `access.visible_to`, so a queue can never show more
than the permission gate allows. Counts are bounded (`COUNT_CAP`) so a sidebar with eight
counts costs eight index-bounded queries whatever the size of the help desk.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.access import team_ids
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import NotFound
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.choices import Channel, StatusCategory
from frontdesk.tickets.models import TicketQuerySet

COUNT_CAP = 1000
ACTIVE = (StatusCategory.NEW, StatusCategory.OPEN, StatusCategory.PENDING, StatusCategory.ON_HOLD)
WORKABLE = (StatusCategory.NEW, StatusCategory.OPEN)
RECENTLY_SOLVED_DAYS = 7
DUE_SOON_HOURS = 4  # "Due soon" shows SLA due times up to this far ahead, and overdue ones


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str | Promise
    condition: Callable[[User], Q]
    default_sort: str = "-updated_at"


def _mine(user: User) -> Q:
    return Q(assignee=user, status_category__in=ACTIVE)


def _unassigned(user: User) -> Q:
    return Q(assignee__isnull=True, status_category__in=WORKABLE) & (
        Q(team__isnull=True) | Q(team_id__in=team_ids(user))
    )


def _my_teams(user: User) -> Q:
    return Q(team_id__in=team_ids(user), status_category__in=ACTIVE)


def _recently_solved(user: User) -> Q:
    since = clock.now() - timedelta(days=RECENTLY_SOLVED_DAYS)
    return Q(status_category=StatusCategory.SOLVED, solved_at__gte=since)


def _chats(user: User) -> Q:
    # Live chats and chat requests still to be worked (docs/channels.md, "Live chat").
    return Q(channel=Channel.CHAT, status_category__in=WORKABLE)


def _due_soon(user: User) -> Q:
    # next_due_at is set only while an SLA clock runs, so solved tickets never match.
    return Q(next_due_at__lte=clock.now() + timedelta(hours=DUE_SOON_HOURS))


def _breached(user: User) -> Q:
    return Q(next_due_at__lt=clock.now())


QUEUES: tuple[Queue, ...] = (
    Queue("mine", _("My open tickets"), _mine),
    Queue("unassigned", _("Unassigned"), _unassigned),
    Queue("chats", _("Chats"), _chats, default_sort="created_at"),
    Queue("my-teams", _("My teams"), _my_teams),
    Queue("open", _("All open"), lambda user: Q(status_category__in=WORKABLE)),
    Queue("pending", _("Pending"), lambda user: Q(status_category=StatusCategory.PENDING)),
    Queue("on-hold", _("On hold"), lambda user: Q(status_category=StatusCategory.ON_HOLD)),
    Queue("due-soon", _("Due soon / overdue"), _due_soon, default_sort="next_due_at"),
    Queue("breached", _("Breached"), _breached, default_sort="next_due_at"),
    Queue("solved", _("Recently solved"), _recently_solved),
)
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}


def find_queue(slug: str) -> Queue:
    try:
        return QUEUES_BY_SLUG[slug]
    except KeyError:
        raise NotFound("No such view.") from None


def queue_tickets(user: User, queue: Queue) -> TicketQuerySet:
    return visible_to(user).filter(queue.condition(user))


def queue_counts(user: User) -> dict[str, int]:
    """Tickets per queue, each counted up to COUNT_CAP (shown as "1000+")."""
    return {
        queue.slug: queue_tickets(user, queue).order_by()[:COUNT_CAP].count() for queue in QUEUES
    }
