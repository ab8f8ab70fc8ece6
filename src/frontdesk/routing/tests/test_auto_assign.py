"""Automatic assignment wired into ticket creation and team moves, through the actions.

The engine's rules are pinned in `test_assignment.py`; here we check what the database
adds: the team's settings and cursor, loads counted from tickets, presence, skills from
tags, the audit event, and the lock that serialises one team's assignments.
"""

from datetime import timedelta
from typing import Any

import pytest
from conftest import Desk

from frontdesk.accounts.actions import create_user
from frontdesk.accounts.models import AgentProfile, User
from frontdesk.routing.actions import configure_team_assignment, set_availability
from frontdesk.routing.models import TeamAssignment
from frontdesk.routing.tests.crew import (
    NOW,
    ORIGIN,
    assignees,
    auto_events,
    decisions,
    profile_of,
)
from frontdesk.tickets import actions
from frontdesk.tickets.access import visible_events
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import Ticket, TicketEvent

# --- round robin ----------------------------------------------------------------------


def test_round_robin_rotates_across_the_online_agents(crew, raise_ticket):
    tickets = [raise_ticket() for _ in range(6)]

    ann, ben, cid = (a.pk for a in crew.agents)
    assert assignees(tickets) == [ann, ben, cid, ann, ben, cid]
    assert {t.status_category for t in tickets} == {"open"}  # created assigned: open
    assert TeamAssignment.objects.get(pk=crew.team.pk).rr_cursor == cid
    assert AgentProfile.objects.get(user=crew.cid).last_assigned_at == NOW


@pytest.mark.parametrize(
    "unavailable",
    [
        pytest.param({"availability": "away"}, id="away"),
        pytest.param({"availability": "offline"}, id="offline"),
        pytest.param({"capacity": 0}, id="at_capacity"),
    ],
)
def test_round_robin_passes_over_agents_who_cannot_take_work(crew, raise_ticket, unavailable):
    profile_of(crew.ben, **unavailable)

    tickets = [raise_ticket() for _ in range(4)]

    assert assignees(tickets) == [crew.ann.pk, crew.cid.pk] * 2


def test_an_agent_fills_up_to_their_capacity_and_then_is_skipped(crew, raise_ticket):
    profile_of(crew.ann, capacity=1)
    profile_of(crew.cid, availability="away")

    tickets = [raise_ticket() for _ in range(3)]

    assert assignees(tickets) == [crew.ann.pk, crew.ben.pk, crew.ben.pk]


def test_solved_tickets_do_not_count_against_capacity(crew, raise_ticket, desk):
    profile_of(crew.ann, capacity=1)
    profile_of(crew.ben, availability="away")
    profile_of(crew.cid, availability="away")
    first = raise_ticket()
    actions.update_ticket(
        actor=desk.carol,
        origin=ORIGIN,
        number=first.number,
        changes={"status": "solved"},
        expected_version=None,
    )

    assert raise_ticket().assignee_id == crew.ann.pk


def test_nobody_eligible_leaves_the_ticket_new_with_the_reason(crew, raise_ticket):
    for member in crew.agents:
        set_availability(actor=member, availability="offline", now=NOW)

    ticket = raise_ticket()

    assert (ticket.assignee_id, ticket.status_category) == (None, "new")
    [event] = auto_events(ticket)
    assert event.new_value == {
        "assignee": None,
        "strategy": "round_robin",
        "reason": "nobody online",
    }
    assert TeamAssignment.objects.get(pk=crew.team.pk).rr_cursor is None  # nobody lost a turn


def test_light_agents_and_deactivated_members_are_never_chosen(desk, crew, raise_ticket):
    light = create_user(actor=None, email="lia@example.com", role="light_agent")
    crew.team.members.add(light)
    set_availability(actor=light, availability="online", now=NOW)
    User.objects.filter(pk=crew.ben.pk).update(is_active=False)

    tickets = [raise_ticket() for _ in range(4)]

    assert set(assignees(tickets)) == {crew.ann.pk, crew.cid.pk}


# --- load balanced and skills -----------------------------------------------------------


def test_load_balanced_picks_the_lowest_load_ratio(desk, crew, raise_ticket):
    configure_team_assignment(actor=desk.carol, team_id=crew.team.pk, strategy="load_balanced")
    profile_of(crew.ann, capacity=10)  # 5 of 10: 50 %
    profile_of(crew.ben, capacity=4)  # 1 of 4: 25 %
    profile_of(crew.cid, capacity=None)  # 30 of "100": 30 %
    for member, count in ((crew.ann, 5), (crew.ben, 1), (crew.cid, 30)):
        for _ in range(count):
            raise_ticket(assignee_id=member.pk)

    ticket = raise_ticket()

    assert ticket.assignee_id == crew.ben.pk
    assert decisions(ticket) == [
        {
            "assignee": crew.ben.pk,
            "strategy": "load_balanced",
            "reason": "load balanced: lowest load (1/4 open)",
        }
    ]


def test_required_skills_come_from_skill_tags(crew, raise_ticket):
    profile_of(crew.ann, skills=["Billing"])
    profile_of(crew.ben, skills=["german", "billing"])

    tickets = [raise_ticket(tags=["skill:german", "vip"]) for _ in range(2)]

    assert assignees(tickets) == [crew.ben.pk, crew.ben.pk]
    nobody = raise_ticket(tags=["skill:french"])
    assert nobody.assignee_id is None
    assert decisions(nobody)[0]["reason"] == "nobody available has skill french"


def test_skills_strategy_prefers_the_most_preferred_skills(desk, crew, raise_ticket):
    configure_team_assignment(actor=desk.carol, team_id=crew.team.pk, strategy="skills")
    profile_of(crew.ann, skills=["billing"])
    profile_of(crew.ben, skills=["billing", "vip"])
    profile_of(crew.cid, skills=["billing", "vip", "german"])

    ticket = raise_ticket(tags=["skill:billing", "prefer-skill:vip", "prefer-skill:german"])

    assert ticket.assignee_id == crew.cid.pk
    assert decisions(ticket)[0]["reason"] == (
        "skills: most preferred skills (2 of 2 preferred skills, 0/20 open)"
    )


# --- manual teams and explicit assignees ----------------------------------------------


def test_manual_and_unconfigured_teams_leave_tickets_unassigned(desk, crew, raise_ticket):
    unconfigured = raise_ticket(team_id=desk.support.pk)
    configure_team_assignment(actor=desk.carol, team_id=crew.team.pk, strategy="manual")
    manual = raise_ticket()

    for ticket in (unconfigured, manual):
        assert (ticket.assignee_id, ticket.status_category) == (None, "new")
        assert auto_events(ticket) == []


def test_an_assignee_given_at_creation_is_kept(crew, raise_ticket):
    ticket = raise_ticket(assignee_id=crew.cid.pk)

    assert ticket.assignee_id == crew.cid.pk
    assert auto_events(ticket) == []
    assert raise_ticket().assignee_id == crew.ann.pk  # the rotation did not move


# --- the audit event --------------------------------------------------------------------


def test_the_event_records_assignee_strategy_and_reason_for_staff_only(desk, crew, raise_ticket):
    ticket = raise_ticket()

    [event] = auto_events(ticket)
    assert event.new_value == {
        "assignee": crew.ann.pk,
        "strategy": "round_robin",
        "reason": "round robin: first in the rotation",
    }
    assert (event.actor_id, event.channel, event.is_public) == (None, "system", False)
    assert event in visible_events(crew.ann, ticket)
    assert event not in visible_events(desk.bob, ticket)


# --- moving a ticket to another team ----------------------------------------------------


def move(desk: Desk, ticket: Ticket, **changes: Any) -> Ticket:
    return actions.update_ticket(
        actor=desk.carol,
        origin=ORIGIN,
        number=ticket.number,
        changes=changes,
        expected_version=None,
        now=NOW,
    )


def test_a_ticket_moved_to_an_automatic_team_is_assigned(desk, crew, raise_ticket):
    ticket = raise_ticket(team_id=desk.support.pk)

    moved = move(desk, ticket, team_id=crew.team.pk)

    assert (moved.assignee_id, moved.status_category) == (crew.ann.pk, "open")
    changed = TicketEvent.objects.filter(ticket=ticket, action=EventAction.CHANGED)
    assert set(changed.values_list("field", flat=True)) == {"team", "assignee", "status"}
    assert decisions(ticket)[0]["assignee"] == crew.ann.pk


def test_an_explicit_unassign_with_the_move_is_respected(desk, crew, raise_ticket):
    ticket = raise_ticket(team_id=desk.support.pk, assignee_id=desk.alice.pk)

    moved = move(desk, ticket, team_id=crew.team.pk, assignee_id=None)

    assert moved.assignee_id is None
    assert auto_events(ticket) == []


# --- presence ---------------------------------------------------------------------------


def test_offline_since_starts_when_going_offline_and_ends_on_return(crew):
    later = NOW + timedelta(minutes=5)
    set_availability(actor=crew.ann, availability="offline", now=NOW)
    set_availability(actor=crew.ann, availability="offline", now=later)  # not a restart
    assert AgentProfile.objects.get(user=crew.ann).offline_since == NOW

    set_availability(actor=crew.ann, availability="away", now=later)
    assert AgentProfile.objects.get(user=crew.ann).offline_since is None
