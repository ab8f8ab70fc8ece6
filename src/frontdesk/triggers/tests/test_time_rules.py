"""Time rules: they act on the tickets that meet them, once per episode, however often
and by however many schedulers they run; and the defaults do what they say."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import Desk
from django.db import connection

from frontdesk.automation.errors import RuleError
from frontdesk.core.errors import Invalid
from frontdesk.notifications.models import Notification
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import EventAction, MessageKind
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.tickets.tests.test_actions import in_threads
from frontdesk.triggers import actions
from frontdesk.triggers.actions.time_rules import run_time_rules
from frontdesk.triggers.models import TimeRule, TimeRuleRun
from frontdesk.triggers.rulebook import forget_triggers, parse_time_rule

ORIGIN = Origin()
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PENDING_5_DAYS = {
    "all": [
        {"field": "status_category", "op": "equals", "value": "pending"},
        {"field": "hours_since.status_changed", "op": "gte", "value": 120},
    ]
}


def _pending(desk: Desk, ticket: Ticket, at: datetime) -> None:
    ticket_actions.update_ticket(
        actor=desk.alice,
        origin=ORIGIN,
        number=ticket.number,
        changes={"status": "pending"},
        expected_version=None,
        now=at,
    )


def _remind_rule(desk: Desk) -> TimeRule:
    TimeRule.objects.all().delete()  # the defaults
    return actions.save_time_rule(
        actor=desk.carol,
        name="Nudge",
        condition=PENDING_5_DAYS,
        actions=[{"type": "add_note", "text": "Still waiting for the customer."}],
    )


def _notes(ticket: Ticket) -> int:
    return Message.objects.filter(ticket=ticket, kind=MessageKind.NOTE).count()


def test_a_time_rule_acts_once_per_episode(desk: Desk, make_ticket: Any) -> None:
    _remind_rule(desk)
    ticket = make_ticket(now=T0)
    _pending(desk, ticket, T0)
    assert run_time_rules(now=T0 + timedelta(hours=119)) == 0  # not yet
    assert run_time_rules(now=T0 + timedelta(hours=121)) == 1
    assert run_time_rules(now=T0 + timedelta(hours=121)) == 0  # the same pass again
    assert run_time_rules(now=T0 + timedelta(hours=300)) == 0  # later, the same episode
    assert _notes(ticket) == 1
    record = dict(
        TicketEvent.objects.get(ticket=ticket, action=EventAction.TRIGGERED).new_value or {}
    )
    assert record["kind"] == "time_rule"
    assert record["rule"] == "Nudge"
    assert record["event"] == "time"
    assert any("hours_since.status_changed gte 120: yes" in line for line in record["why"])
    # A new pending spell is a new episode.
    ticket_actions.post_reply(
        actor=desk.bob,
        origin=ORIGIN,
        number=ticket.number,
        body="Back",
        now=T0 + timedelta(days=13),
    )
    _pending(desk, ticket, T0 + timedelta(days=14))
    assert run_time_rules(now=T0 + timedelta(days=14, hours=121)) == 1
    assert _notes(ticket) == 2
    assert TimeRuleRun.objects.filter(ticket=ticket).count() == 2


def test_the_defaults(desk: Desk, make_ticket: Any, monkeypatch: Any) -> None:
    """Pending 5 days: remind (email, skipped until outbound email can send a template);
    10 days: solve, which is an event the triggers see; urgent and unassigned for 30
    minutes: the supervisors are told."""
    from frontdesk.triggers.actions import apply

    monkeypatch.setattr(apply, "_outbox_queue_email", lambda: None)
    assert TimeRule.objects.count() == 3
    for row in TimeRule.objects.all():
        parse_time_rule(row.condition, row.actions)  # the engine accepts each
    actions.save_trigger(
        actor=desk.carol,
        name="Solved",
        condition={"field": "status_category", "op": "changed_to", "value": "solved"},
        actions=[{"type": "add_tags", "tags": ["auto-solved"]}],
    )
    forget_triggers()
    waiting = make_ticket(now=T0)
    _pending(desk, waiting, T0)
    urgent = make_ticket(now=T0 + timedelta(days=11), priority="urgent")
    assert run_time_rules(now=T0 + timedelta(days=6)) == 1  # the reminder
    assert run_time_rules(now=T0 + timedelta(days=11, minutes=31)) == 2  # solve, urgent
    waiting.refresh_from_db()
    assert waiting.status_category == "solved"
    assert "auto-solved" in set(waiting.tags.values_list("name", flat=True))
    reminder = TimeRuleRun.objects.get(rule__name__startswith="Remind", ticket=waiting)
    assert reminder.effects[0]["done"] is False
    assert "outbound email" in reminder.effects[0]["reason"]
    assert Notification.objects.filter(recipient=desk.sam, ticket=urgent, kind="system").exists()
    assert run_time_rules(now=T0 + timedelta(days=12)) == 0


def test_closed_tickets_are_never_candidates(desk: Desk, make_ticket: Any) -> None:
    TimeRule.objects.all().delete()
    actions.save_time_rule(
        actor=desk.carol,
        name="Old",
        condition={"field": "hours_since.created", "op": "gte", "value": 1},
        actions=[{"type": "add_tags", "tags": ["old"]}],
    )
    ticket = make_ticket(now=T0)
    Ticket.objects.filter(pk=ticket.pk).update(status_category="closed")
    assert run_time_rules(now=T0 + timedelta(days=3)) == 0


def test_a_time_rule_must_bound_the_time(desk: Desk) -> None:
    with pytest.raises(RuleError):
        parse_time_rule({"field": "priority", "op": "equals", "value": "urgent"}, [])
    with pytest.raises(Invalid) as caught:
        actions.save_time_rule(
            actor=desk.carol,
            name="Unbounded",
            condition={"field": "priority", "op": "equals", "value": "urgent"},
            actions=[{"type": "add_tags", "tags": ["x"]}],
        )
    assert caught.value.code == "invalid_rule"
    assert caught.value.details["part"] == "condition"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database for real concurrency"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_two_schedulers_at_once_act_once_per_ticket(desk: Desk, make_ticket: Any) -> None:
    _remind_rule(desk)
    tickets = [make_ticket(now=T0) for _ in range(60)]
    for ticket in tickets:
        _pending(desk, ticket, T0)
    later = T0 + timedelta(days=6)

    results = in_threads(2, lambda i: run_time_rules(now=later))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == len(tickets)
    assert TimeRuleRun.objects.count() == len(tickets)
    notes = Message.objects.filter(kind=MessageKind.NOTE)
    assert notes.count() == notes.values("ticket").distinct().count() == len(tickets)
    # And once more, after both: nothing.
    assert run_time_rules(now=later) == 0
