"""Deadlines kept by the ticket actions, and the sweep that records warnings and breaches.

The desk works Monday-Friday 09:00-17:00 in Berlin (UTC+1 in November). Every test starts
on Monday 23 November 2026 at 10:00 Berlin time.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from frontdesk.notifications.models import Notification
from frontdesk.sla.actions import sweep_due_tickets
from frontdesk.sla.models import SlaEvent
from frontdesk.tickets.actions import post_reply, update_ticket
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket, TicketEvent

MONDAY_10 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 wall-clock time in Berlin, as UTC."""
    return datetime(2026, 11, day, hour - 1, minute, tzinfo=UTC)


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def reply(actor: Any, ticket: Ticket, at: datetime, **fields: Any) -> None:
    post_reply(actor=actor, origin=Origin(), number=ticket.number, body="Hi", now=at, **fields)


def change(actor: Any, ticket: Ticket, at: datetime, **changes: Any) -> None:
    update_ticket(
        actor=actor,
        origin=Origin(),
        number=ticket.number,
        changes=changes,
        expected_version=None,
        now=at,
    )


def test_no_policy_no_deadlines(make_ticket: Any) -> None:
    ticket = fresh(make_ticket(now=MONDAY_10))
    assert ticket.sla_policy_id is None
    assert ticket.next_due_at is None
    assert ticket.next_deadline_at is None
    assert ticket.sla_clocks == {}


def test_creation_sets_business_hour_deadlines(policy: Any, make_ticket: Any) -> None:
    standard = policy()
    ticket = fresh(make_ticket(now=MONDAY_10))
    assert ticket.sla_policy_id == standard.pk
    assert ticket.first_response_due_at == berlin(23, 11)
    # 7 working hours are left on Monday; the eighth is Tuesday 09:00-10:00.
    assert ticket.resolution_due_at == berlin(24, 10)
    assert ticket.next_due_at == berlin(23, 11)
    assert ticket.next_deadline_at == berlin(23, 10, 45)  # 75% of the first response target
    assert ticket.next_response_due_at is None


def test_first_reply_achieves_and_customer_reply_starts_next_response(
    policy: Any, make_ticket: Any, desk: Any
) -> None:
    policy()
    ticket = make_ticket(now=MONDAY_10)
    reply(desk.alice, ticket, berlin(23, 10, 30))
    ticket = fresh(ticket)
    assert ticket.sla_clocks["first_response"]["running"] is False
    assert ticket.next_due_at == ticket.resolution_due_at == berlin(24, 10)
    reply(desk.bob, ticket, berlin(23, 16))
    ticket = fresh(ticket)
    # 2 working hours from Monday 16:00: one today, one on Tuesday morning.
    assert ticket.next_response_due_at == berlin(24, 10)
    reply(desk.alice, ticket, berlin(24, 9, 30))
    assert fresh(ticket).next_response_due_at is None


def test_pending_pauses_the_clocks(policy: Any, make_ticket: Any, desk: Any) -> None:
    policy()
    ticket = make_ticket(now=MONDAY_10)
    reply(desk.alice, ticket, berlin(23, 10, 15), status="pending")
    assert fresh(ticket).resolution_due_at is None  # paused: no due time until it resumes
    reply(desk.bob, ticket, berlin(23, 14, 15))  # the customer answers: open again
    # Four paused hours (10:15-14:15) move the resolution due time by four working hours.
    assert fresh(ticket).resolution_due_at == berlin(24, 14)


def test_priority_change_recomputes_from_creation(policy: Any, make_ticket: Any, desk: Any) -> None:
    policy()
    ticket = make_ticket(now=MONDAY_10)
    change(desk.alice, ticket, berlin(23, 10, 10), priority="high")
    ticket = fresh(ticket)
    assert ticket.first_response_due_at == berlin(23, 10, 30)
    assert ticket.resolution_due_at == berlin(23, 14)


def test_sweep_records_warning_then_breach_once(policy: Any, make_ticket: Any) -> None:
    policy()
    ticket = make_ticket(now=MONDAY_10)
    assert sweep_due_tickets(now=berlin(23, 10, 44)) == 0
    assert sweep_due_tickets(now=berlin(23, 10, 46)) == 1
    assert sweep_due_tickets(now=berlin(23, 10, 50)) == 0
    assert sweep_due_tickets(now=berlin(23, 11, 1)) == 1
    assert sweep_due_tickets(now=berlin(23, 11, 2)) == 0
    kinds = sorted(SlaEvent.objects.filter(ticket=ticket).values_list("metric", "kind"))
    assert kinds == [("first_response", "breach"), ("first_response", "warning")]
    trail = TicketEvent.objects.filter(ticket=ticket, action=EventAction.SLA_BREACH)
    assert [(e.field, (e.new_value or {}).get("due_at")) for e in trail] == [
        ("first_response", berlin(23, 11).isoformat())
    ]
    # Next: the resolution warning, at 75% of its eight hours (Monday 16:00).
    assert fresh(ticket).next_deadline_at == berlin(23, 16)


def test_late_reply_between_sweeps_still_records_the_breach(
    policy: Any, make_ticket: Any, desk: Any
) -> None:
    policy()
    ticket = make_ticket(now=MONDAY_10)
    reply(desk.alice, ticket, berlin(23, 11, 30))
    breaches = SlaEvent.objects.filter(ticket=ticket, kind="breach")
    assert list(breaches.values_list("metric", flat=True)) == ["first_response"]
    sweep_due_tickets(now=berlin(23, 11, 31))
    assert breaches.count() == 1


def test_breach_escalations_notify_and_raise_priority_once(
    policy: Any, make_ticket: Any, desk: Any
) -> None:
    policy(
        escalations=[
            {"on": "breach", "do": "notify_assignee", "metrics": ["first_response"]},
            {"on": "breach", "do": "raise_priority"},
        ]
    )
    ticket = make_ticket(now=MONDAY_10, assignee_id=desk.alice.pk)
    for minute in range(0, 30, 5):
        sweep_due_tickets(now=berlin(23, 11, 1) + timedelta(minutes=minute))
    ticket = fresh(ticket)
    notes = Notification.objects.filter(recipient=desk.alice, ticket=ticket, kind="sla_breach")
    assert notes.count() == 1
    assert ticket.priority == 3  # normal -> high, once
    # High priority resolves in 4 working hours from creation: 14:00 Monday.
    assert ticket.resolution_due_at == berlin(23, 14)
    assert TicketEvent.objects.filter(ticket=ticket, action=EventAction.ESCALATED).count() == 1


def test_move_to_next_tier_on_breach(policy: Any, make_ticket: Any, desk: Any) -> None:
    policy(escalations=[{"on": "breach", "do": "move_to_team", "team": desk.billing.slug}])
    ticket = make_ticket(now=MONDAY_10, assignee_id=desk.alice.pk)
    sweep_due_tickets(now=berlin(23, 11, 1))
    ticket = fresh(ticket)
    assert ticket.team_id == desk.billing.pk


def test_policy_condition_chooses_by_priority(desk: Any, policy: Any, make_ticket: Any) -> None:
    policy(condition={"field": "priority", "op": "equals", "value": "urgent"})
    assert fresh(make_ticket(now=MONDAY_10)).sla_policy_id is None
