"""Tiers in a real browser: a supervisor escalates a ticket from its page with a note (the
`e` shortcut opens the form), sets their availability in the header without a reload, and
the assignment settings page passes axe."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect
from tests.e2e.conftest import run_axe

from frontdesk.accounts.models import AgentProfile
from frontdesk.routing.actions import configure_team_assignment
from frontdesk.tickets.choices import EventAction
from frontdesk.tickets.models import Ticket, TicketEvent

# Transactional: the live server's thread must see the data (statuses: see conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)


def test_escalate_from_the_ticket_page(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    configure_team_assignment(
        actor=desk.carol, team_id=desk.support.pk, strategy="manual", escalates_to=desk.billing.pk
    )
    ticket = make_ticket(subject="Refund for a double charge")
    page = open_page("carol")
    page.goto(f"/desk/tickets/{ticket.number}/")
    page.wait_for_selector("html[data-app-ready]")

    page.keyboard.press("e")
    note = page.get_by_label("Note for the next tier (optional)")
    expect(note).to_be_focused()
    note.fill("Billing knows the refund rules")
    page.get_by_role("button", name="Escalate", exact=True).click()

    expect(page.locator("#thread")).to_contain_text(
        "escalated it from Support to Billing: “Billing knows the refund rules”"
    )
    expect(page.locator("details.escalate")).to_have_count(0)  # Billing is the top tier
    assert Ticket.objects.get(pk=ticket.pk).team_id == desk.billing.pk
    assert TicketEvent.objects.filter(ticket=ticket, action=EventAction.ESCALATED).count() == 1
    assert page.js_errors == []


def test_availability_and_the_assignment_settings_page(
    open_page: Callable[..., Any], desk: Desk
) -> None:
    page = open_page("sam")
    page.get_by_label("Your availability").select_option("away")
    expect(page.locator("#availability.availability--away")).to_be_visible()
    assert AgentProfile.objects.get(user=desk.sam).availability == "away"

    page.get_by_role("link", name="Assignment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignment settings")
    assert run_axe(page) == []

    team = page.locator(f"#team-{desk.support.pk}")
    team.get_by_label("Strategy").select_option("round_robin")
    team.get_by_label("Escalates to (next tier)").select_option(str(desk.billing.pk))
    team.get_by_role("button", name="Save Support").click()
    expect(page.locator(".flash")).to_contain_text("Saved the settings of Support.")
    assert run_axe(page) == []
    assert page.js_errors == []
