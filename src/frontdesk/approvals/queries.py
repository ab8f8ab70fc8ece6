"""The read side of approvals: what a user waits to decide, and a ticket's approval card."""

from dataclasses import dataclass

from django.db.models import Prefetch

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.models import User
from frontdesk.approvals.access import access_request, require_rule_reader
from frontdesk.approvals.models import ApprovalRequest, ApprovalRequestQuerySet, ApprovalRule
from frontdesk.core.errors import NotFound
from frontdesk.tickets.models import Ticket


def with_people(requests: ApprovalRequestQuerySet) -> ApprovalRequestQuerySet:
    """What a request shows: its ticket, who decided and the approvers, in a fixed number
    of queries however many requests there are."""
    return requests.select_related("ticket", "ticket__status", "decided_by").prefetch_related(
        Prefetch("approvers", queryset=User.objects.order_by("name", "pk"))
    )


def awaiting_decision(user: User) -> ApprovalRequestQuerySet:
    """Pending requests `user` is an approver of, oldest first (staff only; customers none)."""
    if not (user.is_active and user.is_staff):
        return ApprovalRequest.objects.none()
    mine = ApprovalRequest.objects.pending().filter(approver_rows__user=user)
    return with_people(mine)


def approval_detail(user: User, request_id: int) -> ApprovalRequest:
    """One request, relations loaded, through the permission gate (`access_request`)."""
    access_request(user, request_id)
    return with_people(ApprovalRequest.objects.filter(pk=request_id)).get()


@dataclass(frozen=True)
class ApprovalCard:
    """The ticket page's "Approval" card: the latest request and what the viewer may do."""

    request: ApprovalRequest
    can_decide: bool


def approval_for(ticket: Ticket, user: User) -> ApprovalCard | None:
    """The card for the ticket page (whose viewer already sees `ticket`): the ticket's
    latest approval request, if any. One query, two when there is a request."""
    request = (
        with_people(ApprovalRequest.objects.filter(ticket=ticket))
        .order_by("-created_at", "-pk")
        .first()
    )
    if request is None:
        return None
    approver = any(person.pk == user.pk for person in request.approvers.all())
    can_decide = request.is_pending and user.is_active and (approver or is_admin(user))
    return ApprovalCard(request=request, can_decide=can_decide)


def rules(user: User) -> list[ApprovalRule]:
    require_rule_reader(user)
    return list(ApprovalRule.objects.select_related("category").order_by("name", "pk"))


def rule(user: User, rule_id: int) -> ApprovalRule:
    require_rule_reader(user)
    found = ApprovalRule.objects.select_related("category").filter(pk=rule_id).first()
    if found is None:
        raise NotFound("No such approval rule.")
    return found
