"""Approvals for service requests: the rules that ask for one, and the requests themselves.

Only `approvals.actions` writes these rows (docs/approvals.md).
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from frontdesk.approvals.choices import ApprovalState, ApproverKind
from frontdesk.tickets.choices import TicketType


class ApprovalRule(models.Model):
    """Tickets of `ticket_type` (and, if set, of `category`) wait for an approval when they
    are created. A rule with a category wins over one without; then the oldest rule."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    ticket_type = models.CharField(
        max_length=20, choices=TicketType.choices, default=TicketType.SERVICE_REQUEST
    )
    # PROTECT: deleting the category must not silently widen the rule to every category.
    category = models.ForeignKey(
        "tickets.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approver_kind = models.CharField(max_length=10, choices=ApproverKind.choices)
    approver = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(approver_kind=ApproverKind.USER, approver__isnull=False)
                    | Q(approver_kind=ApproverKind.TEAM_LEAD, approver__isnull=True)
                ),
                name="approval_rule_approver_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalRequestQuerySet(models.QuerySet["ApprovalRequest"]):
    def pending(self) -> "ApprovalRequestQuerySet":
        return self.filter(state=ApprovalState.PENDING)


class ApprovalRequest(models.Model):
    """One ticket waiting for (or past) a decision. The approvers are fixed when it is
    requested, so a later change of the rule or the team does not move a running request."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="approval_requests"
    )
    rule = models.ForeignKey(
        ApprovalRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    rule_name = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(
        max_length=10, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    approvers = models.ManyToManyField(
        "accounts.User", through="Approver", related_name="+", blank=True
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            # A ticket waits for one decision at a time.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(state=ApprovalState.PENDING),
                name="approval_one_pending_per_ticket",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["ticket", "created_at"], name="approval_by_ticket"),
        ]

    def __str__(self) -> str:
        return f"approval {self.pk} of ticket {self.ticket_id} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state == ApprovalState.PENDING


class Approver(models.Model):
    """An approver of one request, with their own one-time decision link: only the SHA-256
    of the link's secret is stored (as for API tokens), and it is cleared once the request
    is decided by anyone, through any channel."""

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="approver_rows"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "user"], name="approver_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["user", "request"], name="approver_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} approves {self.request_id}"
