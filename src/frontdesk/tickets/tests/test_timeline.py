"""How the ticket page words system events (pure: events built in memory, never saved)."""

import pytest

from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import TicketEvent
from frontdesk.tickets.timeline import describe_event, referenced_ids

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
