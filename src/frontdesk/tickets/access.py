"""The one permission gate for tickets and everything hanging off them.

Every view, API endpoint, search, export, stream and download gets tickets through
`visible_to` / `access_ticket`. A ticket the user may not see is a 404, never a 403.

Visibility:
- admin: every ticket;
- supervisor, agent, light agent: tickets of their teams, tickets with no team yet (the
  triage queue), tickets assigned to them and tickets they follow;
- customer: tickets they requested, tickets they are CC'd on (followers), and the tickets
  of their organisations that share tickets.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from frontdesk.accounts.access import (
    can_work_tickets,
    shared_organization_ids,
    team_ids,
)
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.core.errors import Forbidden, NotFound
from frontdesk.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketEvent,
    TicketFollower,
    TicketQuerySet,
)


def visible_to(user: User) -> TicketQuerySet:
    tickets = Ticket.objects.all()
    if not user.is_active:
        return tickets.none()
    if user.role == Role.ADMIN:
        return tickets
    if not user.is_staff:
        return tickets.filter(pk__in=_customer_ticket_ids(user))
    follows = Exists(TicketFollower.objects.filter(ticket=OuterRef("pk"), user=user))
    scope = Q(team__isnull=True) | Q(team_id__in=team_ids(user)) | Q(assignee=user)
    return tickets.filter(scope | follows)


def _customer_ticket_ids(user: User) -> QuerySet[Any, Any]:
    """A union of small indexed lookups. A customer sees a sliver of a large help desk, so
    collecting ids first beats scanning the whole update-time index with an OR filter."""
    requested = Ticket.objects.filter(requester=user).values("pk")
    followed = TicketFollower.objects.filter(user=user).values("ticket_id")
    org_ids = shared_organization_ids(user)
    if org_ids:
        shared = Ticket.objects.filter(organization_id__in=org_ids).values("pk")
        return requested.union(followed, shared, all=True)
    return requested.union(followed, all=True)


def access_ticket(user: User, number: int, *, lock: bool = False) -> Ticket:
    """The ticket with this number if `user` may see it; NotFound otherwise.

    With `lock`, the row is locked FOR UPDATE (call inside a transaction).
    """
    tickets = visible_to(user)
    if lock:
        tickets = tickets.select_for_update(of=("self",))
    ticket = tickets.filter(number=number).first()
    if ticket is None:
        raise NotFound("No such ticket.")
    return ticket


def visible_messages(user: User, ticket: Ticket) -> QuerySet[Message]:
    messages = Message.objects.filter(ticket=ticket)
    return messages if user.is_staff else messages.filter(is_public=True)


def visible_events(user: User, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket)
    return events if user.is_staff else events.filter(is_public=True)


def access_attachment(user: User, attachment_id: str) -> Attachment:
    """An attachment on a ticket the user sees; internal ones only for staff."""
    attachments = Attachment.objects.filter(ticket__in=visible_to(user))
    if not user.is_staff:
        attachments = attachments.filter(is_public=True)
    attachment = attachments.filter(pk=attachment_id).select_related("ticket").first()
    if attachment is None:
        raise NotFound("No such attachment.")
    return attachment


def require_can_work(user: User) -> None:
    """Field changes, assignment, links and merges: agents, supervisors, admins."""
    if not can_work_tickets(user):
        raise Forbidden("not_allowed", "Your role may not change tickets.")


def require_can_note(user: User) -> None:
    """Internal notes: staff, light agents included (call after `access_ticket`)."""
    if not (user.is_active and user.is_staff):
        raise Forbidden("not_allowed", "Only staff add internal notes.")


def require_can_reply(user: User) -> None:
    """Public replies: working staff, and customers on the tickets they can see."""
    if user.role == Role.LIGHT_AGENT:
        raise Forbidden("not_allowed", "Light agents may add internal notes only.")
