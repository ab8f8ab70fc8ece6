"""The portal's read side, always from `tickets.access.visible_to`."""

from django.db.models import QuerySet

from frontdesk.accounts.access import shared_organization_ids
from frontdesk.accounts.models import User
from frontdesk.portal.models import RequestForm
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.models import Ticket, TicketQuerySet

PAGE = 50


def my_requests(user: User) -> TicketQuerySet:
    """Requests the customer raised or is CC'd on (inside the gate)."""
    mine = visible_to(user).filter(requester=user) | visible_to(user).filter(followers=user)
    return mine.distinct().select_related("status").order_by("-updated_at")


def organisation_requests(user: User) -> TicketQuerySet:
    """Requests of the customer's organisations that share tickets, not their own."""
    org_ids = shared_organization_ids(user)
    if not org_ids:
        return Ticket.objects.none()
    return (
        visible_to(user)
        .filter(organization_id__in=org_ids)
        .exclude(requester=user)
        .select_related("status", "requester")
        .order_by("-updated_at")
    )


def active_forms() -> QuerySet[RequestForm]:
    return RequestForm.objects.filter(is_active=True).select_related("category")
