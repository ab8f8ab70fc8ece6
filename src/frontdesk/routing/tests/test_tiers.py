"""Support tiers (a team's next tier) and escalating a ticket by hand: the action, its
record and notifications, the API and the ticket page's button."""

import itertools
import json
from typing import Any

import pytest
from conftest import Desk
from django.test import Client

from frontdesk.core.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.notifications.models import Notification
from frontdesk.routing.actions import configure_team_assignment, next_tier_of
from frontdesk.routing.models import TeamAssignment
from frontdesk.routing.tests.crew import NOW, ORIGIN, Crew, auto_events
from frontdesk.tickets.actions import escalate_ticket
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import Ticket, TicketEvent


def tier(desk: Desk, team: Any, next_team: Any, strategy: str = "manual") -> TeamAssignment:
    return configure_team_assignment(
        actor=desk.carol,
        team_id=team.pk,
        strategy=strategy,
        escalates_to=next_team.pk if next_team else None,
        now=NOW,
    )


def escalate(who: Any, ticket: Ticket, note: str = "") -> Any:
    return escalate_ticket(actor=who, origin=ORIGIN, number=ticket.number, note=note, now=NOW)


# --- tiers ----------------------------------------------------------------------------------


def test_a_team_names_its_next_tier(desk):
    tier(desk, desk.support, desk.billing)

    assert next_tier_of(desk.support.pk) == desk.billing
    assert next_tier_of(desk.billing.pk) is None
    assert next_tier_of(None) is None


@pytest.mark.parametrize("length", [1, 2, 3])
def test_a_chain_that_leads_back_is_refused(desk, crew, length):
    teams = [desk.support, desk.billing, crew.team][:length]
    for lower, upper in itertools.pairwise(teams):
        tier(desk, lower, upper)

    with pytest.raises(Invalid) as refused:
        tier(desk, teams[-1], teams[0])

    assert refused.value.code == "tier_cycle"
    last = TeamAssignment.objects.filter(pk=teams[-1].pk).first()
    assert last is None or last.escalates_to_id is None


def test_an_unknown_next_tier_is_refused(desk):
    with pytest.raises(Invalid) as refused:
        tier(desk, desk.support, type("Gone", (), {"pk": 999_999})())
    assert refused.value.code == "unknown_team"


def test_a_supervisor_sets_the_next_tier_of_their_own_team_only(desk):
    configure_team_assignment(
        actor=desk.sam, team_id=desk.support.pk, strategy="manual", escalates_to=desk.billing.pk
    )
    with pytest.raises(Forbidden):
        configure_team_assignment(
            actor=desk.sam, team_id=desk.billing.pk, strategy="manual", escalates_to=None
        )


# --- escalating -----------------------------------------------------------------------------


@pytest.fixture
def l1(desk: Desk, crew: Crew) -> Crew:
    """Support (L1, manual) escalates to the crew's round-robin team (L2)."""
    tier(desk, desk.support, crew.team)
    return crew


def test_escalating_moves_the_ticket_to_the_next_tier_and_assigns_it(desk, l1, make_ticket):
    ticket = make_ticket(assignee_id=desk.alice.pk)

    done = escalate(desk.alice, ticket, note="Needs a database person")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (done.from_team, done.to_team) == (desk.support, l1.team)
    assert ticket.team_id == l1.team.pk
    assert ticket.assignee_id == l1.ann.pk  # round robin: first in the rotation
    [event] = TicketEvent.objects.filter(ticket=ticket, action=EventAction.ESCALATED)
    assert (event.actor, event.field, event.is_public) == (desk.alice, "tier", False)
    assert event.new_value == {
        "from_team": desk.support.pk,
        "to_team": l1.team.pk,
        "note": "Needs a database person",
    }
    assert event.old_value == {"team": desk.support.pk, "assignee": desk.alice.pk}
    changed = TicketEvent.objects.filter(
        ticket=ticket, action=EventAction.CHANGED, actor=desk.alice
    )
    assert {(e.field, e.old_value, e.new_value) for e in changed} >= {
        ("team", desk.support.pk, l1.team.pk),
        ("assignee", desk.alice.pk, l1.ann.pk),
    }
    assert [(e.new_value or {})["assignee"] for e in auto_events(ticket)] == [l1.ann.pk]


def test_the_new_team_and_assignee_are_told(desk, l1, make_ticket):
    ticket = make_ticket()

    escalate(desk.alice, ticket, note="Over to you")

    kinds = dict(Notification.objects.filter(ticket=ticket).values_list("recipient__email", "kind"))
    assert kinds == {
        "ann@example.com": "assigned",
        "ben@example.com": "escalated",
        "cid@example.com": "escalated",
    }
    text = Notification.objects.get(recipient=l1.ben, ticket=ticket).text
    assert "escalated" in text
    assert "Support" in text
    assert "Over to you" in text


def test_a_manual_next_tier_leaves_the_ticket_in_its_queue(desk, make_ticket):
    tier(desk, desk.support, desk.billing)
    ticket = make_ticket(assignee_id=desk.alice.pk)

    escalate(desk.sam, ticket)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.team_id, ticket.assignee_id) == (desk.billing.pk, None)
    assert Notification.objects.filter(recipient=desk.dave, kind="escalated").exists()


@pytest.mark.parametrize("configured", [False, True], ids=["never_configured", "top_tier"])
def test_the_top_tier_cannot_escalate(desk, make_ticket, configured):
    if configured:
        tier(desk, desk.support, None, strategy="round_robin")
    ticket = make_ticket()

    with pytest.raises(Conflict) as refused:
        escalate(desk.alice, ticket)

    assert (refused.value.code, refused.value.http_status) == ("no_next_tier", 409)
    assert Ticket.objects.get(pk=ticket.pk).team_id == desk.support.pk


def test_a_ticket_without_a_team_cannot_escalate(desk, make_ticket):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(team=None)
    with pytest.raises(Conflict) as refused:
        escalate(desk.alice, ticket)
    assert refused.value.code == "no_next_tier"


@pytest.mark.parametrize(
    ("who", "refused"),
    [("lena", Forbidden), ("bob", Forbidden), ("gil", NotFound), ("dave", NotFound)],
    ids=["light_agent", "customer_requester", "other_customer", "agent_of_another_team"],
)
def test_who_may_not_escalate(desk, l1, make_ticket, who, refused):
    ticket = make_ticket()
    with pytest.raises(refused):
        escalate(getattr(desk, who), ticket)
    assert Ticket.objects.get(pk=ticket.pk).team_id == desk.support.pk


def test_a_closed_ticket_cannot_escalate(desk, l1, make_ticket):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status_category="closed")
    with pytest.raises(Conflict) as refused:
        escalate(desk.alice, ticket)
    assert refused.value.code == "ticket_closed"


def test_a_long_note_is_refused(desk, l1, make_ticket):
    with pytest.raises(Invalid) as refused:
        escalate(desk.alice, make_ticket(), note="x" * 2001)
    assert refused.value.code == "invalid_note"


# --- the API ----------------------------------------------------------------------------------


def post(client: Client, path: str, body: Any) -> Any:
    return client.post("/api/v1" + path, json.dumps(body), content_type="application/json")


def test_the_api_escalates_and_says_where_to(desk, l1, make_ticket, as_user):
    ticket = make_ticket()

    response = post(as_user(desk.alice), f"/tickets/{ticket.number}/escalate", {"note": "db"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == ticket.number
    assert body["team"] == {"id": l1.team.pk, "name": "Frontline", "slug": l1.team.slug}
    assert body["previous_team"]["id"] == desk.support.pk
    assert body["assignee_id"] == l1.ann.pk


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("lena", 403, "not_allowed"), ("gil", 404, "not_found"), ("alice", 409, "no_next_tier")],
)
def test_the_api_refuses(desk, make_ticket, as_user, who, status, code):
    ticket = make_ticket()
    response = post(as_user(getattr(desk, who)), f"/tickets/{ticket.number}/escalate", {})
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_the_api_refuses_unknown_fields(desk, l1, make_ticket, as_user):
    ticket = make_ticket()
    response = post(as_user(desk.alice), f"/tickets/{ticket.number}/escalate", {"team": 1})
    assert response.status_code == 422


# --- the ticket page ----------------------------------------------------------------------------


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_the_ticket_page_offers_escalation_to_the_next_tier(desk, l1, make_ticket, client):
    ticket = make_ticket()
    page = signed_in(client, desk.alice).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Escalate to Frontline" in page
    assert f'action="/desk/tickets/{ticket.number}/escalate/"' in page


def test_no_button_without_a_next_tier_or_for_light_agents(desk, make_ticket, client):
    ticket = make_ticket()
    for who in (desk.alice, desk.lena):
        page = signed_in(client, who).get(f"/desk/tickets/{ticket.number}/").content.decode()
        assert "/escalate/" not in page


def test_escalating_from_the_page_goes_home_when_the_ticket_leaves_your_teams(
    desk, l1, make_ticket, client
):
    ticket = make_ticket()
    response = signed_in(client, desk.alice).post(
        f"/desk/tickets/{ticket.number}/escalate/", {"note": "db"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/desk/"
    assert Ticket.objects.get(pk=ticket.pk).team_id == l1.team.pk


def test_escalating_from_the_page_shows_the_ticket_when_you_still_see_it(desk, make_ticket, client):
    tier(desk, desk.support, desk.billing)
    ticket = make_ticket()
    response = signed_in(client, desk.carol).post(
        f"/desk/tickets/{ticket.number}/escalate/",
        {"note": "refund"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="ticket-side"' in page
    assert "escalated it from Support to Billing: “refund”" in page


def test_the_page_shows_a_top_tier_as_an_error(desk, make_ticket, client):
    ticket = make_ticket()
    response = signed_in(client, desk.alice).post(
        f"/desk/tickets/{ticket.number}/escalate/", {}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#error-area"
    assert "top tier" in response.content.decode()
