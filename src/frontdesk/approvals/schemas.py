"""API shapes of approvals. Inputs forbid unknown fields."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.approvals.actions import MAX_COMMENT
from frontdesk.approvals.models import ApprovalRequest, ApprovalRule


class ApproverOut(Schema):
    id: int
    name: str


class ApprovalOut(Schema):
    id: int
    ticket_number: int
    ticket_subject: str
    state: str = Field(description="pending, approved, rejected or cancelled")
    rule: str = Field(description="The name of the rule that asked for it (kept if deleted).")
    approvers: list[ApproverOut]
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str
    created_at: datetime

    @staticmethod
    def of(request: ApprovalRequest) -> "ApprovalOut":
        return ApprovalOut.model_construct(
            id=request.pk,
            ticket_number=request.ticket.number,
            ticket_subject=request.ticket.subject,
            state=request.state,
            rule=request.rule_name,
            approvers=[
                ApproverOut.model_construct(id=p.pk, name=str(p)) for p in request.approvers.all()
            ],
            decided_by_id=request.decided_by_id,
            decided_at=request.decided_at,
            comment=request.comment,
            created_at=request.created_at,
        )


class ApprovalPage(Schema):
    items: list[ApprovalOut]
    next_cursor: str | None


class ApproveIn(InputSchema):
    comment: Annotated[str, Field(max_length=MAX_COMMENT)] = ""


class RejectIn(InputSchema):
    comment: Annotated[str, Field(min_length=1, max_length=MAX_COMMENT)] = Field(
        description="Why: kept as an internal note on the ticket."
    )


class ApprovalRuleIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    ticket_type: str = Field("service_request", description="The ticket type the rule is for.")
    category: str | None = Field(None, description="A category slug; none: any category.")
    approver_kind: str = Field(description="`user` (approver_id names them) or `team_lead`.")
    approver_id: int | None = None
    is_active: bool = True


class ApprovalRuleOut(Schema):
    id: int
    name: str
    is_active: bool
    ticket_type: str
    category: str | None
    approver_kind: str
    approver_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(rule: ApprovalRule) -> "ApprovalRuleOut":
        return ApprovalRuleOut.model_construct(
            id=rule.pk,
            name=rule.name,
            is_active=rule.is_active,
            ticket_type=rule.ticket_type,
            category=rule.category.slug if rule.category else None,
            approver_kind=rule.approver_kind,
            approver_id=rule.approver_id,
            created_at=rule.created_at,
            updated_at=rule.updated_at,
        )
