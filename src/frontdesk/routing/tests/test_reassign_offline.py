"""The periodic job that takes tickets away from agents who went offline too long ago."""

from datetime import timedelta

import pytest

from frontdesk.core import clock, scheduler
from frontdesk.routing import tasks
from frontdesk.routing.actions import (
    configure_team_assignment,
    reassign_from_offline_agents,
    set_availability,
)
from frontdesk.routing.tests.crew import NOW, auto_events, profile_of
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import Ticket, TicketEvent

LIMIT = 30
GONE_AT = NOW + timedelta(minutes=1)
PAST_LIMIT = GONE_AT + timedelta(minutes=LIMIT, seconds=1)


@pytest.fixture
def limited(desk, crew):
    """The crew's team moves the tickets of agents offline for over 30 minutes."""
    configure_team_assignment(
        actor=desk.carol,
        team_id=crew.team.pk,
        strategy="round_robin",
        reassign_offline_after_minutes=LIMIT,
    )
    return crew


@pytest.fixture
def anns_ticket(limited, raise_ticket):
    """Ann's ticket (the first of the rotation); ann then goes offline at GONE_AT."""
    ticket = raise_ticket()
    assert ticket.assignee_id == limited.ann.pk
    set_availability(actor=limited.ann, availability="offline", now=GONE_AT)
    return ticket


def reloaded(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_a_ticket_moves_once_its_agent_is_offline_past_the_limit(limited, anns_ticket):
    assert reassign_from_offline_agents(now=PAST_LIMIT - timedelta(seconds=2)) == 0
    assert reloaded(anns_ticket).assignee_id == limited.ann.pk

    assert reassign_from_offline_agents(now=PAST_LIMIT) == 1

    moved = reloaded(anns_ticket)
    assert moved.assignee_id == limited.ben.pk  # next in the rotation after ann
    assert moved.version == anns_ticket.version + 1
    change = TicketEvent.objects.get(ticket=moved, action=EventAction.CHANGED)
    assert (change.field, change.old_value, change.new_value) == (
        "assignee",
        limited.ann.pk,
        limited.ben.pk,
    )
    reassigned = auto_events(moved)[-1]
    assert reassigned.old_value == {
        "assignee": limited.ann.pk,
        "reason": "assignee offline for over 30 min",
    }
    assert reassigned.new_value == {
        "assignee": limited.ben.pk,
        "strategy": "round_robin",
        "reason": f"round robin: next after agent {limited.ann.pk}",
    }


def test_the_job_is_idempotent(anns_ticket):
    assert reassign_from_offline_agents(now=PAST_LIMIT) == 1
    events = TicketEvent.objects.count()

    assert reassign_from_offline_agents(now=PAST_LIMIT + timedelta(minutes=5)) == 0
    assert TicketEvent.objects.count() == events


def test_away_agents_and_an_unknown_offline_time_keep_their_tickets(limited, raise_ticket):
    set_availability(actor=limited.ann, availability="away", now=NOW)
    ticket = raise_ticket()  # ben's: ann is away
    profile_of(limited.ben, availability="offline", offline_since=None)

    assert reassign_from_offline_agents(now=NOW + timedelta(days=3)) == 0
    assert reloaded(ticket).assignee_id == limited.ben.pk


def test_with_nobody_to_take_it_the_ticket_stays_with_its_owner(limited, anns_ticket):
    for member in (limited.ben, limited.cid):
        set_availability(actor=member, availability="offline", now=GONE_AT)

    assert reassign_from_offline_agents(now=PAST_LIMIT) == 0
    assert reloaded(anns_ticket).assignee_id == limited.ann.pk
    assert len(auto_events(anns_ticket)) == 1  # only the one from its creation


def test_teams_without_a_limit_and_finished_tickets_are_left_alone(desk, limited, anns_ticket):
    configure_team_assignment(actor=desk.carol, team_id=limited.team.pk, strategy="round_robin")
    assert reassign_from_offline_agents(now=PAST_LIMIT) == 0

    configure_team_assignment(
        actor=desk.carol,
        team_id=limited.team.pk,
        strategy="round_robin",
        reassign_offline_after_minutes=LIMIT,
    )
    Ticket.objects.filter(pk=anns_ticket.pk).update(status_category="solved")
    assert reassign_from_offline_agents(now=PAST_LIMIT) == 0


def test_a_manual_team_with_a_limit_puts_the_ticket_back_in_its_queue(desk, limited, anns_ticket):
    configure_team_assignment(
        actor=desk.carol,
        team_id=limited.team.pk,
        strategy="manual",
        reassign_offline_after_minutes=LIMIT,
    )

    assert reassign_from_offline_agents(now=PAST_LIMIT) == 1

    assert reloaded(anns_ticket).assignee_id is None
    assert auto_events(anns_ticket)[-1].new_value == {
        "assignee": None,
        "strategy": "manual",
        "reason": "manual team: back to the queue",
    }


def test_the_scheduler_runs_the_job_every_minute(anns_ticket, monkeypatch):
    assert scheduler.REGISTRY[tasks.reassign_offline.name].every_seconds == 60
    monkeypatch.setattr(clock, "now", lambda: PAST_LIMIT)

    assert tasks.reassign_offline.call() == 1
