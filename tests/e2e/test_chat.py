"""The live chat widget in a real browser: a visitor on another origin chats, an agent in a
second browser context accepts and answers, both see the messages live."""

import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import Desk
from playwright.sync_api import expect

from frontdesk.accounts.choices import Availability
from frontdesk.accounts.models import AgentProfile
from frontdesk.chat.actions import create_widget
from frontdesk.chat.models import ChatSession
from frontdesk.tickets.choices import Channel, MessageKind
from frontdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_and_agent_chat_live(
    browser: Any, live_server: Any, open_page: Callable[..., Any], desk: Desk
) -> None:
    desk_url = live_server.url
    site_server = _host_site()
    site = f"http://127.0.0.1:{site_server.server_address[1]}"  # the customer's site
    AgentProfile.objects.update_or_create(
        user=desk.alice, defaults={"availability": Availability.ONLINE}
    )
    widget = create_widget(actor=None, name="Shop", allowed_origins=site, team_id=desk.support.pk)
    host_page = (
        "<!doctype html><html lang=en><head><title>Shop</title></head><body><h1>Shop</h1>"
        f'<script src="{desk_url}/static/frontdesk/chat-widget.js" data-widget="{widget.key}">'
        "</script></body></html>"
    )
    visitor_context = browser.new_context()
    visitor_context.set_default_timeout(10_000)
    visitor = visitor_context.new_page()
    errors: list[str] = []
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    site_server.page = host_page.encode()  # type: ignore[attr-defined]
    try:
        visitor.goto(f"{site}/shop")
        chat = visitor.locator("#frontdesk-chat")
        chat.get_by_role("button", name="Chat with us").click()
        chat.get_by_placeholder("Your name").fill("Vic Visitor")
        chat.get_by_placeholder("Your email").fill("vic@example.net")
        chat.get_by_placeholder("How can we help?").fill("My parcel never came")
        chat.get_by_role("button", name="Start chat").click()
        expect(chat.locator(".fd-visitor")).to_contain_text("My parcel never came")

        agent = open_page("alice")
        agent.goto("/desk/chats/")
        expect(agent.locator("[data-chat-state=waiting]")).to_contain_text("My parcel never came")
        agent.get_by_role("button", name="Accept").click()
        expect(agent.get_by_role("heading", level=1)).to_contain_text("My parcel never came")
        expect(chat.locator(".fd-note")).to_contain_text("joined the chat")

        agent.get_by_label("Message (Markdown)").fill("Sorry! Which order number?")
        agent.get_by_role("button", name="Send").click()
        expect(chat.locator(".fd-agent")).to_contain_text("Which order number?")

        chat.get_by_placeholder("Write a message").fill("Order 1009")
        chat.get_by_role("button", name="Send").click()
        expect(agent.locator("#thread")).to_contain_text("Order 1009")

        ticket = Ticket.objects.get()
        assert ticket.channel == Channel.CHAT
        assert ticket.assignee_id == desk.alice.pk
        texts = list(
            Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY)
            .order_by("pk")
            .values_list("body_text", flat=True)
        )
        assert texts == ["My parcel never came", "Sorry! Which order number?", "Order 1009"]
        assert ChatSession.objects.get().state == "active"
        assert errors == []
        assert re.search(r"/desk/tickets/\d+/", agent.url)
    finally:
        visitor_context.close()
        site_server.shutdown()
        site_server.server_close()


def _host_site() -> ThreadingHTTPServer:
    """The customer's site: one page on its own loopback origin, serving the script tag."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body: bytes = self.server.page  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
