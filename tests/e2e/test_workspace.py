"""The agent workspace in a real browser: the day's main flows, live updates, collisions,
keyboard-only triage and accessibility checks."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect
from tests.e2e.conftest import run_axe

from frontdesk.tickets.choices import MessageKind, StatusCategory
from frontdesk.tickets.models import Message, Ticket, TicketFollower

# Transactional: the live server's thread must see the data (statuses: see conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_works_a_ticket(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="Printer on fire", body="It smokes, a lot.")
    page = open_page("alice")
    page.get_by_role("link", name=re.compile("All open")).click()
    page.get_by_role("link", name="Printer on fire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Printer on fire")

    page.get_by_label("Message (Markdown)").fill("We are **on it**.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#thread")).to_contain_text("We are on it.")

    page.get_by_label("Internal note").check()
    page.get_by_label("Message (Markdown)").fill("@sam")
    page.locator("#mention-list li").first.click()
    page.get_by_label("Message (Markdown)").press("End")
    page.get_by_label("Message (Markdown)").type("please check the toner")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#thread .entry--note")).to_contain_text("please check the toner")

    page.get_by_role("button", name="Take it").click()
    expect(page.locator("#ticket-side select[name=assignee]")).to_have_value(str(desk.alice.pk))
    page.locator("#ticket-side select[name=status]").select_option("pending")
    page.locator("#ticket-side").get_by_role("button", name="Save").click()
    expect(page.locator("#ticket-header")).to_contain_text("Pending")

    ticket.refresh_from_db()
    assert ticket.assignee_id == desk.alice.pk
    assert ticket.status_category == StatusCategory.PENDING
    kinds = list(
        Message.objects.filter(ticket=ticket).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == [MessageKind.REPLY, MessageKind.REPLY, MessageKind.NOTE]
    assert TicketFollower.objects.filter(ticket=ticket, user=desk.sam).exists()
    assert page.js_errors == []


def test_bulk_update_two_tickets(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    one, two = make_ticket(subject="First"), make_ticket(subject="Second")
    make_ticket(subject="Third")
    page = open_page("alice")
    page.goto("/desk/views/open/")
    page.get_by_label(f"Select ticket #{one.number}").check()
    page.get_by_label(f"Select ticket #{two.number}").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("2 selected")
    page.locator("#bulk-priority").select_option("high")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash")).to_contain_text("Updated 2 tickets.")
    priorities = dict(Ticket.objects.values_list("subject", "priority"))
    assert priorities == {"First": 3, "Second": 3, "Third": 2}


def test_second_agent_sees_changes_and_presence_live(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="Shared ticket")
    alice, sam = open_page("alice"), open_page("sam")
    url = f"/desk/tickets/{ticket.number}/"
    alice.goto(url)
    sam.goto(url)
    expect(alice.locator("#presence")).to_contain_text("Sam is viewing", timeout=2000)
    expect(sam.locator("#presence")).to_contain_text("Alice is viewing", timeout=2000)

    sam.get_by_label("Message (Markdown)").fill("Looking into it")
    sam.get_by_role("button", name="Send").click()
    # The 2 seconds are the live update's: they start when the reply is saved (Sam's page
    # shows it), not when Sam clicks, since saving a reply also queues its email, reindexes
    # the ticket and refreshes its metrics, which the test server does one request at a time.
    expect(sam.locator("#thread")).to_contain_text("Looking into it", timeout=10_000)
    expect(alice.locator("#thread")).to_contain_text("Looking into it", timeout=2000)


def test_stale_edit_gets_a_conflict(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    from frontdesk.tickets import actions
    from frontdesk.tickets.events import Origin

    ticket = make_ticket(subject="Contested")
    page = open_page("alice")
    # No live stream here: it would refresh the form before the stale save could happen.
    page.route("**/desk/live/**", lambda route: route.abort())
    page.goto(f"/desk/tickets/{ticket.number}/")
    actions.update_ticket(
        actor=desk.sam,
        origin=Origin(),
        number=ticket.number,
        changes={"priority": "urgent"},
        expected_version=ticket.version,
    )
    page.locator("#ticket-side select[name=type]").select_option("incident")
    page.locator("#ticket-side").get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone changed this ticket")
    expect(page.get_by_role("alert")).to_contain_text("Sam")
    ticket.refresh_from_db()
    assert ticket.type != "incident"


def test_keyboard_only_triage(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="Keyboard ticket")
    page = open_page("alice")
    page.goto("/desk/views/open/")
    page.wait_for_selector("html[data-app-ready]")
    page.keyboard.press("j")
    expect(page.locator("tr.is-cursor")).to_have_count(1)
    with page.expect_navigation(url=f"**/desk/tickets/{ticket.number}/"):
        page.keyboard.press("o")
    page.wait_for_selector("html[data-app-ready]")
    with page.expect_response(f"**/desk/tickets/{ticket.number}/claim/"):
        page.keyboard.press("a")
    expect(page.locator("#ticket-side select[name=assignee]")).to_have_value(str(desk.alice.pk))
    page.keyboard.press("r")
    page.keyboard.type("Thanks, fixed.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#thread")).to_contain_text("Thanks, fixed.")
    page.keyboard.press("s")
    page.keyboard.press("Escape")
    ticket.refresh_from_db()
    assert ticket.assignee_id == desk.alice.pk
    assert Message.objects.filter(ticket=ticket, body_text="Thanks, fixed.").exists()


@pytest.mark.parametrize("path", ["/desk/", "/desk/views/open/", "TICKET", "/desk/tickets/new/"])
def test_pages_have_no_serious_accessibility_violations(
    open_page: Callable[..., Any], make_ticket: Callable[..., Ticket], path: str
) -> None:
    ticket = make_ticket()
    page = open_page("alice")
    page.goto(f"/desk/tickets/{ticket.number}/" if path == "TICKET" else path)
    assert run_axe(page) == []


def test_phone_width_has_no_horizontal_scroll(
    open_page: Callable[..., Any], make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    page = open_page("alice", width=390, height=844)
    for path in ("/desk/", "/desk/views/open/", f"/desk/tickets/{ticket.number}/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path


def test_dark_theme_keeps_contrast(
    open_page: Callable[..., Any], make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    page = open_page("alice")
    page.emulate_media(color_scheme="dark")
    page.goto(f"/desk/tickets/{ticket.number}/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 21, 27)"  # the dark --bg, so the dark palette is in use
    assert run_axe(page) == []
