from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk

from frontdesk.routing.tests.crew import NOW, ORIGIN, Crew, build_crew
from frontdesk.tickets import actions
from frontdesk.tickets.models import Ticket


@pytest.fixture
def crew(desk: Desk) -> Crew:
    return build_crew(desk.carol)


@pytest.fixture
def raise_ticket(desk: Desk, crew: Crew) -> Callable[..., Ticket]:
    """A ticket for the crew's team (unless `team_id` says otherwise), created by an admin
    on bob's behalf at NOW (unless `now` says otherwise)."""

    def make(**fields: Any) -> Ticket:
        return actions.create_ticket(
            actor=desk.carol,
            origin=ORIGIN,
            subject=fields.pop("subject", "Cannot log in"),
            body="Since this morning.",
            requester_email=desk.bob.email,
            team_id=fields.pop("team_id", crew.team.pk),
            now=fields.pop("now", NOW),
            **fields,
        )

    return make
