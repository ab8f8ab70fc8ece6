"""Macros in a real browser: an agent picks a macro with placeholders in the composer by
keyboard (`m`, type, Enter), sees its preview for the ticket, inserts and edits the text,
sends, and finds the reply with the placeholders filled in and the macro's change made;
axe finds nothing serious on the macros page nor on the ticket page with the picker open."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect
from tests.e2e.conftest import run_axe

from frontdesk.macros import actions
from frontdesk.macros.models import Macro
from frontdesk.tickets.models import Ticket

# Transactional: the live server's thread must see the data (statuses: see conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Hi {{requester.first_name}}, ticket {{ticket.number}} needs your logs.\n\n{{agent.first_name}}"
)


def test_an_agent_applies_a_macro_from_the_composer(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="The printer smokes")
    macro = actions.save_macro(
        actor=desk.sam,
        name="Ask for logs",
        body=BODY,
        actions=[
            {"type": "set_field", "field": "status", "value": "pending"},
            {"type": "add_tags", "tags": ["logs-requested"]},
        ],
        visibility="team",
        team_id=desk.support.pk,
    )
    actions.save_macro(actor=desk.alice, name="Thanks", body="Thanks!", visibility="personal")

    page = open_page("alice")
    page.goto(f"/desk/tickets/{ticket.number}/")
    page.wait_for_selector("html[data-app-ready]")
    page.keyboard.press("m")
    picker = page.get_by_role("combobox", name="Macro")
    expect(picker).to_be_focused()
    picker.press_sequentially("logs")
    listbox = page.get_by_role("listbox", name="Macros")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(picker).to_have_attribute("aria-expanded", "true")
    expect(picker).to_have_attribute("aria-activedescendant", f"macro-option-{macro.pk}")
    assert run_axe(page) == []

    picker.press("Enter")  # previews; does not submit the composer
    preview = page.locator(".macro-preview")
    expect(preview).to_contain_text(f"Hi Bob, ticket {ticket.number} needs your logs.")
    expect(preview).to_contain_text("Status → Pending")
    expect(preview).to_contain_text("Tags +logs-requested")
    insert = page.get_by_role("button", name="Insert into reply")
    expect(insert).to_be_focused()
    assert run_axe(page) == []

    page.keyboard.press("Enter")
    body = page.get_by_label("Message (Markdown)")
    expect(body).to_be_focused()
    expect(body).to_have_value(f"Hi Bob, ticket {ticket.number} needs your logs.\n\nAlice")
    expect(page.locator("input[name=macro]")).to_have_value(str(macro.pk))
    body.press("End")
    body.press_sequentially(" (from the support team)")
    page.get_by_role("button", name="Send").click()

    entry = page.locator("#thread .entry").filter(has_text="needs your logs")
    expect(entry).to_contain_text(f"Hi Bob, ticket {ticket.number} needs your logs.")
    expect(entry).to_contain_text("Alice (from the support team)")
    expect(page.locator("#ticket-header")).to_contain_text("Pending")
    expect(page.locator("input[name=macro]")).to_have_value("")  # a fresh composer
    ticket.refresh_from_db()
    assert ticket.status.slug == "pending"
    assert list(ticket.tags.values_list("name", flat=True)) == ["logs-requested"]
    assert Macro.objects.get(pk=macro.pk).usage_count == 1
    assert page.js_errors == []


def test_the_macros_page(open_page: Callable[..., Any], desk: Desk) -> None:
    actions.save_macro(actor=desk.alice, name="Thanks", body="Thanks!", visibility="personal")
    page = open_page("alice")
    page.get_by_role("link", name="Macros", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Macros")
    expect(page.get_by_role("link", name="Thanks")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_role("link", name="New macro").click()
    page.get_by_label("Name:", exact=True).fill("Bad")
    page.get_by_label("Reply text (Markdown)").fill("Hi {{requester.password}}")
    page.get_by_role("button", name="Create macro").click()
    expect(page.locator("#id_body_error")).to_contain_text("Unknown placeholder")
    assert run_axe(page) == []
    assert page.js_errors == []
