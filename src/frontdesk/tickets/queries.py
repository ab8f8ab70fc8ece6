"""The read side: filtered, relation-loaded querysets for lists and pages.

Every function starts from `access.visible_to`, so no read can bypass the gate.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from frontdesk.accounts.models import User
from frontdesk.core.errors import Invalid
from frontdesk.outbox.choices import OutboundState
from frontdesk.outbox.models import OutboundEmail
from frontdesk.tickets.access import (
    access_ticket,
    visible_events,
    visible_messages,
    visible_to,
)
from frontdesk.tickets.choices import PRIORITY_BY_NAME, StatusCategory
from frontdesk.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketEvent,
    TicketQuerySet,
    TicketTag,
)


@dataclass(frozen=True)
class TicketFilters:
    status: list[str] | None = None
    status_category: list[str] | None = None
    priority: list[str] | None = None
    type: list[str] | None = None
    channel: list[str] | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool | None = None
    requester_id: int | None = None
    organization_id: int | None = None
    category: str | None = None
    tag: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None


def ticket_list(user: User, filters: TicketFilters) -> TicketQuerySet:
    tickets = visible_to(user).with_list_relations().select_related("merged_into")
    if filters.status:
        tickets = tickets.filter(status__slug__in=filters.status)
    if filters.status_category:
        unknown = set(filters.status_category) - set(StatusCategory.values)
        if unknown:
            raise Invalid("invalid_filter", f"Unknown status categories {sorted(unknown)}.")
        tickets = tickets.filter(status_category__in=filters.status_category)
    if filters.priority:
        try:
            ranks = [PRIORITY_BY_NAME[p] for p in filters.priority]
        except KeyError as exc:
            raise Invalid("invalid_filter", f"Unknown priority {exc.args[0]!r}.") from None
        tickets = tickets.filter(priority__in=ranks)
    exact = {
        "type__in": filters.type,
        "channel__in": filters.channel,
        "team_id": filters.team_id,
        "assignee_id": filters.assignee_id,
        "requester_id": filters.requester_id,
        "organization_id": filters.organization_id,
        "category__slug": filters.category,
        "created_at__gte": filters.created_after,
        "created_at__lt": filters.created_before,
        "updated_at__gte": filters.updated_after,
        "updated_at__lt": filters.updated_before,
    }
    tickets = tickets.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.unassigned is not None:
        tickets = tickets.filter(assignee__isnull=filters.unassigned)
    if filters.tag:
        tagged = TicketTag.objects.filter(ticket=OuterRef("pk"), tag__name=filters.tag.lower())
        tickets = tickets.filter(Exists(tagged))
    return tickets


def ticket_detail(user: User) -> TicketQuerySet:
    return visible_to(user).with_list_relations().select_related("merged_into")


def message_list(user: User, ticket_number: int) -> QuerySet[Message]:
    return ticket_messages(user, access_ticket(user, ticket_number))


def ticket_messages(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The messages of a ticket the caller already obtained through the gate."""
    attachments = Attachment.objects.order_by("created_at")
    if not user.is_staff:
        attachments = attachments.filter(is_public=True)
    messages = (
        visible_messages(user, ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
    )
    if user.is_staff:
        # Replies whose email bounced for good: the ticket page says so under the message.
        failed = OutboundEmail.objects.filter(state=OutboundState.FAILED).order_by("pk")
        messages = messages.prefetch_related(
            Prefetch("outbound_emails", queryset=failed, to_attr="failed_deliveries")
        )
    return messages


def event_list(user: User, ticket_number: int) -> QuerySet[TicketEvent]:
    return visible_events(user, access_ticket(user, ticket_number))


# Saved views (appended; imports kept with the function they serve).
from django.db.models import Q  # noqa: E402

from frontdesk.accounts.access import is_admin, team_ids  # noqa: E402
from frontdesk.tickets.models import SavedView  # noqa: E402


def visible_saved_views(user: User) -> QuerySet[SavedView]:
    """The saved views `user` may open: their own, and those shared with their teams
    (admins: their own and every shared view). Others' personal views are never visible."""
    views = SavedView.objects.all()
    if not (user.is_active and user.is_staff):
        return views.none()
    if is_admin(user):
        return views.filter(Q(owner=user) | Q(team__isnull=False))
    return views.filter(Q(owner=user) | Q(team_id__in=team_ids(user)))
