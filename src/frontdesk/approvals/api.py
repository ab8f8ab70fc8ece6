"""REST endpoints for approvals: what waits for my decision, deciding, and (administrators)
the rules that ask for approval. Customers are told approvals do not exist (404)."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from frontdesk.accounts.access import require_staff
from frontdesk.accounts.models import User
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.approvals import actions, queries
from frontdesk.approvals.schemas import (
    ApprovalOut,
    ApprovalPage,
    ApprovalRuleIn,
    ApprovalRuleOut,
    ApproveIn,
    RejectIn,
)
from frontdesk.core.pagination import keyset_page
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin

router = Router(tags=["approvals"])


def staff_actor(request: HttpRequest) -> User:
    user = actor(request)
    require_staff(user)
    return user


def api_origin(request: HttpRequest) -> Origin:
    return Origin(channel=Channel.API, ip_address=request.META.get("REMOTE_ADDR") or None)


class ApprovalQuery(Schema):
    cursor: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


@router.get("/approvals", response={200: ApprovalPage, **ERRORS})
def list_approvals(request: HttpRequest, query: Query[ApprovalQuery]) -> ApprovalPage:
    """Pending requests you are an approver of, oldest first."""
    pending = queries.awaiting_decision(staff_actor(request))
    page = keyset_page(pending, order="created_at", cursor=query.cursor, limit=query.limit)
    return ApprovalPage(items=[ApprovalOut.of(r) for r in page.items], next_cursor=page.next_cursor)


@router.post("/approvals/{approval_id}/approve", response={200: ApprovalOut, **ERRORS})
def approve(request: HttpRequest, approval_id: int, payload: ApproveIn) -> ApprovalOut:
    """Approve: the ticket moves to the default open status and its SLA clocks resume.
    Approvers and administrators only; a decided request is a 409 `already_decided`."""
    user = actor(request)
    actions.decide(
        user, approval_id, approve=True, comment=payload.comment, origin=api_origin(request)
    )
    return ApprovalOut.of(queries.approval_detail(user, approval_id))


@router.post("/approvals/{approval_id}/reject", response={200: ApprovalOut, **ERRORS})
def reject(request: HttpRequest, approval_id: int, payload: RejectIn) -> ApprovalOut:
    """Reject with a comment (kept as an internal note): the ticket is solved."""
    user = actor(request)
    actions.decide(
        user, approval_id, approve=False, comment=payload.comment, origin=api_origin(request)
    )
    return ApprovalOut.of(queries.approval_detail(user, approval_id))


# --- rules (administrators) ---------------------------------------------------------------


@router.get("/approvals/rules", response={200: list[ApprovalRuleOut], **ERRORS})
def list_approval_rules(request: HttpRequest) -> list[ApprovalRuleOut]:
    """Every approval rule by name. A ticket gets the first active rule for its type that
    names its category, else the first for any category."""
    return [ApprovalRuleOut.of(r) for r in queries.rules(actor(request))]


@router.post("/approvals/rules", response={201: ApprovalRuleOut, **ERRORS})
def create_rule(request: HttpRequest, payload: ApprovalRuleIn) -> Status[ApprovalRuleOut]:
    user = admin_actor(request)
    rule = actions.save_rule(actor=user, **payload.model_dump())
    return Status(201, ApprovalRuleOut.of(queries.rule(user, rule.pk)))


@router.get("/approvals/rules/{approval_rule_id}", response={200: ApprovalRuleOut, **ERRORS})
def get_rule(request: HttpRequest, approval_rule_id: int) -> ApprovalRuleOut:
    return ApprovalRuleOut.of(queries.rule(actor(request), approval_rule_id))


@router.put("/approvals/rules/{approval_rule_id}", response={200: ApprovalRuleOut, **ERRORS})
def put_rule(
    request: HttpRequest, approval_rule_id: int, payload: ApprovalRuleIn
) -> ApprovalRuleOut:
    """Replace the rule. Running requests keep the approvers they were given."""
    user = admin_actor(request)
    queries.rule(user, approval_rule_id)
    actions.save_rule(actor=user, rule_id=approval_rule_id, **payload.model_dump())
    return ApprovalRuleOut.of(queries.rule(user, approval_rule_id))


@router.delete("/approvals/rules/{approval_rule_id}", response={204: None, **ERRORS})
def delete_rule(request: HttpRequest, approval_rule_id: int) -> Status[None]:
    user = admin_actor(request)
    queries.rule(user, approval_rule_id)
    actions.delete_rule(actor=user, rule_id=approval_rule_id)
    return Status(204, None)
