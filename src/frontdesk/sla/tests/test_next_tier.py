"""The `move_to_team` escalation with "next_tier": the ticket's team's next support tier."""

from typing import Any

import pytest

from frontdesk.core.errors import Invalid
from frontdesk.routing.actions import configure_team_assignment
from frontdesk.sla.actions import save_policy, sweep_due_tickets
from frontdesk.sla.tests.test_deadlines import MONDAY_10, berlin, fresh
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import TicketEvent

NEXT_TIER = [{"on": "breach", "do": "move_to_team", "team": "next_tier"}]


def test_a_breach_moves_the_ticket_to_its_teams_next_tier(policy, make_ticket, desk):
    configure_team_assignment(
        actor=desk.carol, team_id=desk.support.pk, strategy="manual", escalates_to=desk.billing.pk
    )
    policy(escalations=NEXT_TIER)
    ticket = make_ticket(now=MONDAY_10, assignee_id=desk.alice.pk)

    sweep_due_tickets(now=berlin(23, 11, 1))

    ticket = fresh(ticket)
    assert (ticket.team_id, ticket.assignee_id) == (desk.billing.pk, None)
    event = TicketEvent.objects.get(ticket=ticket, action=EventAction.ESCALATED)
    assert event.new_value == {"kind": "breach", "change": "team"}


@pytest.mark.parametrize("configured", [False, True], ids=["never_configured", "top_tier"])
def test_a_top_tier_ticket_stays(policy, make_ticket, desk, configured):
    if configured:
        configure_team_assignment(actor=desk.carol, team_id=desk.support.pk, strategy="manual")
    policy(escalations=NEXT_TIER)
    ticket = make_ticket(now=MONDAY_10, assignee_id=desk.alice.pk)

    sweep_due_tickets(now=berlin(23, 11, 1))

    assert (fresh(ticket).team_id, fresh(ticket).assignee_id) == (desk.support.pk, desk.alice.pk)
    assert not TicketEvent.objects.filter(ticket=ticket, action=EventAction.ESCALATED).exists()


def test_next_tier_is_accepted_and_a_made_up_team_is_not(policy, desk):
    saved = policy(escalations=NEXT_TIER)
    assert saved.escalations[0]["team"] == "next_tier"
    with pytest.raises(Invalid) as refused:
        save_policy(
            actor=desk.carol,
            name="Other",
            calendar_id=saved.calendar_id,
            targets=[],
            escalations=[{"on": "breach", "do": "move_to_team", "team": "nowhere"}],
        )
    assert refused.value.code == "invalid_escalation"


def test_the_policy_page_offers_the_next_tier(policy, desk, client: Any):
    saved = policy(escalations=NEXT_TIER)
    client.force_login(desk.carol)
    page = client.get(f"/desk/admin/sla/policies/{saved.pk}/").content.decode()
    assert '<option value="next_tier" selected>' in page
