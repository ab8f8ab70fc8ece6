"""Who may see and decide an approval request, and who configures the rules.

- Approval requests are a workspace feature: customers are told they do not exist (404).
- Staff find a request if they are one of its approvers, an administrator, or see its
  ticket (`tickets.access.visible_to`); anyone else gets a 404, as for a foreign ticket.
- Only the request's approvers and administrators decide; other staff who find it get 403.
- Only administrators read and change approval rules.
"""

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.models import User
from frontdesk.approvals.errors import ApprovalErrorCode
from frontdesk.approvals.models import ApprovalRequest, Approver
from frontdesk.core.errors import Forbidden, NotFound
from frontdesk.tickets.access import visible_to


def is_approver(user: User, request: ApprovalRequest) -> bool:
    return Approver.objects.filter(request=request, user=user).exists()


def access_request(user: User, request_id: int) -> ApprovalRequest:
    """The request if `user` may know about it (see the module docstring); NotFound else."""
    if not (user.is_active and user.is_staff):
        raise NotFound("No such approval request.")
    request = ApprovalRequest.objects.select_related("ticket").filter(pk=request_id).first()
    if request is None:
        raise NotFound("No such approval request.")
    if is_admin(user) or is_approver(user, request):
        return request
    if not visible_to(user).filter(pk=request.ticket_id).exists():
        raise NotFound("No such approval request.")
    return request


def may_decide(user: User, request: ApprovalRequest) -> bool:
    return user.is_active and (is_admin(user) or is_approver(user, request))


def require_may_decide(user: User, request: ApprovalRequest) -> None:
    if not may_decide(user, request):
        raise Forbidden(
            ApprovalErrorCode.NOT_APPROVER, "Only the approvers (or an administrator) decide."
        )


def require_rule_reader(user: User) -> None:
    """Customers are told approval rules do not exist; other staff learn they lack the role."""
    if not user.is_staff:
        raise NotFound()
    require_rule_admin(user)


def require_rule_admin(user: User) -> None:
    if not is_admin(user):
        raise Forbidden(ApprovalErrorCode.ADMIN_ONLY, "Only administrators manage approval rules.")
