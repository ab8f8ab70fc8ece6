"""How the ticket page words system events (pure: events built in memory, never saved)."""

import pytest

from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import TicketEvent
from frontdesk.tickets.timeline import describe_event, describe_triggered, referenced_ids

NAMES = {"users": {7: "Alice Agent"}, "teams": {3: "Billing"}}


@pytest.mark.parametrize(
    ("action", "field", "new", "text"),
    [
        (
            EventAction.SLA_BREACH,
            "first_response",
            {},
            "Frontdesk: SLA target breached (first response)",
        ),
        (
            EventAction.SLA_WARNING,
            "resolution",
            {},
            "Frontdesk: SLA target nearly due (resolution)",
        ),
        (
            EventAction.AUTO_ASSIGNED,
            "",
            {"assignee": 7, "reason": "round robin: next in turn", "strategy": "round_robin"},
            "Frontdesk assigned Alice Agent automatically (round robin: next in turn)",
        ),
        (
            EventAction.AUTO_ASSIGNED,
            "",
            {"assignee": None, "reason": "nobody online"},
            "Frontdesk: nobody assigned automatically (nobody online)",
        ),
        (EventAction.CHANGED, "team", 3, "Frontdesk changed team from — to Billing"),
    ],
    ids=["breach", "warning", "auto-assigned", "nobody-eligible", "team-change"],
)
def test_describe_event(action: str, field: str, new: object, text: str) -> None:
    event = TicketEvent(action=action, field=field, new_value=new)
    assert describe_event(event, NAMES) == text


def test_automatic_assignment_names_are_looked_up() -> None:
    event = TicketEvent(action=EventAction.AUTO_ASSIGNED, new_value={"assignee": 7})
    assert referenced_ids([event])["users"] == {7}


# --- triggers and time rules --------------------------------------------------------------

TRIGGERED = [
    (
        {
            "kind": "trigger",
            "rule": "Notify VIP",
            "event": "customer_replied",
            "changes": {"tags": {"added": ["vip"], "removed": []}, "priority": "high"},
            "effects": [{"type": "add_note", "text": "VIP!", "done": True, "message_id": 4}],
        },
        "Trigger “Notify VIP” ran: priority high, tags +vip; note added",
    ),
    (
        {
            "kind": "trigger",
            "rule": "Hand over",
            "changes": {"assignee_id": 7, "status": "open"},
            "effects": [
                {"type": "add_follower", "user_id": 7, "done": True},
                {
                    "type": "send_email",
                    "to": "supervisors",
                    "template": "vip",
                    "notified": [3],
                    "done": True,
                    "email": "skipped: outbound email is not available yet",
                },
                {
                    "type": "send_email",
                    "to": "requester",
                    "template": "ack",
                    "done": True,
                    "email": "queued",
                },
            ],
        },
        "Trigger “Hand over” ran: status open, assignee Alice Agent; follower Alice Agent "
        "added, supervisors told in the app, email to requester queued",
    ),
    (
        {
            "kind": "trigger",
            "rule": "Hook",
            "changes": {},
            "effects": [
                {
                    "type": "webhook",
                    "webhook_id": 2,
                    "done": False,
                    "reason": "webhooks are not available yet",
                }
            ],
            "skipped": {"status": "Unknown status 'x'."},
            "stopped": True,
        },
        "Trigger “Hook” ran: call webhook 2: skipped (webhooks are not available yet); "
        "skipped: status (Unknown status 'x'.); later triggers were not checked",
    ),
    (
        {"kind": "trigger", "rule": "Ping", "changes": {}, "effects": [], "capped": True},
        "Trigger “Ping” not run: the firing cap was reached",
    ),
    (
        {
            "kind": "time_rule",
            "rule": "Solve after 10 days pending",
            "event": "time",
            "changes": {"status": "solved"},
            "effects": [
                {
                    "type": "assign",
                    "strategy": "round_robin",
                    "team": None,
                    "done": True,
                    "assignee_id": 7,
                }
            ],
        },
        "Time rule “Solve after 10 days pending” ran: status solved; assigned to Alice Agent",
    ),
]


@pytest.mark.parametrize(
    ("value", "text"), TRIGGERED, ids=["vip", "people", "skipped", "capped", "time-rule"]
)
def test_describe_triggered_event(value: object, text: str) -> None:
    event = TicketEvent(action=EventAction.TRIGGERED, new_value=value)
    assert describe_event(event, NAMES) == text


def test_people_that_triggers_name_are_looked_up() -> None:
    event = TicketEvent(
        action=EventAction.TRIGGERED,
        new_value={
            "changes": {"assignee_id": 7},
            "effects": [{"type": "add_follower", "user_id": 9, "done": True}],
        },
    )
    assert referenced_ids([event])["users"] == {7, 9}


def test_the_dry_run_words_what_a_trigger_would_do() -> None:
    value = {
        "rule": "VIP",
        "changes": {"priority": "urgent"},
        "effects": [{"type": "send_email", "to": "supervisors", "template": "vip"}],
    }
    assert describe_triggered(value, {}, planned=True) == (
        "Trigger “VIP” would run: priority urgent; email supervisors (vip)"
    )
