"""Approval actions: the only code that writes approval rows (docs/approvals.md).

A ticket a rule matches waits in the on-hold status "Awaiting approval" (so its SLA clocks
pause) until one of its approvers, or an administrator, decides: approval moves it to the
default open status, rejection solves it. Every status change goes through the ticket
actions' save path (`save_ticket`), so deadlines are recomputed, under the ticket's row lock
and in one transaction with the audit events.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse

from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import User
from frontdesk.approvals.access import access_request, require_may_decide, require_rule_admin
from frontdesk.approvals.choices import ApprovalState, ApproverKind
from frontdesk.approvals.errors import ApprovalErrorCode
from frontdesk.approvals.models import ApprovalRequest, ApprovalRule, Approver
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Invalid, NotFound
from frontdesk.notifications.actions import notify, ticket_label
from frontdesk.notifications.choices import NotificationKind
from frontdesk.outbox.actions import queue_approval_request
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.actions._common import default_status, save_ticket, set_status, touch
from frontdesk.tickets.choices import EventAction, MessageKind, StatusCategory, TicketType
from frontdesk.tickets.content import clean_text, text_to_html
from frontdesk.tickets.events import SYSTEM_ORIGIN, Origin, record_changes, record_event
from frontdesk.tickets.models import Category, Message, Status, Ticket, TicketFollower

AWAITING_SLUG = "awaiting-approval"
AWAITING_NAME = "Awaiting approval"
LINK_LIFETIME = timedelta(days=14)
LINK_PREFIX = "fda_"
MAX_COMMENT = 5000


# --- requesting -----------------------------------------------------------------------------


def on_ticket_created(ticket: Ticket, now: datetime) -> ApprovalRequest | None:
    """The creation hook: if an active rule matches the new ticket, ask for approval.
    Called by `tickets.actions.create` inside its transaction, after the CREATED event."""
    rule = matching_rule(ticket)
    if rule is None:
        return None
    return request_approval(ticket, rule, now)


def matching_rule(ticket: Ticket) -> ApprovalRule | None:
    """The active rule for the ticket's type and category: one naming the category wins
    over one for any category; among equals, the oldest."""
    specific_first = Case(
        When(category__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return (
        ApprovalRule.objects.filter(is_active=True, ticket_type=ticket.type)
        .filter(Q(category__isnull=True) | Q(category_id=ticket.category_id))
        .select_related("approver")
        .order_by(specific_first, "pk")
        .first()
    )


def request_approval(
    ticket: Ticket, rule: ApprovalRule, now: datetime, *, origin: Origin = SYSTEM_ORIGIN
) -> ApprovalRequest:
    """Put `ticket` on hold until its approvers decide; idempotent while one is pending.

    Approvers are fixed now: the rule's named person, or the supervisors in the ticket's
    team; if there is nobody (no team, no supervisor, a deactivated person), the active
    administrators. Approvers who could not see the ticket follow it, so they can.
    """
    with transaction.atomic():
        # Lock the row and read it afresh into the caller's object (creation keeps using it).
        ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update(of=("self",)))
        pending = ApprovalRequest.objects.pending().filter(ticket=ticket).first()
        if pending is not None:
            return pending
        if ticket.status_category in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            raise Conflict(ApprovalErrorCode.TICKET_CLOSED, "The ticket is already solved.")
        approvers = approvers_for(rule, ticket)
        request = ApprovalRequest.objects.create(
            ticket=ticket, rule=rule, rule_name=rule.name, created_at=now
        )
        Approver.objects.bulk_create(Approver(request=request, user=u) for u in approvers)
        _let_approvers_see(ticket, approvers, now)
        change = set_status(ticket, awaiting_status(), now)
        touch(ticket, now)
        save_ticket(ticket, now)
        record_changes(ticket, [change] if change else [], actor=None, origin=origin, now=now)
        record_event(
            ticket,
            EventAction.APPROVAL_REQUESTED,
            actor=None,
            origin=origin,
            now=now,
            new={
                "approval_id": request.pk,
                "rule": rule.name,
                "approvers": [u.pk for u in approvers],
            },
        )
        notify(
            approvers,
            kind=NotificationKind.APPROVAL_REQUESTED,
            text=f"Your approval is needed for {ticket_label(ticket)}",
            ticket=ticket,
            now=now,
            dedupe_key=f"approval:{request.pk}",
        )
        # The email carries each approver's one-time link (only its hash is stored, so it
        # is made here, in the transaction that sends it).
        queue_approval_request(ticket, approval_links(request, now=now), now=now)
    return request


def approvers_for(rule: ApprovalRule, ticket: Ticket) -> list[User]:
    people: list[User] = []
    if rule.approver_kind == ApproverKind.USER and rule.approver is not None:
        people = [rule.approver] if rule.approver.is_active else []
    elif rule.approver_kind == ApproverKind.TEAM_LEAD and ticket.team_id is not None:
        people = list(
            User.objects.filter(
                teams=ticket.team_id, role=Role.SUPERVISOR, is_active=True
            ).order_by("pk")
        )
    if not people:
        people = list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))
    return people


def awaiting_status() -> Status:
    """The "Awaiting approval" status (a migration creates it); if an administrator removed
    it, the default on-hold status, which pauses the clocks just the same."""
    status = Status.objects.filter(slug=AWAITING_SLUG).first()
    return status or default_status(StatusCategory.ON_HOLD)


def _let_approvers_see(ticket: Ticket, approvers: list[User], now: datetime) -> None:
    for person in approvers:
        if visible_to(person).filter(pk=ticket.pk).exists():
            continue
        _, created = TicketFollower.objects.get_or_create(
            ticket=ticket, user=person, defaults={"created_at": now}
        )
        if created:
            record_event(
                ticket,
                EventAction.FOLLOWED,
                actor=None,
                origin=SYSTEM_ORIGIN,
                now=now,
                new=person.pk,
            )


# --- deciding -------------------------------------------------------------------------------


def decide(
    actor: User,
    request_id: int,
    approve: bool,  # noqa: FBT001 - the brief's signature: decide(actor, id, approve, comment)
    comment: str = "",
    *,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> ApprovalRequest:
    """Approve or reject as `actor`: one of the request's approvers or an administrator.

    Someone who cannot find the request (a customer; staff who neither approve it nor see
    its ticket) gets NotFound, other staff Forbidden; a request decided already is a
    Conflict, so of two concurrent decisions exactly one wins.
    """
    now = now or clock.now()
    comment = _comment(comment, approve=approve)
    request = access_request(actor, request_id)
    require_may_decide(actor, request)
    with transaction.atomic():
        ticket = _lock_ticket(request.ticket_id)
        request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        return _record_decision(request, ticket, actor, approve, comment, origin or Origin(), now)


def decide_by_token(
    token: str,
    approve: bool,  # noqa: FBT001 - mirrors decide()
    comment: str = "",
    *,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> ApprovalRequest:
    """Decide through an emailed link: the token is the credential and names the approver.
    A token works once (any decision clears every token of the request) and for 14 days;
    an unknown, used or expired one is NotFound, whatever the reason."""
    now = now or clock.now()
    comment = _comment(comment, approve=approve)
    row = link_approver(token, now=now)
    with transaction.atomic():
        ticket = _lock_ticket(row.request.ticket_id)
        request = ApprovalRequest.objects.select_for_update().get(pk=row.request_id)
        # Decided (and the tokens cleared) while we waited for the lock: the link is used.
        row = link_approver(token, now=now)
        return _record_decision(
            request, ticket, row.user, approve, comment, origin or Origin(), now
        )


def link_approver(token: str, *, now: datetime) -> Approver:
    """The approver row a live decision link belongs to; NotFound otherwise."""
    row = (
        Approver.objects.select_related("user", "request__ticket")
        .filter(token_hash=hash_token(token), request__state=ApprovalState.PENDING)
        .first()
    )
    if (
        row is None
        or row.token_expires_at is None
        or row.token_expires_at <= now
        or not row.user.is_active
    ):
        raise NotFound("This approval link is not valid: it was used, it expired or it is wrong.")
    return row


def cancel(
    actor: User,
    request_id: int,
    comment: str = "",
    *,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> ApprovalRequest:
    """Withdraw a pending request (it is no longer needed): its approvers and
    administrators. The ticket goes back to open if it is still waiting."""
    now = now or clock.now()
    request = access_request(actor, request_id)
    require_may_decide(actor, request)
    with transaction.atomic():
        ticket = _lock_ticket(request.ticket_id)
        request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        _require_pending(request)
        _close_request(request, ApprovalState.CANCELLED, actor, clean_text(comment).strip(), now)
        changes = []
        if ticket.status_category == StatusCategory.ON_HOLD:
            changes.append(set_status(ticket, default_status(StatusCategory.OPEN), now))
        origin = origin or Origin()
        touch(ticket, now)
        save_ticket(ticket, now)
        record_changes(ticket, [c for c in changes if c], actor=actor, origin=origin, now=now)
        record_event(
            ticket,
            EventAction.APPROVAL_CANCELLED,
            actor=actor,
            origin=origin,
            now=now,
            new={"approval_id": request.pk},
        )
    return request


def _record_decision(
    request: ApprovalRequest,
    ticket: Ticket,
    decider: User,
    approve: bool,  # noqa: FBT001
    comment: str,
    origin: Origin,
    now: datetime,
) -> ApprovalRequest:
    """With the ticket and the request locked: the decision, its note, the status, the
    audit trail and a word to the assignee."""
    _require_pending(request)
    state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    _close_request(request, state, decider, comment, now)
    if comment:
        verdict = "Approved" if approve else "Rejected"
        _add_note(ticket, decider, f"{verdict}: {comment}", origin, now)
    change = None
    if ticket.status_category != StatusCategory.CLOSED:
        if approve and ticket.status_category == StatusCategory.ON_HOLD:
            change = set_status(ticket, default_status(StatusCategory.OPEN), now)
        elif not approve and ticket.status_category != StatusCategory.SOLVED:
            change = set_status(ticket, default_status(StatusCategory.SOLVED), now)
    touch(ticket, now)
    save_ticket(ticket, now)
    record_changes(ticket, [change] if change else [], actor=decider, origin=origin, now=now)
    record_event(
        ticket,
        EventAction.APPROVAL_APPROVED if approve else EventAction.APPROVAL_REJECTED,
        actor=decider,
        origin=origin,
        now=now,
        new={"approval_id": request.pk, "comment": comment},
    )
    if ticket.assignee is not None:
        verb = "approved" if approve else "rejected"
        notify(
            [ticket.assignee],
            kind=NotificationKind.SYSTEM,
            text=f"{decider} {verb} {ticket_label(ticket)}",
            ticket=ticket,
            actor=decider,
            now=now,
        )
    return request


def _close_request(
    request: ApprovalRequest, state: ApprovalState, actor: User, comment: str, now: datetime
) -> None:
    request.state = state
    request.decided_by = actor
    request.decided_at = now
    request.comment = comment
    request.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    # Every emailed link of the request dies with the decision: a link works once.
    Approver.objects.filter(request=request).update(token_hash=None, token_expires_at=None)


def _add_note(ticket: Ticket, author: User, text: str, origin: Origin, now: datetime) -> None:
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.NOTE,
        is_public=False,
        author=author,
        body_text=text,
        body_html=text_to_html(text),
        channel=origin.channel,
        created_at=now,
    )
    record_event(
        ticket,
        EventAction.NOTED,
        actor=author,
        origin=origin,
        now=now,
        new={"message_id": message.pk},
    )


def _require_pending(request: ApprovalRequest) -> None:
    if not request.is_pending:
        raise Conflict(
            ApprovalErrorCode.ALREADY_DECIDED,
            f"This approval request is {request.state} already.",
            {"state": request.state},
        )


def _lock_ticket(ticket_id: int) -> Ticket:
    # The ticket first, then the request: the order every approval action locks in. No
    # joins: PostgreSQL rechecks a joined row against the old snapshot after waiting for
    # the lock, so a ticket whose status changed meanwhile would seem to vanish.
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def _comment(comment: str, *, approve: bool) -> str:
    comment = clean_text(comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise Invalid(
            ApprovalErrorCode.COMMENT_REQUIRED, f"A comment has at most {MAX_COMMENT} characters."
        )
    if not approve and not comment:
        raise Invalid(ApprovalErrorCode.COMMENT_REQUIRED, "Say why the request is rejected.")
    return comment


# --- decision links -------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def approval_link(request: ApprovalRequest, approver: User, *, now: datetime | None = None) -> str:
    """Issue `approver` a fresh one-time decision link for the pending `request` and return
    its path (`/approvals/decide/<token>/`; the mailer puts the site's address in front).

    Only the SHA-256 of the token is stored, so a link cannot be shown again: the mailer
    (issue 4) calls this when it sends, and a new link replaces the approver's earlier one.
    Call inside the sender's transaction, so a failed send leaves no live link behind.
    """
    now = now or clock.now()
    token = LINK_PREFIX + secrets.token_urlsafe(32)
    updated = Approver.objects.filter(
        request=request, user=approver, request__state=ApprovalState.PENDING
    ).update(token_hash=hash_token(token), token_expires_at=now + LINK_LIFETIME)
    if not updated:
        raise NotFound("No pending approval request of this approver.")
    return reverse("approvals:decide", args=[token])


def approval_links(request: ApprovalRequest, *, now: datetime | None = None) -> dict[User, str]:
    """A fresh decision link for each approver of the pending request."""
    now = now or clock.now()
    approvers = User.objects.filter(
        pk__in=Approver.objects.filter(request=request).values("user_id")
    ).order_by("pk")
    return {person: approval_link(request, person, now=now) for person in approvers}


# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFields:
    name: str
    ticket_type: str
    category: Category | None
    approver_kind: str
    approver: User | None
    is_active: bool


def save_rule(
    *,
    actor: User,
    name: str,
    approver_kind: str,
    approver_id: int | None = None,
    ticket_type: str = TicketType.SERVICE_REQUEST,
    category: str | None = None,
    is_active: bool = True,
    rule_id: int | None = None,
    now: datetime | None = None,
) -> ApprovalRule:
    """Create a rule, or replace every field of `rule_id`. Administrators only. A rule
    applies to tickets created after it; running requests keep their approvers."""
    require_rule_admin(actor)
    now = now or clock.now()
    fields = _rule_fields(name, approver_kind, approver_id, ticket_type, category, is_active)
    with transaction.atomic():
        rule = rule_for_change(rule_id) if rule_id else ApprovalRule(created_at=now)
        if ApprovalRule.objects.filter(name=fields.name).exclude(pk=rule.pk).exists():
            raise Invalid(ApprovalErrorCode.DUPLICATE_NAME, f"A rule named {fields.name!r} exists.")
        for field, value in vars(fields).items():
            setattr(rule, field, value)
        rule.updated_at = now
        rule.save()
    return rule


def delete_rule(*, actor: User, rule_id: int) -> None:
    """Delete a rule; requests it made keep their approvers and the rule's name."""
    require_rule_admin(actor)
    with transaction.atomic():
        rule_for_change(rule_id).delete()


def rule_for_change(rule_id: int) -> ApprovalRule:
    rule = ApprovalRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("No such approval rule.")
    return rule


def _rule_fields(
    name: str,
    approver_kind: str,
    approver_id: int | None,
    ticket_type: str,
    category: str | None,
    is_active: bool,  # noqa: FBT001
) -> RuleFields:
    name = clean_text(name).strip()
    if not name or len(name) > 100:
        raise Invalid(ApprovalErrorCode.INVALID_NAME, "A name needs 1 to 100 characters.")
    if ticket_type not in TicketType.values:
        raise Invalid(ApprovalErrorCode.UNKNOWN_TYPE, f"Unknown ticket type {ticket_type!r}.")
    category_row = None
    if category:
        category_row = Category.objects.filter(slug=category).first()
        if category_row is None:
            raise Invalid(ApprovalErrorCode.UNKNOWN_CATEGORY, f"Unknown category {category!r}.")
    if approver_kind not in ApproverKind.values:
        raise Invalid(
            ApprovalErrorCode.INVALID_APPROVER,
            f"approver_kind is one of {', '.join(ApproverKind.values)}.",
        )
    approver = None
    if approver_kind == ApproverKind.USER:
        if approver_id is not None:
            approver = User.objects.filter(pk=approver_id, is_active=True).first()
        if approver is None or not approver.is_staff:
            raise Invalid(
                ApprovalErrorCode.INVALID_APPROVER, "A named approver is an active staff member."
            )
    elif approver_id is not None:
        raise Invalid(ApprovalErrorCode.INVALID_APPROVER, "A team-lead rule names no approver.")
    return RuleFields(name, ticket_type, category_row, approver_kind, approver, is_active)
