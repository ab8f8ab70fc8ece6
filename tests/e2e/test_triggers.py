"""Triggers in a real browser: an administrator creates a trigger through its page (a
mistake in its JSON shown inline first), tries it on a ticket, and sees it fire on a new
ticket's page; axe finds nothing serious on the triggers pages."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect
from tests.e2e.conftest import run_axe

from frontdesk.tickets.models import Ticket
from frontdesk.triggers.models import Trigger, TriggerRun

# Transactional: the live server's thread must see the data (statuses: see conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)

CONDITION = '{"all": [{"field": "event.kind", "op": "equals", "value": "created"}]}'
ACTIONS = (
    '[{"type": "set_field", "field": "priority", "value": "high"},'
    ' {"type": "add_tags", "tags": ["vip"]},'
    ' {"type": "add_note", "text": "A VIP wrote in."}]'
)


def test_admin_creates_a_trigger_that_fires_on_a_new_ticket(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    earlier = make_ticket(subject="An earlier ticket")
    page = open_page("carol")
    page.get_by_role("link", name="Triggers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triggers")
    assert run_axe(page) == []

    page.get_by_role("link", name="New trigger").click()
    page.get_by_label("Name:", exact=True).fill("Notify VIP")
    page.get_by_label("When an event leaves the ticket matching (JSON)").fill(CONDITION)
    page.get_by_label("Then (JSON)").fill('[{"type": "set_field", "field": "priority"}]')
    page.get_by_role("button", name="Create trigger").click()
    expect(page.locator("#id_actions_error")).to_contain_text("actions[0]")
    assert Trigger.objects.count() == 0
    assert run_axe(page) == []

    page.get_by_label("Then (JSON)").fill(ACTIONS)
    page.get_by_label("Ticket number").fill(str(earlier.number))
    page.get_by_label("Event:", exact=True).select_option("created")
    page.get_by_role("button", name="Test this rule").click()
    expect(page.locator("#test-result")).to_contain_text(
        "Trigger “Notify VIP” would run: priority high, tags +vip; add a note"
    )
    assert Trigger.objects.count() == 0  # the dry run saved nothing

    page.get_by_role("button", name="Create trigger").click()
    expect(page.locator(".flash")).to_contain_text("Saved “Notify VIP”.")
    assert run_axe(page) == []

    ticket = make_ticket(subject="The CEO cannot print")
    page.goto(f"/desk/tickets/{ticket.number}/")
    expect(page.locator("#thread")).to_contain_text(
        "Trigger “Notify VIP” ran: priority high, tags +vip; note added"
    )
    assert TriggerRun.objects.get().ticket_id == ticket.pk

    page.goto("/desk/admin/triggers/")
    expect(page.get_by_role("link", name=f"#{ticket.number}")).to_be_visible()
    assert page.js_errors == []
