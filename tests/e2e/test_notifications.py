"""Notifications in a real browser: the bell rises live, the page opens the ticket."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect
from tests.e2e.conftest import run_axe

from frontdesk.notifications.models import Notification
from frontdesk.tickets.models import Ticket

# Transactional: the live server's thread must see the data (statuses: see conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bell_rises_live_when_a_colleague_assigns_a_ticket(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="Printer on fire")
    alice, sam = open_page("alice"), open_page("sam")
    expect(alice.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()

    sam.goto(f"/desk/tickets/{ticket.number}/")
    sam.locator("#ticket-side select[name=assignee]").select_option(str(desk.alice.pk))
    sam.locator("#ticket-side").get_by_role("button", name="Save").click()

    # Alice did not reload: the assignment reached her over her open stream.
    bell = alice.get_by_role("link", name="Notifications, 1 unread")
    expect(bell).to_be_visible(timeout=5000)
    expect(alice.locator(".bell__count")).to_have_text("1")

    bell.click()
    alice.wait_for_url("**/desk/notifications/")
    entry = alice.get_by_role("button", name=f"Sam assigned you #{ticket.number}")
    expect(entry).to_be_visible()
    entry.click()
    alice.wait_for_url(f"**/desk/tickets/{ticket.number}/")
    expect(alice.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
    assert Notification.objects.get(recipient=desk.alice).read_at is not None
    assert alice.js_errors == []


def test_notifications_page_is_accessible_and_reachable_by_keyboard(
    open_page: Callable[..., Any], desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    from frontdesk.core import clock
    from frontdesk.notifications.actions import notify
    from frontdesk.notifications.choices import NotificationKind

    ticket = make_ticket()
    for text in ("Read one", "Unread one"):
        notify(
            [desk.alice],
            kind=NotificationKind.MENTION,
            text=text,
            ticket=ticket,
            actor=desk.sam,
            now=clock.now(),
        )
    Notification.objects.filter(text="Read one").update(read_at=clock.now())
    page = open_page("alice")
    page.keyboard.press("g")
    page.keyboard.press("n")
    page.wait_for_url("**/desk/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert run_axe(page) == []
    page.emulate_media(color_scheme="dark")
    assert run_axe(page) == []

    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator(".notification--unread")).to_have_count(0)
    expect(page.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
