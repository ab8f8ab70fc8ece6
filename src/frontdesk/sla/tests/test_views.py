"""SLA in the workspace: the Due soon and Breached views, badges, and the ticket's clocks."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from frontdesk.core import clock
from frontdesk.sla.templatetags.sla_tags import countdown_text

ALWAYS_OPEN = {str(day): [["00:00", "00:00"]] for day in range(7)}
CALENDAR_TIME_TARGETS = [
    {"priority": p, "metric": "first_response", "minutes": m, "business_hours": False}
    for p, m in (("normal", 60), ("high", 30), ("low", 24 * 60))
]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tickets(policy: Any, make_ticket: Any, desk: Any) -> dict[str, Any]:
    policy(weekly=ALWAYS_OPEN, targets=CALENDAR_TIME_TARGETS)
    now = clock.now()
    return {
        "overdue": make_ticket(subject="Overdue one", now=now - timedelta(minutes=90)),
        "soon": make_ticket(subject="Soon one", priority="high", now=now),
        "later": make_ticket(subject="Later one", priority="low", now=now),
    }


def test_due_soon_lists_running_clocks_due_within_hours_most_urgent_first(
    tickets: Any, desk: Any
) -> None:
    html = signed_in(desk.alice).get("/desk/views/due-soon/").content.decode()
    assert "Later one" not in html  # due in 24 hours
    assert html.index("Overdue one") < html.index("Soon one")
    assert 'class="due due--overdue"' in html
    assert "overdue 30 min" in html


def test_breached_lists_only_overdue_tickets(tickets: Any, desk: Any) -> None:
    html = signed_in(desk.alice).get("/desk/views/breached/").content.decode()
    assert "Overdue one" in html
    assert "Soon one" not in html


def test_sla_views_respect_the_permission_gate(tickets: Any, desk: Any) -> None:
    html = signed_in(desk.dave).get("/desk/views/breached/").content.decode()  # billing
    assert "Overdue one" not in html


def test_ticket_page_shows_each_clock_and_how_it_was_derived(tickets: Any, desk: Any) -> None:
    ticket = tickets["soon"]
    html = signed_in(desk.alice).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Standard" in html
    assert "First response" in html
    assert "How was this computed?" in html
    assert "Clock started" in html  # the engine's own explanation lines


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(minutes=25, seconds=30), "in 25 min"),
        (timedelta(minutes=59), "in 59 min"),
        (timedelta(hours=3, minutes=59), "in 3 h"),
        (timedelta(hours=47), "in 47 h"),
        (timedelta(days=3, hours=5), "in 3 d"),
        (timedelta(minutes=-40), "overdue 40 min"),
        (timedelta(hours=-5), "overdue 5 h"),
    ],
    ids=["minutes", "just under an hour", "hours", "two days in hours", "days", "late", "later"],
)
def test_countdown_text(left: timedelta, text: str) -> None:
    assert countdown_text(left) == text


def test_api_explains_each_clock_to_staff_only(tickets: Any, desk: Any, as_user: Any) -> None:
    number = tickets["overdue"].number
    body = as_user(desk.alice).get(f"/api/v1/tickets/{number}/sla").json()
    assert body["policy_name"] == "Standard"
    (first_response,) = body["clocks"]
    assert first_response["metric"] == "first_response"
    assert first_response["state"] == "breached"
    assert any(line.startswith("Clock started") for line in first_response["explain"])
    due = datetime.fromisoformat(first_response["due_at"])
    assert datetime.fromisoformat(body["next_due_at"]) == due
    assert as_user(desk.bob).get(f"/api/v1/tickets/{number}/sla").status_code == 404


def test_home_shows_what_is_due_most_urgent_first(tickets: Any, desk: Any) -> None:
    html = signed_in(desk.alice).get("/desk/").content.decode()
    panel = html[html.index('id="h-due"') :]
    assert panel.index("Overdue one") < panel.index("Soon one")
    assert "Later one" not in panel[: panel.index('id="h-unassigned"')]


def test_timeline_tells_sla_events_and_automatic_assignment(
    tickets: Any, desk: Any, policy: Any
) -> None:
    from frontdesk.sla.actions import sweep_due_tickets

    sweep_due_tickets()
    ticket = tickets["overdue"]
    html = signed_in(desk.alice).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Frontdesk: SLA target breached (first response)" in html
