"""Working hours: an agent with a working calendar is on shift only inside its working
periods; round robin passes over them outside, and the record says why."""

from datetime import UTC, datetime
from typing import Any

import pytest

from frontdesk.routing.actions import configure_agent_profile
from frontdesk.routing.tests.crew import decisions
from frontdesk.sla.actions import add_holiday, delete_calendar, save_calendar

MONDAY_08_UTC = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
MONDAY_20_UTC = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 21:00 in Berlin


@pytest.fixture
def office(desk):
    """Monday to Friday, 09:00-17:00 in Berlin."""
    return save_calendar(
        actor=desk.carol,
        name="Berlin office",
        time_zone="Europe/Berlin",
        weekly={str(day): [["09:00", "17:00"]] for day in range(5)},
    )


def work_in(desk: Any, agent: Any, calendar: Any) -> None:
    configure_agent_profile(
        actor=desk.carol,
        user_id=agent.pk,
        capacity=20,
        skills=[],
        working_calendar_id=calendar.pk if calendar else None,
    )


def test_an_agent_off_shift_is_passed_over_with_the_reason(desk, crew, office, raise_ticket):
    work_in(desk, crew.ann, office)

    evening = raise_ticket(now=MONDAY_20_UTC)

    assert evening.assignee_id == crew.ben.pk
    assert decisions(evening) == [
        {
            "assignee": crew.ben.pk,
            "strategy": "round_robin",
            "reason": "round robin: first in the rotation",
            "skipped": {str(crew.ann.pk): "off shift"},
        }
    ]


def test_the_same_agent_is_on_shift_in_office_hours(desk, crew, office, raise_ticket):
    work_in(desk, crew.ann, office)

    assert raise_ticket(now=MONDAY_08_UTC).assignee_id == crew.ann.pk
    assert "skipped" not in decisions(raise_ticket(now=MONDAY_08_UTC))[0]


def test_nobody_on_shift_leaves_the_ticket_in_the_queue(desk, crew, office, raise_ticket):
    for agent in crew.agents:
        work_in(desk, agent, office)

    ticket = raise_ticket(now=MONDAY_20_UTC)

    assert ticket.assignee_id is None
    assert decisions(ticket)[0]["reason"] == "nobody online is on shift"


def test_a_holiday_is_off_shift(desk, crew, office, raise_ticket):
    add_holiday(actor=desk.carol, calendar_id=office.pk, day=MONDAY_08_UTC.date(), name="Off")
    work_in(desk, crew.ann, office)

    assert raise_ticket(now=MONDAY_08_UTC).assignee_id == crew.ben.pk


def test_without_a_calendar_an_agent_is_always_on_shift(desk, crew, office, raise_ticket):
    work_in(desk, crew.ann, office)
    work_in(desk, crew.ann, None)

    assert raise_ticket(now=MONDAY_20_UTC).assignee_id == crew.ann.pk


def test_deleting_the_calendar_puts_its_agents_always_on_shift(desk, crew, office, raise_ticket):
    work_in(desk, crew.ann, office)
    delete_calendar(actor=desk.carol, calendar_id=office.pk)

    assert raise_ticket(now=MONDAY_20_UTC).assignee_id == crew.ann.pk


def test_the_ticket_page_names_who_was_passed_over(desk, crew, office, raise_ticket, client):
    work_in(desk, crew.ann, office)
    ticket = raise_ticket(now=MONDAY_20_UTC)
    client.force_login(desk.carol)

    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert "passed over: Ann (off shift)" in page
