"""The approval flow: a matching new ticket waits (SLA paused) until an approver decides."""

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps

from frontdesk.approvals import actions
from frontdesk.approvals.actions import approval_link, decide, decide_by_token
from frontdesk.approvals.models import ApprovalRequest, Approver
from frontdesk.approvals.tests.conftest import MONDAY_10, berlin
from frontdesk.core.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.notifications.models import Notification
from frontdesk.tickets.actions import update_ticket
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket, TicketEvent, TicketFollower
from frontdesk.tickets.tests.test_actions import in_threads, postgres_only


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("status").get(pk=ticket.pk)


def pending(ticket: Ticket) -> ApprovalRequest:
    return ApprovalRequest.objects.get(ticket=ticket, state="pending")


def trail(ticket: Ticket) -> list[tuple[str, str, Any]]:
    events = TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "pk")
    return [(e.action, e.field, e.new_value) for e in events]


def link_token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


# --- the whole flow ---------------------------------------------------------------------------


def test_waits_with_the_sla_paused_and_resumes_on_approval(
    desk: Any, rule: Any, office_policy: Any, service_request: Any
) -> None:
    rule()
    ticket = fresh(service_request(now=MONDAY_10))
    assert ticket.status.slug == "awaiting-approval"
    assert ticket.status_category == "on_hold"
    assert ticket.resolution_due_at is None  # paused while it waits
    request = pending(ticket)
    assert [p.pk for p in request.approvers.all()] == [desk.sam.pk]  # support's supervisor
    told = Notification.objects.get(kind="approval_requested")
    assert (told.recipient_id, told.ticket_id) == (desk.sam.pk, ticket.pk)

    decide(desk.sam, request.pk, approve=True, comment="", now=berlin(23, 14))

    ticket = fresh(ticket)
    assert ticket.status.slug == "open"
    # Eight working hours from Monday 10:00 would end Tuesday 10:00; four hours of waiting
    # (10:00-14:00) move the due time to Tuesday 14:00.
    assert ticket.resolution_due_at == berlin(24, 14)
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == ("approved", desk.sam.pk)
    assert request.decided_at == berlin(23, 14)
    actions_seen = [(a, f) for a, f, _ in trail(ticket)]
    assert actions_seen[-4:] == [
        ("changed", "status"),
        (EventAction.APPROVAL_REQUESTED, ""),
        ("changed", "status"),
        (EventAction.APPROVAL_APPROVED, ""),
    ]
    requested = TicketEvent.objects.get(ticket=ticket, action=EventAction.APPROVAL_REQUESTED)
    assert (requested.new_value or {})["approvers"] == [desk.sam.pk]
    approved = TicketEvent.objects.get(ticket=ticket, action=EventAction.APPROVAL_APPROVED)
    assert approved.actor_id == desk.sam.pk
    assert not approved.is_public


def test_rejection_solves_the_ticket_with_the_reason_as_an_internal_note(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    ticket = service_request(now=MONDAY_10, assignee_id=desk.alice.pk)
    request = pending(ticket)
    decide(desk.sam, request.pk, approve=False, comment="No budget this quarter.")
    ticket = fresh(ticket)
    assert ticket.status.slug == "solved"
    assert ticket.solved_at is not None
    note = Message.objects.get(ticket=ticket, kind="note")
    assert (note.is_public, note.author_id) == (False, desk.sam.pk)
    assert "No budget this quarter." in note.body_text
    rejected = TicketEvent.objects.get(ticket=ticket, action=EventAction.APPROVAL_REJECTED)
    assert (rejected.new_value or {})["comment"] == "No budget this quarter."
    # The assignee hears about it.
    assert Notification.objects.filter(recipient=desk.alice, text__contains="rejected").exists()


def test_rejection_needs_a_reason(desk: Any, rule: Any, service_request: Any) -> None:
    rule()
    request = pending(service_request())
    with pytest.raises(Invalid) as caught:
        decide(desk.sam, request.pk, approve=False, comment="  ")
    assert caught.value.code == "comment_required"
    assert pending(request.ticket) == request


def test_tickets_no_rule_matches_do_not_wait(
    desk: Any, rule: Any, make_ticket: Any, service_request: Any
) -> None:
    rule(is_active=False)
    rule(ticket_type="incident", name="Incidents")
    assert fresh(service_request()).status.slug == "new"
    assert fresh(make_ticket(type="question")).status.slug == "new"
    assert not ApprovalRequest.objects.exists()


def test_a_rule_for_the_category_wins_over_one_for_any(
    desk: Any, rule: Any, service_request: Any
) -> None:
    from frontdesk.tickets.actions.catalog import create_category

    create_category(actor=None, name="Laptops")
    rule(name="Any category")
    rule(name="Laptops", category="laptops", approver_kind="user", approver_id=desk.carol.pk)
    laptop = pending(service_request(category="laptops"))
    other = pending(service_request())
    assert (laptop.rule_name, other.rule_name) == ("Laptops", "Any category")
    assert [p.pk for p in laptop.approvers.all()] == [desk.carol.pk]


def test_a_named_approver_outside_the_team_follows_the_ticket_to_see_it(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule(approver_kind="user", approver_id=desk.dave.pk)  # billing; the ticket is support's
    ticket = service_request()
    assert TicketFollower.objects.filter(ticket=ticket, user=desk.dave).exists()
    assert Notification.objects.filter(recipient=desk.dave, kind="approval_requested").exists()
    decide(desk.dave, pending(ticket).pk, approve=True)
    assert fresh(ticket).status.slug == "open"


def test_nobody_to_ask_falls_back_to_the_administrators(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    request = pending(service_request(team=desk.billing))  # billing has no supervisor
    assert [p.pk for p in request.approvers.all()] == [desk.carol.pk]


# --- who decides --------------------------------------------------------------------------


def test_only_approvers_and_administrators_decide(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    ticket = service_request()
    request = pending(ticket)
    with pytest.raises(Forbidden):
        decide(desk.alice, request.pk, approve=True)  # sees the ticket, is no approver
    with pytest.raises(Forbidden):
        decide(desk.lena, request.pk, approve=True)
    for stranger in (desk.dave, desk.bob, desk.erin):  # another team; customers
        with pytest.raises(NotFound):
            decide(stranger, request.pk, approve=True)
    with pytest.raises(NotFound):
        decide(desk.sam, 999_999, approve=True)
    assert fresh(ticket).status.slug == "awaiting-approval"
    decide(desk.carol, request.pk, approve=True)  # an administrator may
    assert fresh(ticket).status.slug == "open"


def test_a_decided_request_cannot_be_decided_again(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    request = pending(service_request())
    decide(desk.sam, request.pk, approve=True)
    with pytest.raises(Conflict) as caught:
        decide(desk.carol, request.pk, approve=False, comment="Too late")
    assert caught.value.code == "already_decided"


def test_approval_leaves_a_ticket_moved_on_meanwhile_where_it_is(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    ticket = service_request()
    request = pending(ticket)
    update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"status": "pending"},
        expected_version=None,
    )
    decide(desk.sam, request.pk, approve=True)
    assert fresh(ticket).status.slug == "pending"


def test_withdrawing_reopens_the_ticket(desk: Any, rule: Any, service_request: Any) -> None:
    rule()
    ticket = service_request()
    request = actions.cancel(desk.carol, pending(ticket).pk, "Not needed any more")
    assert request.state == "cancelled"
    assert fresh(ticket).status.slug == "open"
    assert TicketEvent.objects.filter(ticket=ticket, action="approval_cancelled").exists()


# --- decision links ---------------------------------------------------------------------------


def test_a_link_decides_once(desk: Any, rule: Any, service_request: Any) -> None:
    rule()
    ticket = service_request()
    request = pending(ticket)
    token = link_token(approval_link(request, desk.sam))
    row = Approver.objects.get(request=request, user=desk.sam)
    assert row.token_hash == actions.hash_token(token)  # only the hash is stored
    assert token not in str(list(Approver.objects.values()))

    decide_by_token(token, approve=True, origin=Origin(channel="email"))

    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == ("approved", desk.sam.pk)
    event = TicketEvent.objects.get(ticket=ticket, action=EventAction.APPROVAL_APPROVED)
    assert (event.actor_id, event.channel) == (desk.sam.pk, "email")
    with pytest.raises(NotFound):
        decide_by_token(token, approve=False, comment="changed my mind")


def test_a_link_expires_after_14_days(desk: Any, rule: Any, service_request: Any) -> None:
    rule()
    request = pending(service_request())
    token = link_token(approval_link(request, desk.sam, now=MONDAY_10))
    with pytest.raises(NotFound):
        decide_by_token(token, approve=True, now=MONDAY_10 + timedelta(days=14, seconds=1))
    decide_by_token(token, approve=True, now=MONDAY_10 + timedelta(days=13, hours=23))


def test_a_decision_elsewhere_kills_every_link(desk: Any, rule: Any, service_request: Any) -> None:
    rule(approver_kind="user", approver_id=desk.sam.pk)
    request = pending(service_request())
    links = actions.approval_links(request)
    assert list(links) == [desk.sam]
    decide(desk.carol, request.pk, approve=True)
    assert not Approver.objects.filter(token_hash__isnull=False).exists()
    with pytest.raises(NotFound):
        decide_by_token(link_token(links[desk.sam]), approve=True)


def test_a_new_link_replaces_the_approvers_earlier_one(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    request = pending(service_request())
    first = link_token(approval_link(request, desk.sam))
    second = link_token(approval_link(request, desk.sam))
    with pytest.raises(NotFound):
        decide_by_token(first, approve=True)
    decide_by_token(second, approve=True)


def test_no_link_for_someone_who_is_no_approver(desk: Any, rule: Any, service_request: Any) -> None:
    rule()
    request = pending(service_request())
    with pytest.raises(NotFound):
        approval_link(request, desk.alice)


# --- concurrency ------------------------------------------------------------------------------


@postgres_only()  # type: ignore[untyped-decorator]
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_two_concurrent_decisions_make_exactly_one(
    desk: Any, rule: Any, service_request: Any
) -> None:
    """Sam approves in the workspace while his emailed link rejects, at the same moment."""
    # A flush after an earlier transactional test removed the migration's status row.
    migration = importlib.import_module(
        "frontdesk.approvals.migrations.0002_awaiting_approval_status"
    )
    migration.create_status(django_apps, None)
    rule()
    ticket = service_request()
    request = pending(ticket)
    token = link_token(approval_link(request, desk.sam))

    def work(i: int) -> Any:
        if i == 0:
            return decide(desk.sam, request.pk, approve=True)
        return decide_by_token(token, approve=False, comment="No")

    results = in_threads(2, work)

    winners = [r for r in results if isinstance(r, ApprovalRequest)]
    losers = [r for r in results if isinstance(r, (Conflict, NotFound))]
    assert (len(winners), len(losers)) == (1, 1), results
    decisions = TicketEvent.objects.filter(
        ticket=ticket,
        action__in=[EventAction.APPROVAL_APPROVED, EventAction.APPROVAL_REJECTED],
    )
    assert decisions.count() == 1
    request.refresh_from_db()
    expected = "approved" if decisions[0].action == EventAction.APPROVAL_APPROVED else "rejected"
    assert request.state == expected
    assert fresh(ticket).status.slug == ("open" if expected == "approved" else "solved")


def test_approvers_are_emailed_a_link_that_decides(
    desk: Any, rule: Any, service_request: Any, settings: Any
) -> None:
    from frontdesk.outbox.models import OutboundEmail

    settings.FRONTDESK_PUBLIC_URL = "https://help.example.com"
    rule()
    ticket = service_request()
    (email,) = OutboundEmail.objects.filter(ticket=ticket, kind="approval")
    assert email.to == [desk.sam.email]
    url = next(w for w in email.body_text.split() if w.startswith("https://help.example.com"))
    # One email per approver, and no second, link-less notification email.
    assert OutboundEmail.objects.filter(ticket=ticket, to=[desk.sam.email]).count() == 1
    decide_by_token(link_token(url.removeprefix("https://help.example.com")), approve=True)
    assert pending_or_none(ticket) is None


def pending_or_none(ticket: Ticket) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(ticket=ticket, state="pending").first()
